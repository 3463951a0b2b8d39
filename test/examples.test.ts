// test/examples.test.ts — runs every example of the tutorial (examples/*.ts, as `convnet tour` does) in its
// own process and checks the numbers it prints against the tutorial's (computed independently: by hand,
// d2l's text, or numpy) and that it wrote its pictures.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOUR } from '../src/cli/tour.js';
import { readsSync, testBackends } from './helpers/backends.js';
import { requireBuiltCli } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let out = '';
const outs: string[] = [];
after(() => { for (const d of outs) rmSync(d, { recursive: true, force: true }); });

/** The backend the examples run on: each describe block below runs once per backend. */
let exampleBackend = 'wasm';

/** Runs one example as `convnet tour` does: its build in dist/examples under plain node (no tsx, which
 *  spent two seconds compiling the library for each of these processes); a dist/ older than the sources
 *  is refused (test/helpers/cli.ts). */
function run(name: string): string {
  requireBuiltCli();
  const r = spawnSync(process.execPath, [join(root, 'dist', 'examples', `${name}.js`), '--out', out],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CONVNET_BACKEND: exampleBackend } });
  assert.equal(r.status, 0, `examples/${name}.ts failed on ${exampleBackend}:\n${r.stderr}`);
  return r.stdout;
}

/** Every number in a printed tensor, e.g. 'tensor([[19., 25.],\n [37., 43.]])' → [19, 25, 37, 43]. */
function numbersAfter(text: string, label: string): number[] {
  const i = text.indexOf(label);
  assert.ok(i >= 0, `no '${label}' in the output`);
  const rest = text.slice(i + label.length);
  const m = rest.match(/tensor\(([\s\S]*?)\)(?:\s|$)/);
  assert.ok(m, `no tensor after '${label}'`);
  return (m[1].match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number);
}

const pictures = (dir: string) => (existsSync(join(out, dir)) ? readdirSync(join(out, dir)).filter((f) => f.endsWith('.png')) : []);

test('every tour section has an example file', () => {
  for (const [file] of TOUR) assert.ok(existsSync(join(root, 'examples', `${file}.ts`)) || file === 'learn-kernel', `examples/${file}.ts`);
});

