// Tensors: creation, views and copies, broadcasting math, reductions, reading back, printing, autograd basics.
// Every case runs on every backend (test/helpers/backends.ts); values are read through data().

import { it } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor, zeros, ones, full, arange, linspace, eye, rand, randn, randint, manualSeed, cat, stack, where, noGrad,
  matmul, roll, Tensor,
} from '../src/index.js';
import { assertClose, forEachBackend, nested, readsSync, scalar, test64, values } from './helpers/backends.js';

forEachBackend('creation', () => {
  it('from nested arrays, typed arrays and numbers', async () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(await nested(t), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(tensor(new Int32Array([1, 2])).dtype, 'int32');
    assert.deepEqual(tensor(3.5).shape, []);
    assert.equal(await scalar(tensor(3.5)), 3.5);
    assert.equal(tensor([1.7, -2.2], { dtype: 'int32' }).toString(), 'tensor([ 1, -2], dtype=torch.int32)');
  });
  test64('float64: from a Float64Array, and with dtype float64 without a detour through float32', async () => {
    assert.equal(tensor(new Float64Array([1, 2])).dtype, 'float64');
    assert.equal(await scalar(tensor([[0.1]], { dtype: 'float64' })), 0.1); // no detour through float32
  });
  it('constant fills, ranges and the identity', async () => {
    assert.deepEqual(await nested(zeros([2, 2])), [[0, 0], [0, 0]]);
    assert.deepEqual(await nested(ones(3)), [1, 1, 1]);
    assert.deepEqual(await nested(full([2], 7)), [7, 7]);
    assert.deepEqual(await nested(arange(5)), [0, 1, 2, 3, 4]);
    assert.deepEqual(await nested(arange(1, 2, 0.25)), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(await nested(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(await nested(eye(2, 3)), [[1, 0, 0], [0, 1, 0]]);
  });
  it('random tensors are reproducible with manualSeed and have the right moments', async () => {
    manualSeed(42);
    const a = randn([1000]);
    manualSeed(42);
    const b = randn([1000]);
    assert.deepEqual(await values(a), await values(b));
    const m = await scalar(a.mean()), s = await scalar(a.std());
    assert.ok(Math.abs(m) < 0.15 && Math.abs(s - 1) < 0.1, `randn mean ${m}, std ${s}`);
    const u = rand([1000]);
    assert.ok((await scalar(u.min())) >= 0 && (await scalar(u.max())) < 1);
    const k = randint(3, 6, [200]);
    assert.equal(k.dtype, 'int32');
    assert.deepEqual([...new Set(await values(k))].sort(), [3, 4, 5]);
  });
});

forEachBackend('views and copies', () => {
  const x = () => arange(24).reshape(2, 3, 4);
  it('reshape/view share storage; -1 is inferred', () => {
    const a = x();
    const v = a.view(6, -1);
    assert.deepEqual(v.shape, [6, 4]);
    assert.equal(v.storage, a.storage);
  });
  it('permute, transpose, squeeze, unsqueeze, flatten', async () => {
    const p = x().permute(2, 0, 1);
    assert.deepEqual(p.shape, [4, 2, 3]);
    assert.equal((await nested(p) as number[][][])[1][1][2], 12 + 2 * 4 + 1); // p[1,1,2] = x[1,2,1]
    assert.deepEqual(x().transpose(0, 2).shape, [4, 3, 2]);
    assert.deepEqual(zeros([1, 3, 1]).squeeze().shape, [3]);
    assert.deepEqual(zeros([1, 3, 1]).squeeze(0).shape, [3, 1]);
    assert.deepEqual(zeros([3]).unsqueeze(-1).shape, [3, 1]);
    assert.deepEqual(x().flatten(1).shape, [2, 12]);
  });
  it('narrow, select, slice, cat, stack, split, chunk, flip', async () => {
    assert.deepEqual(await nested(x().narrow(2, 1, 2).select(0, 1)), [[13, 14], [17, 18], [21, 22]]);
    assert.deepEqual(await nested(arange(6).slice(0, 0, -4)), [0, 1]);
    assert.deepEqual(await nested(arange(6).slice(0, -2)), [4, 5]);
    assert.deepEqual(await nested(cat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0)), [[1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(await nested(stack([tensor([1, 2]), tensor([3, 4])], 1)), [[1, 3], [2, 4]]);
    assert.deepEqual(await Promise.all(arange(5).split(2).map(nested)), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(arange(6).chunk(3).map((t) => t.numel()), [2, 2, 2]);
    assert.deepEqual(await nested(tensor([[1, 2], [3, 4]]).flip([0, 1])), [[4, 3], [2, 1]]);
  });
});

forEachBackend('math', () => {
  // PyTorch sums int32 into int64, which convnet lacks: a result outside int32 is an error, never a
  // wrapped value. Sizes past 65,536 and values made by a kernel reach webgpu's GPU reduction (smaller
  // host-known data is reduced on the CPU). Expected values are the exact integers.
  it('int32 sum and prod: exact up to ±2^31, an error past it (never a wrapped value)', async () => {
    const n = 70_000;
    const big = (v: number) => full([n], v, { dtype: 'int32' }).add(0); // add(0): made on the backend
    assert.deepEqual(await values(big(30_000).sum()), [2_100_000_000]);
    assert.deepEqual(await values(big(-30_678).sum()), [-2_147_460_000]);
    await assert.rejects(async () => values(big(40_000).sum()), /sum: the int32 sum (2800000000 )?does not fit in int32 .*x\.float\(\)\.sum\(\)/);
    await assert.rejects(async () => values(big(-40_000).sum()), /sum: the int32 sum (-2800000000 )?does not fit in int32/);
    // Along one axis of a [2, n/2] tensor, and over two axes with a run between them (partials).
    const rows = full([2, n / 2], 40_000, { dtype: 'int32' }).mul(tensor([[1], [2]], { dtype: 'int32' }));
    assert.deepEqual((await values(rows.sum(0))).slice(0, 3), [120_000, 120_000, 120_000]);
    await assert.rejects(async () => values(rows.sum(1)), /sum: the int32 sum (2800000000 )?does not fit/);
    const x = tensor([[[2 ** 30, 1], [2 ** 30, 1]], [[-(2 ** 30), 0], [-(2 ** 30), 0]]], { dtype: 'int32' });
    assert.deepEqual(await values(x.sum([0, 2])), [1, 1]); // the partial over dim 2 is 2^30 + 1; the total fits
    assert.deepEqual(await values(tensor([-65_536, 32_768], { dtype: 'int32' }).prod()), [-(2 ** 31)]);
    await assert.rejects(async () => values(tensor([65_536, 32_768], { dtype: 'int32' }).prod()), /prod: the int32 product (2147483648 )?does not fit/);
    await assert.rejects(async () => values(big(2).prod()), /prod: the int32 product .*does not fit/);
    // The error is reported once: the next reads are clean.
    assert.deepEqual(await values(big(1).sum()), [n]);
  });

  it('broadcasting arithmetic', async () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(await nested(a.add(tensor([10, 20, 30]))), [[11, 22, 33], [14, 25, 36]]);
    assert.deepEqual(await nested(a.mul(tensor([[2], [3]]))), [[2, 4, 6], [12, 15, 18]]);
    assert.deepEqual(await nested(a.sub(1).div(2)), [[0, 0.5, 1], [1.5, 2, 2.5]]);
    assert.deepEqual(await nested(a.pow(2)), [[1, 4, 9], [16, 25, 36]]);
    assert.deepEqual(await nested(tensor([-1, 0.5, 2]).clamp(0, 1)), [0, 0.5, 1]);
    assert.deepEqual(await nested(tensor([-1, 2]).relu()), [0, 2]);
    // PyTorch: relu keeps NaN; its gradient is 0 where x <= 0 and passes through elsewhere (NaN included).
    const r = tensor([-1, 0, NaN, 3], { requiresGrad: true });
    const out = r.relu();
    assert.ok(Number.isNaN((await values(out))[2]));
    out.backward(tensor([1, 1, 1, 1]));
    assert.deepEqual(await nested(r.grad!), [0, 0, 1, 1]);
    assert.deepEqual(await nested(where(tensor([1, 0, 1]), tensor([1, 2, 3]), 0)), [1, 0, 3]);
    assert.deepEqual(await nested(tensor([1, 2, 3]).gt(2)), [0, 0, 1]);
    assert.deepEqual(await nested(tensor([1, 5]).maximum(tensor([3, 2]))), [3, 5]);
    await assertClose(tensor([0, 1]).exp(), [1, Math.E]);
    await assertClose(tensor([0]).sigmoid(), [0.5]);
    await assertClose(tensor([-1000, 1000]).sigmoid(), [0, 1]);
  });
  it('reductions over any dims with keepdim', async () => {
    const a = tensor([[1, 5, 3], [4, 2, 6]]);
    assert.equal(await scalar(a.sum()), 21);
    assert.deepEqual(await nested(a.sum(0)), [5, 7, 9]);
    assert.deepEqual(a.sum(1, true).shape, [2, 1]);
    assert.equal(await scalar(a.mean([0, 1])), 3.5);
    // Non-adjacent dims, against the definition written as loops.
    const b = arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
    const want = [0, 1, 2].map((j) => [0, 1, 2, 3].reduce((s, k) => s + [0, 1].reduce((t, i) => t + [0, 1, 2, 3, 4].reduce((u, l) => u + ((i * 3 + j) * 4 + k) * 5 + l, 0), 0), 0));
    assert.deepEqual(await nested(b.sum([0, 2, 3])), want);
    assert.deepEqual(b.amax([0, 2], true).shape, [1, 3, 1, 5]);
    assert.deepEqual((await nested(b.amax([0, 2])) as number[][])[2], [1, 2, 3, 4, 5].map((l) => ((1 * 3 + 2) * 4 + 3) * 5 + l - 1));
    assert.deepEqual(await nested(a.amax(1)), [5, 6]);
    const [maxValues, maxIndices] = a.max(1);
    assert.deepEqual(await nested(maxValues), [5, 6]);
    assert.deepEqual(await nested(maxIndices), [1, 2]);
    assert.deepEqual(await nested(a.min(0).indices), [0, 1, 0]);
    assert.equal(await scalar(a.argmax()), 5);
    assert.deepEqual(await nested(a.argmax(0)), [1, 0, 1]);
    // var with Bessel's correction: values 1,5,3 have mean 3, squared deviations 4+4+0 = 8, / 2 = 4.
    assert.deepEqual(await nested(a.var(1)), [4, 4]);
    assert.deepEqual(await nested(a.var(1, { correction: 0 })), [8 / 3, 8 / 3].map(Math.fround));
    await assertClose(a.std(1), [2, 2]);
    await assertClose(a.logSumExp(1), [Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6))]);
    await assertClose(tensor([1000, 1000]).logSumExp(0), 1000 + Math.log(2)); // a 0-d result
  });
  it('matmul: dot, matrix-vector, batched with broadcasting', async () => {
    assert.equal(await scalar(matmul(tensor([1, 2, 3]), tensor([4, 5, 6]))), 32);
    assert.deepEqual(await nested(matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1]))), [3, 7]);
    const A = arange(12).reshape(2, 2, 3), B = arange(6).reshape(3, 2);
    const C = matmul(A, B);
    assert.deepEqual(C.shape, [2, 2, 2]);
    // C[1][0] = [6,7,8] · columns [0,2,4] and [1,3,5]
    assert.deepEqual((await nested(C) as number[][][])[1][0], [6 * 0 + 7 * 2 + 8 * 4, 6 * 1 + 7 * 3 + 8 * 5]);
  });
});

