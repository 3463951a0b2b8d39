// test/indexing.test.ts — indexing (x.index, indexPut_), the gather family (gather, scatter, scatterAdd,
// maskedFill, where), sort/argsort/topk, cumsum, oneHot, einsum and embedding against PyTorch 1.13
// (test/fixtures/indexing.json, written by gen_index_fixtures.py; numpy for negative slice steps, which
// PyTorch refuses): forward and the gradients of sum(output · gradOutput), on every backend, in float64
// where the backend has it (abs/rel 1e-9) else float32 (1e-4). Then gradcheck, the tutorial's corr2d
// loop learning K's gradient, in-place autograd (version counter, leaf, history kept for earlier uses),
// the sort kernel on each backend (ties, NaN, int32, a middle axis, rows longer than 1024 against ref's
// result, no fallback to ref), and argument errors.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  F, Tensor, arange, argsort, cumsum, einsum, gather, gradcheck, index, indexPut_, maskedFill, nn, noGrad, scatter,
  scatterAdd, sort, tensor, manualSeed, randn, topk, where, zeros, type Index, type IndexItem,
  fallbackCounts, resetFallbackCounts, setBackend,
} from '../src/index.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { forEachBackend, test64, values, widestFloat } from './helpers/backends.js';

type Entry = number | string | null | { int: FixtureTensor } | { mask: FixtureTensor };
interface Case {
  name: string; op: string; output?: FixtureTensor; gradOutput?: FixtureTensor; grads?: Record<string, FixtureTensor | FixtureTensor[]>;
  [k: string]: unknown;
}
const fx = loadFixture<{ generator: string; cases: Case[]; corr2d: Record<string, FixtureTensor> }>('indexing.json');

function toIndex(spec: { str: string } | Entry[]): Index {
  if (!Array.isArray(spec)) return spec.str;
  return spec.map((e): IndexItem => {
    if (e !== null && typeof e === 'object' && 'int' in e) return fromFixture(e.int, 'int32');
    if (e !== null && typeof e === 'object' && 'mask' in e) return fromFixture(e.mask, 'float32');
    return e;
  });
}

const ti = (t: unknown): Tensor => fromFixture(t as FixtureTensor, 'int32');

/** Runs one case: returns the output(s) and the leaves whose gradients the fixture has. */
function run(c: Case, dtype: 'float32' | 'float64'): { out: Tensor; leaves: Record<string, Tensor | Tensor[]>; extra?: Tensor } {
  const f = (t: unknown): Tensor => fromFixture(t as FixtureTensor, dtype).requiresGrad_();
  const num = (v: unknown): Tensor | number => (typeof v === 'number' ? v : f(v));
  switch (c.op) {
    case 'index': {
      const x = f(c.input);
      return { out: index(x, toIndex(c.index as Entry[])), leaves: { input: x } };
    }
    case 'indexPut': {
      const x0 = f(c.input);
      const v = num(c.value);
      const x = x0.mul(1);
      x.indexPut_(toIndex(c.index as Entry[]), v, c.accumulate as boolean);
      return { out: x, leaves: { input: x0, ...(v instanceof Tensor ? { value: v } : {}) } };
    }
    case 'gather': {
      const x = f(c.input);
      return { out: gather(x, c.dim as number, ti(c.indexT)), leaves: { input: x } };
    }
    case 'scatter': case 'scatterAdd': {
      const x = f(c.input);
      const src = c.src ? f(c.src) : (c.value as number);
      const out = c.op === 'scatterAdd' ? scatterAdd(x, c.dim as number, ti(c.indexT), src as Tensor)
        : c.reduce ? scatter(x, c.dim as number, ti(c.indexT), src, { reduce: c.reduce as 'add' }) : scatter(x, c.dim as number, ti(c.indexT), src);
      return { out, leaves: { input: x, ...(src instanceof Tensor ? { src } : {}) } };
    }
    case 'maskedFill': {
      const x = f(c.input);
      return { out: maskedFill(x, fromFixture(c.mask as FixtureTensor, dtype), c.value as number), leaves: { input: x } };
    }
    case 'where': {
      const a = num(c.input), b = num(c.other);
      const leaves: Record<string, Tensor> = {};
      if (a instanceof Tensor) leaves.input = a;
      if (b instanceof Tensor) leaves.other = b;
      return { out: where(fromFixture(c.cond as FixtureTensor, dtype), a, b), leaves };
    }
    case 'sort': case 'topk': {
      const x = f(c.input);
      const o = c.options as Record<string, unknown>;
      const r = c.op === 'sort' ? sort(x, o) : topk(x, o as { k: number });
      return { out: r.values, extra: r.indices, leaves: { input: x } };
    }
    case 'argsort':
      return { out: argsort(f(c.input), c.options as Record<string, unknown>), leaves: {} };
    case 'cumsum': {
      const x = f(c.input);
      return { out: cumsum(x, c.dim as number), leaves: { input: x } };
    }
    case 'oneHot':
      return { out: F.oneHot(ti(c.indexT), c.numClasses as number), leaves: {} };
    case 'einsum': {
      const ops = (c.operands as FixtureTensor[]).map(f);
      return { out: einsum(c.equation as string, ...ops), leaves: { operands: ops } };
    }
    case 'embedding': {
      const w = f(c.weight);
      return { out: F.embedding(ti(c.indexT), w, { paddingIdx: c.paddingIdx as number | null }), leaves: { weight: w } };
    }
  }
  throw new Error(`unknown op ${c.op}`);
}

