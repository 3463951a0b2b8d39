// test/conventions-nn.test.ts — PyTorch's calling conventions (issue 14) for nn modules, optimizers and
// learning-rate schedulers: every constructor takes its arguments by position in PyTorch's order or by
// name in a trailing options object (camelCase), and unknown, snake_case, doubled and misfit arguments
// throw. Each case that ran silently wrong before is checked by behaviour, with numbers worked out by hand
// in the comments. Last, a module call is typed: `model(x)` is a Tensor to TypeScript (checked by compiling
// a snippet with the project's compiler options).
//
// Every case runs on every registered backend (forEachBackend; ref first), reading values through
// `await t.dataAsync()`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Tensor, manualSeed, nn, optim, tensor, ones, zeros, arange, randn, noGrad } from '../src/index.js';
import { assertClose, forEachBackend, values } from './helpers/backends.js';

const LN2 = Math.log(2), LN3 = Math.log(3);

/** One step of `opt` on p = [1] with gradient [2] (the loss 2p); returns p after the step. */
async function stepOnce(make: (params: nn.Parameter[]) => optim.Optimizer): Promise<number> {
  const p = new nn.Parameter(tensor([1]));
  const opt = make([p]);
  p.mul(2).sum().backward();
  opt.step();
  return (await values(p))[0];
}

/** The lr of the first group over `n` scheduler steps (the lr at epoch 0 first). */
function lrs(sched: optim.LRScheduler, n: number): number[] {
  const out = [sched.getLastLr()[0]];
  for (let i = 0; i < n; i++) {
    sched.optimizer.step();
    sched.step();
    out.push(sched.getLastLr()[0]);
  }
  return out;
}

/** Asserts two lists of learning rates agree to 1e-12 (the schedules multiply floats). */
function assertLrs(got: number[], expected: number[]): void {
  assert.equal(got.length, expected.length, `${got} vs ${expected}`);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `lr ${i}: ${got} vs ${expected}`));
}

function sgd(lr = 1): optim.SGD {
  return new optim.SGD([new nn.Parameter(tensor([1]))], lr);
}

