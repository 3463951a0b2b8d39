// test/learn-kernel.test.ts — the tutorial's "learning a kernel" loop (examples/learn-kernel.ts): a Conv2d
// with a 1×2 kernel and a bias, trained by plain gradient descent on the summed squared error against
// corr2d(X, [[1, -1]]), recovers the edge detector. The data and the training run on every backend
// (values read through data()); the example's printout is checked once, as a user runs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { learnKernel, edgeData } from '../examples/learn-kernel.js';
import { forEachBackend, nested, scalar, values } from './helpers/backends.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

forEachBackend('learn-kernel', (backend) => {
  test('the data: X is ones with columns 2-5 zero, Y marks its two vertical edges', async () => {
    const { X, Y } = edgeData();
    assert.deepEqual(X.shape, [6, 8]);
    assert.deepEqual(Y.shape, [6, 7]);
    for (const row of await nested(X) as number[][]) assert.deepEqual(row, [1, 1, 0, 0, 0, 0, 1, 1]);
    for (const row of await nested(Y) as number[][]) assert.deepEqual(row, [0, 1, 0, 0, 0, -1, 0]);
  });

  test('the tutorial loop: 20 steps at lr 0.01, the loss printed at steps 5, 10, 15, 20 falls', async () => {
    const printed: [number, number][] = [];
    const r = await learnKernel({ steps: 20, lr: 0.01, log: (step, loss) => printed.push([step, loss]) });
    assert.deepEqual(printed.map(([s]) => s), [5, 10, 15, 20]);
    for (let i = 1; i < printed.length; i++) assert.ok(printed[i][1] < printed[i - 1][1], `loss falls: ${JSON.stringify(printed)}`);
    assert.ok(printed[3][1] < printed[0][1] / 10, `by more than 10x: ${JSON.stringify(printed)}`);
    assert.equal(r.losses.length, 20);
  });

  test('with more steps the kernel is within 0.05 of [1, -1] and the bias within 0.05 of 0', async () => {
    for (const seed of [0, 1, 2, 3]) {
      const r = await learnKernel({ steps: 100, lr: 0.01, seed });
      assert.deepEqual(r.kernel.shape, [1, 2]);
      assert.equal(r.kernel.device, backend, 'trained on the backend under test');
      const kernel = await values(r.kernel), bias = await scalar(r.bias);
      assert.ok(Math.abs(kernel[0] - 1) < 0.05 && Math.abs(kernel[1] + 1) < 0.05, `seed ${seed}: kernel [${kernel}]`);
      assert.ok(Math.abs(bias) < 0.05, `seed ${seed}: bias ${bias}`);
      assert.ok(r.losses[99] < 1e-3, `seed ${seed}: final loss ${r.losses[99]}`);
    }
  });
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
