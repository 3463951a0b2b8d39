// test/nn.test.ts — nn layers against PyTorch (test/fixtures/nn.json from gen_nn_fixtures.py), float64
// finite-difference gradient checks of every new op and of a whole small network, and the Module API.
//
// Layer fixtures: PyTorch's state dict is loaded with loadStateDict, the layer runs in float32 on the
// fixture input, and out.mul(gradOutput).sum().backward() must give PyTorch's output, input gradient and
// parameter gradients (abs 1e-4 + rel 1e-4); buffers after the forward and toString() must match too.
//
// Every case runs on every registered backend (forEachBackend; ref first, the oracle), and every value is
// read through `await t.dataAsync()`.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  F, Tensor, gradcheck, manualSeed, nn, randn, tensor, zeros, ones, matmul,
} from '../src/index.js';
import { assertFixture, buildModule, checkModuleCase, checkState, fromFixture, loadFixture, stateDictFrom, type FixtureTensor, type ModuleCase, type ModuleSpec } from './nn-fixtures.js';
import { assertBackwardAfterSwitch, forEachBackend, values, widestFloat } from './helpers/backends.js';

interface BnSteps {
  name: string; module: ModuleSpec; inputs: FixtureTensor[]; after: Record<string, FixtureTensor>[];
  evalInput: FixtureTensor; evalOutput: FixtureTensor;
}
interface NnFixture {
  generator: string;
  layers: ModuleCase[];
  bnSteps: BnSteps[];
  reprs: { module: ModuleSpec; repr: string }[];
  network: {
    spec: ModuleSpec; stateDict: Record<string, FixtureTensor>; input: FixtureTensor; target: FixtureTensor;
    loss: FixtureTensor; grads: Record<string, FixtureTensor>; stateDictAfter: Record<string, FixtureTensor>;
  };
}

const fx = loadFixture<NnFixture>('nn.json');


forEachBackend(`layers vs PyTorch (${fx.generator})`, () => {
  for (const c of fx.layers) {
    test(c.name, async () => {
      await checkModuleCase(c);
    });
  }
});

forEachBackend('BatchNorm running statistics over several steps vs PyTorch', () => {
  for (const c of fx.bnSteps) {
    test(c.name, async () => {
      const m = buildModule(c.module);
      for (const [i, x] of c.inputs.entries()) {
        m(fromFixture(x));
        await checkState(m, c.after[i], `after step ${i + 1}`);
      }
      m.eval();
      await assertFixture(m(fromFixture(c.evalInput)) as Tensor, c.evalOutput, 'eval output with running statistics');
    });
  }
});

forEachBackend('toString() equals PyTorch repr', () => {
  for (const c of fx.reprs) {
    test(c.repr.split('\n')[0], () => assert.equal(buildModule(c.module).toString(), c.repr));
  }
});

forEachBackend('a small network vs PyTorch', () => {
  test('a small CNN (conv → bn → relu → pool → flatten → linear) + crossEntropy vs PyTorch', async () => {
    const n = fx.network;
    const net = buildModule(n.spec);
    net.loadStateDict(stateDictFrom(n.stateDict));
    const loss = F.crossEntropy(net(fromFixture(n.input)), fromFixture(n.target, 'int32'));
    await assertFixture(loss, n.loss, 'loss');
    loss.backward();
    for (const [k, p] of net.namedParameters()) await assertFixture(p.grad!, n.grads[k], `grad ${k}`);
    await checkState(net, n.stateDictAfter, 'buffers after the step');
  });
});

// ------------------------------------------------------------------------------------------ gradcheck