forEachBackend('nn module constructors: PyTorch\'s positional order, or by name', () => {
  test('Conv2d(1, 1, 3, 1, 1) is stride 1, padding 1 (it dropped both)', async () => {
    const conv = new nn.Conv2d(1, 1, 3, 1, 1);
    assert.deepEqual([conv.stride, conv.padding], [[1, 1], [1, 1]]);
    conv.weight.data = ones([1, 1, 3, 3]);
    conv.bias!.data = tensor([0]);
    // ones 3×3 padded by 1, summed over 3×3 windows: corners see 4 ones, edges 6, the centre 9
    await assertClose(conv(ones([1, 1, 3, 3])), [[[[4, 6, 4], [6, 9, 6], [4, 6, 4]]]]);
  });

  test('Conv2d: every argument by position, or by name after any positional ones', () => {
    const a = new nn.Conv2d(2, 4, 3, 2, 1, 1, 2, false, 'reflect');
    assert.deepEqual([a.inChannels, a.outChannels, a.kernelSize, a.stride, a.padding, a.dilation, a.groups, a.bias, a.paddingMode],
      [2, 4, [3, 3], [2, 2], [1, 1], [1, 1], 2, null, 'reflect']);
    const b = new nn.Conv2d(1, 6, { kernelSize: 5, padding: 2 });   // d2l's nn.Conv2d(1, 6, kernel_size=5, padding=2)
    assert.deepEqual([b.weight.shape, b.padding], [[6, 1, 5, 5], [2, 2]]);
    assert.deepEqual(b(ones([1, 1, 28, 28])).shape, [1, 6, 28, 28]);
    const c = new nn.Conv2d({ inChannels: 3, outChannels: 8, kernelSize: [1, 3], dilation: 2, bias: false });
    assert.deepEqual([c.weight.shape, c.dilation, c.bias], [[8, 3, 1, 3], [2, 2], null]);
    const d = new nn.Conv1d(1, 2, 3, 1, 'same');
    assert.deepEqual([d.padding, d(ones([1, 1, 7])).shape], ['same', [1, 2, 7]]);
  });

  test('Conv2d: snake_case, misspelt, doubled, misfit and missing arguments throw', () => {
    assert.throws(() => new nn.Conv2d(1, 1, 3, { padding_mode: 'reflect' } as never), /Conv2d: unknown option 'padding_mode': did you mean paddingMode\?/);
    assert.throws(() => new nn.Conv2d(1, 1, 3, { bais: false } as never), /Conv2d: unknown option 'bais': did you mean bias\?/);
    assert.throws(() => new nn.Conv2d(1, 1, 3, 1, { stride: 2 }), /Conv2d: got multiple values for argument 'stride'/);
    assert.throws(() => new nn.Conv2d(1, 1, 3, 1, 1, 1, 1, 'no' as never), /Conv2d: argument 8 \(bias\) must be a boolean, got the string "no"/);
    assert.throws(() => new nn.Conv2d(1, 1), /Conv2d: missing required argument 'kernelSize'/);
    assert.throws(() => new nn.Conv1d(1, 1, 3, 1, 0, 1, 1, true, 'zeros', 5 as never), /Conv1d: takes 9 positional arguments .* but 10 were given/);
  });

  test('MaxPool2d(2, 1) is stride 1 (it used 2); every argument by position or by name', async () => {
    const x = arange(9).reshape([1, 1, 3, 3]);        // [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    await assertClose(new nn.MaxPool2d(2, 1)(x), [[[[4, 5], [7, 8]]]]);
    await assertClose(new nn.MaxPool2d(2, { stride: 1 })(x), [[[[4, 5], [7, 8]]]]);
    const [y, idx] = new nn.MaxPool2d(2, 1, 0, 1, true, false)(x);
    await assertClose(y, [[[[4, 5], [7, 8]]]]);
    assert.deepEqual(await values(idx), [4, 5, 7, 8]);
    // ceilMode by position: windows at 0 and 2 (the second starts inside the input), so 2×2 from 3×3
    const p = new nn.MaxPool2d(2, null, 0, 1, false, true);
    assert.deepEqual([p.stride, p.ceilMode], [2, true]);
    await assertClose(p(x), [[[[4, 5], [7, 8]]]]);
    const m1 = new nn.MaxPool1d({ kernelSize: 2, stride: 1, padding: 1, dilation: 2 });
    assert.deepEqual([m1.kernelSize, m1.stride, m1.padding, m1.dilation], [2, 1, 1, 2]);
    assert.throws(() => new nn.MaxPool2d(2, { ceil_mode: true } as never), /MaxPool2d: unknown option 'ceil_mode': did you mean ceilMode\?/);
    assert.throws(() => new nn.MaxPool2d(2, 1, 0, 1, 'yes' as never), /MaxPool2d: argument 5 \(returnIndices\) must be a boolean/);
    assert.throws(() => new nn.MaxPool2d(), /MaxPool2d: missing required argument 'kernelSize'/);
  });

  test('AvgPool2d(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride)', async () => {
    const x = arange(9).reshape([1, 1, 3, 3]);
    // divisorOverride 1: window sums 0+1+3+4 = 8, 1+2+4+5 = 12, 3+4+6+7 = 20, 4+5+7+8 = 24
    const a = new nn.AvgPool2d(2, 1, 0, false, true, 1);
    await assertClose(a(x), [[[[8, 12], [20, 24]]]]);
    assert.deepEqual([a.stride, a.ceilMode, a.countIncludePad, a.divisorOverride], [1, false, true, 1]);
    // padding 1, countIncludePad false: the corner window [0] alone averages to 0, the next one (0+1)/2
    const b = new nn.AvgPool2d(2, 1, 1, false, false);
    assert.deepEqual((await values(b(x))).slice(0, 2), [0, 0.5]);
    await assertClose(new nn.AvgPool2d(2, { stride: 1, divisorOverride: 1 })(x), [[[[8, 12], [20, 24]]]]);
    const c = new nn.AvgPool1d(3, 1, 1, true, false);
    assert.deepEqual([c.kernelSize, c.stride, c.padding, c.ceilMode, c.countIncludePad], [[3], [1], [1], true, false]);
    assert.throws(() => new nn.AvgPool2d(2, { count_include_pad: false } as never), /did you mean countIncludePad\?/);
    assert.throws(() => new nn.AvgPool1d(2, 1, 0, false, true, 1 as never), /AvgPool1d: takes 5 positional arguments/);
  });

  test('adaptive pools: outputSize by position or by name; AdaptiveMaxPool2d(size, returnIndices)', async () => {
    const x = arange(16).reshape([1, 1, 4, 4]);
    await assertClose(new nn.AdaptiveAvgPool2d({ outputSize: 1 })(x), [[[[7.5]]]]);
    const [y, idx] = new nn.AdaptiveMaxPool2d(2, true)(x);
    await assertClose(y, [[[[5, 7], [13, 15]]]]);
    assert.deepEqual(await values(idx), [5, 7, 13, 15]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d([null, 2])(x).shape, [1, 1, 4, 2]);
    assert.deepEqual(new nn.AdaptiveMaxPool1d(2)(arange(6).reshape([1, 1, 6])).shape, [1, 1, 2]);
    assert.throws(() => new nn.AdaptiveAvgPool2d({ output_size: 1 } as never), /did you mean outputSize\?/);
    assert.throws(() => new nn.AdaptiveMaxPool1d(2, true as never), /AdaptiveMaxPool1d: returnIndices=true is not supported/);
    assert.throws(() => new nn.AdaptiveAvgPool1d(), /missing required argument 'outputSize'/);
  });

  test('Linear(4, 2, false) has no bias (it kept one)', async () => {
    const fc = new nn.Linear(4, 2, false);
    assert.equal(fc.bias, null);
    assert.deepEqual([...fc.namedParameters()].map(([n]) => n), ['weight']);
    fc.weight.data = ones([2, 4]);
    await assertClose(fc(ones([1, 4])), [[4, 4]]);    // no bias added to the row sums
    assert.equal(new nn.Linear({ inFeatures: 3, outFeatures: 1, bias: false }).bias, null);
    assert.throws(() => new nn.Linear(4, 2, 'no' as never), /Linear: argument 3 \(bias\) must be a boolean/);
    assert.throws(() => new nn.Linear(4, { out_features: 2 } as never), /did you mean outFeatures\?/);
  });

  test('BatchNorm1d(4, 0.5, 0.5) uses eps 0.5 and momentum 0.5 (it ignored both)', async () => {
    const bn = new nn.BatchNorm1d(2, 0.5, 0.5);
    assert.deepEqual([bn.eps, bn.momentum], [0.5, 0.5]);
    // each column is [0, 2]: mean 1, biased variance 1, so y = ±1/√(1 + eps) = ±1/√1.5;
    // running mean 0.5·0 + 0.5·1 = 0.5, running variance 0.5·1 + 0.5·2 (unbiased) = 1.5
    const y = bn(tensor([[0, 0], [2, 2]]));
    const s = 1 / Math.sqrt(1.5);
    await assertClose(y, [[-s, -s], [s, s]], { atol: 1e-6 });
    await assertClose(bn.runningMean!, [0.5, 0.5]);
    await assertClose(bn.runningVar!, [1.5, 1.5]);
    assert.deepEqual(await values(bn.numBatchesTracked!), [1]);
  });

  test('BatchNorm: attributes camelCase, state-dict keys PyTorch\'s; every argument by name', () => {
    const bn = new nn.BatchNorm2d(3, { momentum: null, affine: false });
    assert.deepEqual([bn.numFeatures, bn.eps, bn.momentum, bn.affine, bn.trackRunningStats], [3, 1e-5, null, false, true]);
    assert.deepEqual([...bn.stateDict().keys()], ['running_mean', 'running_var', 'num_batches_tracked']);
    assert.deepEqual([...bn.namedBuffers()].map(([n]) => n), ['running_mean', 'running_var', 'num_batches_tracked']);
    assert.ok(bn.runningMean instanceof Tensor && bn.runningVar instanceof Tensor && bn.numBatchesTracked instanceof Tensor);
    assert.equal((bn as unknown as Record<string, unknown>).running_mean, undefined);
    const noStats = new nn.BatchNorm1d(2, 1e-3, 0.1, true, false);
    assert.deepEqual([noStats.trackRunningStats, noStats.runningMean, [...noStats.stateDict().keys()]], [false, null, ['weight', 'bias']]);
    assert.throws(() => new nn.BatchNorm2d(3, { track_running_stats: false } as never), /did you mean trackRunningStats\?/);
    assert.throws(() => new nn.BatchNorm2d(3, 1e-5, 'fast' as never), /BatchNorm2d: argument 3 \(momentum\) must be a number or null/);
  });

  test('a buffer is registered under its state-dict key and held in the camelCase field', async () => {
    class Scaled extends nn.Module {
      declare runningScale: Tensor;
      constructor() { super(); this.registerBuffer('running_scale', tensor([2])); }
      forward(x: Tensor): Tensor { return x.mul(this.runningScale); }
    }
    const m = new Scaled();
    assert.deepEqual([...m.stateDict().keys()], ['running_scale']);
    m.loadStateDict({ running_scale: tensor([3]) });
    await assertClose(m(tensor([1, 2])), [3, 6]);
  });

  test('CrossEntropyLoss(w) weights the classes (it ignored w); every argument by position', async () => {
    // sample 0: logits [0, 0, 0], class 0: −log(1/3) = ln 3; sample 1: logits [0, ln 2, 0], class 1: −log(2/4) = ln 2
    const x = tensor([[0, 0, 0], [0, LN2, 0]]), y = tensor([0, 1], { dtype: 'int32' });
    const w = tensor([1, 3, 1]);
    await assertClose(new nn.CrossEntropyLoss(w)(x, y), (1 * LN3 + 3 * LN2) / 4, { atol: 1e-6 });
    await assertClose(new nn.CrossEntropyLoss()(x, y), (LN3 + LN2) / 2, { atol: 1e-6 });
    await assertClose(new nn.CrossEntropyLoss(null, null, 1)(x, y), LN3, { atol: 1e-6 });          // ignoreIndex 1
    await assertClose(new nn.CrossEntropyLoss(null, null, -100, null, 'sum')(x, y), LN3 + LN2, { atol: 1e-6 });
    await assertClose(new nn.CrossEntropyLoss({ weight: w, reduction: 'sum' })(x, y), LN3 + 3 * LN2, { atol: 1e-6 });
    const ce = new nn.CrossEntropyLoss(null, null, -100, null, 'mean', 0.1);
    assert.deepEqual([ce.weight, ce.ignoreIndex, ce.reduction, ce.labelSmoothing], [null, -100, 'mean', 0.1]);
    assert.throws(() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never), /did you mean labelSmoothing\?/);
    assert.throws(() => new nn.CrossEntropyLoss([1, 3, 1] as never), /CrossEntropyLoss: argument 1 \(weight\) must be a Tensor or null/);
  });

  test('losses: PyTorch\'s deprecated sizeAverage and reduce set the reduction as PyTorch\'s do', async () => {
    const a = tensor([1, 2]), b = tensor([1, 4]);   // squared errors [0, 4]
    await assertClose(new nn.MSELoss()(a, b), 2);
    await assertClose(new nn.MSELoss(null, null, 'sum')(a, b), 4);
    await assertClose(new nn.MSELoss(false)(a, b), 4);             // sizeAverage false: 'sum'
    await assertClose(new nn.MSELoss(null, false)(a, b), [0, 4]);    // reduce false: 'none'
    await assertClose(new nn.MSELoss({ reduction: 'none' })(a, b), [0, 4]);
    assert.equal(new nn.MSELoss(true, true, 'none').reduction, 'mean');
    assert.throws(() => new nn.MSELoss({ reduction: 'avg' as never }), /MSELoss: reduction must be one of 'none', 'mean', 'sum', got "avg"/);
    assert.throws(() => new nn.MSELoss('sum' as never), /MSELoss: argument 1 \(sizeAverage\) must be a boolean or null/);
  });

  test('NLLLoss(w) weights the classes (it ignored w); BCEWithLogitsLoss takes posWeight last', async () => {
    // −log p at the targets: −log 0.5 = ln 2 (class 0, weight 1) and −log 0.25 = 2 ln 2 (class 2, weight 3)
    const logp = tensor([[0.5, 0.25, 0.25], [0.25, 0.5, 0.25]]).log(), y = tensor([0, 2], { dtype: 'int32' });
    await assertClose(new nn.NLLLoss(tensor([1, 1, 3]))(logp, y), (LN2 + 3 * 2 * LN2) / 4, { atol: 1e-6 });
    await assertClose(new nn.NLLLoss(null, null, 2, null, 'sum')(logp, y), LN2, { atol: 1e-6 });
    // logit 0, target 1: posWeight·log 2 = 3 ln 2
    const bce = new nn.BCEWithLogitsLoss(null, null, null, 'sum', tensor([3]));
    await assertClose(bce(tensor([0]), tensor([1])), 3 * LN2, { atol: 1e-6 });
    assert.ok(bce.posWeight instanceof Tensor);
    assert.deepEqual([...bce.stateDict().keys()], ['pos_weight']);
    assert.throws(() => new nn.BCEWithLogitsLoss({ pos_weight: tensor([3]) } as never), /did you mean posWeight\?/);
  });

  test('Dropout(p, inplace), Flatten(startDim, endDim), activations', async () => {
    const d = new nn.Dropout(0.25, true);
    assert.deepEqual([d.p, d.inplace, String(d)], [0.25, true, 'Dropout(p=0.25, inplace=True)']);
    assert.equal(new nn.Dropout({ p: 0.1 }).p, 0.1);
    assert.throws(() => new nn.Dropout('0.5' as never), /Dropout: argument 1 \(p\) must be a number/);
    assert.deepEqual(new nn.Flatten(0, 1)(ones([2, 3, 4])).shape, [6, 4]);
    assert.deepEqual(new nn.Flatten({ endDim: 1 })(ones([2, 3, 4])).shape, [2, 3, 4]);
    assert.throws(() => new nn.Flatten({ start_dim: 0 } as never), /did you mean startDim\?/);
    assert.equal(String(new nn.ReLU(true)), 'ReLU(inplace=True)');
    assert.equal(String(new nn.ReLU({ inplace: false })), 'ReLU()');
    await assertClose(new nn.ReLU(true)(tensor([-1, 2])), [0, 2]);
    assert.throws(() => new nn.ReLU(1 as never), /ReLU: argument 1 \(inplace\) must be a boolean/);
    const lr = new nn.LeakyReLU(0.2, true);
    assert.equal(String(lr), 'LeakyReLU(negative_slope=0.2, inplace=True)');
    await assertClose(lr(tensor([-1, 2])), [-0.2, 2]);
    assert.equal(new nn.LeakyReLU({ negativeSlope: 0.1 }).negativeSlope, 0.1);
    await assertClose(new nn.Softmax({ dim: 0 })(tensor([[1, 1], [1, 1]])), [[0.5, 0.5], [0.5, 0.5]]);
    assert.equal(new nn.LogSoftmax(-1).dim, -1);
    assert.throws(() => new nn.Softmax(1.5 as never), /Softmax: argument 1 \(dim\) must be an integer or null/);
    assert.throws(() => new nn.Tanh(1 as never), /Tanh: takes no positional arguments but 1 were given/);
    assert.throws(() => new nn.Sigmoid({ inplace: true } as never), /Sigmoid: unknown option 'inplace' \(it takes no options\)/);
  });

  test('Sequential, ModuleList and Parameter', async () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2, false), new nn.ReLU());
    assert.equal(seq.length, 2);
    assert.equal(new nn.ModuleList({ modules: [new nn.ReLU(), new nn.Tanh()] }).length, 2);
    assert.equal(new nn.ModuleList([new nn.ReLU()]).length, 1);
    assert.equal(new nn.ModuleList().length, 0);
    assert.throws(() => new nn.ModuleList(3 as never), /ModuleList: argument 1 \(modules\) must be an iterable of Modules or null/);
    const p = new nn.Parameter(tensor([1, 2]), false);
    assert.equal(p.requiresGrad, false);
    assert.equal(new nn.Parameter(tensor([1]), { requiresGrad: false }).requiresGrad, false);
    assert.equal(new nn.Parameter(tensor([1])).requiresGrad, true);
    assert.deepEqual(new nn.Parameter().shape, [0]);
    assert.throws(() => new nn.Parameter(tensor([1]), { requires_grad: false } as never), /did you mean requiresGrad\?/);
  });
});