forEachBackend('indexing against PyTorch', (backend) => {
  const dtype = widestFloat(backend);
  const tol = dtype === 'float64' ? 1e-9 : 1e-4;
  for (const c of fx.cases) {
    test(`${c.op}: ${c.name}`, async () => {
      const { out, extra, leaves } = run(c, dtype);
      if (c.output) await assertFixture(out, c.output, 'output', tol, tol);
      if (c.values) await assertFixture(out, c.values as FixtureTensor, 'values', tol, tol);
      if (c.indices) {
        const ix = extra ?? out;
        assert.equal(ix.dtype, 'int32');
        assert.deepEqual(await values(ix), (c.indices as FixtureTensor).data);
      }
      if (c.op === 'oneHot') assert.equal(out.dtype, 'int32');
      if (!c.gradOutput || !c.grads || Object.keys(c.grads).length === 0) return;
      out.mul(fromFixture(c.gradOutput, dtype)).sum().backward();
      for (const [name, expected] of Object.entries(c.grads)) {
        const leaf = leaves[name];
        if (Array.isArray(leaf)) {
          for (let i = 0; i < leaf.length; i++) await assertFixture(leaf[i].grad!, (expected as FixtureTensor[])[i], `grad ${name}[${i}]`, tol, tol);
        } else {
          assert.ok(leaf?.grad, `${name} has a gradient`);
          await assertFixture(leaf.grad, expected as FixtureTensor, `grad ${name}`, tol, tol);
        }
      }
    });
  }

  test("the tutorial's corr2d loop: Y.indexPut_([i, j], X.index(…).mul(K).sum()) learns K's gradient, as conv2d's", async () => {
    const X = fromFixture(fx.corr2d.X, dtype), K = fromFixture(fx.corr2d.K, dtype).requiresGrad_();
    const [h, w] = K.shape;
    const Y = zeros([X.shape[0] - h + 1, X.shape[1] - w + 1], { dtype });
    for (let i = 0; i < Y.shape[0]; i++) {
      for (let j = 0; j < Y.shape[1]; j++) Y.indexPut_([i, j], X.index(`${i}:${i + h}, ${j}:${j + w}`).mul(K).sum());
    }
    assert.equal(Y.gradFn?.name, 'IndexPutBackward0');
    await assertFixture(Y, fx.corr2d.Y, 'Y', tol, tol);
    Y.mul(fromFixture(fx.corr2d.gradOutput, dtype)).sum().backward();
    await assertFixture(K.grad!, fx.corr2d.gradK, 'K.grad', tol, tol);
    // The same gradient through conv2d (PyTorch's conv2d is a cross-correlation).
    const K2 = fromFixture(fx.corr2d.K, dtype).requiresGrad_();
    const Yc = F.conv2d(X.reshape(1, 1, ...X.shape), K2.reshape(1, 1, h, w)).reshape(Y.shape);
    Yc.mul(fromFixture(fx.corr2d.gradOutput, dtype)).sum().backward();
    await assertFixture(K.grad!, await values(K2.grad!), 'K.grad vs conv2d', tol, tol);
  });

  test('in place: nodes recorded before a write keep the history x had then; later ones get the new', async () => {
    const a = tensor([1, 2, 3], { requiresGrad: true, dtype });
    const m = a.mul(2);
    const u = m.mul(3);           // uses m before the writes: d/da = 6
    m.indexPut_([1], 100);        // m = [2a0, 100, 2a2]
    m.add_(a);                    // m = [3a0, 100 + a1, 3a2]
    m.sum().add(u.sum()).backward();
    assert.deepEqual(await values(a.grad!), [9, 7, 9]);
  });

  test('in place: indexPut_ into a tensor a node saved makes that node\'s backward throw PyTorch\'s version error', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true, dtype });
    const x = tensor([4, 5, 6], { dtype });
    const y = x.mul(w);           // saves x for w's gradient
    x.indexPut_([0], 7);
    assert.throws(() => y.sum().backward(), /modified by an inplace operation: \[float\d+ \[3\]\] is at version 1; expected version 0/);
  });

  test('in place: a leaf that requires grad is refused outside noGrad, allowed inside', async () => {
    const w = tensor([1, 2, 3], { requiresGrad: true, dtype });
    assert.throws(() => w.indexPut_([0], 5), /indexPut_: a leaf Variable that requires grad is being used in an in-place operation/);
    assert.throws(() => w.maskedFill_(w.gt(1), 0), /maskedFill_: a leaf Variable that requires grad/);
    assert.throws(() => w.scatter_(0, tensor([0], { dtype: 'int32' }), 1), /scatter_: a leaf Variable that requires grad/);
    noGrad(() => w.indexPut_(':2', 0));
    assert.deepEqual(await values(w), [0, 0, 3]);
  });

  test('indexPut_ writes a broadcast tensor, a number, and accumulates repeated positions', async () => {
    const y = zeros([2, 4], { dtype });
    y.indexPut_(':, 1:3', tensor([5, 6], { dtype }));
    y.indexPut_([1, -1], 9);
    y.indexPut_([tensor([0, 0, 0], { dtype: 'int32' }), 0], tensor([1, 2, 3], { dtype }), true);
    assert.deepEqual(await values(y), [6, 5, 6, 0, 0, 5, 6, 9]);
    // (A mask as JS wrote it: a mask computed on a GPU cannot be read synchronously, and says so.)
    if (backend === 'webgpu') assert.throws(() => y.indexPut_([y.gt(5)], -1), /indexPut_: a mask selects a number of elements its values decide/);
    y.indexPut_({ index: [tensor([[1, 0, 1, 0], [0, 0, 1, 1]], { dtype })], values: -1 });
    assert.deepEqual(await values(y), [-1, 5, -1, 0, 0, 5, -1, -1]);
  });

  test('maskedFill_, scatter_, scatterAdd_ in place, recorded on a non-leaf', async () => {
    const a = tensor([1, -2, 3], { requiresGrad: true, dtype });
    const b = a.mul(1);
    b.maskedFill_(b.lt(0), 0);
    b.scatterAdd_(0, tensor([2, 2], { dtype: 'int32' }), a.index(':2'));
    assert.deepEqual(await values(b), [1, 0, 2]);
    b.sum().backward();   // b = [a0, 0, a2 + a0 + a1]
    assert.deepEqual(await values(a.grad!), [2, 1, 1]);
  });

  test('sort is stable; topk with k = 0; argsort of ties keeps order', async () => {
    const x = tensor([2, 1, 2, 1, 0], { dtype });
    const { values: v, indices } = sort(x);
    assert.deepEqual(await values(v), [0, 1, 1, 2, 2]);
    assert.deepEqual(await values(indices), [4, 1, 3, 0, 2]);
    assert.deepEqual(await values(sort(x, { descending: true }).indices), [0, 2, 1, 3, 4]);
    assert.deepEqual(topk(x, 0).values.shape, [0]);
    assert.deepEqual(await values(x.argsort()), [4, 1, 3, 0, 2]);
  });

  test('einsum trace, outer and implicit output', async () => {
    const m = arange(9).reshape(3, 3).to(dtype);
    assert.deepEqual(await values(einsum('ii', m)), [12]);
    assert.deepEqual(await values(einsum('i,j', tensor([1, 2], { dtype }), tensor([3, 4, 5], { dtype }))), [3, 4, 5, 6, 8, 10]);
    assert.deepEqual(await values(einsum('ij->ji', [m])), [0, 3, 6, 1, 4, 7, 2, 5, 8]);
  });

  test('nn.Embedding: rows by index, paddingIdx row zero and without gradient', async () => {
    const emb = new nn.Embedding(5, 2, 0);
    assert.deepEqual(await values(emb.weight.index(0)), [0, 0]);
    const out = emb(tensor([[0, 3], [3, 4]], { dtype: 'int32' }));
    assert.deepEqual(out.shape, [2, 2, 2]);
    out.sum().backward();
    assert.deepEqual(await values(emb.weight.grad!), [0, 0, 0, 0, 0, 0, 2, 2, 1, 1]);
  });
});