// gradcheck is float64 throughout: a backend without float64 (webgpu) checks instead that it refuses it.
forEachBackend('gradcheck (float64 finite differences)', () => {
  // Seeded when the block starts, so that every backend checks the same inputs.
  before(() => manualSeed(1234));
  const r = (shape: number[], scale = 1) => randn(shape).mul(scale).requiresGrad_();
  test('softmax dim=1 and dim=-1', () => {
    gradcheck((x) => F.softmax(x, 1), [r([3, 4, 2])]);
    gradcheck((x) => F.softmax(x, -1), [r([2, 5], 3)]);
  });
  test('logSoftmax dim=0 and dim=2', () => {
    gradcheck((x) => F.logSoftmax(x, 0), [r([4, 3])]);
    gradcheck((x) => F.logSoftmax(x, 2), [r([2, 3, 4], 2)]);
  });
  test('leakyRelu', () => { gradcheck((x) => F.leakyRelu(x, 0.1), [r([3, 5])]); });
  test('linear (input, weight, bias; 3-D input)', () => {
    gradcheck((x, w, b) => F.linear(x, w, b), [r([2, 3, 4]), r([5, 4]), r([5])]);
    gradcheck((x, w) => F.linear(x, w), [r([4]), r([2, 4])]);
  });
  test('batchNorm training (batch statistics), with and without affine', () => {
    gradcheck((x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }), [r([4, 3, 2, 2]), r([3]), r([3])]);
    gradcheck((x) => F.batchNorm(x, null, null, null, null, { training: true, eps: 1e-3 }), [r([5, 2])]);
  });
  test('batchNorm evaluation (running statistics)', () => {
    const rm = tensor([0.1, -0.2, 0.3]), rv = tensor([0.5, 1.5, 2]);
    gradcheck((x, w, b) => F.batchNorm(x, rm, rv, w, b), [r([2, 3, 4]), r([3]), r([3])]);
  });
  test('dropout (mask fixed by reseeding)', () => {
    gradcheck((x) => { manualSeed(7); return F.dropout(x, 0.4); }, [r([4, 5])]);
  });
  test('crossEntropy: plain, weight + ignoreIndex + labelSmoothing, none, [N, C, H, W], probabilities', () => {
    const y = tensor([2, 0, 4, 1], { dtype: 'int32' });
    const w = tensor([0.5, 1, 2, 1.5, 0.7], { dtype: 'float64' });
    gradcheck((x) => F.crossEntropy(x, y), [r([4, 5], 2)]);
    gradcheck((x) => F.crossEntropy(x, tensor([2, -100, 4, 1], { dtype: 'int32' }), { weight: w, labelSmoothing: 0.2 }), [r([4, 5])]);
    gradcheck((x) => F.crossEntropy(x, y, { reduction: 'none', labelSmoothing: 0.1 }), [r([4, 5])]);
    gradcheck((x) => F.crossEntropy(x, tensor([[[0, 2], [1, 1]]], { dtype: 'int32' })), [r([1, 3, 2, 2])]);
    const p = F.softmax(randn([3, 4]).double(), 1).detach().requiresGrad_();
    gradcheck((x, t) => F.crossEntropy(x, t, { labelSmoothing: 0.1 }), [r([3, 4]), p]);
  });
  test('nllLoss with weight', () => {
    gradcheck((x) => F.nllLoss(x, tensor([1, 0, 2], { dtype: 'int32' }), { weight: tensor([1, 2, 3]) }), [r([3, 3])]);
  });
  test('mseLoss (input and target)', () => { gradcheck((x, t) => F.mseLoss(x, t), [r([3, 4]), r([3, 4])]); });
  test('binaryCrossEntropyWithLogits with weight and posWeight (input and target)', () => {
    const t = randn([3, 4]).sigmoid().detach().requiresGrad_();
    gradcheck((x, tt) => F.binaryCrossEntropyWithLogits(x, tt, { weight: tensor([1, 2, 0.5, 1]), posWeight: tensor([2, 1, 3, 0.5]) }), [r([3, 4], 3), t]);
  });
  test('whole network: conv → relu → maxPool → flatten → linear → crossEntropy, every parameter', () => {
    const y = tensor([1, 0, 2], { dtype: 'int32' });
    gradcheck(
      (x, cw, cb, lw, lb) => F.crossEntropy(F.linear(F.maxPool2d(F.relu(F.conv2d(x, cw, cb, { padding: 1 })), 2).flatten(1), lw, lb), y),
      [r([3, 2, 4, 4]), r([2, 2, 3, 3], 0.5), r([2]), r([3, 8], 0.5), r([3])],
    );
  });
  test('whole network with BatchNorm2d in training mode', () => {
    const y = tensor([1, 0, 2, 2], { dtype: 'int32' });
    gradcheck(
      (x, cw, g, b, lw) => F.crossEntropy(F.linear(F.relu(F.batchNorm(F.conv2d(x, cw), null, null, g, b, { training: true })).flatten(1), lw), y),
      [r([4, 1, 3, 3]), r([2, 1, 2, 2]), r([2]), r([2]), r([3, 8])],
    );
  });
}, { float64: true });

// -------------------------------------------------------------------------------------- Module API

class LeNet extends nn.Module {
  features = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
  );
  classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(120, 10));

  forward(x: Tensor): Tensor {
    return this.classifier(this.features(x));
  }
}

