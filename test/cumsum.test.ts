// test/cumsum.test.ts — cumsum as the backend's O(n) `cumsum` kernel, on every backend: long rows (100,000
// values, which the former triangular-matrix product could not hold), the running sums against plain loops
// in the accumulation each backend documents (float64 on the CPU backends, as PyTorch's CPU kernel; float32
// on webgpu), the gradient (the reverse running sum) on a 3-D tensor along its middle dim, gradcheck in
// float64, int32 results exact and an int32 overflow refused, PyTorch's gradFn name, and edge shapes.
// The PyTorch fixture cases and the first gradcheck stay in test/indexing.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, cumsum, fallbackCounts, gradcheck, manualSeed, ones, randn, resetFallbackCounts, tensor, zeros } from '../src/index.js';
import { assertClose, forEachBackend, hasFloat64, test64, values, widestFloat } from './helpers/backends.js';

/** Running sums of a flat row by a plain loop, each stored value rounded by `round` (the accumulator is
 *  a JS number, float64, unless `acc32`, where every partial sum is rounded to float32 too). */
function runningSums(v: readonly number[], round: (x: number) => number, acc32 = false): number[] {
  const out: number[] = [];
  let acc = 0;
  for (const x of v) {
    acc = acc32 ? Math.fround(acc + x) : acc + x;
    out.push(round(acc));
  }
  return out;
}

/** Reverse running sums along dim 1 of a [outer, n, inner] array by a plain loop (float64). */
function reverseAlongMiddle(v: readonly number[], outer: number, n: number, inner: number): number[] {
  const out = new Array<number>(v.length).fill(0);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let r = n - 1; r >= 0; r--) {
        const p = (o * n + r) * inner + i;
        acc += v[p];
        out[p] = acc;
      }
    }
  }
  return out;
}

/** Runs `make` and reads its result: an int32 overflow throws at the op on the CPU backends and at the
 *  read on webgpu (its kernels report faults there). */
async function made(make: () => Tensor): Promise<number[]> {
  return values(make());
}