forEachBackend('indexing: gradcheck', () => {
  manualSeed(14);
  const r = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64' }).requiresGrad_();
  const idx = (v: number[], shape?: number[]): Tensor => tensor(v, { dtype: 'int32' }).reshape(shape ?? [v.length]);
  const cases: [string, (...t: Tensor[]) => Tensor, Tensor[]][] = [
    ['index basic', (x) => x.index('1:, ::2'), [r(3, 4)]],
    ['index advanced repeated', (x) => x.index([idx([0, 2, 0]), '1:3']), [r(3, 4)]],
    ['index mask', (x) => x.index([x.detach().gt(0)]), [r(3, 4)]],
    ['indexPut_ on history', (x, v) => { const y = x.mul(2); y.indexPut_([idx([1, 2]), ':'], v); return y; }, [r(3, 4), r(2, 4)]],
    ['indexPut_ accumulate', (x, v) => { const y = x.mul(2); y.indexPut_([idx([1, 1])], v, true); return y; }, [r(3, 4), r(4)]],
    ['gather', (x) => gather(x, 1, idx([0, 0, 3, 1, 2, 2], [3, 2])), [r(3, 4)]],
    ['scatter', (x, s) => scatter(x, 0, idx([2, 0, 1, 1], [1, 4]), s), [r(3, 4), r(1, 4)]],
    ['scatter reduce add', (x, s) => scatter(x, 1, idx([0, 0, 1, 3], [2, 2]), s, { reduce: 'add' }), [r(2, 4), r(2, 2)]],
    ['maskedFill_', (x) => x.mul(1).maskedFill_(x.detach().lt(0), 3), [r(3, 4)]],
    ['cumsum', (x) => cumsum(x, 1), [r(2, 5)]],
    ['topk', (x) => topk(x, 2, 0).values, [r(4, 3)]],
    ['einsum', (a, b) => einsum('bij,bjk->bik', a, b), [r(2, 2, 3), r(2, 3, 2)]],
    ['einsum diagonal', (a) => einsum('iij->ij', a), [r(3, 3, 2)]],
    ['embedding', (w) => F.embedding(idx([1, 1, 0, 3], [2, 2]), w), [r(4, 3)]],
  ];
  for (const [name, fn, inputs] of cases) {
    test64(name, () => assert.equal(gradcheck(fn, inputs), true));
  }
}, { float64: true });

