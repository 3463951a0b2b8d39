// test/losses-more.test.ts — binaryCrossEntropy (BCELoss), l1Loss, smoothL1Loss, huberLoss and klDiv
// (KLDivLoss) against PyTorch (test/fixtures/extras.json, "losses", from gen_extras_fixtures.py): F in the
// widest float the backend has (float64: abs/rel 1e-9; webgpu float32: 1e-4) and the module in float32
// (1e-4), forward and the gradients of sum(loss · gradOutput) for input and target; float64 gradcheck; the
// positional order with PyTorch's deprecated sizeAverage/reduce slots, and the errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, gradcheck, nn, randn, rand, tensor } from '../src/index.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { forEachBackend, scalar, widestFloat } from './helpers/backends.js';

interface LossCase {
  name: string; fn: string; module: string; args: unknown[]; options: Record<string, unknown>;
  input: FixtureTensor; target: FixtureTensor; weight?: FixtureTensor; output: FixtureTensor; gradOutput: FixtureTensor;
  gradInput: FixtureTensor; gradTarget?: FixtureTensor;
}

const fx = loadFixture<{ generator: string; losses: LossCase[] }>('extras.json');
type Dt = 'float32' | 'float64';

async function run(c: LossCase, dt: Dt, viaModule: boolean): Promise<void> {
  const [atol, rtol] = dt === 'float64' ? [1e-9, 1e-9] : [1e-4, 1e-4];
  const x = fromFixture(c.input, dt).requiresGrad_();
  const t = fromFixture(c.target, dt);
  if (c.gradTarget) t.requiresGrad_();
  const args = c.args.map((v) => (v === '$weight' ? fromFixture(c.weight!, dt) : v));
  const rest = [...args, ...(Object.keys(c.options).length ? [c.options] : [])];
  let out: Tensor;
  if (viaModule) {
    const C = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.module];
    out = new C(...rest)(x, t) as Tensor;
  } else {
    out = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.fn](x, t, ...rest);
  }
  assert.equal(out.dtype, dt);
  await assertFixture(out, c.output, 'loss', atol, rtol);
  out.mul(fromFixture(c.gradOutput, dt)).sum().backward();
  await assertFixture(x.grad!, c.gradInput, 'input grad', atol, rtol);
  if (c.gradTarget) await assertFixture(t.grad!, c.gradTarget, 'target grad', atol, rtol);
}

forEachBackend(`losses vs PyTorch (${fx.generator})`, (backend) => {
  const wide = widestFloat(backend);
  for (const c of fx.losses) {
    test(`F.${c.fn} ${c.name} ${wide}`, () => run(c, wide, false));
    test(`nn.${c.module} ${c.name} float32`, () => run(c, 'float32', true));
  }
});

forEachBackend('losses: gradcheck (float64 central differences)', () => {
  const r = (...s: number[]) => randn(s, { dtype: 'float64' }).requiresGrad_();
  const p = () => rand([3, 4], { dtype: 'float64' }).mul(0.8).add(0.1).requiresGrad_();
  const q = () => F.softmax(randn([3, 4], { dtype: 'float64' }), 1).requiresGrad_();
  const cases: [string, (...t: Tensor[]) => Tensor, Tensor[]][] = [
    ['binaryCrossEntropy (input, target)', (x, t) => F.binaryCrossEntropy(x, t), [p(), p()]],
    ['binaryCrossEntropy weight sum', (x, t) => F.binaryCrossEntropy(x, t, tensor([1, 2, 0.5, 3], { dtype: 'float64' }), { reduction: 'sum' }), [p(), p()]],
    ['l1Loss', (x, t) => F.l1Loss(x, t), [r(3, 4), r(3, 4)]],
    ['smoothL1Loss beta=0.7 none', (x, t) => F.smoothL1Loss(x, t, { beta: 0.7, reduction: 'none' }), [r(3, 4), r(3, 4)]],
    ['huberLoss delta=0.6 sum', (x, t) => F.huberLoss(x, t, 'sum', 0.6), [r(3, 4), r(3, 4)]],
    ['klDiv batchmean', (x, t) => F.klDiv(x, t, { reduction: 'batchmean' }), [r(3, 4), q()]],
    ['klDiv logTarget', (x, t) => F.klDiv(x, t, { reduction: 'sum', logTarget: true }), [r(3, 4), r(3, 4)]],
  ];
  for (const [name, fn, inputs] of cases) test(name, () => assert.equal(gradcheck(fn, inputs), true));
}, { float64: true });