forEachBackend('cumsum', (backend) => {
  const N = 100_000;

  test(`n = ${N} ones: the running sums 1 … n, exactly (an n×n matrix would need 40 GB)`, async () => {
    const out = cumsum(ones([N]), 0);
    assert.equal(out.dtype, 'float32');
    const v = await values(out);
    assert.equal(v.length, N);
    assert.equal(v[N - 1], N);
    for (let i = 0; i < N; i++) if (v[i] !== i + 1) assert.fail(`out[${i}] = ${v[i]}, expected ${i + 1}`);
  });

  test(`the gradient along a long dim (${N} × 2 ones, dim 0): the reverse running sums n − i, exactly`, async () => {
    const x = ones([N, 2]).requiresGrad_();
    cumsum(x, 0).sum().backward();
    const g = await values(x.grad!);
    for (let i = 0; i < N; i++) {
      if (g[2 * i] !== N - i || g[2 * i + 1] !== N - i) assert.fail(`grad[${i}] = [${g[2 * i]}, ${g[2 * i + 1]}], expected ${N - i}`);
    }
  });

  test(`a random float32 row of ${N}: each running sum as the backend accumulates it (float64 on the CPU, float32 on webgpu)`, async () => {
    manualSeed(3);
    const x = randn([1, N]);
    const v = await values(cumsum(x, 1));
    // ref and wasm: a float64 accumulator, each stored sum rounded to float32 (PyTorch's CPU kernel);
    // webgpu: float32 throughout (WGSL has no f64), each addition correctly rounded.
    const expected = runningSums(await values(x), Math.fround, !hasFloat64(backend));
    for (let i = 0; i < N; i++) if (v[i] !== expected[i]) assert.fail(`out[${i}] = ${v[i]}, expected ${expected[i]}`);
  });

  test64(`a random float64 row of ${N}: the running sums of a plain float64 loop, exactly`, async () => {
    manualSeed(4);
    const x = randn([N], { dtype: 'float64' });
    const out = cumsum(x, -1);
    assert.equal(out.dtype, 'float64');
    const v = await values(out);
    const expected = runningSums(await values(x), (a) => a);
    for (let i = 0; i < N; i++) if (v[i] !== expected[i]) assert.fail(`out[${i}] = ${v[i]}, expected ${expected[i]}`);
  });

  test('3-D along the middle dim: values against a loop, and d/dx (cumsum(x, 1)·w).sum() = the reverse running sums of w', async () => {
    manualSeed(5);
    const dtype = widestFloat(backend);
    const [outer, n, inner] = [3, 50, 4];
    const x = randn([outer, n, inner], { dtype }).requiresGrad_();
    const w = randn([outer, n, inner], { dtype });
    const y = cumsum(x, 1);
    // forward: the running sums along dim 1 are the reverse sums of the flipped rows
    const xv = await values(x);
    const fwd = new Array<number>(xv.length).fill(0);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let r = 0; r < n; r++) { const p = (o * n + r) * inner + i; acc += xv[p]; fwd[p] = acc; }
      }
    }
    const tol = dtype === 'float64' ? 1e-12 : 1e-5;
    await assertClose(y, Float64Array.from(fwd), { atol: tol, rtol: tol, name: 'cumsum(x, 1)' });
    y.mul(w).sum().backward();
    assert.equal(x.grad!.dtype, dtype);
    assert.deepEqual(x.grad!.shape, [outer, n, inner]);
    await assertClose(x.grad!, Float64Array.from(reverseAlongMiddle(await values(w), outer, n, inner)), { atol: tol, rtol: tol, name: 'x.grad' });
  });

  test64('gradcheck in float64 along every dim (and a negative one) of a 3-D tensor', () => {
    manualSeed(6);
    for (const dim of [0, 1, 2, -2]) {
      const x = randn([3, 4, 5], { dtype: 'float64' }).requiresGrad_();
      assert.equal(gradcheck((t: Tensor) => cumsum(t, dim), [x]), true, `dim ${dim}`);
    }
  });

  test("gradFn is PyTorch's CumsumBackward0 (gradFn.op 'cumsum'); an int32 result has none", () => {
    const y = cumsum(randn([2, 3]).requiresGrad_(), 1);
    assert.equal(y.gradFn?.name, 'CumsumBackward0');
    assert.equal(y.gradFn?.op, 'cumsum');
    assert.equal(cumsum(tensor([1, 2], { dtype: 'int32' }), 0).gradFn, null);
  });

  test('int32: exact running sums up to the int32 limits, and int32 out', async () => {
    const big = 2147483647;
    const out = cumsum(tensor([[big, -1, 1, -big], [-big, -1, 1, big]], { dtype: 'int32' }), 1);
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(await values(out), [big, big - 1, big, 0, -big, -big - 1, -big, 0]);
    // along dim 0 (inner > 1): the same sums, by columns
    const cols = cumsum(tensor([[big, -big], [-1, -1], [1, 1]], { dtype: 'int32' }), 0);
    assert.deepEqual(await values(cols), [big, -big, big - 1, -big - 1, big, -big]);
  });

  test('int32: a running sum that leaves int32 throws (at the read on webgpu), above and below, along any dim', async () => {
    const msg = /cumsum: the int32 running sum( -?\d+)? does not fit in int32 \(PyTorch would give int64.*x\.float\(\)\.cumsum\(dim\)/;
    await assert.rejects(made(() => cumsum(tensor([2147483647, 1], { dtype: 'int32' }), 0)), msg);
    await assert.rejects(made(() => cumsum(tensor([-2147483647, -1, -1], { dtype: 'int32' }), 0)), msg);
    await assert.rejects(made(() => cumsum(tensor([[2000000000, 5], [2000000000, 5]], { dtype: 'int32' }), 0)), msg);
    // the fault is reported once: the next op and read go on normally
    assert.deepEqual(await values(cumsum(tensor([1, 2, 3], { dtype: 'int32' }), 0)), [1, 3, 6]);
  });

  test('0-d input (dim 0 or -1), empty shapes, and a length-1 dim', async () => {
    const s = tensor(5).requiresGrad_();
    const y = cumsum(s, -1);
    assert.deepEqual(y.shape, []);
    assert.deepEqual(await values(y), [5]);
    y.backward();
    assert.deepEqual(await values(s.grad!), [1]);
    assert.throws(() => cumsum(tensor(5), 1), /cumsum/);
    assert.deepEqual(cumsum(zeros([0, 3]), 0).shape, [0, 3]);
    assert.deepEqual(cumsum(zeros([2, 0]), 1).shape, [2, 0]);
    assert.deepEqual(await values(cumsum(tensor([[1, 2, 3]]), 0)), [1, 2, 3]);
  });

  test(`runs on ${backend}'s own kernel, forward and backward (no fallback to ref)`, async () => {
    resetFallbackCounts();
    const x = randn([4, 6]).requiresGrad_();
    cumsum(x, 0).sum().backward();
    await values(x.grad!);
    assert.deepEqual(Object.keys(fallbackCounts()).filter((k) => k.includes('cumsum')), []);
  });
});