forEachBackend('nn.init: PyTorch\'s positional order, or by name', () => {
  test('kaimingUniform_(w, a, mode, nonlinearity) uses a given by position (it read only an options object)', async () => {
    // a = 1 with leaky_relu: gain √(2 / (1 + 1)) = 1, so the bound is √3 / √fanIn = √(3/20) for w [4, 20]
    const w = zeros([4, 20]), u = zeros([4, 20]);
    manualSeed(7);
    nn.init.kaimingUniform_(w, 1);
    manualSeed(7);
    nn.init.uniform_(u, -Math.sqrt(3 / 20), Math.sqrt(3 / 20));
    await assertClose(w, u, { atol: 1e-7 });
    // mode 'fan_out' and 'relu' by position: the bound is √3·√2 / √fanOut = √(6/4)
    manualSeed(7);
    nn.init.kaimingUniform_(w, 0, 'fan_out', 'relu');
    manualSeed(7);
    nn.init.uniform_(u, { a: -Math.sqrt(6 / 4), b: Math.sqrt(6 / 4) });
    await assertClose(w, u, { atol: 1e-7 });
    assert.throws(() => nn.init.kaimingUniform_(w, 0, 'fan_inn' as never), /kaimingUniform_: mode must be one of 'fan_in', 'fan_out', got "fan_inn"/);
    assert.throws(() => nn.init.kaimingNormal_(w, { non_linearity: 'relu' } as never), /did you mean nonlinearity\?/);
    assert.throws(() => nn.init.calculateGain('gelu' as never), /calculateGain: nonlinearity must be one of/);
  });

  test('constant_, uniform_, normal_, xavier*_ and calculateGain by name', async () => {
    const t = zeros([3]);
    await assertClose(nn.init.constant_(t, { val: 3 }), [3, 3, 3]);
    await assertClose(nn.init.uniform_(t, { a: 2, b: 2 }), [2, 2, 2]);      // [2, 2): every value 2
    await assertClose(nn.init.normal_(t, 5, 0), [5, 5, 5]);                 // std 0: the mean
    await assertClose(nn.init.zeros_({ tensor: t }), [0, 0, 0]);
    assert.equal(nn.init.calculateGain({ nonlinearity: 'leaky_relu', param: 1 }), 1);
    const w = zeros([2, 6]), u = zeros([2, 6]);
    manualSeed(3);
    nn.init.xavierUniform_(w, { gain: 2 });                                  // 2·√(6 / (6 + 2)) = √3
    manualSeed(3);
    nn.init.uniform_(u, -Math.sqrt(3), Math.sqrt(3));
    await assertClose(w, u, { atol: 1e-7 });
    assert.throws(() => nn.init.constant_(t), /constant_: missing required argument 'val'/);
    assert.throws(() => nn.init.uniform_([1, 2] as never), /uniform_: argument 1 \(tensor\) must be a Tensor/);
  });
});