forEachBackend('losses: conventions and errors', () => {
  test("positional arguments line up with PyTorch's, deprecated slots included", async () => {
    const x = tensor([0.2, 0.7]), t = tensor([0, 1]);
    assert.equal(await scalar(new nn.L1Loss(null, null, 'sum')(x, t) as Tensor), await scalar(F.l1Loss(x, t, { reduction: 'sum' })));
    assert.equal(await scalar(F.smoothL1Loss(x, t, undefined as never, undefined as never, 'sum', 0.5)), await scalar(F.smoothL1Loss(x, t, { reduction: 'sum', beta: 0.5 })));
    assert.equal(await scalar(new nn.HuberLoss('sum', 0.1)(x, t) as Tensor), await scalar(F.huberLoss(x, t, { reduction: 'sum', delta: 0.1 })));
    assert.equal(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }).reduction, 'batchmean');
  });

  test('worked examples', async () => {
    await assertFixture(F.l1Loss(tensor([1, 2]), tensor([2, 4])), [1.5], 'l1');
    // |d| = 0.5 < 1: ½·0.25 = 0.125; |d| = 3: 3 − ½ = 2.5; mean 1.3125 (smooth L1 and Huber agree at β = δ = 1)
    await assertFixture(F.smoothL1Loss(tensor([0, 3]), tensor([0.5, 0])), [1.3125], 'smoothL1');
    await assertFixture(F.huberLoss(tensor([0, 3]), tensor([0.5, 0])), [1.3125], 'huber');
    // one sample: Σ q·(log q − x) with q = [0.5, 0.5], x = log [0.25, 0.75]
    await assertFixture(F.klDiv(tensor([[Math.log(0.25), Math.log(0.75)]]), tensor([[0.5, 0.5]]), { reduction: 'batchmean' }),
      [0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75)], 'kl');
    await assertFixture(F.binaryCrossEntropy(tensor([0.5]), tensor([1])), [Math.log(2)], 'bce');
  });

  test('sizeAverage and reduce throw, naming reduction; bad options and shapes are named', () => {
    const x = tensor([0.2, 0.7]), t = tensor([0, 1]);
    assert.throws(() => new nn.BCELoss(null, true as never), /BCELoss: sizeAverage is deprecated \(as in PyTorch\) and not supported; use reduction/);
    assert.throws(() => F.l1Loss(x, t, { reduce: false } as never), /l1Loss: reduce is deprecated .* use reduction: 'mean', 'sum' or 'none' \(got reduce=false\)/);
    assert.throws(() => new nn.KLDivLoss({ reduction: 'avg' } as never), /KLDivLoss: reduction must be one of/);
    assert.throws(() => F.huberLoss(x, t, 'mean', 0), /huberLoss: delta must be a finite number > 0, got 0/);
    assert.throws(() => F.smoothL1Loss(x, t, { beta: -1 }), /smoothL1Loss: beta must be a finite number ≥ 0, got -1/);
    assert.throws(() => F.binaryCrossEntropy(x, tensor([1, 0, 1])), /binaryCrossEntropy: target of shape \[3\] does not match input \[2\]/);
    assert.throws(() => new nn.SmoothL1Loss({ delta: 1 } as never), /SmoothL1Loss: unknown option 'delta'/);
    assert.throws(() => new nn.HuberLoss({ log_target: true } as never), /HuberLoss: unknown option 'log_target'/);
  });
});