forEachBackend('reading back and printing', (backend) => {
  // webgpu cannot read GPU memory synchronously: there the synchronous reads and printing work for data JS
  // wrote (until a kernel writes it), and a computed tensor says to use `await t.dataAsync()` (see gpuReadingCases).
  if (!readsSync(backend)) { gpuReadingCases(); return; }
  // This case is about the read methods themselves, so it calls the synchronous ones too (the CPU
  // backends support them) and checks they agree with data().
  it('toArray, dataSync, data(), item', async () => {
    const t = tensor([[1, 2], [3, 4]]);
    assert.deepEqual(Array.from(await t.dataAsync()), [1, 2, 3, 4]);
    assert.ok((await t.dataAsync()) instanceof Float32Array);
    assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4]);
    assert.deepEqual(t.toArray(), [[1, 2], [3, 4]]);
    assert.equal(t.sum().item(), 10);
  });
  it('prints like PyTorch', () => {
    assert.equal(tensor([[19, 25], [37, 43]]).toString(), 'tensor([[19., 25.],\n        [37., 43.]])');
    assert.equal(tensor([0.5, -1.25]).toString(), 'tensor([ 0.5000, -1.2500])');
    assert.equal(tensor(3).toString(), 'tensor(3.)');
    assert.equal(tensor([1, 2], { requiresGrad: true }).toString(), 'tensor([1., 2.], requires_grad=True)');
    assert.equal(tensor([1, 2], { requiresGrad: true }).mul(2).toString(), 'tensor([2., 4.], grad_fn=<MulBackward0>)');
    assert.equal(zeros([2, 1, 2]).toString(), 'tensor([[[0., 0.]],\n\n        [[0., 0.]]])');
    assert.equal(tensor([1e-5, 1]).toString(), 'tensor([1.0000e-05, 1.0000e+00])');
    assert.equal(arange(2000).toString(), 'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])');
    assert.equal(tensor([NaN, 1.5, Infinity]).toString(), 'tensor([   nan, 1.5000,    inf])');
    assert.equal(tensor([123456.7, 1]).toString(), 'tensor([1.2346e+05, 1.0000e+00])');
  });
});