// The examples print tensors as the tutorial (and PyTorch) does, synchronously: they run on the backends
// that can read synchronously (the CPU ones). On webgpu, printing a computed tensor says to use
// `await t.dataAsync()` (test/tensor.test.ts checks that), and the library code the examples exercise runs
// there through the op tests.
for (const backend of testBackends().filter(readsSync)) describe(`examples (the tutorial, section by section) [${backend}]`, () => {
  // Each backend writes its pictures to a folder of its own, so no check can pass on the other's files.
  before(() => { exampleBackend = backend; out = mkdtempSync(join(tmpdir(), `convnet-examples-${backend}-`)); outs.push(out); });

  test('signal-convolution: numpy.convolve([1, 2, 3], [0, 1, 0.5]) in each mode', () => {
    const s = run('signal-convolution');
    assert.deepEqual(numbersAfter(s, 'convolve1d(a, v, full) ='), [0, 1, 2.5, 4, 1.5]);
    assert.deepEqual(numbersAfter(s, 'convolve1d(a, v, same) ='), [1, 2.5, 4]);
    assert.deepEqual(numbersAfter(s, 'convolve1d(a, v, valid) ='), [2.5]);
    assert.deepEqual(numbersAfter(s, 'conv1d(x, [1, 0, -1])'), [-2, -2, -2]);
    assert.deepEqual(numbersAfter(s, 'convolve1d(x, [1, 0, -1], valid) ='), [2, 2, 2]);
    const [noisy, smooth] = s.match(/noisy ([\d.]+), smoothed ([\d.]+)/)!.slice(1).map(Number);
    assert.ok(smooth < noisy);
  });

  test('cross-correlation: corr2d = [[19, 25], [37, 43]]; convolve2d rotates the kernel', () => {
    const s = run('cross-correlation');
    assert.deepEqual(numbersAfter(s, 'corr2d(X, K) ='), [19, 25, 37, 43]);
    assert.deepEqual(numbersAfter(s, 'convolve2d(X, K)       ='), [5, 11, 23, 29]);
    assert.deepEqual(numbersAfter(s, 'corr2d(X, flip(K))     ='), [5, 11, 23, 29]);
  });

  test('conv2d-layer: Conv2d(5, 10, 3) on 1×5×100×100 → 1×10×98×98, weight 10×5×3×3', () => {
    const s = run('conv2d-layer');
    assert.match(s, /weight \[10, 5, 3, 3\] bias \[10\]/);
    assert.match(s, /output \[1, 10, 98, 98\]/);
    assert.match(s, /parameters 460/);
    assert.match(s, /padding_mode=reflect\) → \[1, 10, 100, 100\]/);
    assert.match(s, /stride=\(2, 2\), padding=\(1, 1\)\) → \[1, 10, 50, 50\]/);
    assert.deepEqual(numbersAfter(s, 'bias 0.5 on [[1, 1, 0, 0]]:'), [0.5, 1.5, 0.5]);
  });

  test('edge-detection: 1 and −1 at the two edges, 0 elsewhere; nothing on the transpose; photo edge maps', () => {
    const s = run('edge-detection');
    const y = numbersAfter(s, 'corr2d(X, [[1, -1]]) =');
    assert.equal(y.length, 42);
    for (let i = 0; i < 6; i++) assert.deepEqual(y.slice(7 * i, 7 * i + 7), [0, 1, 0, 0, 0, -1, 0]);
    assert.ok(numbersAfter(s, 'corr2d(X.T, K) =').every((v) => v === 0));
    assert.match(s, /sobel-x {3}\[1, 512, 512\]/);
    assert.deepEqual(pictures('edge-detection').sort(), ['camera.png', 'laplacian.png', 'sobel-x.png', 'sobel-y.png', 'sobel.png']);
  });

  test('learn-kernel (the training engineer\'s example) runs', { skip: !existsSync(join(root, 'examples', 'learn-kernel.ts')) }, () => {
    const s = run('learn-kernel');
    // the printed losses fall, and 100 steps learn the tutorial's edge detector [1, -1] back (bias 0)
    const losses = [...s.matchAll(/epoch (\d+), loss ([\d.]+)/g)].slice(0, 4).map((m) => Number(m[2]));
    assert.equal(losses.length, 4, s);
    assert.ok(losses[3] < losses[0], `losses at steps 5–20: ${losses.join(' ')}`);
    const m = /kernel after 100 steps: \[(-?[\d.]+), (-?[\d.]+)\].*bias (-?[\d.]+)/.exec(s);
    assert.ok(m, s);
    assert.ok(Math.abs(Number(m[1]) - 1) < 0.01 && Math.abs(Number(m[2]) + 1) < 0.01 && Math.abs(Number(m[3])) < 0.01, m[0]);
  });

  test('single-channel: the 5×5 input with kernel 1…9, valid / padding 1 / stride 2 (numpy)', () => {
    const s = run('single-channel');
    assert.deepEqual(numbersAfter(s, 'valid (no padding) [3×3] ='), [211, 295, 262, 259, 282, 214, 251, 253, 169]);
    assert.deepEqual(numbersAfter(s, 'padding 1 [5×5] ='), [91, 168, 224, 215, 127, 114, 211, 295, 262, 149, 192, 259, 282, 214, 122, 194, 251, 253, 169, 86, 96, 112, 110, 68, 31]);
    assert.deepEqual(numbersAfter(s, 'padding 1, stride 2 [3×3] ='), [91, 224, 127, 192, 282, 122, 96, 110, 31]);
  });

  test('multi-channel: [[56, 72], [104, 120]]; K, K+1, K+2; 1×1 conv = matmul', () => {
    const s = run('multi-channel');
    assert.deepEqual(numbersAfter(s, 'corr2d_multi_in(X, K) ='), [56, 72, 104, 120]);
    assert.deepEqual(numbersAfter(s, 'conv2d(X[None], K[None]) ='), [56, 72, 104, 120]);
    assert.match(s, /K.shape = \[3, 2, 2, 2\]/);
    assert.deepEqual(numbersAfter(s, 'corr2d_multi_in_out(X, K) ='), [56, 72, 104, 120, 76, 100, 148, 172, 96, 128, 192, 224]);
    assert.match(s, /output shape \[2, 3, 3\] max \|conv − matmul\| = < 1e-6/);
  });

  test('feature-maps: six maps of the photo, the identity map is the photo', () => {
    const s = run('feature-maps');
    assert.match(s, /→ feature maps \[1, 6, 512, 512\]/);
    assert.match(s, /0 identity {2}min {2}0\.0000 {2}max {2}1\.0000/);
    assert.match(s, /4 laplacian .* mean {2}0\.0000/);
    assert.match(s, /pooled \[1, 6, 256, 256\]/);
    assert.deepEqual(pictures('feature-maps').sort(), ['kernels.png', 'maps.png', 'pooled.png']);
  });

  test('padding: the four modes of F.pad; zero padding leaves a dark border, reflect does not', () => {
    const s = run('padding');
    assert.deepEqual(numbersAfter(s, 'reflect:').slice(0, 7), [4, 2, 4, 6, 8, 2, 8]);
    assert.deepEqual(numbersAfter(s, 'replicate:').slice(0, 7), [3, 3, 4, 6, 5, 7, 7]);
    assert.deepEqual(numbersAfter(s, 'circular:').slice(0, 7), [1, 3, 7, 5, 4, 1, 3]);
    assert.match(s, /k=7 p=3: 5×5 → 5×5/);
    const row = (mode: string) => s.match(new RegExp(`^${mode} +([\\d.]+) +([-+][\\d.]+) +([\\d.]+)$`, 'm'))!.slice(1).map(Number);
    const [zMad, zBias] = row('zeros'), [rMad] = row('reflect');
    assert.ok(zMad > 0.1 && zBias < -0.1, `zeros: MAD ${zMad}, bias ${zBias}`);
    assert.ok(rMad < 0.01, `reflect: MAD ${rMad}`);
    assert.ok(zMad > 20 * rMad);
    assert.deepEqual(pictures('padding').sort(), ['border-error.png', 'side-by-side.png']);
  });

  test('stride: stride 2 results and the output-size formula', () => {
    const s = run('stride');
    assert.deepEqual(numbersAfter(s, 'stride 2, padding 1 ='), [91, 224, 127, 192, 282, 122, 96, 110, 31]);
    assert.deepEqual(numbersAfter(s, 'stride 2, padding 0 ='), [211, 262, 251, 169]);
    assert.deepEqual(numbersAfter(s, 'stride (3, 1), padding (0, 1) ='), [114, 211, 295, 262, 149]);
    for (const m of s.matchAll(/formula (\d+), conv2d (\d+)/g)) assert.equal(m[1], m[2]);
    assert.match(s, /\[3, 300, 451\] → \[3, 150, 226\] → \[3, 75, 113\]/);
  });

  test('pooling: max [[4, 5], [7, 8]], average [[2, 3], [5, 6]]', () => {
    const s = run('pooling');
    assert.deepEqual(numbersAfter(s, 'max ='), [4, 5, 7, 8]);
    assert.deepEqual(numbersAfter(s, 'avg ='), [2, 3, 5, 6]);
    assert.deepEqual(numbersAfter(s, 'maxPool2d(X, 3) ='), [10]);
    assert.deepEqual(numbersAfter(s, 'maxPool2d(X, 3, padding 1, stride 2) ='), [5, 7, 13, 15]);
    assert.deepEqual(numbersAfter(s, 'maxPool2d(., 3, padding 1, stride 2) ='), [5, 7, 13, 15, 6, 8, 14, 16]);
    assert.deepEqual(pictures('pooling'), ['max-vs-avg.png']);
  });

  test('convolution-theorem: FFT product = direct convolution, 1-D and 2-D', () => {
    const s = run('convolution-theorem');
    assert.deepEqual(numbersAfter(s, 'convolve1d(a, v)          ='), [1, 2, 2, 2, -3, -4]);
    assert.deepEqual(numbersAfter(s, 'irfft(rfft(a)·rfft(v), 6) ='), [1, 2, 2, 2, -3, -4]);
    assert.match(s, /10\.0000\+0\.0000j, -2\.0000\+2\.0000j, -2\.0000\+0\.0000j, -2\.0000-2\.0000j/);
    assert.equal((s.match(/max relative difference < 1e-5/g) ?? []).length, 4);
    assert.match(s, /FFT vs direct, max \|difference\| < 1e-4/);
    assert.deepEqual(pictures('convolution-theorem').sort(), ['blur-fft.png', 'spectrum.png']);
  });

  test('properties: exact equivariance with circular padding; 156 vs 3,692,640 parameters', () => {
    const s = run('properties');
    assert.match(s, /circular padding, shift \(5, 7\): max \|conv\(shift x\) − shift\(conv x\)\| = 0\.0e\+0/);
    assert.match(s, /equal away from the borders \(max diff 0\.0e\+0\), not at them \(max diff [1-9]/);
    assert.match(s, /moved by \(10, 20\) pixels: the edge map moves by \(10, 20\), max difference 0\.0e\+0/);
    assert.match(s, /Conv2d\(1, 6, 5, padding 2\): 156 parameters/);
    assert.match(s, /3,692,640 parameters/);
  });
});
