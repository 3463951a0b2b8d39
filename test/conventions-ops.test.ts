// test/conventions-ops.test.ts — PyTorch's calling conventions at the tensor and ops level (issue 14, part A):
// every creation function, tensor method and top-level/F function takes its arguments in PyTorch's
// positional order, or any of them by name in a trailing options object (also after some positional
// ones); sizes come as varargs or one list; unknown, snake_case, doubled and misfit arguments throw. Each
// function is checked in its positional, options and mixed forms against a worked example computed by hand,
// and the silent cases of the issue that fall here (ones(6, 8) was shape [6]; x.var(0, false) stayed unbiased;
// x.mean(1, { keepdim: false }) kept the dim; F.crossEntropy(x, t, w) ignored w; { ignore_index } was
// ignored) each get a case. Every case runs on every backend (forEachBackend).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  F, Tensor, arange, clamp, add, sub, mul, exp, cat, stack, roll, empty, emptyLike, eye, full, fullLike, linspace, manualSeed, max, mean,
  ones, onesLike, rand, randint, randLike, randn, randnLike, softmax, logSoftmax, sum, tensor, zeros, zerosLike, var as variance, std,
  filter2d, argmax, amax, logSumExp, prod, reshape, permute, flatten, transpose, squeeze, unsqueeze, narrow, select, split, chunk, flip,
  bincount, matmul, bmm,
} from '../src/index.js';
import { assertClose, forEachBackend, hasFloat64, nested, scalar, values } from './helpers/backends.js';

const LN2 = Math.log(2);
const m22 = () => tensor([[1, 2], [3, 4]]);