/** Reading back and printing where computed data cannot be read synchronously (webgpu: GPU memory). */
function gpuReadingCases(): void {
  it('toArray, dataSync, data(), item: synchronous for data JS wrote; a computed tensor throws, saying to use await t.dataAsync()', async () => {
    const t = tensor([[1, 2], [3, 4]]);
    assert.deepEqual(Array.from(await t.dataAsync()), [1, 2, 3, 4]);
    assert.ok((await t.dataAsync()) instanceof Float32Array);
    assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4]);
    assert.deepEqual(t.toArray(), [[1, 2], [3, 4]]);
    assert.equal(tensor([10]).item(), 10);
    // (t.sum() alone would be readable: small data the CPU knows is reduced there.)
    const sum = t.mul(2).sum();
    for (const read of [() => sum.item(), () => sum.dataSync(), () => sum.toArray()]) {
      assert.throws(read, { name: 'SyncReadError', message: /webgpu backend: .*cannot read synchronously.*use `await t\.dataAsync\(\)` instead/s });
    }
    assert.deepEqual(Array.from(await sum.dataAsync()), [20]);
    assert.deepEqual(await sum.array(), 20);
    assert.equal(t.sum().item(), 10);
    // Once a kernel has written it, JS-written data is GPU-only too.
    const w = tensor([1, 2]);
    w.mul_(3);
    assert.throws(() => w.dataSync(), { name: 'SyncReadError' });
    assert.deepEqual(Array.from(await w.dataAsync()), [3, 6]);
  });
  it('prints like PyTorch: data JS wrote at once; a computed tensor says where it is, and prints after moveTo(\'ref\')', async () => {
    assert.equal(tensor([[19, 25], [37, 43]]).toString(), 'tensor([[19., 25.],\n        [37., 43.]])');
    assert.equal(tensor([0.5, -1.25]).toString(), 'tensor([ 0.5000, -1.2500])');
    assert.equal(tensor(3).toString(), 'tensor(3.)');
    assert.equal(tensor([1, 2], { requiresGrad: true }).toString(), 'tensor([1., 2.], requires_grad=True)');
    assert.equal(tensor([1e-5, 1]).toString(), 'tensor([1.0000e-05, 1.0000e+00])');
    assert.equal(arange(2000).toString(), 'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])');
    assert.equal(tensor([NaN, 1.5, Infinity]).toString(), 'tensor([   nan, 1.5000,    inf])');
    assert.equal(tensor([123456.7, 1]).toString(), 'tensor([1.2346e+05, 1.0000e+00])');
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    assert.equal(y.toString(), 'tensor(<on webgpu: read with await t.dataAsync()>, size=(2))');
    assert.equal((await y.moveTo('ref')).toString(), 'tensor([2., 4.], grad_fn=<MulBackward0>)');
    const z = zeros([2, 1, 2]); // filled by a kernel
    assert.equal(z.toString(), 'tensor(<on webgpu: read with await t.dataAsync()>, size=(2, 1, 2))');
    assert.equal((await z.moveTo('ref')).toString(), 'tensor([[[0., 0.]],\n\n        [[0., 0.]]])');
    assert.equal(tensor([1, 2], { dtype: 'int32' }).add(1).toString(), 'tensor(<on webgpu: read with await t.dataAsync()>, size=(2), dtype=torch.int32)');
  });
}

