// test/webgpu-loss.test.ts — the webgpu backend's loss kernels against ref: class-index losses (crossEntropy
// and nll; C = 1, 3, 10, 1000; [N, C] and [N, C, H, W]; class weights, ignoreIndex, every target ignored,
// label smoothing, each reduction, logits of ±100, NaN rows) and their gradients; crossEntropy against
// probabilities; mse and bce with logits (weights, posWeight, every `need`); sums over many positions (the
// multi-pass tree); findInvalidClass on targets JS wrote and on targets computed on the GPU (NaN losses).
// The class kernels run in both their forms: one dispatch per row, and rows walked over several dispatches
// (rows of 4,097 and 40,000 classes, and the small cases again with GpuRuntime.serialSteps lowered).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, ClassLossAttrs, Reduction } from '../src/backend/backend.js';
import type { Storage } from '../src/backend/storage.js';
import type { DataArray } from '../src/tensor/dtype.js';
import { useWebgpu, rnd, rndInt, webgpuWanted, withSerialSteps } from './helpers/webgpu.js';

const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];

/** Targets in [0, C), with every `ignoreEvery`-th one set to ignoreIndex. */
function targets(n: number, C: number, ignoreIndex: number, ignoreEvery = 0): Int32Array {
  const t = rndInt(n, 0, C);
  if (ignoreEvery) for (let j = 0; j < n; j += ignoreEvery) t[j] = ignoreIndex;
  return t;
}

/** Upstream gradient: one per position for 'none', else one scalar. */
function upstream(reduction: Reduction, positions: number): Float32Array {
  return reduction === 'none' ? rnd(positions, -1, 1) : new Float32Array([0.7]);
}

/**
 * The two forms of the class kernels: rows up to 4,096 classes are walked in one dispatch; longer rows
 * over several (llvmpipe's loop limit, see GpuRuntime.serialSteps). The walked form is reached with these
 * small rows by lowering serialSteps to a third of the row: about three dispatches per walk.
 */
const FORMS: [label: string, steps: (C: number) => number | null][] = [['', () => null], [' (walked)', (C) => Math.ceil(C / 3)]];