forEachBackend('optimizers: PyTorch\'s positional order, or by name', () => {
  test('Adam(params, 0.01) steps at lr 0.01 (it trained at 0.001)', async () => {
    // Adam's first step is lr·g/(|g| + eps) = lr (to 1e-8): p = 1 − 0.01
    assert.ok(Math.abs(await stepOnce((ps) => new optim.Adam(ps, 0.01)) - 0.99) < 1e-6);
    assert.ok(Math.abs(await stepOnce((ps) => new optim.Adam(ps, { lr: 0.01 })) - 0.99) < 1e-6);
    assert.ok(Math.abs(await stepOnce((ps) => new optim.Adam(ps)) - 0.999) < 1e-6);
  });

  test('Adam and AdamW: every argument by position; maximize by name only', async () => {
    const o = new optim.Adam([new nn.Parameter(tensor([1]))], 0.1, [0.5, 0.6], 1e-3, 0.2, true);
    const { params: _p, ...g } = o.paramGroups[0];
    void _p;
    assert.deepEqual(g, { lr: 0.1, betas: [0.5, 0.6], eps: 1e-3, weightDecay: 0.2, amsgrad: true, maximize: false });
    // AdamW(lr 0.1, weightDecay 0.5): p = 1·(1 − 0.1·0.5) = 0.95, then minus lr = 0.85
    assert.ok(Math.abs(await stepOnce((ps) => new optim.AdamW(ps, 0.1, [0.9, 0.999], 1e-8, 0.5)) - 0.85) < 1e-6);
    assert.equal(new optim.AdamW([new nn.Parameter(tensor([1]))]).paramGroups[0].weightDecay, 0.01);
    // maximize: the step goes up the gradient, p = 1 + 0.01
    assert.ok(Math.abs(await stepOnce((ps) => new optim.Adam(ps, 0.01, { maximize: true })) - 1.01) < 1e-6);
    assert.throws(() => new optim.Adam([new nn.Parameter(tensor([1]))], 0.1, [0.9, 0.999], 1e-8, 0, false, true as never),
      /Adam: takes 6 positional arguments .* but 7 were given .*; maximize go in the options object/);
    assert.throws(() => new optim.Adam([new nn.Parameter(tensor([1]))], { weight_decay: 0.1 } as never), /did you mean weightDecay\?/);
    assert.throws(() => new optim.AdamW([new nn.Parameter(tensor([1]))], 0.1, { lr: 0.2 }), /AdamW: got multiple values for argument 'lr'/);
  });

  test('SGD(params, lr, momentum, dampening, weightDecay, nesterov)', async () => {
    // p −= lr·g: 1 − 0.1·2
    assert.ok(Math.abs(await stepOnce((ps) => new optim.SGD(ps, 0.1)) - 0.8) < 1e-6);
    // weightDecay 0.5 by position: d = 2 + 0.5·1 = 2.5, p = 1 − 0.1·2.5 = 0.75
    assert.ok(Math.abs(await stepOnce((ps) => new optim.SGD(ps, 0.1, 0, 0, 0.5)) - 0.75) < 1e-6);
    const o = new optim.SGD([new nn.Parameter(tensor([1]))], 0.1, 0.9, 0, 1e-4, true, { maximize: true });
    const { params: _p, ...g } = o.paramGroups[0];
    void _p;
    assert.deepEqual(g, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true, maximize: true });
    assert.throws(() => new optim.SGD([new nn.Parameter(tensor([1]))]), /SGD: lr is required/);
    assert.throws(() => new optim.SGD([new nn.Parameter(tensor([1]))], 0.1, 0.9, 0, 0, 'yes' as never), /SGD: argument 6 \(nesterov\) must be a boolean/);
    assert.throws(() => new optim.SGD(0.1 as never), /SGD: argument 1 \(params\) must be an iterable of Tensors or a list of parameter groups/);
  });

  test('parameter groups keep working with positional defaults', async () => {
    const a = new nn.Parameter(tensor([1])), b = new nn.Parameter(tensor([1]));
    const o = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], 0.1);
    a.mul(2).add(b.mul(2)).sum().backward();
    o.step();
    assert.deepEqual([o.paramGroups[0].lr, o.paramGroups[1].lr], [0.1, 0.5]);
    assert.ok(Math.abs((await values(a))[0] - 0.8) < 1e-6);   // 1 − 0.1·2
    assert.ok(Math.abs((await values(b))[0] - 0) < 1e-6);     // 1 − 0.5·2
  });
});