forEachBackend('Module API', () => {
  test('namedParameters gives PyTorch dotted names; stateDict adds buffers per module, in order', () => {
    const m = new LeNet();
    assert.deepEqual([...m.namedParameters()].map(([k]) => k), [
      'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.4.weight', 'features.4.bias',
      'classifier.1.weight', 'classifier.1.bias', 'classifier.4.weight', 'classifier.4.bias',
    ]);
    assert.deepEqual([...m.stateDict().keys()], [
      'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.4.weight', 'features.4.bias',
      'features.4.running_mean', 'features.4.running_var', 'features.4.num_batches_tracked',
      'classifier.1.weight', 'classifier.1.bias', 'classifier.4.weight', 'classifier.4.bias',
    ]);
    assert.equal(m.stateDict().get('features.4.num_batches_tracked')!.dtype, 'int32');
    assert.equal(m.parameters().length, 10);
    assert.deepEqual(m((randn([2, 1, 28, 28]))).shape, [2, 10]);
  });

  test('Sequential from a record keeps names; at(), length, slice, iteration', () => {
    const s = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU(), pool: new nn.AdaptiveAvgPool2d(1) });
    assert.deepEqual([...s.namedParameters()].map(([k]) => k), ['conv.weight', 'conv.bias']);
    assert.equal(s.length, 3);
    assert.ok(s.at(-1) instanceof nn.AdaptiveAvgPool2d);
    assert.deepEqual([...s].map((m) => m.constructor.name), ['Conv2d', 'ReLU', 'AdaptiveAvgPool2d']);
    assert.deepEqual([...s.slice(1).namedChildren()].map(([k]) => k), ['act', 'pool']);
    assert.deepEqual((s(randn([1, 1, 5, 5])) as Tensor).shape, [1, 2, 1, 1]);
    const q = new nn.Sequential(new nn.ReLU(), new nn.Tanh());
    assert.ok(q[1] instanceof nn.Tanh);
    q.append(new nn.Sigmoid());
    assert.equal(q.length, 3);
    assert.throws(() => q.at(3), /index 3 is out of range for 3 modules/);
    assert.throws(() => new nn.Sequential(new nn.ReLU(), (() => 1) as unknown as nn.Module), /is not a Module/);
  });

  test('ModuleList registers its modules', () => {
    const l = new nn.ModuleList([new nn.Linear(2, 3), new nn.Linear(3, 1)]);
    assert.deepEqual([...l.namedParameters()].map(([k]) => k), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.equal(l.length, 2);
    assert.throws(() => l(), /has no forward/);
  });

  test('loadStateDict lists missing and unexpected keys and shape mismatches', async () => {
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const sd = m.stateDict();
    sd.delete('1.running_var');
    sd.set('2.weight', zeros([1]));
    sd.set('0.weight', zeros([3, 2]));
    assert.throws(() => m.loadStateDict(sd), (e: Error) => {
      assert.match(e.message, /size mismatch for 0\.weight: checkpoint \[3, 2\] vs model \[2, 3\]/);
      assert.match(e.message, /missing keys: 1\.running_var/);
      assert.match(e.message, /unexpected keys: 2\.weight/);
      return true;
    });
    sd.set('0.weight', ones([2, 3]));
    const res = m.loadStateDict(sd, { strict: false });
    assert.deepEqual(res, { missingKeys: ['1.running_var'], unexpectedKeys: ['2.weight'] });
    assert.deepEqual(await values((m.at(0) as nn.Linear).weight), [1, 1, 1, 1, 1, 1]);
  });

  test('stateDict round trip restores a model exactly, buffers included', async () => {
    manualSeed(3);
    const a = new LeNet();
    a(randn([4, 1, 28, 28])); // moves the running statistics
    const b = new LeNet();
    b.loadStateDict(a.stateDict());
    a.eval(); b.eval();
    const x = randn([2, 1, 28, 28]);
    assert.deepEqual(await values(b(x) as Tensor), await values(a(x) as Tensor));
  });

  test('train() and eval() reach every submodule; Dropout and BatchNorm follow them', async () => {
    const m = new LeNet();
    m.eval();
    assert.ok([...m.modules()].every((c) => c.training === false));
    const x = randn([2, 1, 28, 28]);
    assert.deepEqual(await values(m(x) as Tensor), await values(m(x) as Tensor), 'eval is deterministic');
    m.train();
    assert.ok([...m.modules()].every((c) => c.training === true));
  });

  test('forward hooks see inputs and output, may replace the output, and can be removed', () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    const seen: string[] = [];
    const h = m.at(0).registerForwardHook((mod, inputs, out) => { seen.push(`${mod.constructor.name} ${(inputs[0] as Tensor).shape} ${(out as Tensor).shape}`); });
    const h2 = m.registerForwardHook(() => zeros([7]));
    assert.deepEqual((m(randn([3, 2])) as Tensor).shape, [7]);
    assert.deepEqual(seen, ['Linear 3,2 3,2']);
    h.remove(); h2.remove();
    assert.deepEqual((m(randn([3, 2])) as Tensor).shape, [3, 2]);
    assert.equal(seen.length, 1);
  });

  test('default initialisation: PyTorch bounds 1/√fanIn for Linear weight and bias', async () => {
    manualSeed(0);
    const l = new nn.Linear(400, 120);
    const bound = 1 / Math.sqrt(400);
    const w = await values(l.weight), b = await values(l.bias!);
    assert.ok(w.every((v) => Math.abs(v) <= bound) && b.every((v) => Math.abs(v) <= bound));
    // a uniform on ±bound has standard deviation bound/√3; 48 000 draws pin it within 1 %
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    assert.ok(Math.abs(sd / (bound / Math.sqrt(3)) - 1) < 0.01, `std ${sd}`);
    assert.equal(new nn.Linear(3, 2, { bias: false }).bias, null);
  });

  test('Dropout: inverted scaling in training, identity in eval, reproducible with manualSeed', async () => {
    const d = new nn.Dropout(0.25);
    const x = ones([200, 100]);
    manualSeed(5);
    const y = await values(d(x) as Tensor);
    const kept = y.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
    assert.ok(Math.abs(kept.length / x.numel() - 0.75) < 0.02, `kept ${kept.length}`);
    manualSeed(5);
    assert.deepEqual(await values(d(x) as Tensor), y);
    d.eval();
    assert.equal(d(x), x);
    assert.ok((await values(F.dropout(x, 1) as Tensor)).every((v) => v === 0));
    assert.throws(() => new nn.Dropout(1.5), /between 0 and 1/);
  });

  test('clear errors for wrong shapes and arguments', () => {
    assert.throws(() => new nn.Linear(4, 2)(randn([3, 5])), /linear: input of shape \[3, 5\] must end in inFeatures=4/);
    assert.throws(() => new nn.BatchNorm2d(3)(randn([2, 4, 2, 2])), /has 4 channels .* numFeatures=3/);
    assert.throws(() => new nn.BatchNorm2d(3)(randn([2, 3, 2])), /BatchNorm2d: expected 4D input/);
    assert.throws(() => new nn.BatchNorm1d(3)(randn([1, 3])), /more than 1 value per channel when training/);
    assert.throws(() => F.softmax(randn([2, 3]), 2), /softmax: dim=2 is out of range/);
    assert.throws(() => new nn.MaxPool2d(0), /kernelSize must be positive/);
  });

  test('softmax of huge logits stays finite; Softmax() without dim uses the legacy rule', async () => {
    const x = tensor([[1000, 0, -1000], [3e38, 3e38, 0]]);
    const p = F.softmax(x, 1);
    assert.ok((await values(p)).every((v) => Number.isFinite(v)));
    await assertFixture(p, [1, 0, 0, 0.5, 0.5, 0], 'softmax');
    assert.ok((await values(F.logSoftmax(x, 1))).every((v) => !Number.isNaN(v)));
    await assertFixture(new nn.Softmax()(tensor([[0, 0]])) as Tensor, [0.5, 0.5], 'legacy dim 1');
  });
});

