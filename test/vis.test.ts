// test/vis.test.ts — feature-map and kernel grids, activations through forward hooks, the padding
// measurement (zero padding: dark border; reflect: none), and the picture commands end to end.
// All of them run ops, so every block runs on every registered backend (forEachBackend; ref first, the
// oracle), reading values through `await t.data()`.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, randn, manualSeed, nn, vis, readImage, kernels } from '../src/index.js';
import { lenet5 } from '../src/train/models.js';
import { saveCheckpoint } from '../src/train/checkpoint.js';
import { filterCommand } from '../src/cli/filter.js';
import { paddingDemoCommand } from '../src/cli/padding-demo.js';
import { featuremapsCommand } from '../src/cli/featuremaps.js';
import { kernelsCommand } from '../src/cli/kernels.js';
import { forEachBackend, values } from './helpers/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const asset = (f: string) => join(here, '..', 'assets', 'images', f);
let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'convnet-vis-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** Runs a command with console.log captured. */
async function capture(fn: () => Promise<number> | number): Promise<{ code: number; out: string; err: string }> {
  const log = console.log, write = process.stderr.write.bind(process.stderr);
  let out = '', err = '';
  console.log = (...a: unknown[]) => { out += `${a.join(' ')}\n`; };
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  try {
    return { code: await fn(), out, err };
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
}

forEachBackend('grids', () => {
  test('featureMapGrid: one tile per channel, spaced, normalised per tile', async () => {
    const maps = tensor([[[0, 1], [2, 3]], [[10, 10], [10, 20]], [[-1, -1], [-1, -1]]]);
    const g = vis.featureMapGrid(maps, { ncol: 2, padding: 1 });
    // 2 columns × 2 rows of 2×2 tiles with 1 px gaps: 2·2 + 3 = 7 each way
    assert.deepEqual(g.shape, [1, 7, 7]);
    const gv = await values(g);
    const px = (y: number, x: number) => gv[y * 7 + x];
    assert.equal(px(0, 0), 1, 'gap is white');
    assert.deepEqual([px(1, 1), px(1, 2), px(2, 1), px(2, 2)].map((v) => +v.toFixed(4)), [0, 0.3333, 0.6667, 1]);
    assert.deepEqual([px(1, 4), px(2, 5)], [0, 1], 'second tile min–max on its own');
    assert.equal(px(4, 1), 0.5, 'a constant tile is mid-grey');
    const glob = vis.featureMapGrid(maps.unsqueeze(0), { ncol: 3, padding: 0, normalize: 'global' });
    assert.deepEqual(glob.shape, [1, 2, 6]);
    assert.ok(Math.abs((await values(glob))[0] - 1 / 21) < 1e-7);
    assert.throws(() => vis.featureMapGrid(randn([2, 3, 4, 4])), /one sample's maps/);
  });

  test('kernelGrid: symmetric per tile; RGB tiles for 3 input channels', async () => {
    const w = randn([4, 2, 3, 3]);
    const g = vis.kernelGrid(w, { scale: 1, padding: 1 });
    assert.deepEqual(g.shape, [1, 4 * 3 + 5, 2 * 3 + 3]);
    assert.ok(Math.max(...(await values(g)).map(Math.abs)) <= 1 + 1e-6);
    const rgb = vis.kernelGrid(randn([6, 3, 5, 5]), { scale: 2 });
    assert.equal(rgb.shape[0], 3);
    assert.throws(() => vis.kernelGrid(randn([3, 3])), /expected a conv weight/);
  });

  test('makeGrid validates its options', () => {
    assert.throws(() => vis.makeGrid(randn([2, 1, 3, 3]), { ncol: 0 }), /ncol must be an integer ≥ 1/);
    assert.throws(() => vis.makeGrid(randn([2, 1, 3, 3]), { normalize: 'x' as never }), /normalize must be/);
  });
});

forEachBackend('captureActivations (forward hooks)', () => {
  test('returns the named layers\' outputs and removes its hooks', () => {
    manualSeed(1);
    const model = lenet5();
    const x = randn([1, 1, 28, 28]);
    const acts = vis.captureActivations(model, ['features.0', 'features.2', 'features.3'], x);
    assert.deepEqual(acts.get('features.0')!.shape, [1, 6, 28, 28]);
    assert.deepEqual(acts.get('features.2')!.shape, [1, 6, 14, 14]);
    assert.deepEqual(acts.get('features.3')!.shape, [1, 16, 10, 10]);
    // hooks gone: calling again records nothing new
    let calls = 0;
    const h = vis.findModule(model, 'features.0').registerForwardHook(() => { calls++; });
    model(x);
    h.remove();
    assert.equal(calls, 1);
    assert.throws(() => vis.captureActivations(model, ['features.9'], x), /no layer named 'features.9' in the model; layers: \(root\) Sequential, features Sequential, features.0 Conv2d/);
  });
});

forEachBackend('padding artifacts, measured', () => {
  test('zero padding darkens the border of a blurred photo; reflect and replicate do not', async () => {
    const res = await vis.paddingDemo(readImage(asset('camera.png')), kernels.boxKernel(7));
    const row = (m: string) => res.rows.find((r) => r.mode === m)!;
    assert.ok(row('zeros').borderBias < -0.1, `zeros bias ${row('zeros').borderBias}`);
    assert.ok(row('zeros').borderMad > 20 * row('reflect').borderMad);
    assert.ok(Math.abs(row('reflect').borderBias) < 0.005);
    assert.ok(row('replicate').borderMad < 0.01);
    for (const r of res.rows) assert.ok(r.interiorMad < 1e-6, `${r.mode} interior ${r.interiorMad}`);
  });
});

forEachBackend('commands', (backend) => {
  test('convnet filter: every named kernel on a photo, and a matrix kernel', async () => {
    for (const k of ['sobel-x', 'sobel-y', 'sobel', 'laplacian', 'gaussian', 'box', 'sharpen', 'emboss']) {
      const out = join(dir, backend, `f-${k}.png`);
      const r = await capture(() => filterCommand.run([asset('chelsea.png'), '--kernel', k, '-o', out]));
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(readImage(out).shape, [3, 300, 451]);
    }
    const r = await capture(() => filterCommand.run([asset('camera.png'), '--kernel', '[[1, -1]]', '--padding', 'zeros', '--stride', '2', '-o', join(dir, backend, 'm.png')]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\[1, 512, 512\] → \[1, 256, 256\]/);
    assert.equal(readImage(join(dir, backend, 'm.png')).shape[0], 3, 'signed one-channel map → diverging colour');
  });

  test('convnet filter: usage errors', async () => {
    let r = await capture(() => filterCommand.run([asset('camera.png'), '-o', join(dir, backend, 'x.png')]));
    assert.equal(r.code, 2);
    assert.match(r.err, /--kernel is required/);
    r = await capture(() => filterCommand.run([asset('camera.png'), '--kernel', 'sobel', '--padding', 'mirror', '-o', join(dir, backend, 'x.png')]));
    assert.match(r.err, /--padding must be zeros, reflect, replicate or circular, got 'mirror'/);
    r = await capture(() => filterCommand.run(['/nope.png', '--kernel', 'sobel', '-o', join(dir, backend, 'x.png')]));
    assert.equal(r.code, 1);
    assert.match(r.err, /readImage: cannot read '\/nope.png'/);
  });

  test('convnet padding-demo writes the pictures and the table', async () => {
    const r = await capture(() => paddingDemoCommand.run([asset('coins.png'), '-o', join(dir, backend, 'pad'), '--size', '5']));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^zeros +[\d.]+ +-[\d.]+/m);
    for (const f of ['original', 'zeros', 'reflect', 'replicate', 'circular', 'side-by-side', 'border-error']) assert.ok(existsSync(join(dir, backend, 'pad', `${f}.png`)), f);
  });

  test('convnet featuremaps and kernels on a saved lenet5 checkpoint', async () => {
    manualSeed(2);
    const model = lenet5();
    await saveCheckpoint(join(dir, backend, 'ck'), { model, epoch: 1, modelName: 'lenet5' });
    let r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.0', asset('coins.png'), '-o', join(dir, backend, 'maps.png'), '--invert']));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /lenet5 features.0: input \[1, 1, 28, 28\] → feature maps \[1, 6, 28, 28\]/);
    assert.equal(readImage(join(dir, backend, 'maps.png')).shape[0], 1);
    r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.4', asset('coins.png'), '-o', join(dir, backend, 'maps2.png')]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /feature maps \[1, 16, 10, 10\]/);
    r = await capture(() => kernelsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.3', '-o', join(dir, backend, 'k.png')]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /weight \[16, 6, 5, 5\]/);
    r = await capture(() => kernelsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.1', '-o', join(dir, backend, 'k.png')]));
    assert.equal(r.code, 1);
    assert.match(r.err, /layer 'features.1' \(ReLU\) has no 4-D conv weight/);
    r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'conv1', asset('coins.png'), '-o', join(dir, backend, 'x.png')]));
    assert.match(r.err, /no layer named 'conv1'/);
    // Sizes and scales are bounded: a huge value is a usage error before any work, not gigabytes.
    r = await capture(() => featuremapsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.0', asset('coins.png'), '-o', join(dir, backend, 'x.png'), '--size', '1000000000']));
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--size must be an integer from 1 to 1024, got '1000000000'/);
    r = await capture(() => kernelsCommand.run(['--checkpoint', join(dir, backend, 'ck'), '--layer', 'features.3', '-o', join(dir, backend, 'k.png'), '--scale', '99999']));
    assert.match(r.err, /--scale must be an integer from 1 to 64, got '99999'/);
    r = await capture(() => paddingDemoCommand.run([asset('coins.png'), '-o', join(dir, backend, 'pad'), '--size', '100001']));
    assert.match(r.err, /--size must be an integer from 1 to 99, got '100001'/);
  });

  test('an nn.Conv2d\'s weight renders with kernelGrid', () => {
    const c = new nn.Conv2d(3, 8, 3);
    assert.equal(vis.kernelGrid(c.weight).shape[0], 3);
  });
});
