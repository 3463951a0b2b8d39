// test/activations.test.ts — ELU, GELU (exact and tanh), SiLU, Mish, Hardswish, Softplus, PReLU, LeakyReLU
// and erf against PyTorch (test/fixtures/extras.json, "activations", from gen_extras_fixtures.py): the F
// function in the widest float the backend has (float64: abs/rel 1e-9; webgpu float32: 1e-4) and the
// module in float32 (1e-4), forward and the gradients of sum(output · gradOutput) (PReLU's weight too);
// float64 gradcheck; the conventions (positional order, options, errors); inplace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, erf, gradcheck, manualSeed, nn, noGrad, randn, tensor } from '../src/index.js';
import { assertFixture, fromFixture, loadFixture, type FixtureTensor } from './nn-fixtures.js';
import { forEachBackend, values, widestFloat } from './helpers/backends.js';

interface ActCase {
  name: string; fn: string; module: string | null; args: unknown[]; options: Record<string, unknown>;
  input: FixtureTensor; weight?: FixtureTensor; output: FixtureTensor; gradOutput: FixtureTensor;
  gradInput: FixtureTensor; gradWeight?: FixtureTensor;
}

const fx = loadFixture<{ generator: string; activations: ActCase[] }>('extras.json');
type Dt = 'float32' | 'float64';
type Fn = (...a: unknown[]) => Tensor;

function callF(c: ActCase, x: Tensor, w: Tensor | null): Tensor {
  if (c.fn === 'erf') return erf(x);
  const f = (F as unknown as Record<string, Fn>)[c.fn];
  const opts = Object.keys(c.options).length ? [c.options] : [];
  return w ? f(x, w) : f(x, ...c.args, ...opts);
}

function callModule(c: ActCase, x: Tensor, dt: Dt): { out: Tensor; weight: Tensor | null } {
  const C = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.module!];
  const w = c.weight ? fromFixture(c.weight, dt) : null;
  const opts = Object.keys(c.options).length ? [c.options] : [];
  const m = w ? new C(w.numel(), 0.25) : new C(...c.args, ...opts);
  if (w) noGrad(() => (m as nn.PReLU).weight.copy_(w));
  return { out: m(x) as Tensor, weight: w ? (m as nn.PReLU).weight : null };
}

async function run(c: ActCase, dt: Dt, viaModule: boolean): Promise<void> {
  const [atol, rtol] = dt === 'float64' ? [1e-9, 1e-9] : [1e-4, 1e-4];
  const x = fromFixture(c.input, dt).requiresGrad_();
  let out: Tensor, w: Tensor | null;
  if (viaModule) ({ out, weight: w } = callModule(c, x, dt));
  else {
    w = c.weight ? fromFixture(c.weight, dt).requiresGrad_() : null;
    out = callF(c, x, w);
  }
  assert.equal(out.dtype, dt);
  await assertFixture(out, c.output, 'output', atol, rtol);
  out.mul(fromFixture(c.gradOutput, dt)).sum().backward();
  await assertFixture(x.grad!, c.gradInput, 'input grad', atol, rtol);
  if (c.gradWeight) await assertFixture(w!.grad!, c.gradWeight, 'weight grad', atol, rtol);
}

forEachBackend(`activations vs PyTorch (${fx.generator})`, (backend) => {
  const wide = widestFloat(backend);
  for (const c of fx.activations) {
    test(`F.${c.fn} ${c.name} ${wide}`, () => run(c, wide, false));
    if (c.module) test(`nn.${c.module} ${c.name} float32`, () => run(c, 'float32', true));
  }
});

// inplace=true on a tensor with history: the write is recorded (as PyTorch's relu_, elu_, …), so the
// result and the gradient reaching the history before the write are PyTorch's out-of-place fixtures.
const INPLACE_FNS = new Set(['elu', 'silu', 'mish', 'hardswish', 'leakyRelu']);
forEachBackend(`activations inplace under autograd vs PyTorch (${fx.generator})`, (backend) => {
  const wide = widestFloat(backend);
  for (const c of fx.activations.filter((a) => INPLACE_FNS.has(a.fn))) {
    test(`F.${c.fn}(…, inplace) ${c.name} ${wide}`, async () => {
      const [atol, rtol] = wide === 'float64' ? [1e-9, 1e-9] : [1e-4, 1e-4];
      const leaf = fromFixture(c.input, wide).requiresGrad_();
      const h = leaf.mul(1);
      const f = (F as unknown as Record<string, Fn>)[c.fn];
      const out = f(h, ...c.args, { ...c.options, inplace: true });
      assert.equal(out, h);
      await assertFixture(h, c.output, 'output written in place', atol, rtol);
      h.mul(fromFixture(c.gradOutput, wide)).sum().backward();
      await assertFixture(leaf.grad!, c.gradInput, 'grad through the write', atol, rtol);
    });
  }
});