forEachBackend('Conv layers check their arguments once, when built', () => {
  test('the layer keeps the checked arguments and computes what F does with the same options', async () => {
    manualSeed(1);
    const conv = new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1, groups: 2, paddingMode: 'reflect' });
    assert.deepEqual([conv.stride, conv.padding, conv.dilation, conv.groups, conv.paddingMode], [[2, 2], [1, 1], [1, 1], 2, 'reflect']);
    const x = randn([2, 2, 7, 6]);
    const opts = { stride: 2, padding: 1, groups: 2, paddingMode: 'reflect' } as const;
    assert.deepEqual(await values(conv(x)), await values(F.conv2d(x, conv.weight, conv.bias, opts)));
    const c1 = new nn.Conv1d(3, 2, 2, { dilation: 2, padding: 'same', bias: false });
    const x1 = randn([3, 9]); // unbatched
    const y1 = c1(x1);
    assert.deepEqual(y1.shape, [2, 9]);
    assert.deepEqual(await values(y1), await values(F.conv1d(x1, c1.weight, null, { dilation: 2, padding: 'same' })));
  });
  test('errors come when it is built; forward still checks the tensors it is given', () => {
    assert.throws(() => new nn.Conv2d(3, 6, 3, { stride: 0 }), /^Error: Conv2d: stride must be positive integer/);
    assert.throws(() => new nn.Conv1d(2, 2, 3, { padding: 'same', stride: 2 }), /^Error: Conv1d: padding='same' is not supported for strided convolutions/);
    assert.throws(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), /^Error: Conv2d: groups=4 must divide the 6 output channels$/);
    const conv = new nn.Conv2d(2, 4, 3, { groups: 2 });
    assert.throws(() => conv(randn([1, 3, 5, 5])), /^Error: conv2d: groups=2 must divide the 3 input channels/);
    assert.throws(() => conv(randn([1, 4, 5, 5])), /^Error: conv2d: input has 4 channels but weight \[4, 1, 3, 3\] with groups=2 expects 2$/);
    assert.throws(() => new nn.Conv1d(1, 1, 3)(randn([1, 1, 2])), /^Error: conv1d: kernel size 3 \(after dilation\) is larger than the padded input 2/);
  });
});