forEachBackend('autograd basics', () => {
  it('gradients accumulate into .grad; detach and noGrad cut the graph', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    w.mul(w).sum().backward();
    assert.deepEqual(await nested(w.grad!), [2, 4, 6]);
    w.mul(3).sum().backward();
    assert.deepEqual(await nested(w.grad!), [5, 7, 9]);
    assert.equal(w.detach().requiresGrad, false);
    const y = noGrad(() => w.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
  });
  it('a tensor used twice gets both contributions; non-scalar backward takes a gradient', async () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(x).add(x.mul(3)); // y = x² + 3x, dy/dx = 2x + 3 = 7
    y.backward(tensor([1]));
    assert.deepEqual(await nested(x.grad!), [7]);
    const z = tensor([1, 2], { requiresGrad: true });
    z.mul(z).backward(tensor([1, 10]));
    assert.deepEqual(await nested(z.grad!), [2, 40]);
  });
  it('retainGrad keeps the gradient of an intermediate', async () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2).retainGrad();
    h.sum().backward();
    assert.deepEqual(await nested(h.grad!), [1, 1]);
    assert.ok(x.grad instanceof Tensor);
  });
});

// torch.roll's definition: out[(j + shift) mod L] = x[j] along each dim; without dims, on the flattened
// tensor. The 4×2 cases are the examples of torch.roll's documentation.
forEachBackend('roll', () => {
  it('1-D: positive, negative and wrapping shifts', async () => {
    const x = tensor([0, 1, 2, 3, 4]);
    assert.deepEqual(await nested(roll(x, 2)), [3, 4, 0, 1, 2]);
    assert.deepEqual(await nested(roll(x, -1)), [1, 2, 3, 4, 0]);
    assert.deepEqual(await nested(roll(x, 7)), [3, 4, 0, 1, 2]);
    assert.deepEqual(await nested(roll(x, -10, 0)), [0, 1, 2, 3, 4]);
  });
  it("2-D: torch.roll's documented examples, with and without dims", async () => {
    const x = tensor([[1, 2], [3, 4], [5, 6], [7, 8]]);
    assert.deepEqual(await nested(roll(x, 1)), [[8, 1], [2, 3], [4, 5], [6, 7]]);
    assert.deepEqual(await nested(roll(x, 1, 0)), [[7, 8], [1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(await nested(roll(x, -1, 0)), [[3, 4], [5, 6], [7, 8], [1, 2]]);
    assert.deepEqual(await nested(roll(x, [2, 1], [0, 1])), [[6, 5], [8, 7], [2, 1], [4, 3]]);
    assert.deepEqual(await nested(roll(x, [1, 1], [-1, -1])), [[1, 2], [3, 4], [5, 6], [7, 8]]);
    const y = roll(tensor([[[0, 1, 2], [3, 4, 5]]], { dtype: 'int32' }), 1, 2);
    assert.equal(y.dtype, 'int32');
    assert.deepEqual(await nested(y), [[[2, 0, 1], [5, 3, 4]]]);
  });
  it('the gradient rolls back: d/dx Σ w·roll(x, s) = roll(w, −s)', async () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const w = tensor([[10, 20, 30], [40, 50, 60]]);
    roll(x, [1, 2], [0, 1]).mul(w).sum().backward();
    // out[i][j] = x[(i − 1) mod 2][(j − 2) mod 3], so x.grad[i][j] = w[(i + 1) mod 2][(j + 2) mod 3]
    assert.deepEqual(await nested(x.grad!), [[60, 40, 50], [30, 10, 20]]);
  });
  it('errors name the op and the argument', () => {
    const x = tensor([[1, 2], [3, 4]]);
    assert.throws(() => roll(x, [1, 2], [0]), /^Error: roll: shifts and dims must have the same length/);
    assert.throws(() => roll(x, [1, 2]), /^Error: roll: without dims the flattened tensor is rolled, so shifts must be one integer/);
    assert.throws(() => roll(x, 1.5, 0), /^Error: roll: shifts must be an integer or a non-empty list of integers, got 1.5/);
    assert.throws(() => roll(x, 1, 2), /^Error: roll: dim=2 is out of range/);
  });
});