/** Deterministic pseudo-random values (an LCG), with ties (few distinct values) and, if asked, NaNs. */
function lcgValues(count: number, seed: number, distinct: number, nanEvery = 0): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(nanEvery && i % nanEvery === 3 ? NaN : (s % distinct) - distinct / 2 + (distinct > 1000 ? (s >>> 20) / 4096 : 0));
  }
  return out;
}

forEachBackend('sort kernel', (backend) => {
  /** Sorts `data` (shape, dtype) along `dim` on ref, then back on this backend: ref's values and indices. */
  async function onRef(data: number[], shape: number[], dtype: 'float32' | 'int32', dim: number, descending: boolean): Promise<[number[], number[]]> {
    await setBackend('ref');
    try {
      const r = sort(tensor(data, { dtype }).reshape(shape), dim, descending);
      return [await values(r.values), await values(r.indices)];
    } finally {
      await setBackend(backend);
    }
  }

  test('stable with ties, ascending and descending; NaN last ascending, first descending', async () => {
    const x = tensor([2, NaN, 1, 2, -0, 1, NaN, 0, -3]);
    const a = sort(x);
    assert.deepEqual(await values(a.values), [-3, -0, 0, 1, 1, 2, 2, NaN, NaN]);
    assert.deepEqual(await values(a.indices), [8, 4, 7, 2, 5, 0, 3, 1, 6]);
    const d = sort(x, 0, true);
    assert.deepEqual(await values(d.values), [NaN, NaN, 2, 2, 1, 1, -0, 0, -3]);
    assert.deepEqual(await values(d.indices), [1, 6, 0, 3, 2, 5, 4, 7, 8]);
    assert.deepEqual(await values(argsort(x, { descending: true })), [1, 6, 0, 3, 2, 5, 4, 7, 8]);
    const t = topk(x, 3);
    assert.deepEqual(await values(t.values), [NaN, NaN, 2]);
    assert.deepEqual(await values(t.indices), [1, 6, 0]);
    assert.deepEqual(await values(topk(x, 2, 0, false).indices), [8, 4]);
  });

  test('int32, and the middle axis of a 3-D tensor', async () => {
    const y = tensor([[[3, 1], [1, 5], [2, 5]], [[0, 0], [9, -1], [0, 2]]], { dtype: 'int32' });
    const s = sort(y, 1);
    assert.equal(s.values.dtype, 'int32');
    assert.equal(s.indices.dtype, 'int32');
    assert.deepEqual(await values(s.values), [1, 1, 2, 5, 3, 5, 0, -1, 0, 0, 9, 2]);
    assert.deepEqual(await values(s.indices), [1, 0, 2, 1, 0, 2, 0, 1, 2, 0, 1, 2]);
    const d = sort(y, 1, true);
    assert.deepEqual(await values(d.values), [3, 5, 2, 5, 1, 1, 9, 2, 0, 0, 0, -1]);
    assert.deepEqual(await values(d.indices), [0, 1, 2, 2, 1, 0, 1, 2, 0, 0, 2, 1]);
    const f = tensor([[[0.5, NaN], [NaN, 1]], [[-1, 2], [-1, 2]]]);
    assert.deepEqual(await values(argsort(f, 1)), [0, 1, 1, 0, 0, 0, 1, 1]);
    assert.deepEqual(await values(argsort(f, 1, true)), [1, 0, 0, 1, 0, 0, 1, 1]);
  });

  test('rows longer than 1024 (5000 values, and a middle axis of 1500) agree with ref', async () => {
    const cases: [number[], number[], 'float32' | 'int32', number][] = [
      [lcgValues(5000, 1, 1000, 97), [5000], 'float32', 0],
      [lcgValues(5000, 2, 100000), [5000], 'float32', 0],
      [lcgValues(5000, 3, 50), [5000], 'int32', 0],
      [lcgValues(2 * 1500 * 3, 4, 300, 41), [2, 1500, 3], 'float32', 1],
      [lcgValues(2 * 1500 * 3, 5, 300), [2, 1500, 3], 'int32', 1],
    ];
    for (const [data, shape, dtype, dim] of cases) {
      for (const descending of [false, true]) {
        const r = sort(tensor(data, { dtype }).reshape(shape), dim, descending);
        const [v, ix] = await onRef(data, shape, dtype, dim, descending);
        const what = `${dtype} [${shape}] dim ${dim}${descending ? ' descending' : ''}`;
        assert.deepEqual(await values(r.values), v, `values, ${what}`);
        assert.deepEqual(await values(r.indices), ix, `indices, ${what}`);
      }
    }
  });

  test(`sort, argsort and topk run on ${backend}'s own kernel (no fallback to ref)`, async () => {
    resetFallbackCounts();
    const x = randn([3, 7]);
    await values(sort(x, 1).values);
    await values(argsort(x, 0, true));
    await values(topk(x, 2).indices);
    await values(sort(tensor([]), 0).indices);
    assert.deepEqual(Object.keys(fallbackCounts()).filter((k) => k.includes('sort')), []);
  });
});

