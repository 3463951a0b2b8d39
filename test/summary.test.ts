// test/summary.test.ts — summary(model, inputShape) (a torchinfo-style table, checked against LeNet-5's
// hand-counted parameters and mult-adds) and nn.utils.clipGradNorm_ / clipGradValue_ against PyTorch
// (test/fixtures/extras.json, "clip", from gen_extras_fixtures.py: the returned total norm and the clipped
// gradients, float32 abs/rel 1e-5 on every backend; float64 1e-12).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, models, nn, summary, tensor, vis } from '../src/index.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { forEachBackend, scalar, test64 } from './helpers/backends.js';

interface ClipCase { name: string; fn: 'clipGradNorm_' | 'clipGradValue_'; grads: FixtureTensor[]; args: (number | 'inf')[]; total: number | null; after: FixtureTensor[] }
const fx = loadFixture<{ generator: string; clip: ClipCase[] }>('extras.json');

forEachBackend(`clipGradNorm_ / clipGradValue_ vs PyTorch (${fx.generator})`, () => {
  const run = async (c: ClipCase, dt: 'float32' | 'float64', tol: number) => {
    const params = c.grads.map((g) => {
      const p = new nn.Parameter(fromFixture(g, dt).mul(0));
      p.grad = fromFixture(g, dt);
      return p;
    });
    const args = c.args.map((a) => (a === 'inf' ? Infinity : a));
    const total = (nn.utils[c.fn] as (p: Tensor[], ...a: number[]) => Tensor | void)(params, ...args);
    if (c.total !== null) await assertFixture(total as Tensor, [c.total], 'total norm', tol, tol);
    else assert.equal(total, undefined);
    for (const [i, p] of params.entries()) await assertFixture(p.grad!, c.after[i], `grad ${i}`, tol, tol);
  };
  for (const c of fx.clip) {
    test(`${c.name} float32`, () => run(c, 'float32', 1e-5));
    test64(`${c.name} float64`, () => run(c, 'float64', 1e-12));
  }

  test('parameters without a gradient are skipped; none at all gives a total of 0', async () => {
    const a = new nn.Parameter(tensor([3, 4])), b = new nn.Parameter(tensor([1]));
    a.grad = tensor([3, 4]);
    assert.equal(await scalar(nn.utils.clipGradNorm_([a, b], 1)), 5);
    await assertFixture(a.grad!, [0.6 / (1 + 2e-7), 0.8 / (1 + 2e-7)], 'clipped', 1e-6, 1e-6);
    assert.equal(b.grad, null);
    assert.equal(await scalar(nn.utils.clipGradNorm_([b], 1)), 0);
  });

  test('conventions and errors', async () => {
    const p = new nn.Parameter(tensor([3, 4]));
    p.grad = tensor([3, 4]);
    assert.equal(await scalar(nn.utils.clipGradNorm_(p, { maxNorm: 100, normType: 1 })), 7);
    assert.throws(() => nn.utils.clipGradNorm_([p], { max_norm: 1 } as never), /clipGradNorm_: unknown option 'max_norm': did you mean maxNorm\?/);
    assert.throws(() => (nn.utils.clipGradNorm_ as (p: unknown) => void)([p]), /clipGradNorm_: missing required argument 'maxNorm'/);
    assert.throws(() => nn.utils.clipGradNorm_([p], 1, 0), /clipGradNorm_: normType must be a positive number or Infinity, got 0/);
    assert.throws(() => nn.utils.clipGradValue_([p], -1), /clipGradValue_: clipValue must be a number ≥ 0, got -1/);
    assert.throws(() => nn.utils.clipGradValue_(3 as never, 1), /clipGradValue_: parameters must be a Tensor or an iterable of Tensors/);
  });

  test('errorIfNonfinite throws for a NaN or infinite total norm', () => {
    const p = new nn.Parameter(tensor([1, 2]));
    p.grad = tensor([Infinity, 1]);
    try {
      assert.throws(() => nn.utils.clipGradNorm_([p], 1, 2, true), /clipGradNorm_: the total norm of order 2 for gradients from parameters is non-finite/);
    } catch (e) {
      // a backend that cannot read synchronously says so instead
      assert.match(String(e), /cannot read synchronously/);
    }
  });
});

test('summary: LeNet-5, counted by hand', () => {
  const s = summary(models.lenet5(), [1, 1, 28, 28]);
  const lines = s.split('\n');
  assert.match(lines[1], /^Layer \(type:depth-idx\)\s+Output Shape\s+Param #\s+Mult-Adds$/);
  // conv1: 6·(1·5·5) + 6 = 156 parameters, 6·28·28 outputs × 25 = 117,600 mult-adds
  assert.ok(lines.some((l) => /^│    └─Conv2d: 2-1\s+\[1, 6, 28, 28\]\s+156\s+117,600$/.test(l)), s);
  // conv2: 16·6·25 + 16 = 2,416; 16·10·10 × 150 = 240,000
  assert.ok(lines.some((l) => /^│    └─Conv2d: 2-4\s+\[1, 16, 10, 10\]\s+2,416\s+240,000$/.test(l)), s);
  assert.ok(lines.some((l) => /^│    └─MaxPool2d: 2-6\s+\[1, 16, 5, 5\]\s+--\s+--$/.test(l)), s);
  assert.ok(lines.some((l) => /^├─Sequential: 1-2\s+\[1, 10\]\s+--\s+--$/.test(l)), s);
  // 156 + 2,416 + 48,120 + 10,164 + 850
  assert.ok(lines.includes('Total params: 61,706'), s);
  assert.ok(lines.includes('Trainable params: 61,706'), s);
  assert.ok(lines.includes('Non-trainable params: 0'), s);
  // 117,600 + 240,000 + 48,000 + 10,080 + 840 = 416,520
  assert.ok(lines.includes('Total mult-adds (M): 0.42'), s);
  assert.equal(vis.summary, summary);
});

test('summary: frozen parameters, eval mode for the pass (BatchNorm untouched), modes restored, errors', async () => {
  const bn = new nn.BatchNorm1d(3);
  const model = new nn.Sequential(new nn.Linear(2, 3), bn, new nn.ReLU());
  (model as unknown as { 0: nn.Linear })[0].bias!.requiresGrad_(false);
  const s = summary(model, [4, 2]);
  assert.ok(s.includes('Trainable params: 12'), s); // 6 weights + 6 of BatchNorm; the 3 biases are frozen
  assert.ok(s.includes('Non-trainable params: 3'), s);
  assert.equal(model.training, true);
  assert.equal(bn.training, true);
  await assertFixture(bn.stateDict().get('running_mean')!, [0, 0, 0], 'running_mean untouched', 0, 0);
  assert.throws(() => summary(model, [4, 2.5]), /summary: inputShape must be a list of non-negative integers \(batch dimension included\), got \[4,2.5\]/);
});
