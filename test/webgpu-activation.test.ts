// test/webgpu-activation.test.ts — the webgpu backend's softmax / logSoftmax and their gradients,
// leakyRelu, dropout and batch norm (forward and backward) against ref.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AxisLayout, BatchNormAttrs } from '../src/backend/backend.js';
import { LONG_ROW } from '../src/backend/webgpu/activation.js';
import { useWebgpu, rnd, webgpuWanted } from './helpers/webgpu.js';

describe('webgpu activation', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();

  // ---------------------------------------------------------------------------------------- softmax

  /** [outer, n, inner] for softmax over the first, a middle and the last axis of a 3-d tensor. */
  const layouts = (n: number): [string, AxisLayout][] => [
    ['first axis of [n, 5, 3]', { outer: 1, n, inner: 15 }],
    ['middle axis of [4, n, 3]', { outer: 4, n, inner: 3 }],
    ['last axis of [6, n]', { outer: 6, n, inner: 1 }],
  ];
  const size = (l: AxisLayout): number => l.outer * l.n * l.inner;

  for (const log of [false, true]) {
    const name = log ? 'logSoftmax' : 'softmax';
    for (const n of [1, 7, 300, 1000]) {
      test(`${name} and its gradient, n = ${n} (${n >= LONG_ROW ? 'a workgroup per row' : 'a thread per row'}), first/middle/last axis`, async () => {
        for (const [where, l] of layouts(n)) {
          await gpu.compare(`${name} ${where}`, (b, S) => b.softmax(S(rnd(size(l), -3, 3)), l, log), { rtol: 1e-5, atol: 1e-6 });
          await gpu.compare(`${name} ±80 ${where}`, (b, S) => b.softmax(S(rnd(size(l), -80, 80)), l, log), { rtol: 1e-5, atol: 1e-6 });
          await gpu.compare(`${name} grad ${where}`, (b, S) => {
            const y = b.softmax(S(rnd(size(l), -3, 3)), l, log);
            return b.softmaxGrad(y, S(rnd(size(l), -2, 2)), l, log);
          }, { rtol: 1e-5, atol: 1e-5 });
        }
      });
    }

    for (const n of [7, 100]) {
      test(`${name}: rows with NaN, +∞, only −∞, some −∞, n = ${n}; the gradient through them`, async () => {
        // Rows of the last axis: each row one special case, the rest random.
        const kinds = ['NaN', '+inf', 'all -inf', 'some -inf', 'plain', 'NaN and +inf'];
        const x = rnd(kinds.length * n, -5, 5);
        const row = (r: number): Float32Array => x.subarray(r * n, (r + 1) * n);
        row(0)[n >> 1] = NaN;
        row(1)[1] = Infinity;
        row(2).fill(-Infinity);
        row(3)[0] = -Infinity; row(3)[n - 1] = -Infinity;
        row(5)[0] = Infinity; row(5)[n - 1] = NaN;
        const l = { outer: kinds.length, n, inner: 1 };
        await gpu.compare(`${name} special rows`, (b, S) => b.softmax(S(x), l, log), { rtol: 1e-5, atol: 1e-6 });
        // The same rows down the first axis (strided rows, inner = 3).
        const xt = new Float32Array(x.length * 3);
        for (let r = 0; r < kinds.length; r++) for (let k = 0; k < n; k++) for (let j = 0; j < 3; j++) xt[(r * n + k) * 3 + j] = x[r * n + k];
        await gpu.compare(`${name} special rows, inner 3`, (b, S) => b.softmax(S(xt), { outer: kinds.length, n, inner: 3 }, log),
          { rtol: 1e-5, atol: 1e-6 });
        await gpu.compare(`${name} grad special rows`, (b, S) => b.softmaxGrad(b.softmax(S(x), l, log), S(rnd(x.length)), l, log),
          { rtol: 1e-5, atol: 1e-5 });
      });
    }
  }

  // More than 65,535 long rows (workgroups over two dimensions, row = wid.x + wid.y·nwg.x) pass too, but
  // take seconds on llvmpipe (66,000 rows of 64: 8 million invocations with barriers), so no test here.

  // -------------------------------------------------------------------------------------- leakyRelu

  test('leakyRelu and its gradient with slopes 0.01, 0.2, 0, −0.5, 1.5 over random and special values', async () => {
    const x = new Float32Array([...rnd(1001, -3, 3), NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30]);
    for (const slope of [0.01, 0.2, 0, -0.5, 1.5]) {
      await gpu.compare(`leakyRelu ${slope}`, (b, S) => b.leakyRelu(S(x), slope), { rtol: 1e-6, atol: 0 });
      await gpu.compare(`leakyReluGrad ${slope}`, (b, S) => b.leakyReluGrad(S(rnd(x.length, -2, 2)), S(x), slope), { rtol: 1e-6, atol: 0 });
    }
  });

  // ---------------------------------------------------------------------------------------- dropout

  test('dropout: masks identical to ref for p = 0.1, 0.5, 0.9 (and 0, 1) on odd sizes and several seeds', async () => {
    const seeds: [number, number][] = [[0, 0], [0xdeadbeef, 0x12345678], [4294967295, 1], [77, 4000000000]];
    for (const n of [1, 999, 10007]) {
      for (const p of [0.1, 0.5, 0.9, 0, 1]) {
        for (const [s0, s1] of seeds) {
          const x = rnd(n, -2, 2);
          await gpu.compare(`dropout mask n=${n} p=${p} seeds ${s0},${s1}`, (b, S) => b.dropout(S(x), p, s0, s1).mask, { rtol: 0, atol: 0 });
          await gpu.compare(`dropout y n=${n} p=${p}`, (b, S) => b.dropout(S(x), p, s0, s1).y, { rtol: 1e-6, atol: 0 });
        }
      }
    }
    // And the mask is what dropout means: about a fraction p of zeros, the rest 1/(1 − p).
    const m = await gpu.read(gpu.G.dropout(gpu.onGpu(rnd(20000)), 0.3, 1, 2).mask);
    const zeros = Array.from(m).filter((v) => v === 0).length;
    assert.ok(Math.abs(zeros / m.length - 0.3) < 0.02, `zero fraction ${zeros / m.length}`);
    assert.ok(Array.from(m).every((v) => v === 0 || v === Math.fround(1 / 0.7)));
  });

  // ------------------------------------------------------------------------------------- batch norm

  const shapes: [number, number, number][] = [[4, 3, 5], [7, 5, 1], [2, 3, 300], [1, 2, 2], [3, 4, 49]];
  const bnAttrs = (N: number, C: number, S: number, training: boolean): BatchNormAttrs => ({ N, C, S, training, momentum: 0.1, eps: 1e-5 });

  test('batchNorm training: batch statistics, with/without weight and bias and running stats (updated in place)', async () => {
    for (const [N, C, S] of shapes) {
      for (const affine of [false, true]) {
        for (const running of [false, true]) {
          const a = bnAttrs(N, C, S, true);
          await gpu.compare(`batchNorm train [${N},${C},${S}] affine=${affine} running=${running}`, (b, St) => {
            const x = St(rnd(N * C * S, -2, 3));
            const w = affine ? St(rnd(C, 0.5, 1.5)) : null, bias = affine ? St(rnd(C, -1, 1)) : null;
            const rm = running ? St(rnd(C, -1, 1)) : null, rv = running ? St(rnd(C, 0.5, 2)) : null;
            return b.batchNorm(x, w, bias, rm, rv, a);
          }, { rtol: 1e-5, atol: 1e-5, inPlace: true });
        }
      }
    }
  });

  test('batchNorm training: only one running buffer given; a large mean (cancellation)', async () => {
    const a = bnAttrs(5, 3, 7, true);
    await gpu.compare('batchNorm runningMean only', (b, S) => b.batchNorm(S(rnd(105)), null, null, S(rnd(3)), null, a), { rtol: 1e-5, atol: 1e-5, inPlace: true });
    await gpu.compare('batchNorm runningVar only', (b, S) => b.batchNorm(S(rnd(105)), null, null, null, S(rnd(3, 1, 2)), a), { rtol: 1e-5, atol: 1e-5, inPlace: true });
    const big = rnd(105, 99, 101);
    await gpu.compare('batchNorm mean ≈ 100', (b, S) => b.batchNorm(S(big), null, null, S(rnd(3)), S(rnd(3, 1, 2)), a), { rtol: 1e-5, atol: 1e-5, inPlace: true });
  });

  test('batchNorm training, C=16 N=8 S=28·28', async () => {
    const [N, C, S] = [8, 16, 784];
    const a = bnAttrs(N, C, S, true);
    await gpu.compare('batchNorm large', (b, St) => b.batchNorm(St(rnd(N * C * S, -1, 2)), St(rnd(C)), St(rnd(C)), St(rnd(C)), St(rnd(C, 0.5, 2)), a),
      { rtol: 1e-5, atol: 1e-5, inPlace: true });
    await gpu.compare('batchNormGrad large', (b, St) => {
      const x = St(rnd(N * C * S, -1, 2)), w = St(rnd(C));
      const { mean, invstd } = b.batchNorm(x, w, St(rnd(C)), null, null, a);
      return b.batchNormGrad(x, St(rnd(N * C * S)), mean, invstd, w, a, { input: true, weight: true, bias: true });
    }, { rtol: 1e-4, atol: 1e-5 });
  });

  test('batchNorm evaluation: running statistics, with/without weight and bias (running buffers untouched)', async () => {
    for (const [N, C, S] of shapes) {
      for (const affine of [false, true]) {
        const a = bnAttrs(N, C, S, false);
        await gpu.compare(`batchNorm eval [${N},${C},${S}] affine=${affine}`, (b, St) => {
          const x = St(rnd(N * C * S, -2, 3));
          const w = affine ? St(rnd(C, 0.5, 1.5)) : null, bias = affine ? St(rnd(C, -1, 1)) : null;
          return b.batchNorm(x, w, bias, St(rnd(C, -1, 1)), St(rnd(C, 0.5, 2)), a);
        }, { rtol: 1e-5, atol: 1e-5, inPlace: true });
      }
    }
  });

  test('batchNormGrad: every `need` combination, training and evaluation, with and without weight', async () => {
    const needs = [false, true].flatMap((input) => [false, true].flatMap((weight) => [false, true].map((bias) => ({ input, weight, bias }))));
    for (const [N, C, S] of [[4, 3, 5], [6, 2, 1], [2, 3, 130]] as const) {
      for (const training of [true, false]) {
        for (const affine of [false, true]) {
          for (const need of needs) {
            const a = bnAttrs(N, C, S, training);
            await gpu.compare(`batchNormGrad [${N},${C},${S}] training=${training} affine=${affine} need=${JSON.stringify(need)}`, (b, St) => {
              const x = St(rnd(N * C * S, -2, 3)), w = affine ? St(rnd(C, 0.5, 1.5)) : null;
              const { mean, invstd } = b.batchNorm(x, w, null, St(rnd(C, -1, 1)), St(rnd(C, 0.5, 2)), a);
              const r = b.batchNormGrad(x, St(rnd(N * C * S, -1, 1)), mean, invstd, w, a, need);
              assert.equal(r.dx !== null, need.input);
              assert.equal(r.dw !== null, need.weight);
              assert.equal(r.db !== null, need.bias);
              return r;
            }, { rtol: 1e-4, atol: 1e-5 });
          }
        }
      }
    }
  });
});
