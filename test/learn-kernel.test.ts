// test/learn-kernel.test.ts — the tutorial's "learning a kernel" loop (examples/learn-kernel.ts): a Conv2d
// with a 1×2 kernel and a bias, trained by plain gradient descent on the summed squared error against
// corr2d(X, [[1, -1]]), recovers the edge detector.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { learnKernel, edgeData } from '../examples/learn-kernel.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('the data: X is ones with columns 2-5 zero, Y marks its two vertical edges', () => {
  const { X, Y } = edgeData();
  assert.deepEqual(X.shape, [6, 8]);
  assert.deepEqual(Y.shape, [6, 7]);
  for (const row of Y.toArray() as number[][]) assert.deepEqual(row, [0, 1, 0, 0, 0, -1, 0]);
});

test('the tutorial loop: 20 steps at lr 0.01, the loss printed at steps 5, 10, 15, 20 falls', () => {
  const printed: [number, number][] = [];
  const r = learnKernel({ steps: 20, lr: 0.01, log: (step, loss) => printed.push([step, loss]) });
  assert.deepEqual(printed.map(([s]) => s), [5, 10, 15, 20]);
  for (let i = 1; i < printed.length; i++) assert.ok(printed[i][1] < printed[i - 1][1], `loss falls: ${JSON.stringify(printed)}`);
  assert.ok(printed[3][1] < printed[0][1] / 10, `by more than 10x: ${JSON.stringify(printed)}`);
  assert.equal(r.losses.length, 20);
});

test('with more steps the kernel is within 0.05 of [1, -1] and the bias within 0.05 of 0', () => {
  for (const seed of [0, 1, 2, 3]) {
    const r = learnKernel({ steps: 100, lr: 0.01, seed });
    assert.ok(Math.abs(r.kernel[0] - 1) < 0.05 && Math.abs(r.kernel[1] + 1) < 0.05, `seed ${seed}: kernel [${r.kernel}]`);
    assert.ok(Math.abs(r.bias) < 0.05, `seed ${seed}: bias ${r.bias}`);
    assert.ok(r.losses[99] < 1e-3, `seed ${seed}: final loss ${r.losses[99]}`);
  }
});

test('the example prints the tutorial\'s lines', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'examples/learn-kernel.ts')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const losses = [5, 10, 15, 20].map((s) => {
    const line = lines.find((l) => l.startsWith(`epoch ${s}, loss `));
    assert.ok(line, `no 'epoch ${s}, loss' line in:\n${r.stdout}`);
    return Number(line!.slice(`epoch ${s}, loss `.length));
  });
  for (let i = 1; i < 4; i++) assert.ok(losses[i] < losses[i - 1], `printed losses fall: ${losses}`);
  assert.match(r.stdout, /kernel after 100 steps: \[1\.000, -1\.000\]/);
});