forEachBackend('LR schedulers: PyTorch\'s positional order, or by name', () => {
  test('StepLR(opt, 2, 0.5) halves every 2 epochs (it ignored gamma)', () => {
    assertLrs(lrs(new optim.StepLR(sgd(), 2, 0.5), 4), [1, 1, 0.5, 0.5, 0.25]);
    assertLrs(lrs(new optim.StepLR(sgd(), { stepSize: 2, gamma: 0.5 }), 2), [1, 1, 0.5]);
    assert.throws(() => new optim.StepLR(sgd(), 2, { step_size: 2 } as never), /did you mean stepSize\?/);
    assert.throws(() => new optim.StepLR(sgd(), 2, 0.5, 'x' as never), /StepLR: argument 4 \(lastEpoch\) must be an integer/);
    assert.throws(() => new optim.StepLR(sgd(), 2, 0.5, { gamma: 0.1 }), /StepLR: got multiple values for argument 'gamma'/);
  });

  test('MultiStepLR(opt, milestones, gamma), ExponentialLR(opt, gamma), LinearLR(opt, start, end, total)', () => {
    assertLrs(lrs(new optim.MultiStepLR(sgd(), [1, 3], 0.5), 3), [1, 0.5, 0.5, 0.25]);
    assertLrs(lrs(new optim.ExponentialLR(sgd(), 0.5), 2), [1, 0.5, 0.25]);
    assertLrs(lrs(new optim.ExponentialLR(sgd(), { gamma: 0.5 }), 1), [1, 0.5]);
    // factors 0.5, 0.75, 1 over totalIters 2
    assertLrs(lrs(new optim.LinearLR(sgd(), 0.5, 1, 2), 3), [0.5, 0.75, 1, 1]);
    assert.throws(() => new optim.ExponentialLR(sgd()), /ExponentialLR: missing required argument 'gamma'/);
    assert.throws(() => new optim.LinearLR(sgd(), { total_iters: 3 } as never), /did you mean totalIters\?/);
  });

  test('CosineAnnealingLR(opt, TMax, etaMin, lastEpoch)', () => {
    // halfway through TMax = 2: 0.1 + (1 − 0.1)·(1 + cos(π/2))/2 = 0.55; at TMax: etaMin
    const got = lrs(new optim.CosineAnnealingLR(sgd(), 2, 0.1), 2);
    assert.ok(Math.abs(got[1] - 0.55) < 1e-12 && Math.abs(got[2] - 0.1) < 1e-12, String(got));
    const c = new optim.CosineAnnealingLR(sgd(), { TMax: 4, etaMin: 0.01 });
    assert.deepEqual([c.TMax, c.etaMin, c.lastEpoch], [4, 0.01, 0]);
    assert.throws(() => new optim.CosineAnnealingLR(sgd(), { T_max: 4 } as never), /did you mean TMax\?/);
    assert.throws(() => new optim.CosineAnnealingLR(sgd(), 4, 0, 3), /param 'initialLr' is not specified/);
  });

  test('OneCycleLR(opt, maxLr, totalSteps, …) by position or by name', () => {
    const a = new optim.OneCycleLR(sgd(), 1, 10);
    const b = new optim.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10 });
    assert.equal(a.totalSteps, 10);
    assertLrs(lrs(a, 9), lrs(b, 9));
    assert.equal(new optim.OneCycleLR(sgd(), 1, null, 2, 5).totalSteps, 10);
    // annealStrategy 'linear' (argument 7): from maxLr/25 = 0.04 up to 1 over the first 3 steps (pctStart 0.3)
    const l = new optim.OneCycleLR(sgd(), 1, 10, null, null, 0.3, 'linear');
    assert.equal(l.annealStrategy, 'linear');
    assert.ok(Math.abs(lrs(l, 1)[1] - (0.04 + 0.96 / 2)) < 1e-12);
    assert.throws(() => new optim.OneCycleLR(sgd(), { max_lr: 1, totalSteps: 10 } as never), /did you mean maxLr\?/);
    assert.throws(() => new optim.OneCycleLR(sgd()), /OneCycleLR: missing required argument 'maxLr'/);
  });

  test('the first argument must be an optimizer', () => {
    assert.throws(() => new optim.StepLR(5 as never, 2), /StepLR: argument 1 \(optimizer\) must be an Optimizer/);
  });
});