forEachBackend('initialisation and resets write in place without autograd', (backend) => {
  test('BatchNorm resets its statistics and parameters; init.constant_ works outside noGrad', async () => {
    const bn = new nn.BatchNorm2d(2);
    bn(randn([3, 2, 2, 2]).mul(3).add(1));
    assert.notDeepEqual(await values(bn.runningMean!), [0, 0]);
    bn.weight!.mul(2).sum().backward();
    bn.resetParameters();
    assert.deepEqual(await values(bn.runningMean!), [0, 0]);
    assert.deepEqual(await values(bn.runningVar!), [1, 1]);
    assert.deepEqual(await values(bn.numBatchesTracked!), [0]);
    assert.deepEqual(await values(bn.weight!), [1, 1]);
    assert.deepEqual(await values(bn.bias!), [0, 0]);
    assert.equal(bn.weight!.requiresGrad, true);
    nn.init.constant_(bn.bias!, 0.5);
    assert.deepEqual(await values(bn.bias!), [0.5, 0.5]);
  });
  test('loadStateDict copies the values in, converted to the model\'s dtype', async () => {
    const lin = new nn.Linear(2, 1);
    // float64 → float32 where the backend has float64; webgpu has none, so there only int32 → float32 converts.
    lin.loadStateDict({ weight: tensor([[1.5, -2]], { dtype: widestFloat(backend) }), bias: tensor([3], { dtype: 'int32' }) });
    assert.equal(lin.weight.dtype, 'float32');
    assert.deepEqual(await values(lin.weight), [1.5, -2]);
    assert.deepEqual(await values(lin.bias!), [3]);
    assert.deepEqual(await values(lin(tensor([[2, 1]]))), [4]);
  });
});

// A graph built on one backend and differentiated after switching to another: each backward looks the
// backend up when it runs (the data moves there on first use), so the gradients match an all-ref run.
describe('backward runs on the backend active when it runs', () => {
  // The float64 leaf makes cast copies (float32 → float64) on backends with float64; webgpu has none, so
  // there it is float32 too.
  test('conv2d, batchNorm, linear, matmul (cast copies included where the backend has float64): built on ref, backward on each other backend', async () => {
    const leaves = (other: string) => {
      manualSeed(3);
      const p = {
        x: randn([2, 3, 6, 6]), w: randn([4, 3, 3, 3]), b: randn([4]), g: randn([4]), be: randn([4]),
        lw: randn([5, 36], { dtype: widestFloat(other) }), lb: randn([5]), m: randn([5, 2]),
      };
      for (const t of Object.values(p)) t.requiresGrad_(true);
      return p;
    };
    const lossOf = (p: ReturnType<typeof leaves>) => {
      const h = F.conv2d(p.x, p.w, p.b, { padding: 1, stride: 2 });
      const n = F.batchNorm(h, null, null, p.g, p.be, { training: true });
      return matmul(F.linear(n.reshape([2, 36]), p.lw, p.lb), p.m).sum();
    };
    await assertBackwardAfterSwitch(leaves, lossOf, { tol: 1e-4 });
  });
});
