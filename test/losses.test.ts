// test/losses.test.ts — loss functions and modules against PyTorch (test/fixtures/nn.json, "losses",
// written by gen_nn_fixtures.py), in float64 (abs 1e-9 + rel 1e-9; float32 with abs/rel 1e-4 on webgpu,
// which has no float64) and float32 (abs/rel 1e-4), forward and gradients of sum(loss · gradOutput); plus
// argument errors and NaN-free extremes. Every case runs on
// every registered backend (forEachBackend; ref first, the oracle), reading values through `await t.dataAsync()`.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, nn, tensor, randn, zeros, manualSeed } from '../src/index.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { assertBackwardAfterSwitch, forEachBackend, nested, scalar, values, widestFloat } from './helpers/backends.js';

interface LossCase {
  name: string; op: string; input: FixtureTensor; target: FixtureTensor; targetDtype: 'int32' | 'float';
  options: Record<string, unknown>; output: FixtureTensor; gradOutput: FixtureTensor; grads: Record<string, FixtureTensor>;
}

const fx = loadFixture<{ generator: string; losses: LossCase[] }>('nn.json');

const MODULES: Record<string, string> = {
  crossEntropy: 'CrossEntropyLoss', nllLoss: 'NLLLoss', mseLoss: 'MSELoss', binaryCrossEntropyWithLogits: 'BCEWithLogitsLoss',
};

function isTensorJson(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

async function run(c: LossCase, dtype: 'float32' | 'float64', viaModule: boolean): Promise<void> {
  const x = fromFixture(c.input, dtype).requiresGrad_();
  const t = fromFixture(c.target, c.targetDtype === 'int32' ? 'int32' : dtype);
  if (c.grads.target) t.requiresGrad_();
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) opts[k] = isTensorJson(v) ? fromFixture(v, dtype) : v;
  let out: Tensor;
  if (viaModule) {
    const Ctor = (nn as unknown as Record<string, new (o: unknown) => nn.Module>)[MODULES[c.op]];
    out = new Ctor(opts)(x, t) as Tensor;
  } else {
    out = (F as unknown as Record<string, (a: Tensor, b: Tensor, o: unknown) => Tensor>)[c.op](x, t, opts);
  }
  const [atol, rtol] = dtype === 'float64' ? [1e-9, 1e-9] : [1e-4, 1e-4];
  await assertFixture(out, c.output, 'loss', atol, rtol);
  assert.equal(out.dtype, dtype);
  out.mul(fromFixture(c.gradOutput, dtype)).sum().backward();
  await assertFixture(x.grad!, c.grads.input, 'input grad', atol, rtol);
  if (c.grads.target) await assertFixture(t.grad!, c.grads.target, 'target grad', atol, rtol);
}

forEachBackend(`losses vs PyTorch (${fx.generator})`, (backend) => {
  // The functional case runs in float64 where the backend has it; webgpu (no float64) runs it in float32,
  // with float32's tolerance, so F.* is checked there too and not only the modules.
  const wide = widestFloat(backend);
  for (const c of fx.losses) {
    test(`${c.name} ${wide}`, () => run(c, wide, false));
    test(`${c.name} float32 via nn.${MODULES[c.op]}`, () => run(c, 'float32', true));
  }
});

forEachBackend('class-index targets', () => {
  test('float targets that hold integers work like int32 ones', async () => {
    const x = randn([3, 4]);
    const a = F.crossEntropy(x, tensor([1, 3, 0], { dtype: 'int32' }));
    const b = F.crossEntropy(x, tensor([1, 3, 0]));
    assert.equal(await scalar(a), await scalar(b));
  });
  test('an index out of range names the index, its position and the number of classes', () => {
    assert.throws(() => F.crossEntropy(randn([3, 10]), tensor([1, 10, 0], { dtype: 'int32' })),
      /crossEntropy: target 10 at position \[1\] is out of range for 10 classes/);
    assert.throws(() => F.nllLoss(randn([2, 3]), tensor([-1, 0], { dtype: 'int32' })), /target -1 at position \[0\] is out of range for 3 classes/);
    assert.throws(() => F.crossEntropy(randn([2, 3]), tensor([0.5, 1])), /target holds 0\.5 at position \[0\]; class indices must be integers/);
  });
  test('target shape mismatch is an error naming both shapes', () => {
    assert.throws(() => F.crossEntropy(randn([4, 3]), zeros([5], { dtype: 'int32' })), /target of shape \[5\] does not match input \[4, 3\]: expected class indices of shape \[4\]/);
    assert.throws(() => F.mseLoss(randn([4, 1]), randn([4])), /mseLoss: target of shape \[4\] does not match input \[4, 1\]/);
    assert.throws(() => F.binaryCrossEntropyWithLogits(randn([2, 3]), randn([3])), /does not match input \[2, 3\]/);
    assert.throws(() => F.crossEntropy(randn([4, 3]), zeros([4], { dtype: 'int32' }), { weight: tensor([1, 2]) }), /weight must have shape \[3\]/);
  });
  test('bad reduction and labelSmoothing are rejected', () => {
    assert.throws(() => F.mseLoss(randn([2]), randn([2]), { reduction: 'avg' as 'mean' }), /reduction must be 'none', 'mean' or 'sum', got "avg"/);
    assert.throws(() => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 }), /labelSmoothing must be between 0 and 1/);
  });
});