describe('indexing: errors name the op and show the index', () => {
  const x = zeros([3, 4]);
  test('bad index strings and entries', () => {
    assert.throws(() => x.index('1:2:0'), /index: invalid index '1:2:0': slice step cannot be zero/);
    assert.throws(() => x.index('a'), /index: invalid index 'a': 'a' is not an integer, a slice/);
    assert.throws(() => x.index('1,,2'), /index: invalid index '1,,2': an empty entry/);
    assert.throws(() => x.index('0, 0, 0'), /index: too many indices for tensor of dimension 2 \(shape \[3, 4\]\): '0, 0, 0' indexes 3/);
    assert.throws(() => x.index('3'), /index: index 3 is out of bounds for dimension 0 with size 3/);
    assert.throws(() => x.index([':', -5]), /index: index -5 is out of bounds for dimension 1 with size 4/);
    assert.throws(() => x.index('..., ...'), /index: an index can only have a single ellipsis/);
    assert.throws(() => x.index([tensor([0, 3], { dtype: 'int32' })]), /index: index 3 is out of bounds for dimension 0 with size 3/);
    assert.throws(() => x.index([tensor([-4], { dtype: 'int32' })]), /index: index -4 is out of bounds for dimension 0 with size 3/);
    assert.throws(() => x.index([tensor([1, 0])]), /index: the shape of the mask \[2\] at index 0 does not match/);
    assert.throws(() => x.index([1.5]), /index: invalid index \[1.5\]: 1.5 is not an integer/);
  });
  test('indexPut_ value shapes, gather/scatter index checks, einsum equations', () => {
    assert.throws(() => x.indexPut_(':, 1:3', tensor([1, 2, 3])), /indexPut_: shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[3, 2\]/);
    assert.throws(() => gather(x, 1, tensor([[4]], { dtype: 'int32' })), /gather: index 4 is out of bounds for dimension 1 with size 4/);
    assert.throws(() => gather(x, 1, tensor([0], { dtype: 'int32' })), /gather: index tensor must have the same number of dimensions as input tensor/);
    assert.throws(() => gather(x, 1, tensor([[0]])), /gather: index must be an int32 tensor, got float32/);
    assert.throws(() => scatter(x, 0, tensor([[0]], { dtype: 'int32' }), 1, { reduce: 'multiply' as 'add' }), /scatter: reduce must be 'add'/);
    assert.throws(() => gather(x, 1, tensor([[0]], { dtype: 'int32' }), { sparse_grad: true } as never), /gather: unknown option 'sparse_grad'/);
    assert.throws(() => einsum('ij,jk->ik', x), /einsum: the equation 'ij,jk->ik' has 2 operand\(s\) but 1 were given/);
    assert.throws(() => einsum('ij,jk->ik', x, x), /einsum: subscript 'j' has size 3 in operand 1 but 4 elsewhere/);
    assert.throws(() => einsum('ij->iz', x), /einsum: output subscript 'z' does not appear/);
    assert.throws(() => topk(x, 5), /topk: k \(5\) is out of range for dimension 1 of size 4/);
    assert.throws(() => F.embedding(tensor([5], { dtype: 'int32' }), x), /embedding: index 5 is out of range for numEmbeddings 3/);
  });
});