describe('webgpu loss', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();
  const tol = { rtol: 1e-5, atol: 1e-5 };

  interface ClassCase { outer: number; C: number; inner: number; weights: boolean; ignoreEvery: number; scale: number }
  const cases: ClassCase[] = [
    { outer: 5, C: 1, inner: 1, weights: false, ignoreEvery: 0, scale: 1 },
    { outer: 7, C: 3, inner: 1, weights: true, ignoreEvery: 3, scale: 3 },
    { outer: 4, C: 3, inner: 5, weights: false, ignoreEvery: 4, scale: 2 },
    { outer: 9, C: 10, inner: 1, weights: false, ignoreEvery: 0, scale: 100 },
    { outer: 3, C: 10, inner: 6, weights: true, ignoreEvery: 5, scale: 5 },
    { outer: 2, C: 1000, inner: 1, weights: true, ignoreEvery: 0, scale: 4 },
    { outer: 2, C: 1000, inner: 3, weights: false, ignoreEvery: 2, scale: 100 },
  ];
  const caseName = (c: ClassCase): string => `[${c.outer}, ${c.C}${c.inner > 1 ? `, ${c.inner}` : ''}]` +
    `${c.weights ? ' weighted' : ''}${c.ignoreEvery ? ` ignoring every ${c.ignoreEvery}th` : ''}${c.scale === 100 ? ' logits ±100' : ''}`;

  /** classLoss then classLossGrad on one backend (the gradient uses the loss's weightSum). */
  const classRun = (kind: 'crossEntropy' | 'nll', b: Backend, S: (a: DataArray) => Storage, a: ClassLossAttrs,
    x: Float32Array, t: DataArray, w: Float32Array | null, g: Float32Array) => {
    const ws = w ? S(w) : null, ts = S(t), xs = S(x);
    const { out, weightSum } = b.classLoss(kind, xs, ts, ws, a);
    const dx = b.classLossGrad(kind, xs, ts, ws, S(g), weightSum, a);
    return { out, weightSum, dx };
  };

  for (const [form, steps] of FORMS) {
    for (const kind of ['crossEntropy', 'nll'] as const) {
      for (const c of cases) {
        test(`${kind} ${caseName(c)}${form}: every reduction${kind === 'crossEntropy' ? ', label smoothing 0 and 0.1' : ''}, loss and gradient`,
          () => withSerialSteps(steps(c.C), async () => {
            const positions = c.outer * c.inner, ignoreIndex = -100;
            for (const reduction of REDUCTIONS) {
              for (const labelSmoothing of kind === 'crossEntropy' ? [0, 0.1] : [0]) {
                const a: ClassLossAttrs = { outer: c.outer, C: c.C, inner: c.inner, ignoreIndex, labelSmoothing, reduction };
                const x = kind === 'nll' ? rnd(c.outer * c.C * c.inner, -5, 0) : rnd(c.outer * c.C * c.inner, -c.scale, c.scale);
                const t = targets(positions, c.C, ignoreIndex, c.ignoreEvery);
                const w = c.weights ? rnd(c.C, 0.2, 2) : null;
                const g = upstream(reduction, positions);
                await gpu.compare(`${kind} ${caseName(c)}${form} ${reduction} ε=${labelSmoothing}`,
                  (b, S) => classRun(kind, b, S, a, x, t, w, g), tol);
              }
            }
          }));
      }
    }

    test(`class losses with every target ignored${form}: 0 per position, NaN mean, 0 sum, zero gradients`, () => withSerialSteps(steps(4), async () => {
      for (const kind of ['crossEntropy', 'nll'] as const) {
        for (const reduction of REDUCTIONS) {
          for (const weights of [false, true]) {
            const a: ClassLossAttrs = { outer: 6, C: 4, inner: 2, ignoreIndex: 3, labelSmoothing: kind === 'nll' ? 0 : 0.1, reduction };
            const t = new Int32Array(12).fill(3), x = rnd(48, -2, 2), w = weights ? rnd(4, 0.5, 1.5) : null, g = upstream(reduction, 12);
            await gpu.compare(`${kind} all ignored ${reduction}${weights ? ' weighted' : ''}${form}`,
              (b, S) => classRun(kind, b, S, a, x, t, w, g), tol);
          }
        }
      }
    }));

    test(`class losses${form}: ignoreIndex inside [0, C), float32 targets, NaN and ±∞ logits`, () => withSerialSteps(steps(3), async () => {
      const a: ClassLossAttrs = { outer: 5, C: 3, inner: 1, ignoreIndex: 1, labelSmoothing: 0.1, reduction: 'none' };
      const x = new Float32Array([1, 2, 3, NaN, 0, 1, 5, Infinity, 0, -Infinity, -Infinity, -Infinity, 1, -Infinity, 2]);
      const t = new Int32Array([1, 0, 2, 0, 2]);
      for (const kind of ['crossEntropy', 'nll'] as const) {
        for (const reduction of REDUCTIONS) {
          await gpu.compare(`${kind} special ${reduction}${form}`,
            (b, S) => classRun(kind, b, S, { ...a, reduction }, x, t, null, upstream(reduction, 5)), tol);
          await gpu.compare(`${kind} float32 targets ${reduction}${form}`,
            (b, S) => classRun(kind, b, S, { ...a, reduction }, rnd(15), new Float32Array([1, 0, 2, 0, 2]), rnd(3, 0.5, 1), upstream(reduction, 5)), tol);
        }
      }
    }));
  }

  for (const [form, steps] of FORMS) {
    test(`crossEntropy with float32 logits near ±3e38 and label smoothing stays finite${form}; its gradient rows sum to 0`,
      () => withSerialSteps(steps(3), async () => {
        const a: ClassLossAttrs = { outer: 2, C: 3, inner: 1, ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'none' };
        const x = new Float32Array([1e30, -1e30, 0, -1e38, 3e38, 3e38]);
        await gpu.compare('crossEntropy extreme', (b, S) => b.classLoss('crossEntropy', S(x), S(new Int32Array([1, 1])), null, a), tol);
        // Ref's float64 lse = m + log 2 rounds to m at 3e38, so its second row takes p = 1 for both top classes
        // (a row summing to 1); here log p = (x − m) − log s keeps p = ½. The first row ref gets exactly.
        const G = gpu.G;
        const xs = gpu.onGpu(x), ts = gpu.onGpu(new Int32Array([1, 1]));
        const { weightSum } = G.classLoss('crossEntropy', xs, ts, null, a);
        const dx = Array.from(await gpu.read(G.classLossGrad('crossEntropy', xs, ts, null, gpu.onGpu(new Float32Array([1, 1])), weightSum, a)));
        const e = 0.1 / 3;
        const want = [1 - e, -e - 0.9, -e, -e, 0.5 - e - 0.9, 0.5 - e];
        dx.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `dx ${dx} vs ${want}`));
      }));
  }

  test('reduced losses over 100,000 positions (three tree passes) match ref to 1e-5', async () => {
    const n = 100_000;
    const a: ClassLossAttrs = { outer: n, C: 3, inner: 1, ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'mean' };
    const x = rnd(3 * n, -3, 3), t = targets(n, 3, -100, 7), w = rnd(3, 0.5, 2);
    for (const reduction of ['mean', 'sum'] as const) {
      await gpu.compare(`crossEntropy ${n} ${reduction}`, (b, S) => classRun('crossEntropy', b, S, { ...a, reduction }, x, t, w,
        new Float32Array([1.3])), tol);
      const m = rnd(n, -2, 2), m2 = rnd(n, -2, 2);
      await gpu.compare(`mse ${n} ${reduction}`, (b, S) => b.mseLoss(S(m), S(m2), reduction), tol);
      await gpu.compare(`bce ${n} ${reduction}`, (b, S) => b.bceWithLogits(S(m), S(rnd(n, 0, 1)), null, null, reduction), tol);
    }
  });

  // Mesa's llvmpipe stops a shader invocation's loops after 65,535 iterations, silently: a cross-entropy
  // over 40,000 classes once came out 9.48 where ref gives 10.14. Rows over 4,096 classes are walked over
  // several dispatches instead; here at the size that was wrong, and on both sides of the switch.
  test('class losses over 4,097 and 40,000 classes (rows walked over several dispatches) match ref, with their gradients', async () => {
    for (const [C, inner] of [[4097, 1], [40_000, 1], [40_000, 2]]) {
      const a: ClassLossAttrs = { outer: 2, C, inner, ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'mean' };
      const x = rnd(2 * C * inner, -3, 3), t = targets(2 * inner, C, -100), w = rnd(C, 0.5, 2);
      await gpu.compare(`crossEntropy C=${C} inner ${inner} weighted`, (b, S) => classRun('crossEntropy', b, S, a, x, t, w, new Float32Array([1])), tol);
      const none: ClassLossAttrs = { ...a, labelSmoothing: 0, reduction: 'none' };
      await gpu.compare(`nll C=${C} inner ${inner}`, (b, S) => classRun('nll', b, S, none, x, t, null, rnd(2 * inner)), tol);
      const probs = rnd(2 * C * inner, 0, 1);
      await gpu.compare(`crossEntropyProb C=${C} inner ${inner} weighted`, (b, S) => {
        const xs = S(x), ts = S(probs), ws = S(w);
        return [b.crossEntropyProb(xs, ts, ws, a), b.crossEntropyProbGrad(xs, ts, ws, S(new Float32Array([1])), a, { input: true, target: true })];
      }, tol);
    }
  });

  const needs = [{ input: true, target: true }, { input: true, target: false }, { input: false, target: true }, { input: false, target: false }];
  const needName = (n: { input: boolean; target: boolean }): string => (n.input ? (n.target ? 'dx dt' : 'dx') : n.target ? 'dt' : 'none');

  for (const [form, steps] of FORMS) {
    test(`crossEntropyProb and its gradient${form}: C = 1, 3, 10, 1000, inner 1 and 4, weights, label smoothing, every need`, async () => {
      for (const [outer, C, inner, weights] of [[4, 1, 1, false], [5, 3, 1, true], [3, 10, 4, false], [3, 10, 4, true], [2, 1000, 1, true]] as const) {
        for (const reduction of REDUCTIONS) {
          for (const labelSmoothing of [0, 0.1]) {
            const a: ClassLossAttrs = { outer, C, inner, ignoreIndex: -100, labelSmoothing, reduction };
            const x = rnd(outer * C * inner, -4, 4);
            // probabilities per position (one all on a class, so some t_c are 0), a few exact zeros elsewhere
            const t = rnd(outer * C * inner, 0, 1);
            for (let q = 0; q < t.length; q += 3) t[q] = 0;
            const w = weights ? rnd(C, 0.5, 2) : null, g = upstream(reduction, outer * inner);
            for (const need of needs) {
              await withSerialSteps(steps(C), () => gpu.compare(
                `crossEntropyProb [${outer}, ${C}, ${inner}] ${reduction} ε=${labelSmoothing}${weights ? ' weighted' : ''} ${needName(need)}${form}`,
                (b, S) => {
                  const xs = S(x), ts = S(t), ws = w ? S(w) : null;
                  return [b.crossEntropyProb(xs, ts, ws, a), b.crossEntropyProbGrad(xs, ts, ws, S(g), a, need)];
                }, tol));
            }
          }
        }
      }
      await withSerialSteps(steps(5), () => gpu.compare(`crossEntropyProb logits ±100${form}`, (b, S) => {
        const a: ClassLossAttrs = { outer: 6, C: 5, inner: 1, ignoreIndex: -100, labelSmoothing: 0, reduction: 'sum' };
        const xs = S(rnd(30, -100, 100)), ts = S(rnd(30, 0, 1));
        return [b.crossEntropyProb(xs, ts, null, a), b.crossEntropyProbGrad(xs, ts, null, S(new Float32Array([1])), a, needs[0])];
      }, tol));
    });
  }

  test('mseLoss and its gradient: every reduction and need', async () => {
    for (const n of [1, 37, 1000]) {
      for (const reduction of REDUCTIONS) {
        const x = rnd(n, -3, 3), t = rnd(n, -3, 3), g = upstream(reduction, n);
        for (const need of needs) {
          await gpu.compare(`mse n=${n} ${reduction} ${needName(need)}`, (b, S) => {
            const xs = S(x), ts = S(t);
            return [b.mseLoss(xs, ts, reduction), b.mseLossGrad(xs, ts, S(g), reduction, need)];
          }, tol);
        }
      }
    }
  });

  test('bceWithLogits and its gradient: weights, posWeight, logits ±100, every reduction and need', async () => {
    for (const n of [1, 37, 500]) {
      for (const reduction of REDUCTIONS) {
        for (const [weights, pos] of [[false, false], [true, false], [false, true], [true, true]]) {
          const x = rnd(n, -100, 100), x2 = rnd(n, -4, 4), t = rnd(n, 0, 1), g = upstream(reduction, n);
          const w = weights ? rnd(n, 0, 2) : null, pw = pos ? rnd(n, 0.5, 3) : null;
          for (const need of needs) {
            for (const [label, xv] of [['±100', x], ['±4', x2]] as const) {
              await gpu.compare(`bce n=${n} ${reduction}${weights ? ' weight' : ''}${pos ? ' posWeight' : ''} ${label} ${needName(need)}`, (b, S) => {
                const xs = S(xv), ts = S(t), ws = w ? S(w) : null, ps = pw ? S(pw) : null;
                return [b.bceWithLogits(xs, ts, ws, ps, reduction), b.bceWithLogitsGrad(xs, ts, ws, ps, S(g), reduction, need)];
              }, tol);
            }
          }
        }
      }
    }
  });

  test('findInvalidClass on targets JS wrote: valid, out of range (both sides), ignoreIndex, C = ∞ and ignoreIndex NaN', () => {
    const G = gpu.G, R = gpu.R;
    const cases: [number[], number, number][] = [
      [[0, 1, 2, 1], 3, -100], [[0, 3, 1], 3, -100], [[0, -1, 1], 3, -100], [[0, -100, 2], 3, -100], [[2, 5, 1, 5], 3, 5],
      [[4, 1], 3, 1], [[0, 7, 2 ** 30], Infinity, NaN], [[0, -2], Infinity, NaN], [[], 3, -100],
    ];
    for (const [values, C, ignoreIndex] of cases) {
      const s = gpu.onGpu(new Int32Array(values)), r = R.alloc('int32', values.length);
      R.write(r, values);
      assert.deepEqual(G.findInvalidClass(s, C, ignoreIndex), R.findInvalidClass(r, C, ignoreIndex), `${values} C=${C} ignore=${ignoreIndex}`);
    }
  });

  for (const [form, steps] of FORMS) {
    test(`targets computed on the GPU${form}: findInvalidClass says null, the losses give NaN where a class is out of range`,
      () => withSerialSteps(steps(3), async () => {
        const G = gpu.G;
        // a cast of float32 data: the int32 targets exist only in GPU memory
        const ts = G.cast(gpu.onGpu(new Float32Array([1, 3, -1, -100, 0, 2])), 'int32');
        assert.equal(G.findInvalidClass(ts, 3, -100), null);
        const x = gpu.onGpu(rnd(18));
        for (const kind of ['crossEntropy', 'nll'] as const) {
          const a: ClassLossAttrs = { outer: 6, C: 3, inner: 1, ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'none' };
          const { out, weightSum } = G.classLoss(kind, x, ts, null, a);
          const per = Array.from(await gpu.read(out));
          assert.ok(Number.isNaN(per[1]) && Number.isNaN(per[2]), `${kind}: NaN at the out-of-range targets, got ${per}`);
          assert.equal(per[3], 0, 'the ignored position');
          assert.ok([0, 4, 5].every((j) => Number.isFinite(per[j])), `${kind}: valid positions, got ${per}`);
          assert.ok(Number.isNaN((await gpu.read(weightSum))[0]));
          const dx = Array.from(await gpu.read(G.classLossGrad(kind, x, ts, null, gpu.onGpu(new Float32Array(6).fill(1)), weightSum, a)));
          assert.ok(dx.slice(3, 9).every(Number.isNaN) && dx.slice(9, 12).every((v) => v === 0) && dx.slice(0, 3).every(Number.isFinite),
            `${kind}: gradient rows NaN where the class is invalid, got ${dx}`);
          for (const reduction of ['mean', 'sum'] as const) {
            const r = G.classLoss(kind, x, ts, null, { ...a, reduction });
            assert.ok(Number.isNaN((await gpu.read(r.out))[0]), `${kind} ${reduction}: NaN`);
            const d = await gpu.read(G.classLossGrad(kind, x, ts, null, gpu.onGpu(new Float32Array([1])), r.weightSum, { ...a, reduction }));
            assert.ok(Number.isNaN(d[3]), `${kind} ${reduction}: NaN gradient row`);
          }
        }
        // float32 targets holding a non-integer: checked on the CPU while JS's values are known, on the GPU once computed there
        const written = gpu.onGpu(new Float32Array([0.5, 1]));
        assert.deepEqual(G.findInvalidClass(written, 3, -100), { index: 0, value: 0.5 });
        const tf = G.binary('mul', written, [2], gpu.onGpu(new Float32Array([1])), [1], [2]);
        assert.equal(G.findInvalidClass(tf, 3, -100), null);
        const { out } = G.classLoss('crossEntropy', gpu.onGpu(rnd(6)), tf, null,
          { outer: 2, C: 3, inner: 1, ignoreIndex: -100, labelSmoothing: 0, reduction: 'none' });
        const v = await gpu.read(out);
        assert.ok(Number.isNaN(v[0]) && Number.isFinite(v[1]), `got ${Array.from(v)}`);
      }));
  }
});