forEachBackend('conventions: creation', () => {
  test('sizes as varargs or one list, options after either (ones(6, 8) was shape [6])', async () => {
    assert.deepEqual(ones(6, 8).shape, [6, 8]);
    assert.deepEqual(ones([6, 8]).shape, [6, 8]);
    assert.deepEqual(zeros(2, 3).shape, [2, 3]);
    assert.deepEqual(zeros({ size: [2, 3] }).shape, [2, 3]);
    assert.deepEqual(zeros([], { dtype: 'int32' }).shape, []);
    assert.deepEqual(await nested(ones(2, 2, { dtype: 'int32' })), [[1, 1], [1, 1]]);
    assert.equal(ones(2, 2, { requiresGrad: true }).requiresGrad, true);
    assert.equal(ones([2, 2], { requiresGrad: true }).requiresGrad, true);
    assert.deepEqual(await nested(empty(2, 3)), [[0, 0, 0], [0, 0, 0]]);
    assert.deepEqual(rand(2, 3).shape, [2, 3]);
    const r = randn(3, 4, { requiresGrad: true });
    assert.deepEqual([r.shape, r.requiresGrad], [[3, 4], true]);
    assert.deepEqual(randn([3, 4]).shape, [3, 4]);
  });

  test('full(size, fillValue) by position, by name, or mixed', async () => {
    assert.deepEqual(await nested(full([2], 3)), [3, 3]);
    assert.deepEqual(await nested(full({ size: [2], fillValue: 3 })), [3, 3]);
    assert.deepEqual(await nested(full([2], { fillValue: 3, dtype: 'int32' })), [3, 3]);
    assert.equal(full([2], 3, { dtype: 'int32' }).dtype, 'int32');
  });

  test("randint: PyTorch's overloads (high, size) and (low, high, size), positional or named", async () => {
    manualSeed(3);
    const a = await values(randint(10, [50]));
    manualSeed(3);
    const b = await values(randint(0, 10, [50]));
    manualSeed(3);
    const c = await values(randint({ high: 10, size: [50] }));
    manualSeed(3);
    const d = await values(randint(0, 10, { size: [50] }));
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    assert.deepEqual(a, d);
    assert.ok(a.every((v) => Number.isInteger(v) && v >= 0 && v < 10));
    const e = await values(randint(5, 7, [40]));
    assert.ok(e.every((v) => v === 5 || v === 6) && e.includes(5) && e.includes(6));
    assert.equal(randint(0, 3, [2], { dtype: 'float32' }).dtype, 'float32');
  });

  test('arange, linspace, eye: positional, named, mixed', async () => {
    assert.deepEqual(await nested(arange(4)), [0, 1, 2, 3]);
    assert.deepEqual(await nested(arange(1, 4)), [1, 2, 3]);
    assert.deepEqual(await nested(arange(0, 1, 0.25)), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(await nested(arange({ end: 3 })), [0, 1, 2]);
    assert.deepEqual(await nested(arange(1, { end: 3 })), [1, 2]);
    assert.deepEqual(await nested(arange({ start: 2, end: 8, step: 3 })), [2, 5]);
    assert.equal(arange(3, { dtype: 'int32' }).dtype, 'int32');
    assert.deepEqual(await nested(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(await nested(linspace(0, { end: 1, steps: 3 })), [0, 0.5, 1]);
    assert.deepEqual(await nested(eye(2, 3)), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(await nested(eye(2, { m: 3 })), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(await nested(eye({ n: 2 })), [[1, 0], [0, 1]]);
    assert.equal(eye(2, { dtype: 'int32' }).dtype, 'int32');
  });

  test('tensor(data, { dtype, requiresGrad }) and the *Like functions', async () => {
    assert.equal(tensor([1, 2], { dtype: 'int32' }).dtype, 'int32');
    assert.equal(tensor([1, 2], { requiresGrad: true }).requiresGrad, true);
    assert.deepEqual(await nested(tensor({ data: [1, 2] })), [1, 2]);
    const x = tensor([[1, 2, 3]], { dtype: 'int32' });
    assert.deepEqual([zerosLike(x).shape, zerosLike(x).dtype], [[1, 3], 'int32']);
    assert.equal(zerosLike(x, { dtype: 'float32' }).dtype, 'float32');
    assert.deepEqual(await nested(onesLike(x)), [[1, 1, 1]]);
    assert.deepEqual(await nested(fullLike(x, 7)), [[7, 7, 7]]);
    assert.deepEqual(await nested(fullLike(x, { fillValue: 7 })), [[7, 7, 7]]);
    assert.deepEqual(await nested(emptyLike(x)), [[0, 0, 0]]);
    const f = tensor([[1, 2, 3]]);
    assert.deepEqual([randLike(f).shape, randnLike(f).shape, randnLike(f, { requiresGrad: true }).requiresGrad], [[1, 3], [1, 3], true]);
    assert.ok((await values(randLike(f))).every((v) => v >= 0 && v < 1));
  });

  test('errors: missing, unknown, snake_case and misfit arguments', () => {
    assert.throws(() => zeros(), /zeros: missing required argument 'size'/);
    assert.throws(() => ones(6, 8, { requires_grad: true } as never), /ones: unknown option 'requires_grad': did you mean requiresGrad\? \(accepted: size, dtype, requiresGrad\)/);
    assert.throws(() => zeros(2, '3' as never), /zeros: size must be non-negative integers, given as varargs or one list; entry 1 is the string "3"/);
    assert.throws(() => zeros(2, { size: [2] } as never), /zeros: got multiple values for argument 'size'/);
    assert.throws(() => ones(2, { requiresGrad: 1 } as never), /ones: requiresGrad must be a boolean, got number 1/);
    assert.throws(() => randint(3, 5 as never), /randint: argument 2 \(size\) must be a list of integers \(PyTorch's size is a tuple\), got number 5/);
    assert.throws(() => randint(5, 3, [2]), /randint: expected low < high, got low=5, high=3/);
    assert.throws(() => full([2] as never), /full: missing required argument 'fillValue'/);
    assert.throws(() => tensor([1], { dtyp: 'int32' } as never), /tensor: unknown option 'dtyp': did you mean dtype\?/);
    assert.throws(() => rand(2, { dtype: 'int32' }), /rand: dtype must be a floating-point type, got int32/);
    assert.throws(() => arange(0, 3, 1, 2 as never), /arange: takes 3 positional arguments .* but 4 were given/);
    assert.throws(() => eye(2.5), /eye: argument 1 \(n\) must be an integer, got number 2.5/);
    assert.throws(() => linspace(0, 1), /linspace: missing required argument 'steps'/);
    assert.throws(() => fullLike(ones(2), 1, { fill_value: 1 } as never), /fullLike: unknown option 'fill_value': did you mean fillValue\?/);
  });
});

forEachBackend('conventions: reductions', () => {
  test('sum, mean, prod, amax: (dim, keepdim) by position, by name, or mixed', async () => {
    const x = m22();
    for (const s of [x.sum(1), sum(x, 1), x.sum({ dim: 1 }), sum(x, { dim: 1, keepdim: false })]) assert.deepEqual(await nested(s), [3, 7]);
    for (const s of [x.sum(1, true), sum(x, 1, true), x.sum(1, { keepdim: true }), x.sum({ dim: 1, keepdim: true })]) assert.deepEqual(await nested(s), [[3], [7]]);
    assert.deepEqual(await nested(x.sum([0, 1], { keepdim: true })), [[10]]);
    assert.deepEqual(await nested(x.sum(null, true)), [[10]]);
    assert.deepEqual(await nested(mean(x, { dim: 0 })), [2, 3]);
    assert.deepEqual(await nested(x.prod(1, true)), [[2], [12]]);
    assert.deepEqual(await nested(x.amax({ dim: 0, keepdim: true })), [[3, 4]]);
    assert.deepEqual(await nested(amax(x, 1)), [2, 4]);
    assert.deepEqual(await nested(x.amin(1, { keepdim: true })), [[1], [3]]);
  });

  test('mean(1, { keepdim: false }) drops the dim (any object used to count as true)', async () => {
    const x = m22();
    assert.deepEqual(x.mean(1, { keepdim: false }).shape, [2]);
    assert.deepEqual(await nested(x.mean(1, { keepdim: false })), [1.5, 3.5]);
    assert.deepEqual(await nested(x.mean(1, { keepdim: true })), [[1.5], [3.5]]);
  });

  test("var/std: PyTorch 1.x's (dim, unbiased, keepdim) — var(0, false) is the population variance — and { correction }", async () => {
    const x = m22();
    // column values {1, 3} and {2, 4}: mean 2 and 3, squared deviations 1 + 1 = 2: unbiased 2/1, biased 2/2
    assert.deepEqual(await nested(x.var(0)), [2, 2]);
    assert.deepEqual(await nested(x.var(0, false)), [1, 1]);
    assert.deepEqual(await nested(variance(x, 0, false)), [1, 1]);
    assert.deepEqual(await nested(x.var(0, false, true)), [[1, 1]]);
    assert.deepEqual(await nested(x.var(0, { unbiased: false, keepdim: true })), [[1, 1]]);
    assert.deepEqual(await nested(x.var(0, { correction: 0 })), [1, 1]);
    assert.deepEqual(await nested(x.var({ dim: 0, correction: 0 })), [1, 1]);
    assert.deepEqual(await nested(x.std(0, false)), [1, 1]);
    assert.deepEqual(await nested(std(x, 1, true, true)), [[Math.SQRT1_2], [Math.SQRT1_2]].map((r) => r.map(Math.fround)));
    // var(unbiased): 1, 2, 3, 4 → squared deviations 5/4 · 4 = 5; /4 = 1.25
    await assertClose(tensor([1, 2, 3, 4]).var(false), 1.25);
    await assertClose(tensor([1, 2, 3, 4]).var(), 5 / 3);
  });

  test('max/min/argmax/argmin/logSumExp along a dim: positional, named, mixed; max(other) is the elementwise maximum', async () => {
    const x = tensor([[1, 5], [7, 2]]);
    const [v, i] = x.max(1);
    assert.deepEqual([await nested(v), await nested(i)], [[5, 7], [1, 0]]);
    const kept = x.max({ dim: 1, keepdim: true });
    assert.deepEqual([await nested(kept.values), await nested(kept.indices)], [[[5], [7]], [[1], [0]]]);
    const m = x.min(0, { keepdim: true });
    assert.deepEqual(await nested(m.values), [[1, 2]]);
    assert.equal(await scalar(x.max()), 7);
    assert.deepEqual(await nested(x.max(tensor([[3, 3], [3, 3]]))), [[3, 5], [7, 3]]);
    assert.deepEqual(await nested(max(x, tensor(4))), [[4, 5], [7, 4]]);
    assert.deepEqual(await nested(x.argmax(1, true)), [[1], [0]]);
    assert.deepEqual(await nested(argmax(x, { dim: 0 })), [1, 0]);
    assert.equal(await scalar(x.argmin()), 0);
    await assertClose(tensor([[0, 0]]).logSumExp(1, { keepdim: true }), [[LN2]]);
    await assertClose(logSumExp(tensor([[0, 0]]), { dim: 1 }), [LN2]);
    assert.deepEqual(await nested(prod(x, 0)), [7, 10]);
  });

  test('errors: keepdim must be a boolean; unknown, snake_case, doubled and misfit arguments', () => {
    const x = m22();
    assert.throws(() => x.mean(1, 'yes' as never), /mean: argument 3 \(keepdim\) must be a boolean, got the string "yes"/);
    assert.throws(() => x.mean(1, { keepdim: 1 } as never), /mean: keepdim must be a boolean, got number 1/);
    assert.throws(() => x.sum({ keep_dim: true } as never), /sum: unknown option 'keep_dim': did you mean keepdim\?/);
    assert.throws(() => x.sum(1, true, true as never), /sum: takes 3 positional arguments .* but 4 were given/);
    assert.throws(() => x.sum(1.5), /sum: argument 2 \(dim\) must be an integer, a list of integers or null, got number 1.5/);
    assert.throws(() => x.max(0, { dim: 1 } as never), /max: got multiple values for argument 'dim'/);
    assert.throws(() => x.argmax([0, 1] as never), /argmax: argument 2 \(dim\) must be an integer or null/);
    assert.throws(() => x.var(0, { unbiased: false, correction: 0 }), /var: give either unbiased or correction, not both/);
    assert.throws(() => x.var(0, 'no' as never), /var: argument 3 \(unbiased\) must be a boolean/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => x.logSumExp(), /logSumExp: missing required argument 'dim'/);
    assert.throws(() => x.max({ keepdim: true }), /max: keepdim needs a dim/);
  });
});

forEachBackend('conventions: shape methods', () => {
  test('view/reshape/permute/expand/flip: sizes as varargs or one list', async () => {
    const x = arange(8);
    assert.deepEqual(x.view(-1, 4).shape, [2, 4]);
    assert.deepEqual(x.view([-1, 4]).shape, [2, 4]);
    assert.deepEqual(x.reshape(2, 2, -1).shape, [2, 2, 2]);
    assert.deepEqual(reshape(x, 4, 2).shape, [4, 2]);
    const y = m22();
    assert.deepEqual(await nested(y.permute(1, 0)), [[1, 3], [2, 4]]);
    assert.deepEqual(await nested(y.permute([1, 0])), [[1, 3], [2, 4]]);
    assert.deepEqual(await nested(permute(y, 1, 0)), [[1, 3], [2, 4]]);
    assert.deepEqual(await nested(tensor([[1], [2]]).expand(2, 3)), [[1, 1, 1], [2, 2, 2]]);
    assert.deepEqual(await nested(tensor([[1], [2]]).expand([-1, 2])), [[1, 1], [2, 2]]);
    assert.deepEqual(await nested(y.flip(0, 1)), [[4, 3], [2, 1]]);
    assert.deepEqual(await nested(flip(y, [0, 1])), [[4, 3], [2, 1]]);
    assert.deepEqual(await nested(y.flip(1)), [[2, 1], [4, 3]]);
  });

  test('repeat tiles, as Tensor.repeat, and its gradient sums the copies', async () => {
    assert.deepEqual(await nested(tensor([1, 2]).repeat(2, 2)), [[1, 2, 1, 2], [1, 2, 1, 2]]);
    assert.deepEqual(await nested(m22().repeat([1, 2])), [[1, 2, 1, 2], [3, 4, 3, 4]]);
    assert.deepEqual(m22().repeat(3, 1, 1).shape, [3, 2, 2]);
    assert.deepEqual(m22().repeat(0, 1).shape, [0, 2]);
    const w = tensor([1, 2], { requiresGrad: true });
    w.repeat(3, 2).mul(tensor([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 10]])).sum().backward();
    assert.deepEqual(await nested(w.grad!), [6, 15]);
    assert.throws(() => m22().repeat(2), /repeat: the number of repeats \(1\) can not be smaller than the number of dimensions of the tensor \(2/);
  });

  test('flatten, transpose, squeeze, unsqueeze, narrow, select, split, chunk: positional, named, mixed', async () => {
    const z = zeros(2, 3, 4);
    assert.deepEqual(z.flatten(1).shape, [2, 12]);
    assert.deepEqual(z.flatten(0, 1).shape, [6, 4]);
    assert.deepEqual(z.flatten({ startDim: 1 }).shape, [2, 12]);
    assert.deepEqual(flatten(z, 0, { endDim: 1 }).shape, [6, 4]);
    assert.deepEqual(z.transpose(0, 2).shape, [4, 3, 2]);
    assert.deepEqual(transpose(z, { dim0: 0, dim1: 2 }).shape, [4, 3, 2]);
    assert.deepEqual(z.transpose(0, { dim1: 1 }).shape, [3, 2, 4]);
    const o = zeros(1, 3, 1);
    assert.deepEqual(o.squeeze().shape, [3]);
    assert.deepEqual(o.squeeze(0).shape, [3, 1]);
    assert.deepEqual(squeeze(o, { dim: 2 }).shape, [1, 3]);
    assert.deepEqual(o.squeeze([0, 2]).shape, [3]);
    assert.deepEqual(zeros(3).unsqueeze(0).shape, [1, 3]);
    assert.deepEqual(unsqueeze(zeros(3), { dim: -1 }).shape, [3, 1]);
    const a = arange(6).view(2, 3);
    assert.deepEqual(await nested(a.narrow(1, 1, 2)), [[1, 2], [4, 5]]);
    assert.deepEqual(await nested(narrow(a, 1, { start: 1, length: 2 })), [[1, 2], [4, 5]]);
    assert.deepEqual(await nested(a.select(1, -1)), [2, 5]);
    assert.deepEqual(await nested(select(a, { dim: 0, index: 1 })), [3, 4, 5]);
    assert.deepEqual(await nested(a.slice(1, 1)), [[1, 2], [4, 5]]);
    assert.deepEqual(a.split(1, 1).map((t) => t.shape), [[2, 1], [2, 1], [2, 1]]);
    assert.deepEqual(split(a, [1, 2], { dim: 1 }).map((t) => t.shape), [[2, 1], [2, 2]]);
    assert.deepEqual(a.chunk(3, 1).map((t) => t.shape), [[2, 1], [2, 1], [2, 1]]);
    assert.deepEqual(chunk(a, 2, { dim: 0 }).map((t) => t.shape), [[1, 3], [1, 3]]);
  });

  test('cat, stack, roll: positional or named dim', async () => {
    const a = tensor([[1, 2]]), b = tensor([[3, 4]]);
    assert.deepEqual(await nested(cat([a, b], 1)), [[1, 2, 3, 4]]);
    assert.deepEqual(await nested(cat([a, b], { dim: 1 })), [[1, 2, 3, 4]]);
    assert.deepEqual(await nested(cat([a, b])), [[1, 2], [3, 4]]);
    assert.deepEqual(stack([a, b], { dim: 2 }).shape, [1, 2, 2]);
    assert.deepEqual(await nested(roll(tensor([1, 2, 3, 4]), 1)), [4, 1, 2, 3]);
    assert.deepEqual(await nested(roll(m22(), { shifts: 1, dims: 1 })), [[2, 1], [4, 3]]);
  });

  test('errors: sizes, dims and names', () => {
    const z = zeros(2, 3);
    assert.throws(() => z.view(-1, '3' as never), /reshape: the sizes must be integers, given as varargs or one list; entry 1 is the string "3"/);
    assert.throws(() => z.permute(1, 0.5), /permute: dims must be integers, given as varargs or one list; entry 1 is number 0.5/);
    assert.throws(() => z.transpose(0 as never), /transpose: missing required argument 'dim1'/);
    assert.throws(() => z.flatten({ start_dim: 1 } as never), /flatten: unknown option 'start_dim': did you mean startDim\?/);
    assert.throws(() => z.unsqueeze('1' as never), /unsqueeze: argument 2 \(dim\) must be an integer, got the string "1"/);
    assert.throws(() => z.squeeze(0, 1 as never), /squeeze: takes 2 positional arguments .* but 3 were given/);
    assert.throws(() => cat([z, z], 0, 1 as never), /cat: takes 2 positional arguments .* but 3 were given/);
    assert.throws(() => z.repeat(2, -1), /repeat: repeats must be non-negative, got -1 for dimension 1/);
  });
});

forEachBackend('conventions: clamp and the elementwise ops', () => {
  test('clamp(x, 0, 1) ≡ x.clamp(0, 1) ≡ { min, max } ≡ mixed; null leaves a side open; tensor bounds', async () => {
    const x = tensor([-2, 0.5, 3]);
    for (const y of [clamp(x, 0, 1), x.clamp(0, 1), x.clamp({ min: 0, max: 1 }), x.clamp(0, { max: 1 }), clamp(x, { max: 1, min: 0 })]) {
      assert.deepEqual(await nested(y), [0, 0.5, 1]);
    }
    assert.deepEqual(await nested(x.clamp(null, 1)), [-2, 0.5, 1]);
    assert.deepEqual(await nested(x.clamp({ min: 0 })), [0, 0.5, 3]);
    assert.deepEqual(await nested(x.clamp(tensor([0, 1, 2]), tensor([1, 2, 2.5]))), [0, 1, 2.5]);
    assert.throws(() => x.clamp(), /clamp: at least one of min and max must be given/);
    assert.throws(() => x.clamp(0, 1, 2 as never), /clamp: takes 3 positional arguments .* but 4 were given/);
    assert.throws(() => x.clamp({ mn: 0 } as never), /clamp: unknown option 'mn': did you mean min\?/);
    assert.throws(() => x.clamp('0' as never), /clamp: argument 2 \(min\) must be a number, a Tensor or null/);
  });

  test("add/sub take PyTorch's keyword alpha; other extra arguments throw instead of being dropped", async () => {
    const x = tensor([1, 2]), y = tensor([10, 20]);
    assert.deepEqual(await nested(add(x, y, { alpha: 2 })), [21, 42]);
    assert.deepEqual(await nested(x.add(y, { alpha: 2 })), [21, 42]);
    assert.deepEqual(await nested(sub(x, 1, { alpha: 0.5 })), [0.5, 1.5]);
    assert.deepEqual(await nested(x.sub(y, { alpha: 0.1 })), [0, 0]);
    const w = tensor([1, 1], { requiresGrad: true });
    x.add(w, { alpha: 3 }).sum().backward();
    assert.deepEqual(await nested(w.grad!), [3, 3]);
    assert.throws(() => add(x, y, 2 as never), /add: takes 2 positional arguments \(input, other\) but 3 were given \(the extra one is number 2\); alpha go in the options object/);
    assert.throws(() => mul(x, y, { alpha: 2 } as never), /mul: unknown option 'alpha' \(accepted: input, other\)/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => x.mul(y, 2 as never), /mul: takes 2 positional arguments/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => x.eq(y, 1 as never), /eq: takes 2 positional arguments/);
    assert.throws(() => exp(x, 2 as never), /exp: takes 1 positional argument \(input\) but 2 were given/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => x.exp(2 as never), /exp: takes 1 positional argument/);
  });
});

forEachBackend('conventions: matmul, bincount, corr2d, convolve2d', () => {
  test('bincount(input, weights, minlength): minlength by position or by name; weights refused loudly', async () => {
    const x = tensor([0, 2, 2], { dtype: 'int32' });
    assert.deepEqual(await nested(bincount(x)), [1, 0, 2]);
    assert.deepEqual(await nested(bincount(x, null, 5)), [1, 0, 2, 0, 0]);
    assert.deepEqual(await nested(bincount(x, { minlength: 4 })), [1, 0, 2, 0]);
    assert.throws(() => bincount(x, tensor([1, 1, 1]) as never), /bincount: weights are not supported/);
    assert.throws(() => bincount(x, { min_length: 4 } as never), /bincount: unknown option 'min_length': did you mean minlength\?/);
  });

  test('convolve2d(X, K, mode) ≡ { mode }; matmul, bmm and corr2d refuse extra arguments', async () => {
    const X = tensor([[1, 2], [3, 4]]), K = tensor([[1]]);
    assert.deepEqual(await nested(F.convolve2d(X, tensor([[1, 1]]), 'full')), [[1, 3, 2], [3, 7, 4]]);
    assert.deepEqual(await nested(F.convolve2d(X, tensor([[1, 1]]), { mode: 'full' })), [[1, 3, 2], [3, 7, 4]]);
    assert.throws(() => F.convolve2d(X, K, { mode: 'full', boundary: 'fill' } as never), /convolve2d: unknown option 'boundary'/);
    assert.deepEqual(await nested(matmul(X, X)), [[7, 10], [15, 22]]);
    assert.throws(() => matmul(X, X, X as never), /matmul: takes 2 positional arguments \(input, other\) but 3 were given/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => X.matmul(X, { out: X } as never), /matmul: unknown option 'out'/);
    assert.throws(() => bmm(X.unsqueeze(0), X.unsqueeze(0), 1 as never), /bmm: takes 2 positional arguments/);
    assert.throws(() => F.corr2d(X, K, 1 as never), /corr2d: takes 2 positional arguments \(X, K\)/);
  });
});

forEachBackend('conventions: in-place methods', () => {
  test("add_/sub_ take PyTorch's keyword alpha (p.add_(g, { alpha: -lr })); other extra arguments throw", async () => {
    const w = tensor([1, 2]), g = tensor([10, 20]);
    w.add_(g, { alpha: -0.1 });
    assert.deepEqual(await nested(w), [0, 0]);
    w.sub_(g, { alpha: 0.5 });
    assert.deepEqual(await nested(w), [-5, -10]);
    w.add_(1, { alpha: 2 });
    assert.deepEqual(await nested(w), [-3, -8]);
    assert.throws(() => w.add_(g, -0.1 as never), /add_: takes 2 positional arguments \(self, other\) but 3 were given .*; alpha go in the options object/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => w.mul_(g, { alpha: 2 } as never), /mul_: unknown option 'alpha'/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => w.fill_(1, 2 as never), /fill_: takes 2 positional arguments/);
    // @ts-expect-error: the types refuse it too
    assert.throws(() => w.zero_(1 as never), /zero_: takes 1 positional argument/);
  });

  // PyTorch's view ops return views: x.t().add_(1) changes x there. convnet's return copies, so such a
  // write used to change only the copy, silently; it now throws, naming the op, and x keeps its values.
  test('writing in place into what transpose, permute, narrow, select, split, expand or basic indexing returned throws; x is unchanged', async () => {
    const x = tensor([[1, 2], [3, 4]]);
    const cases: [RegExp, () => unknown][] = [
      [/add_: this tensor's data is a copy made by permute \(transpose, t, movedim\), which returns a view of its input in PyTorch but a copy in convnet/, () => x.t().add_(1)],
      [/fill_: .*copy made by permute/, () => transpose(x, 0, 1).fill_(0)],
      [/mul_: .*copy made by permute/, () => permute(x, 1, 0).mul_(2)],
      [/fill_: .*copy made by narrow/, () => narrow(x, 1, 0, 1).fill_(0)],
      [/fill_: .*copy made by narrow/, () => select(x, 0, 1).fill_(0)],
      [/fill_: .*copy made by narrow/, () => split(x, 1)[0].zero_()], // zero_ is fill_(0)
      [/copy_: .*copy made by expand/, () => x.index('0').clone().expand(3, 2).copy_(zeros(3, 2))],
      [/fill_: .*copy made by index \(basic indexing\).*x\.indexPut_\(index, value\)/, () => x.index('0, :').fill_(9)],
      [/indexPut_: .*copy made by index/, () => x.index(':, 1').indexPut_('0', 5)],
      [/relu: .*copy made by permute/, () => F.relu(x.t(), true)],
      // data shared with the copy shares its mark: reshape, squeeze, .data
      [/mul_: .*copy made by narrow/, () => squeeze(narrow(x, 0, 0, 1), 0).mul_(2)],
      [/fill_: .*copy made by permute/, () => x.t().data.fill_(0)],
    ];
    for (const [msg, write] of cases) assert.throws(write, msg);
    assert.deepEqual(await nested(x), [[1, 2], [3, 4]]);
    // Fresh data may be written: clone(), advanced indexing (a copy in PyTorch too), reshape of x itself
    // (a view of x in both, and the write reaches x).
    const c = x.t().clone();
    c.add_(10);
    assert.deepEqual(await nested(c), [[11, 13], [12, 14]]);
    const adv = x.index([tensor([1, 0], { dtype: 'int32' })]);
    adv.fill_(0);
    assert.deepEqual(await nested(adv), [[0, 0], [0, 0]]);
    x.reshape(4).add_(1);
    assert.deepEqual(await nested(x), [[2, 3], [4, 5]]);
    // A leaf's gradient that came through permute is its own data: clipping writes into it.
    const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    w.t().mul(tensor([[1, 2], [3, 4]])).sum().backward();
    w.grad!.mul_(0.5);
    assert.deepEqual(await nested(w.grad!), [[0.5, 1.5], [1, 2]]);
  });
});

forEachBackend('conventions: softmax, dtype shorthands, iteration', (backend) => {
  test('softmax/logSoftmax as methods, at top level and in F: dim by position or by name', async () => {
    const x = tensor([[0, 0], [0, Math.log(3)]]);
    const expected = [[0.5, 0.5], [0.25, 0.75]];
    for (const y of [x.softmax(1), softmax(x, 1), F.softmax(x, 1), F.softmax(x, { dim: 1 }), x.softmax({ dim: -1 })]) await assertClose(y, expected);
    for (const y of [x.logSoftmax(1), logSoftmax(x, 1), F.logSoftmax(x, { dim: 1 })]) await assertClose(y, expected.map((r) => r.map(Math.log)));
    if (hasFloat64(backend)) {
      const d = x.softmax(1, { dtype: 'float64' });
      assert.equal(d.dtype, 'float64');
      await assertClose(d, expected);
    }
    assert.throws(() => F.softmax(x), /softmax: dim is required/);
    assert.throws(() => x.softmax(1, 3 as never), /softmax: takes 2 positional arguments \(input, dim\) but 3 were given .*; dtype go in the options object/);
    assert.throws(() => x.softmax({ axis: 1 } as never), /softmax: unknown option 'axis'/);
  });

  test('long/int → int32 (convnet has no int64), bool → int32 0/1 (no bool dtype), float, double', async () => {
    const x = tensor([1.7, -1.7, 0]);
    const l = x.long();
    assert.deepEqual([l.dtype, await nested(l)], ['int32', [1, -1, 0]]);
    assert.deepEqual([x.int().dtype, await nested(x.int())], ['int32', [1, -1, 0]]);
    const b = tensor([0, 0.5, -2]).bool();
    assert.deepEqual([b.dtype, await nested(b)], ['int32', [0, 1, 1]]);
    assert.equal(tensor([1, 2], { dtype: 'int32' }).float().dtype, 'float32');
    assert.equal(x.to('int32').dtype, 'int32');
    assert.equal(x.to({ dtype: 'int32' }).dtype, 'int32');
    assert.equal(x.to(tensor([1], { dtype: 'int32' })).dtype, 'int32');
    assert.throws(() => x.to('cuda' as never), /to: .*cuda/);
    assert.throws(() => x.to('int32', { non_blocking: true } as never), /to: unknown option 'non_blocking'/);
    if (hasFloat64(backend)) assert.equal(x.double().dtype, 'float64');
  });

  test('iterating over a tensor yields x.select(0, i); a 0-d tensor throws', async () => {
    const rows: number[][] = [];
    for (const row of m22()) rows.push((await nested(row)) as number[]);
    assert.deepEqual(rows, [[1, 2], [3, 4]]);
    const items = [...tensor([5, 6, 7])];
    assert.deepEqual(items.map((t) => t.shape), [[], [], []]);
    assert.deepEqual(await Promise.all(items.map(scalar)), [5, 6, 7]);
    assert.deepEqual([...zeros(0, 2)], []);
    assert.throws(() => [...tensor(1)], /iteration over a 0-d tensor/);
    const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const [first, second] = w;
    first.mul(second).sum().backward();
    assert.deepEqual(await nested(w.grad!), [[3, 4], [1, 2]]);
  });
});

forEachBackend('conventions: F in PyTorch\'s positional order', () => {
  const img = () => arange(16).view(1, 1, 4, 4);   // [[0..3], [4..7], [8..11], [12..15]]

  test('conv2d(input, weight, bias, stride, padding, dilation, groups) ≡ options ≡ mixed', async () => {
    const w = ones(1, 1, 3, 3), b = tensor([1]);
    // corner (0, 0) with padding 1 sums 0 + 1 + 4 + 5 = 10, plus the bias
    for (const y of [F.conv2d(img(), w, b, 1, 1), F.conv2d(img(), w, b, { stride: 1, padding: 1 }), F.conv2d(img(), w, { bias: b, padding: 1 }),
      F.conv2d(img(), w, b, 1, { padding: 1 }), F.conv2d(img(), w, b, undefined, 1)]) {
      assert.deepEqual(y.shape, [1, 1, 4, 4]);
      assert.equal((await values(y))[0], 11);
    }
    // stride 2, no padding: windows at (0, 0) only... 4×4 with k=3, s=2 → 1×1: 0+1+2+4+5+6+8+9+10 = 45
    assert.deepEqual(await nested(F.conv2d(img(), w, null, 2)), [[[[45]]]]);
    assert.deepEqual(await nested(F.conv2d(img(), w, null, { stride: 2 })), [[[[45]]]]);
    // dilation 2 (positional 6th): one window of taps 0, 2, 8, 10 (rows/cols 0 and 2 of a 3×3 span in 4×4 … 2×2 outputs)
    assert.deepEqual(await nested(F.conv2d(img(), ones(1, 1, 2, 2), null, 1, 0, 2)), [[[[20, 24], [36, 40]]]]);
    // groups (7th): two channels, each its own kernel
    const x2 = ones(1, 2, 2, 2), w2 = tensor([[[[1]]], [[[2]]]]);
    assert.deepEqual(await nested(F.conv2d(x2, w2, null, 1, 0, 1, 2)), [[[[1, 1], [1, 1]], [[2, 2], [2, 2]]]]);
    assert.deepEqual(await nested(F.conv1d(tensor([[[1, 2, 3]]]), tensor([[[1, 1]]]), null, 1, 1)), [[[1, 3, 5, 3]]]);
    assert.throws(() => F.conv2d(img(), w, { bais: b } as never), /conv2d: unknown option 'bais': did you mean bias\?/);
    assert.throws(() => F.conv2d(img(), w, b, { padding_mode: 'reflect' } as never), /conv2d: unknown option 'padding_mode': did you mean paddingMode\?/);
    assert.throws(() => F.conv2d(img(), w, b, 1, 1, 1, 1, 'zeros' as never), /conv2d: takes 7 positional arguments .* but 8 were given .*; paddingMode go in the options object/);
    assert.throws(() => F.conv2d(img(), w, 1 as never), /conv2d: argument 3 \(bias\) must be a Tensor or null, got number 1/);
    assert.throws(() => F.conv2d(img(), w, b, 1, { stride: 2 } as never), /conv2d: got multiple values for argument 'stride'/);
  });

  test('maxPool2d(input, kernelSize, stride, padding, dilation, ceilMode, returnIndices) ≡ options', async () => {
    const by1 = [[[[5, 6, 7], [9, 10, 11], [13, 14, 15]]]];
    for (const y of [F.maxPool2d(img(), 2, 1), F.maxPool2d(img(), 2, { stride: 1 }), F.maxPool2d(img(), { kernelSize: 2, stride: 1 })]) assert.deepEqual(await nested(y), by1);
    assert.deepEqual(await nested(F.maxPool2d(img(), 2)), [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(await nested(F.maxPool2d(img(), 2, null)), [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(F.maxPool2d(img(), 3, 1, 1).shape, [1, 1, 4, 4]);
    // ceilMode (6th): 4 wide, k=3, s=2 → ceil((4 − 3)/2) + 1 = 2 windows instead of 1
    assert.deepEqual(await nested(F.maxPool2d(img(), 3, 2, 0, 1, true)), [[[[10, 11], [14, 15]]]]);
    const [out, idx] = F.maxPool2d(img(), 2, 2, 0, 1, false, true);
    assert.deepEqual([await nested(out), await nested(idx)], [[[[[5, 7], [13, 15]]]], [[[[5, 7], [13, 15]]]]]);
    const [, idx2] = F.maxPool2d(img(), 2, { returnIndices: true });
    assert.deepEqual(await nested(idx2), [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(await nested(F.maxPool1d(tensor([[1, 3, 2, 5]]), 2, 1)), [[3, 3, 5]]);
    assert.throws(() => F.maxPool2d(img(), 2, { ceil_mode: true } as never), /maxPool2d: unknown option 'ceil_mode': did you mean ceilMode\?/);
    assert.throws(() => F.maxPool2d(img(), 2, 1, 0, 1, 'yes' as never), /maxPool2d: argument 6 \(ceilMode\) must be a boolean/);
    assert.throws(() => F.maxPool2d(img()), /maxPool2d: missing required argument 'kernelSize'/);
  });

  test('avgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride) ≡ options; adaptive pools', async () => {
    // 2×2 windows, stride 2: sums 10, 18, 42, 50
    assert.deepEqual(await nested(F.avgPool2d(img(), 2)), [[[[2.5, 4.5], [10.5, 12.5]]]]);
    assert.deepEqual(await nested(F.avgPool2d(img(), 2, 2, 0, false, true, 1)), [[[[10, 18], [42, 50]]]]);
    assert.deepEqual(await nested(F.avgPool2d(img(), 2, { divisorOverride: 1 })), [[[[10, 18], [42, 50]]]]);
    assert.deepEqual(await nested(F.avgPool2d(img(), 2, 2, { divisorOverride: 2 })), [[[[5, 9], [21, 25]]]]);
    // padding 1, countIncludePad false: the corner window holds only element 0
    assert.equal((await values(F.avgPool2d(img(), 2, 2, 1, false, false)))[0], 0);
    assert.equal((await values(F.avgPool2d(tensor([[[[4, 4], [4, 4]]]]), 2, 2, 1, false, true)))[0], 1);
    assert.deepEqual(await nested(F.avgPool1d(tensor([[1, 2, 3, 4]]), 2, 1)), [[1.5, 2.5, 3.5]]);
    assert.deepEqual(await nested(F.adaptiveAvgPool2d(img(), 1)), [[[[7.5]]]]);
    assert.deepEqual(await nested(F.adaptiveAvgPool2d(img(), { outputSize: 1 })), [[[[7.5]]]]);
    const [mx, mi] = F.adaptiveMaxPool2d(img(), 1, true);
    assert.deepEqual([await nested(mx), await nested(mi)], [[[[[15]]]], [[[[15]]]]]);
    assert.throws(() => F.avgPool2d(img(), 2, { divisor_override: 1 } as never), /avgPool2d: unknown option 'divisor_override': did you mean divisorOverride\?/);
    assert.throws(() => F.avgPool1d(tensor([[1, 2]]), 2, { divisorOverride: 1 } as never), /avgPool1d: unknown option 'divisorOverride'/);
  });

  test('pad(input, pad, mode, value) ≡ options', async () => {
    const x = tensor([[1, 2, 3]]);
    for (const y of [F.pad(x, [1, 1], 'constant', 5), F.pad(x, [1, 1], { value: 5 }), F.pad(x, [1, 1], 'constant', { value: 5 }), F.pad(x, { pad: [1, 1], mode: 'constant', value: 5 })]) {
      assert.deepEqual(await nested(y), [[5, 1, 2, 3, 5]]);
    }
    assert.deepEqual(await nested(F.pad(x, [1, 1], 'reflect')), [[2, 1, 2, 3, 2]]);
    assert.deepEqual(await nested(F.pad(x, [1, 0], 'constant', null)), [[0, 1, 2, 3]]);
    assert.throws(() => F.pad(x, [1, 1], { mode: 'reflect', valu: 1 } as never), /pad: unknown option 'valu': did you mean value\?/);
    assert.throws(() => F.pad(x, [1, 1], 1 as never), /pad: argument 3 \(mode\) must be a string, got number 1/);
  });

  test('dropout(input, p, training, inplace), relu(input, inplace), leakyRelu(input, negativeSlope, inplace)', async () => {
    const x = tensor([-1, 2, 3]);
    assert.equal(F.dropout(x, 0.5, false), x);
    assert.equal(F.dropout(x, { p: 0.9, training: false }), x);
    assert.equal(F.dropout(x, 0.9, { training: false }), x);
    manualSeed(1);
    const d = await values(F.dropout(ones(1000), 0.5, true));
    assert.ok(d.every((v) => v === 0 || v === 2) && d.includes(0) && d.includes(2));
    // inplace=true writes into the input and returns it; where autograd tracks the input the write is
    // recorded, as PyTorch's: the gradient of dropout at ones is its own output (mask / (1 − p))
    const xd = ones(8);
    assert.equal(F.dropout(xd, 0.5, true, true), xd);
    assert.ok((await values(xd)).every((v) => v === 0 || v === 2));
    const leafD = ones([64], { requiresGrad: true }), hd = leafD.mul(1);
    assert.equal(F.dropout(hd, 0.5, true, true), hd);
    hd.sum().backward();
    assert.deepEqual(await values(leafD.grad!), await values(hd));
    assert.throws(() => F.dropout(ones([2], { requiresGrad: true }), 0.5, true, true), /dropout: a leaf Variable that requires grad is being used in an in-place operation/);
    assert.throws(() => F.dropout(x, 0.5, 'yes' as never), /dropout: argument 3 \(training\) must be a boolean/);
    assert.deepEqual(await nested(F.relu(x, false)), [0, 2, 3]);
    assert.deepEqual(await nested(F.relu(x, { inplace: false })), [0, 2, 3]);
    const xr = tensor([-1, 2, 3]);
    assert.equal(F.relu(xr, true), xr);
    assert.deepEqual(await nested(xr), [0, 2, 3]);
    // relu_ on a tensor with history: recorded as PyTorch's ReluBackward0; d relu(2a)/da = 2·[a > 0]
    const leafR = tensor([-1, 2, -3, 4], { requiresGrad: true }), hr = leafR.mul(2);
    assert.equal(F.relu(hr, true), hr);
    assert.equal(hr.gradFn?.name, 'ReluBackward0');
    hr.sum().backward();
    assert.deepEqual(await nested(leafR.grad!), [0, 2, 0, 2]);
    await assertClose(F.leakyRelu(x, 0.1), [-0.1, 2, 3]);
    await assertClose(F.leakyRelu(x, { negativeSlope: 0.1 }), [-0.1, 2, 3]);
    const xl = tensor([-1, 2, 3]);
    assert.equal(F.leakyRelu(xl, 0.1, true), xl);
    await assertClose(xl, [-0.1, 2, 3]);
    assert.throws(() => F.leakyRelu(x, { negative_slope: 0.1 } as never), /leakyRelu: unknown option 'negative_slope': did you mean negativeSlope\?/);
  });

  test('linear(input, weight, bias) and batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps)', async () => {
    const x = tensor([[1, 2]]), w = tensor([[1, 1], [2, 0]]), b = tensor([0.5, -1]);
    // [1 + 2 + 0.5, 2 − 1]
    for (const y of [F.linear(x, w, b), F.linear(x, { weight: w, bias: b }), F.linear(x, w, { bias: b })]) assert.deepEqual(await nested(y), [[3.5, 1]]);
    assert.deepEqual(await nested(F.linear(x, w)), [[3, 2]]);
    assert.throws(() => F.linear(x, w, b, b as never), /linear: takes 3 positional arguments/);
    // one channel, values 1 and 3: mean 2, unbiased variance 2; momentum 0.5 moves each buffer halfway
    const rm = zeros(1), rv = ones(1);
    const y = F.batchNorm(tensor([[1], [3]]), rm, rv, null, null, true, 0.5, 0);
    await assertClose(y, [[-1], [1]]);
    assert.deepEqual([await nested(rm), await nested(rv)], [[1], [1.5]]);
    const rm2 = zeros(1), rv2 = ones(1);
    F.batchNorm(tensor([[1], [3]]), { runningMean: rm2, runningVar: rv2, training: true, momentum: 0.5 });
    assert.deepEqual([await nested(rm2), await nested(rv2)], [[1], [1.5]]);
    await assertClose(F.batchNorm(tensor([[1], [3]]), rm2, rv2, tensor([2]), tensor([1]), { eps: 0 }), [[1 + 2 * (0 / Math.sqrt(1.5))], [1 + 2 * (2 / Math.sqrt(1.5))]]);
    assert.throws(() => F.batchNorm(tensor([[1], [3]]), rm, rv, null, null, 0.1 as never), /batchNorm: argument 6 \(training\) must be a boolean, got number 0.1/);
  });

  test("losses: crossEntropy(input, target, weight, sizeAverage, ignoreIndex, reduce, reduction, labelSmoothing) — w by position is used", async () => {
    const x = zeros(2, 2), t = tensor([0, 1], { dtype: 'int32' }), w = tensor([1, 3]);
    // every log-probability is −ln 2: weighted sum 1·ln2 + 3·ln2; the weighted mean divides by 1 + 3
    await assertClose(F.crossEntropy(x, t, w, null, -100, null, 'sum'), 4 * LN2);
    await assertClose(F.crossEntropy(x, t, w, { reduction: 'sum' }), 4 * LN2);
    await assertClose(F.crossEntropy(x, t, { weight: w, reduction: 'sum' }), 4 * LN2);
    await assertClose(F.crossEntropy(x, t, null, null, -100, null, 'sum'), 2 * LN2);
    await assertClose(F.crossEntropy(x, t, w, null, -100, null, 'none'), [LN2, 3 * LN2]);
    // ignoreIndex (5th) drops the target 1
    await assertClose(F.crossEntropy(x, t, null, null, 1, null, 'sum'), LN2);
    await assertClose(F.crossEntropy(x, t, { ignoreIndex: 1, reduction: 'sum' }), LN2);
    // labelSmoothing (8th): with uniform logits every class has −ln 2, so the loss stays ln 2
    await assertClose(F.crossEntropy(x, t, null, null, -100, null, 'mean', 0.2), LN2);
    await assertClose(F.nllLoss(x.logSoftmax(1), t, w, null, -100, null, 'sum'), 4 * LN2);
    await assertClose(F.nllLoss(x.logSoftmax(1), t, w), LN2);
    await assertClose(F.mseLoss(tensor([1, 2]), tensor([1, 4]), null, null, 'sum'), 4);
    await assertClose(F.mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: 'none' }), [0, 4]);
    // BCE with logits 0: each term ln 2; posWeight 3 triples the positive target's term
    await assertClose(F.binaryCrossEntropyWithLogits(zeros(2), tensor([1, 0]), null, null, null, 'sum', tensor([3, 3])), 4 * LN2);
    await assertClose(F.binaryCrossEntropyWithLogits(zeros(2), tensor([1, 0]), { reduction: 'sum', posWeight: tensor([3, 3]) }), 4 * LN2);
  });

  test("losses: the deprecated sizeAverage/reduce slots throw; unknown and snake_case keys throw ({ ignore_index } was ignored)", () => {
    const x = zeros(2, 2), t = tensor([0, 1], { dtype: 'int32' });
    assert.throws(() => F.crossEntropy(x, t, null, true as never), /crossEntropy: sizeAverage is deprecated \(in PyTorch too\) and not supported, got boolean true; use reduction: 'mean' \(the default\), 'sum' or 'none'/);
    assert.throws(() => F.crossEntropy(x, t, { reduce: false } as never), /crossEntropy: reduce is deprecated/);
    assert.throws(() => F.mseLoss(x, x, false as never), /mseLoss: sizeAverage is deprecated/);
    assert.throws(() => F.crossEntropy(x, t, { ignore_index: 0 } as never), /crossEntropy: unknown option 'ignore_index': did you mean ignoreIndex\?/);
    assert.throws(() => F.nllLoss(x, t, { label_smoothing: 0.1 } as never), /nllLoss: unknown option 'label_smoothing'/);
    assert.throws(() => F.crossEntropy(x, t, null, null, 0.5 as never), /crossEntropy: argument 5 \(ignoreIndex\) must be an integer, got number 0.5/);
    assert.throws(() => F.binaryCrossEntropyWithLogits(zeros(2), zeros(2), { pos_weight: zeros(2) } as never), /did you mean posWeight\?/);
    assert.throws(() => F.mseLoss(x, x, null, null, 'sum', 1 as never), /mseLoss: takes 5 positional arguments/);
  });

  test("filter2d: padding is the amount ('same' default, 'valid', or pixels) as conv2d's, paddingMode the fill", async () => {
    const box = ones(3, 3).div(9), img1 = ones(1, 4, 4);
    assert.deepEqual(filter2d(img1, box).shape, [1, 4, 4]);
    await assertClose(filter2d(img1, box), ones(1, 4, 4));                       // reflect keeps a constant image constant
    assert.deepEqual(filter2d(img1, box, { padding: 'valid' }).shape, [1, 2, 2]);
    const z = filter2d(img1, box, { padding: 1, paddingMode: 'zeros' });
    assert.deepEqual(z.shape, [1, 4, 4]);
    await assertClose(z.narrow(1, 0, 1).narrow(2, 0, 1), [[[4 / 9]]]);          // the corner window holds 4 ones
    await assertClose(filter2d(img1, box, { paddingMode: 'zeros' }).narrow(1, 1, 1).narrow(2, 0, 1), [[[6 / 9]]]);
    assert.deepEqual(filter2d(img1, box, { padding: [0, 1], paddingMode: 'replicate' }).shape, [1, 2, 4]);
    assert.deepEqual(filter2d(img1, box, { stride: 2 }).shape, [1, 2, 2]);
    assert.throws(() => filter2d(img1, box, { padding: 'zeros' } as never),
      /filter2d: padding must be 'same', 'valid', a number or \[pH, pW\], got "zeros" \(padding is the amount, as conv2d's; the fill is paddingMode: \{ paddingMode: 'zeros' \}\)/);
    assert.throws(() => filter2d(img1, box, { padding: 'none' } as never), /got "none" .*and no padding is 'valid'/);
    assert.throws(() => filter2d(img1, box, { padding_mode: 'zeros' } as never), /filter2d: unknown option 'padding_mode': did you mean paddingMode\?/);
    assert.throws(() => filter2d(img1, box, { paddingMode: 'mirror' } as never), /filter2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "mirror"/);
  });
});

test('a Tensor is still an argument, never an options object', () => {
  assert.ok(ones(2) instanceof Tensor);
  assert.throws(() => zeros(ones(2) as never), /zeros: size must be non-negative integers, given as varargs or one list; entry 0 is a Tensor of shape \[2\]/);
});