test('a module call is typed by its forward: model(x) is a Tensor to TypeScript', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, '__module-call-types.ts');
  const source = `
    import { Tensor, nn, ones } from '../src/index.js';
    const x = ones([1, 1, 4, 4]);
    class Net extends nn.Module {
      conv = new nn.Conv2d(1, 2, 3);
      forward(t: Tensor): Tensor { return this.conv(t).relu(); }
    }
    class Pair extends nn.Module<[Tensor], [Tensor, Tensor]> {
      forward(t: Tensor): [Tensor, Tensor] { return [t, t]; }
    }
    const a: Tensor = new Net()(x);
    const b: Tensor = new nn.Sequential(new nn.Conv2d(1, 1, 3), new nn.ReLU())(x);
    const c: Tensor = new nn.CrossEntropyLoss()(x, x);
    const d: Tensor = new nn.MaxPool2d(2)(x);
    const [e, f]: [Tensor, Tensor] = new nn.MaxPool2d(2, { returnIndices: true })(x);
    const [g, h]: [Tensor, Tensor] = new nn.AdaptiveMaxPool2d(1, true)(x);
    const [i, j] = new Pair()(x);
    const k: Tensor = i.add(j);
    // @ts-expect-error a loss takes two tensors
    new nn.MSELoss()(x);
    // @ts-expect-error a Conv2d returns a Tensor, not a pair
    const l: [Tensor, Tensor] = new nn.Conv2d(1, 1, 3)(x);
    // @ts-expect-error Linear's third argument is bias, a boolean
    new nn.Linear(4, 2, 'no');
    void [a, b, c, d, e, f, g, h, k, l];
  `;
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node', '@webgpu/types'], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host), fileExists = host.fileExists.bind(host), readFile = host.readFile.bind(host);
  host.getSourceFile = (f, v, ...rest) => (f === file ? ts.createSourceFile(f, source, v, true) : getSourceFile(f, v, ...rest));
  host.fileExists = (f) => f === file || fileExists(f);
  host.readFile = (f) => (f === file ? source : readFile(f));
  const program = ts.createProgram([file], options, host);
  // Only the snippet is checked (src's own errors are tsc's business): the checker then looks at no more of
  // src than the snippet's types need.
  const sf = program.getSourceFile(file)!;
  const errors = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) =>
    `${d.file ? `${d.file.fileName.replace(`${here}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}` +
    ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(errors, []);
});

test('a CosineAnnealingLR state saved before TMax took its camelCase name (tMax) still loads', () => {
  const p = new nn.Parameter(zeros([1]));
  const opt = new optim.SGD([p], 0.1);
  const sched = new optim.CosineAnnealingLR(opt, 10);
  const old = { ...sched.stateDict() } as Record<string, unknown>;
  old.tMax = 4;
  delete old.TMax;
  const fresh = new optim.CosineAnnealingLR(new optim.SGD([p], 0.1), 10);
  fresh.loadStateDict(old);
  assert.equal(fresh.TMax, 4);
});

test('nn.Sequential ending in a layer that returns its input (Identity) returns a live tensor', () => {
  const m = new nn.Sequential(new nn.Linear(2, 3), new nn.Identity());
  const y = noGrad(() => m(randn([4, 2])));
  assert.equal(y.isDisposed, false);
  assert.equal(y.shape.join(), '4,3');
  const z = noGrad(() => new nn.Sequential(new nn.Linear(2, 3), new nn.Identity(), new nn.ReLU())(randn([4, 2])));
  assert.ok(z.sum().item() >= 0);
});
