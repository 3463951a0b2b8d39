// test/webgpu-reduce.test.ts — the webgpu backend's reductions (reduce, argReduce, prodGrad) and data
// movers (permute, expand, cat, flip, indexSelect, indexSelectGrad, oneHot, bincount) against ref.

import { describe, test } from 'node:test';
import type { ReduceOp } from '../src/backend/backend.js';
import { useWebgpu, rnd, rndInt, webgpuWanted } from './helpers/webgpu.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Float values with NaN and ±∞ put at a few positions. */
function withSpecials(n: number, every: number): Float32Array {
  const a = rnd(n, -3, 3);
  for (let i = 3; i < n; i += every) a[i] = [NaN, Infinity, -Infinity][(i / every | 0) % 3];
  return a;
}

describe('webgpu reductions and data movers', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();

  // [shape, axes]: one axis (innermost, outer, middle), several (adjacent and not), all, none, size-1
  // dims, rows longer than one chunk (a second pass), ranks 1–5, empty tensors and empty reductions.
  const cases: [number[], number[]][] = [
    [[7], [0]], [[1000], [0]], [[37, 53], [1]], [[37, 53], [0]], [[37, 53], [0, 1]], [[4, 5, 6], [1]],
    [[2, 3, 4, 5], [0, 2, 3]], [[8, 16, 12, 12], [0, 2, 3]], [[3, 1, 5], [1]], [[3, 1, 5], [0, 1]],
    [[2, 3, 4, 5, 6], [1, 3]], [[2, 3, 4, 5, 6], [0, 1, 2, 3, 4]], [[2, 3, 4, 5, 6], [0, 4]], [[5, 300], [1]],
    [[3, 9000], [1]], [[9000, 3], [0]], [[20, 600, 7], [1]], [[6, 5], []], [[0, 4], [1]], [[3, 0], [1]], [[3, 0, 2], [0, 2]],
    [[100000, 3], [1]],
  ];
  const ops: ReduceOp[] = ['sum', 'max', 'min', 'prod'];
  for (const op of ops) {
    test(`reduce ${op}: ${cases.length} shapes and axis sets, float32 and int32`, async () => {
      for (const [shape, axes] of cases) {
        const n = size(shape);
        // prod: factors near 1 (float32) and ±1, ±2, 0 (int32: exact powers of two, as ref's doubles are).
        const f = op === 'prod' ? () => rnd(n, 0.8, 1.25) : () => rnd(n, -2, 2);
        const i = op === 'prod' ? () => rndInt(n, -2, 3) : () => rndInt(n, -100, 100);
        const tol = op === 'prod' ? { rtol: 1e-3, atol: 0 } : { rtol: 1e-5, atol: 1e-5 };
        await gpu.compare(`${op} [${shape}] over [${axes}]`, (b, S) => b.reduce(op, S(f()), shape, axes), tol);
        await gpu.compare(`${op} int32 [${shape}] over [${axes}]`, (b, S) => b.reduce(op, S(i()), shape, axes), { rtol: 0, atol: 0 });
      }
    });
  }
  test('reduce max/min propagate NaN; ±∞ are values', async () => {
    for (const [shape, axes] of [[[13, 29], [1]], [[13, 29], [0]], [[4, 6, 5], [0, 2]], [[300], [0]]] as [number[], number[]][]) {
      for (const op of ['max', 'min'] as const) {
        await gpu.compare(`${op} specials [${shape}] over [${axes}]`, (b, S) => b.reduce(op, S(withSpecials(size(shape), 17)), shape, axes));
      }
    }
    const infs = new Float32Array([-Infinity, -Infinity, Infinity, Infinity, NaN, 1, 1, NaN]);
    await gpu.compare('max of ±∞ rows', (b, S) => b.reduce('max', S(infs), [4, 2], [1]));
    await gpu.compare('min of ±∞ rows', (b, S) => b.reduce('min', S(infs), [4, 2], [1]));
  });
  test('reduce sum of 10⁶ elements: within 1e-5 relative of ref\'s float64 sum', async () => {
    await gpu.compare('sum 1e6 positive', (b, S) => b.reduce('sum', S(rnd(1_000_000, 0, 1)), [1_000_000], [0]), { rtol: 1e-5, atol: 0 });
    await gpu.compare('sum 1e6 as [1000, 1000] over both', (b, S) => b.reduce('sum', S(rnd(1_000_000, 0.5, 1)), [1000, 1000], [0, 1]),
      { rtol: 1e-5, atol: 0 });
    await gpu.compare('sum 1e6 mixed signs, rows of 250000', (b, S) => b.reduce('sum', S(rnd(1_000_000)), [4, 250000], [1]), { rtol: 1e-5, atol: 1e-5 });
  });

  test('argReduce: first extreme along each axis, ties, NaN wins, float32 and int32', async () => {
    const shapes: [number[], number][] = [[[1000], 0], [[37, 53], 1], [[37, 53], 0], [[2, 3, 4, 5], 2], [[5, 300], 1], [[3, 1, 4], 1],
      [[7, 2000], 1], [[2000, 3], 0]];
    for (const op of ['argmax', 'argmin'] as const) {
      for (const [shape, axis] of shapes) {
        const n = size(shape);
        await gpu.compare(`${op} [${shape}] axis ${axis}`, (b, S) => b.argReduce(op, S(rnd(n)), shape, axis));
        // Few distinct values: many ties, the first must win.
        await gpu.compare(`${op} ties [${shape}] axis ${axis}`, (b, S) => b.argReduce(op, S(Float32Array.from(rndInt(n, 0, 4))), shape, axis));
        await gpu.compare(`${op} int32 [${shape}] axis ${axis}`, (b, S) => b.argReduce(op, S(rndInt(n, -5, 5)), shape, axis));
        await gpu.compare(`${op} specials [${shape}] axis ${axis}`, (b, S) => b.argReduce(op, S(withSpecials(n, 11)), shape, axis));
      }
      const rows = new Float32Array([NaN, 1, 2, /**/ 1, NaN, NaN, /**/ -Infinity, -Infinity, -Infinity, /**/ Infinity, 5, Infinity, /**/ 0, -0, 0]);
      await gpu.compare(`${op} special rows`, (b, S) => b.argReduce(op, S(rows), [5, 3], 1));
      await gpu.compare(`${op} empty axis`, (b, S) => b.argReduce(op, S(new Float32Array(0)), [3, 0], 1));
    }
  });

  test('prodGrad: short and long rows, with zeros (one, two per row), exact', async () => {
    for (const [outer, R] of [[5, 7], [40, 32], [3, 33], [3, 200], [1, 1000], [2, 1]]) {
      const x = () => {
        const a = rnd(outer * R, 0.8, 1.25);
        for (let o = 0; o < outer; o++) {
          if (o % 3 === 1) a[o * R + (o * 7) % R] = 0;
          if (o % 3 === 2) { a[o * R] = 0; a[o * R + R - 1] = 0; }
        }
        return a;
      };
      await gpu.compare(`prodGrad [${outer}, ${R}]`, (b, S) => b.prodGrad(S(x()), S(rnd(outer, -2, 2)), outer, R), { rtol: 1e-3, atol: 0 });
    }
    await gpu.compare('prodGrad int32', (b, S) => b.prodGrad(S(rndInt(60, -2, 3)), S(rndInt(6, -3, 3)), 6, 10), { rtol: 0, atol: 0 });
  });

  test('permute: several perms, ranks 1–5, int32', async () => {
    const perms: [number[], number[]][] = [[[9], [0]], [[37, 53], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [1, 0, 2]], [[2, 3, 4], [0, 1, 2]],
      [[2, 3, 4, 5, 6], [4, 2, 0, 3, 1]], [[1, 5, 1, 3], [3, 1, 0, 2]], [[4, 6, 8, 10], [0, 2, 3, 1]], [[64, 65], [1, 0]]];
    for (const [shape, perm] of perms) {
      await gpu.compare(`permute [${shape}] by [${perm}]`, (b, S) => b.permute(S(rnd(size(shape))), shape, perm), { rtol: 0, atol: 0 });
      await gpu.compare(`permute int32 [${shape}] by [${perm}]`, (b, S) => b.permute(S(rndInt(size(shape), -9, 9)), shape, perm), { rtol: 0, atol: 0 });
    }
  });

  test('expand: broadcasting dims, new leading dims, int32', async () => {
    const pairs: [number[], number[]][] = [[[3, 1], [3, 5]], [[1], [4, 6]], [[5], [2, 3, 5]], [[2, 1, 3, 1], [2, 4, 3, 5]], [[1, 1], [1, 1]],
      [[1, 7], [6, 7]], [[3, 4], [2, 3, 4]]];
    for (const [shape, out] of pairs) {
      await gpu.compare(`expand [${shape}] → [${out}]`, (b, S) => b.expand(S(rnd(size(shape))), shape, out), { rtol: 0, atol: 0 });
      await gpu.compare(`expand int32 [${shape}] → [${out}]`, (b, S) => b.expand(S(rndInt(size(shape), -9, 9)), shape, out), { rtol: 0, atol: 0 });
    }
  });

  test('cat: 1–4 inputs of different row counts, an empty one, int32', async () => {
    const cases: [number, number[]][] = [[3, [5]], [4, [2, 7]], [1, [3, 1, 4]], [5, [6, 0, 2, 9]], [200, [3, 5, 1, 2]]];
    for (const [outer, rows] of cases) {
      await gpu.compare(`cat outer ${outer} rows [${rows}]`, (b, S) => b.cat(rows.map((r) => S(rnd(outer * r))), outer, rows), { rtol: 0, atol: 0 });
      await gpu.compare(`cat int32 outer ${outer} rows [${rows}]`, (b, S) => b.cat(rows.map((r) => S(rndInt(outer * r, -9, 9))), outer, rows),
        { rtol: 0, atol: 0 });
    }
  });

  test('flip: one axis, several, all, int32', async () => {
    const cases: [number[], number[]][] = [[[5], [0]], [[4, 5, 6], [0, 2]], [[4, 5, 6], [1]], [[4, 5, 6], [1, 2]], [[2, 3, 4, 5], [0, 1, 2, 3]],
      [[3, 1, 4], [1]], [[2, 3, 4, 5, 6], [0, 3]]];
    for (const [shape, axes] of cases) {
      await gpu.compare(`flip [${shape}] over [${axes}]`, (b, S) => b.flip(S(rnd(size(shape))), shape, axes), { rtol: 0, atol: 0 });
      await gpu.compare(`flip int32 [${shape}] over [${axes}]`, (b, S) => b.flip(S(rndInt(size(shape), -9, 9)), shape, axes), { rtol: 0, atol: 0 });
    }
  });

  const layouts: [{ outer: number; n: number; inner: number }, number[]][] = [
    [{ outer: 3, n: 7, inner: 5 }, [6, 0, 0, 3, 6, 6]], [{ outer: 1, n: 4, inner: 1 }, [3, 3, 3, 3, 0]], [{ outer: 6, n: 5, inner: 1 }, [4, 1]],
    [{ outer: 2, n: 9, inner: 3 }, []], [{ outer: 2, n: 50, inner: 8 }, Array.from(rndInt(300, 0, 50))],
  ];
  test('indexSelect: repeated indices, inner 1, outer 1, int32', async () => {
    for (const [l, ix] of layouts) {
      const n = l.outer * l.n * l.inner;
      await gpu.compare(`indexSelect ${JSON.stringify(l)} [${ix.length}]`, (b, S) => b.indexSelect(S(rnd(n)), l, S(Int32Array.from(ix))),
        { rtol: 0, atol: 0 });
      await gpu.compare(`indexSelect int32 ${JSON.stringify(l)}`, (b, S) => b.indexSelect(S(rndInt(n, -9, 9)), l, S(Int32Array.from(ix))),
        { rtol: 0, atol: 0 });
    }
  });
  test('indexSelectGrad: repeated indices summed in ref\'s order (bitwise), index from JS and from a kernel', async () => {
    for (const [l, ix] of layouts) {
      const n = l.outer * ix.length * l.inner;
      await gpu.compare(`indexSelectGrad ${JSON.stringify(l)} [${ix.length}]`,
        (b, S) => b.indexSelectGrad(S(rnd(n)), l, S(Int32Array.from(ix))), { rtol: 0, atol: 0 });
      // An index a kernel wrote (JS cannot see it): the grouping is built on the GPU.
      await gpu.compare(`indexSelectGrad, GPU-made index ${JSON.stringify(l)} [${ix.length}]`,
        (b, S) => b.indexSelectGrad(S(rnd(n)), l, b.cast(S(Float32Array.from(ix)), 'int32')), { rtol: 0, atol: 0 });
      await gpu.compare(`indexSelectGrad int32 ${JSON.stringify(l)}`,
        (b, S) => b.indexSelectGrad(S(rndInt(n, -9, 9)), l, b.cast(S(Float32Array.from(ix)), 'int32')), { rtol: 0, atol: 0 });
    }
  });

  test('oneHot and bincount (repeats, absent values, empty input)', async () => {
    await gpu.compare('oneHot', (b, S) => b.oneHot(S(new Int32Array([0, 3, 2, 3, 0])), 4), { rtol: 0, atol: 0 });
    await gpu.compare('oneHot 1000 × 10', (b, S) => b.oneHot(S(rndInt(1000, 0, 10)), 10), { rtol: 0, atol: 0 });
    await gpu.compare('oneHot empty', (b, S) => b.oneHot(S(new Int32Array(0)), 3), { rtol: 0, atol: 0 });
    await gpu.compare('bincount', (b, S) => b.bincount(S(rndInt(1000, 0, 17)), 20), { rtol: 0, atol: 0 });
    await gpu.compare('bincount from a kernel', (b, S) => b.bincount(b.cast(S(Float32Array.from(rndInt(5000, 0, 9))), 'int32'), 9), { rtol: 0, atol: 0 });
    await gpu.compare('bincount empty input', (b, S) => b.bincount(S(new Int32Array(0)), 4), { rtol: 0, atol: 0 });
  });
});