forEachBackend('no NaN from valid inputs', () => {
  test('crossEntropy and its gradient with logits of ±1e30 and the largest float32 values', async () => {
    const x = tensor([[1e30, -1e30, 0], [-1e38, 3e38, 3e38]]).requiresGrad_();
    const l = F.crossEntropy(x, tensor([1, 1], { dtype: 'int32' }), { labelSmoothing: 0.1, reduction: 'none' });
    const lv = await values(l);
    assert.ok(Number.isFinite(lv[0]) && Number.isFinite(lv[1]), `loss ${lv}`);
    l.sum().backward();
    const g = await values(x.grad!);
    assert.ok(g.every((v) => Number.isFinite(v)), `grad ${g}`);
  });
  test('binaryCrossEntropyWithLogits with logits of ±1e4 is finite and exact', async () => {
    const x = tensor([1e4, -1e4, 1e4, -1e4]).requiresGrad_();
    const l = F.binaryCrossEntropyWithLogits(x, tensor([1, 0, 0, 1]), { reduction: 'none' });
    await assertFixture(l, [0, 0, 1e4, 1e4], 'loss');
    l.sum().backward();
    await assertFixture(x.grad!, [0, 0, 1, -1], 'grad');
  });
  test('oneHot', async () => {
    const o = F.oneHot(tensor([2, 0, 1], { dtype: 'int32' }));
    assert.deepEqual(o.shape, [3, 3]);
    assert.deepEqual(await nested(o), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(await nested(F.oneHot(tensor([1], { dtype: 'int32' }), 4)), [[0, 1, 0, 0]]);
    assert.throws(() => F.oneHot(tensor([4], { dtype: 'int32' }), 3), /class value 4 is out of range for numClasses=3/);
  });
});

forEachBackend('oneHot and the class-index losses', () => {
  test('a bad numClasses is reported before the values are looked at', async () => {
    assert.throws(() => F.oneHot(tensor([-1], { dtype: 'int32' }), 0), /^Error: oneHot: numClasses must be a positive integer or -1, got 0$/);
    assert.throws(() => F.oneHot(tensor([1.5]), 2.5), /^Error: oneHot: argument 2 \(numClasses\) must be an integer, got number 2.5$/);
    assert.throws(() => F.oneHot(tensor([-1], { dtype: 'int32' }), 3), /^Error: oneHot: class values must be non-negative integers, got -1 at position \[0\]$/);
    assert.throws(() => F.oneHot(tensor([1, 5, 2], { dtype: 'int32' }), 3), /^Error: oneHot: class value 5 is out of range for numClasses=3$/);
    assert.throws(() => F.oneHot(zeros([0], { dtype: 'int32' })), /^Error: oneHot: cannot infer numClasses from an empty tensor/);
    assert.deepEqual(await nested(F.oneHot(tensor([[1], [3]]))), [[[0, 1, 0, 0]], [[0, 0, 0, 1]]]);
  });
  test('crossEntropy over class indices is nllLoss of logSoftmax, with the same gradient', async () => {
    const x = tensor([[1, 2, 0.5], [0.1, -1, 3], [2, 2, 2]], { requiresGrad: true });
    const t = tensor([2, 0, 1], { dtype: 'int32' }), w = tensor([1, 2, 0.5]);
    const a = F.crossEntropy(x, t, { weight: w, ignoreIndex: 1 });
    a.backward();
    const ga = await values(x.grad!);
    const x2 = x.detach().requiresGrad_(true);
    const b = F.nllLoss(F.logSoftmax(x2, 1), t, { weight: w, ignoreIndex: 1 });
    b.backward();
    assert.ok(Math.abs((await scalar(a)) - (await scalar(b))) < 1e-6);
    (await values(x2.grad!)).forEach((v, i) => assert.ok(Math.abs(v - ga[i]) < 1e-6, `${i}: ${v} vs ${ga[i]}`));
  });
});

// Each loss's backward looks the backend up when it runs: a loss built on ref and differentiated after
// switching to another backend gives the gradients of an all-ref run (cast and broadcast copies included).
describe('loss backward runs on the backend active when it runs', () => {
  test('crossEntropy (indices, probabilities), nllLoss, mseLoss, binaryCrossEntropyWithLogits', async () => {
    // y is float64 (cast copies) where the backend differentiating has float64; webgpu has none: float32 there.
    const leaves = (other: string) => {
      manualSeed(5);
      const p = { x: randn([4, 3]), t: F.softmax(randn([4, 3]), 1), y: randn([4, 3], { dtype: widestFloat(other) }) };
      p.x.requiresGrad_(true);
      p.t.requiresGrad_(true);
      return p;
    };
    const idx = tensor([2, 0, 1, 2], { dtype: 'int32' });
    const lossOf = (p: ReturnType<typeof leaves>) => F.crossEntropy(p.x, idx, { weight: tensor([1, 2, 3]), labelSmoothing: 0.1 })
      .add(F.crossEntropy(p.x, p.t))
      .add(F.nllLoss(F.logSoftmax(p.x, 1), idx, { reduction: 'sum' }))
      .add(F.mseLoss(p.x, p.y))
      .add(F.binaryCrossEntropyWithLogits(p.x, p.t, { weight: tensor([1, 0.5, 2]), posWeight: tensor([3]) }));
    await assertBackwardAfterSwitch(leaves, lossOf, { keys: ['x', 't'], tol: 1e-5 });
  });
});