forEachBackend('activations: gradcheck (float64 central differences)', () => {
  // Inputs kept away from the kinks (0 for prelu, ±3 for hardswish) and the softplus thresholds, where
  // a central difference straddles two branches.
  const x = () => randn([2, 3, 4], { dtype: 'float64' }).mul(2).add(0.05).requiresGrad_();
  const cases: [string, (...t: Tensor[]) => Tensor, Tensor[]][] = [
    ['erf', (t) => erf(t), [x()]],
    ['elu', (t) => F.elu(t, 0.7), [x()]],
    ['gelu', (t) => F.gelu(t), [x()]],
    ['gelu tanh', (t) => F.gelu(t, { approximate: 'tanh' }), [x()]],
    ['silu', (t) => F.silu(t), [x()]],
    ['mish', (t) => F.mish(t), [x()]],
    ['hardswish', (t) => F.hardswish(t), [x()]],
    ['softplus beta=2 threshold=3', (t) => F.softplus(t, 2, 3), [x()]],
    ['prelu per channel (input and weight)', (t, w) => F.prelu(t, w), [x(), tensor([0.1, -0.3, 0.6], { dtype: 'float64', requiresGrad: true })]],
    ['prelu one weight', (t, w) => F.prelu(t, w), [x(), tensor([0.25], { dtype: 'float64', requiresGrad: true })]],
  ];
  for (const [name, fn, inputs] of cases) test(name, () => assert.equal(gradcheck(fn, inputs), true));
}, { float64: true });

forEachBackend('activations: conventions and errors', () => {
  test('positional arguments in PyTorch order, or named', async () => {
    const x = tensor([-1, 0.5, 2]);
    assert.deepEqual(await values(F.softplus(x, 2, 5)), await values(F.softplus(x, { beta: 2, threshold: 5 })));
    assert.deepEqual(await values(new nn.ELU(0.5)(x) as Tensor), await values(F.elu(x, { alpha: 0.5 })));
    assert.deepEqual(await values(new nn.GELU('tanh')(x) as Tensor), await values(F.gelu(x, { approximate: 'tanh' })));
    assert.deepEqual(new nn.PReLU({ init: 0.1, numParameters: 3 }).weight.shape, [3]);
  });

  test('errors name the op, the argument, what was expected and what came', () => {
    const x = tensor([1, 2]);
    assert.throws(() => F.gelu(x, { approximate: 'tan' }), /gelu: approximate must be one of/);
    assert.throws(() => F.gelu(x, 'tanh' as never), /gelu: takes no positional arguments/);
    assert.throws(() => F.elu(x, { alpah: 1 } as never), /elu: unknown option 'alpah': did you mean alpha\?/);
    assert.throws(() => new nn.Softplus({ beta: 1, negative_slope: 2 } as never), /Softplus: unknown option 'negative_slope'/);
    assert.throws(() => new nn.ELU(true as never), /ELU: argument 1 \(alpha\) must be a number, got boolean true/);
    assert.throws(() => F.softplus(x, 0), /softplus: beta must be a finite non-zero number, got 0/);
    assert.throws(() => F.prelu(randn([2, 3, 4]), tensor([1, 2])), /prelu: weight must have 1 value or one per channel \(dim 1 of the input \[2, 3, 4\]: 3\), got shape \[2\]/);
    assert.throws(() => new nn.PReLU(0), /PReLU: numParameters must be a positive integer, got 0/);
  });

  test('inplace writes into the input; on a leaf that requires grad it throws PyTorch\'s error', async () => {
    const x = tensor([-1, 1]);
    const y = new nn.SiLU(true)(x) as Tensor;
    assert.equal(y, x);
    await assertFixture(x, [-0.2689414213699951, 0.7310585786300049], 'silu in place');
    const leaf = tensor([-1, 1], { requiresGrad: true });
    assert.throws(() => F.elu(leaf, 1, true), /elu: a leaf Variable that requires grad is being used in an in-place operation/);
    noGrad(() => F.elu(leaf, 1, true));
    await assertFixture(leaf, [Math.expm1(-1), 1], 'elu in place under noGrad');
  });

  test('a network with ReLU(inplace), Dropout(inplace) after conv, BatchNorm and Linear: the gradients of the out-of-place network, bit for bit', async () => {
    const grads = async (inplace: boolean): Promise<number[][]> => {
      manualSeed(0);
      const m = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(inplace), new nn.MaxPool2d(2),
        new nn.Conv2d(4, 4, 3), new nn.LeakyReLU(0.1, inplace), new nn.Dropout(0.3, inplace), new nn.Flatten(), new nn.Linear(4, 3), new nn.ReLU(inplace));
      m(randn([2, 1, 6, 6])).sum().backward();
      return Promise.all(m.parameters().map((p) => values(p.grad!)));
    };
    assert.deepEqual(await grads(true), await grads(false));
  });

  test('repr as PyTorch prints it', () => {
    assert.equal(String(new nn.ELU()), 'ELU(alpha=1.0)');
    assert.equal(String(new nn.GELU()), "GELU(approximate='none')");
    assert.equal(String(new nn.SiLU()), 'SiLU()');
    assert.equal(String(new nn.Mish(true)), 'Mish(inplace=True)');
    assert.equal(String(new nn.Hardswish()), 'Hardswish()');
    assert.equal(String(new nn.Softplus(2, 10)), 'Softplus(beta=2, threshold=10)');
    assert.equal(String(new nn.PReLU(4)), 'PReLU(num_parameters=4)');
  });

  test('PReLU is a module with a learnable weight, in its stateDict', () => {
    const m = new nn.PReLU(3, 0.1);
    assert.deepEqual([...m.stateDict().keys()], ['weight']);
    assert.equal(m.parameters().length, 1);
  });
});
