// test/layers-api.test.ts — the layers CNN tutorials use (issue 14, part D), beyond the PyTorch fixtures
// (layers-fixtures.test.ts): worked examples computed by hand, float64 finite-difference gradient checks
// (gradcheck) of every new op, Dropout1d/2d by structure and by statistics (seeded), PyTorch's calling
// conventions, and the errors for bad shapes and options. Every case runs on every registered backend.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, gradcheck, manualSeed, nn, noGrad, ones, randn, tensor, zeros } from '../src/index.js';
import { assertClose, forEachBackend, nested, test64, values } from './helpers/backends.js';

const g64 = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });

forEachBackend('layers: worked examples', () => {
  test('convTranspose2d of [[1, 2], [3, 4]] with a 2x2 kernel of ones: stride 1 overlaps, stride 2 tiles', async () => {
    const x = tensor([[[[1, 2], [3, 4]]]]), w = ones([1, 1, 2, 2]);
    await assertClose(F.convTranspose2d(x, w), [[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]);
    await assertClose(F.convTranspose2d(x, w, null, 2), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    // padding 1 crops a border; outputPadding 1 adds a row and a column only the far taps reach
    await assertClose(F.convTranspose2d(x, w, null, { stride: 2, padding: 1 }), [[[[1, 2], [3, 4]]]]);
    await assertClose(F.convTranspose2d(x, w, tensor([10]), { stride: 2, padding: 1, outputPadding: 1 }), [[[[11, 12, 12], [13, 14, 14], [13, 14, 14]]]]);
  });
  test('convTranspose1d: [1, 2, 3] with kernel [1, -1], stride 2', async () => {
    await assertClose(F.convTranspose1d(tensor([[[1, 2, 3]]]), tensor([[[1, -1]]]), null, 2), [[[1, -1, 2, -2, 3, -3]]]);
  });
  test('the transposed convolution is the adjoint of the convolution: <conv(x), y> = <x, convT(y)>', async () => {
    manualSeed(1);
    const x = randn([2, 4, 7, 6]), w = randn([6, 2, 3, 2]), y = randn([2, 6, 4, 3]);
    const opts = { stride: 2, padding: 1, dilation: [1, 2], groups: 2 };
    const lhs = F.conv2d(x, w, null, opts).mul(y).sum();
    const rhs = x.mul(F.convTranspose2d(y, w, null, { ...opts, outputPadding: [0, 1] })).sum();
    await assertClose(lhs, rhs, { atol: 1e-3, rtol: 1e-4 });
  });
  test('interpolate linear [1, 2] to 4 (half-pixel centres) and to 3 with alignCorners', async () => {
    await assertClose(F.interpolate(tensor([[[1, 2]]]), 4, null, 'linear'), [[[1, 1.25, 1.75, 2]]]);
    await assertClose(F.interpolate(tensor([[[1, 2]]]), { size: 3, mode: 'linear', alignCorners: true }), [[[1, 1.5, 2]]]);
    await assertClose(F.interpolate(tensor([[[[1, 2]]]]), { scaleFactor: 2 }), [[[[1, 1, 2, 2], [1, 1, 2, 2]]]]);
    await assertClose(F.interpolate(tensor([[[[1, 2], [3, 4]]]]), { size: [3, 3], mode: 'bilinear', alignCorners: true }),
      [[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]);
  });
  test('interpolate returns a new tensor even when the size does not change', async () => {
    const x = tensor([[[1, 2, 3]]]);
    const y = F.interpolate(x, 3);
    assert.notEqual(y, x);
    await assertClose(y, [[[1, 2, 3]]]);
  });
  test('layerNorm of [1, 2, 3]: (x − 2)/√(2/3 + ε); groupNorm with one group per channel is instanceNorm', async () => {
    const s = Math.sqrt(2 / 3 + 1e-5);
    await assertClose(F.layerNorm(tensor([[1, 2, 3]]), [3]), [[-1 / s, 0, 1 / s]]);
    manualSeed(2);
    const x = randn([2, 3, 4, 4]);
    await assertClose(F.groupNorm(x, 3), F.instanceNorm(x), { atol: 1e-5 });
    await assertClose(F.groupNorm(x, 1), F.layerNorm(x, [3, 4, 4]), { atol: 1e-5 });
  });
  test('an empty batch (N = 0) flows through every new op, with PyTorch\'s shapes', () => {
    assert.deepEqual(F.convTranspose2d(zeros([0, 2, 3, 3]), randn([2, 3, 3, 3])).shape, [0, 3, 5, 5]);
    assert.deepEqual(F.interpolate(zeros([0, 2, 3, 3]), { scaleFactor: 2, mode: 'bilinear' }).shape, [0, 2, 6, 6]);
    assert.deepEqual(F.layerNorm(zeros([0, 4]), [4]).shape, [0, 4]);
    assert.deepEqual(F.groupNorm(zeros([0, 4, 3]), 2).shape, [0, 4, 3]);
    assert.deepEqual(F.instanceNorm(zeros([0, 3, 2, 2])).shape, [0, 3, 2, 2]);
    assert.deepEqual(new nn.ReflectionPad2d(1)(zeros([0, 1, 2, 2])).shape, [0, 1, 4, 4]);
  });
  test('nn.Identity passes its input through', async () => {
    const x = tensor([1, 2]);
    assert.equal(new nn.Identity()(x), x);
    assert.equal(new nn.Identity().toString(), 'Identity()');
  });
});

forEachBackend('layers: gradcheck (float64 finite differences)', () => {
  test64('convTranspose2d with stride, padding, outputPadding, groups, dilation and bias', () => {
    assert.ok(gradcheck((x, w, b) => F.convTranspose2d(x, w, b, [2, 1], [1, 0], [1, 0], 2, [1, 2]), [g64([2, 4, 3, 3]), g64([4, 1, 3, 2]), g64([2])]));
  });
  test64('convTranspose1d, unbatched', () => {
    assert.ok(gradcheck((x, w) => F.convTranspose1d(x, w, null, { stride: 3, padding: 1, outputPadding: 2 }), [g64([2, 4]), g64([2, 3, 3])]));
  });
  test64('interpolate: nearest, bilinear (both corner rules), linear, trilinear, area', () => {
    assert.ok(gradcheck((x) => F.interpolate(x, { scaleFactor: [1.5, 0.7] }), [g64([1, 2, 4, 5])]));
    assert.ok(gradcheck((x) => F.interpolate(x, { size: [5, 3], mode: 'bilinear' }), [g64([1, 2, 3, 4])]));
    assert.ok(gradcheck((x) => F.interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true }), [g64([2, 1, 3, 4])]));
    assert.ok(gradcheck((x) => F.interpolate(x, 7, null, 'linear'), [g64([1, 2, 4])]));
    assert.ok(gradcheck((x) => F.interpolate(x, { scaleFactor: 2, mode: 'trilinear' }), [g64([1, 1, 2, 2, 3])]));
    assert.ok(gradcheck((x) => F.interpolate(x, { size: [2, 3], mode: 'area' }), [g64([1, 1, 5, 6])]));
  });
  test64('layerNorm, groupNorm and instanceNorm with their affine parameters', () => {
    assert.ok(gradcheck((x, w, b) => F.layerNorm(x, [3, 4], w, b), [g64([2, 3, 4]), g64([3, 4]), g64([3, 4])]));
    assert.ok(gradcheck((x, w, b) => F.groupNorm(x, 2, w, b, 1e-3), [g64([2, 4, 3]), g64([4]), g64([4])]));
    assert.ok(gradcheck((x, w, b) => F.instanceNorm(x, { weight: w, bias: b }), [g64([2, 3, 2, 3]), g64([3]), g64([3])]));
  });
});

forEachBackend('Dropout1d / Dropout2d', () => {
  test('whole channels are zeroed, the rest scaled by 1/(1 − p); the gradient is the same mask', async () => {
    manualSeed(0);
    const x = ones([4, 8, 3, 2], { requiresGrad: true });
    const y = F.dropout2d(x, 0.25);
    y.sum().backward();
    const v = await nested(y) as number[][][][];
    for (const sample of v) {
      for (const ch of sample) {
        const flat = ch.flat();
        assert.ok(flat.every((e) => e === 0) || flat.every((e) => Math.abs(e - 4 / 3) < 1e-6), `a channel is all 0 or all 4/3: ${flat}`);
      }
    }
    await assertClose(x.grad!, y);
  });
  test('about p of the channels are dropped (4096 channels, p = 0.3: within 5 standard deviations)', async () => {
    manualSeed(3);
    const y = F.dropout2d(ones([64, 64, 2, 1]), 0.3);
    const v = await values(y);
    let dropped = 0;
    for (let i = 0; i < v.length; i += 2) if (v[i] === 0) dropped++;
    const n = 4096, mean = n * 0.3, sd = Math.sqrt(n * 0.3 * 0.7);
    assert.ok(Math.abs(dropped - mean) < 5 * sd, `${dropped} dropped of ${n}`);
  });
  test('seeded: the same seed gives the same channels', async () => {
    manualSeed(5);
    const a = await values(F.dropout2d(ones([2, 16, 2, 2])));
    manualSeed(5);
    const b = await values(F.dropout2d(ones([2, 16, 2, 2])));
    assert.deepEqual(a, b);
  });
  test('dropout1d zeroes channels of [N, C, L] and of unbatched [C, L]', async () => {
    manualSeed(4);
    for (const shape of [[3, 6, 5], [6, 5]]) {
      const v = await values(F.dropout1d(ones(shape), 0.5));
      for (let c = 0; c < v.length; c += 5) {
        const row = v.slice(c, c + 5);
        assert.ok(row.every((e) => e === 0) || row.every((e) => e === 2), `channel ${row}`);
      }
    }
  });
  test('evaluation, p = 0 and training=false pass the input through; p = 1 zeroes it', async () => {
    const x = randn([2, 3, 2, 2]);
    const drop = new nn.Dropout2d(0.5);
    drop.eval();
    assert.equal(drop(x), x);
    assert.equal(F.dropout2d(x, 0), x);
    assert.equal(F.dropout2d(x, 0.5, false), x);
    assert.equal(F.dropout2d(x, { p: 0.5, training: false }), x);
    await assertClose(F.dropout2d(x, 1), zeros([2, 3, 2, 2]));
  });
  test('inplace writes into the input outside autograd; on a leaf that requires grad it throws', async () => {
    manualSeed(0);
    const x = ones([2, 4, 1, 1]);
    const y = F.dropout2d(x, 0.5, true, true);
    assert.equal(y, x);
    assert.ok((await values(x)).every((e) => e === 0 || e === 2));
    assert.throws(() => new nn.Dropout2d(0.5, true)(ones([1, 2, 2, 2], { requiresGrad: true })), /mul_: a leaf Variable that requires grad/);
  });
  test('repr, arguments and errors', () => {
    assert.equal(new nn.Dropout2d().toString(), 'Dropout2d(p=0.5, inplace=False)');
    assert.equal(new nn.Dropout2d(0.3, true).toString(), 'Dropout2d(p=0.3, inplace=True)');
    assert.equal(new nn.Dropout1d({ p: 0.2 }).toString(), 'Dropout1d(p=0.2, inplace=False)');
    assert.throws(() => new nn.Dropout2d(1.5), /Dropout2d: dropout probability has to be between 0 and 1, but got 1.5/);
    assert.throws(() => F.dropout2d(randn([2, 3, 4]), 0.5), /dropout2d: a 3-D input \(shape \[2, 3, 4\]\) is ambiguous: PyTorch 1.13 reads it as \(N, C, L\)/);
    assert.throws(() => F.dropout2d(randn([2, 3]), 0.5), /dropout2d: expected a 4-D input \(N, C, H, W\), got shape \[2, 3\]/);
    assert.throws(() => F.dropout1d(randn([2, 3, 4, 5])), /dropout1d: expected a 3-D input \(N, C, L\) or a 2-D one \(C, L\), got shape \[2, 3, 4, 5\]/);
    assert.throws(() => new nn.Dropout2d({ in_place: true }), /Dropout2d: unknown option 'in_place'/);
  });
});

forEachBackend('layers: calling conventions and reprs', () => {
  test('ConvTranspose2d binds PyTorch\'s positional order and any argument by name', () => {
    const a = new nn.ConvTranspose2d(4, 6, [3, 2], 2, 1, 1, 2, false, 2);
    const b = new nn.ConvTranspose2d({ inChannels: 4, outChannels: 6, kernelSize: [3, 2], stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, dilation: 2 });
    const expected = 'ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)';
    assert.equal(a.toString(), expected);
    assert.equal(b.toString(), expected);
    assert.deepEqual(a.weight.shape, [4, 3, 3, 2]);
    assert.equal(new nn.ConvTranspose1d(2, 3, 3, { stride: 2 }).toString(), 'ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,))');
    assert.throws(() => new nn.ConvTranspose2d(1, 1, 3, { output_padding: 1 }), /ConvTranspose2d: unknown option 'output_padding': did you mean outputPadding\?/);
    assert.throws(() => new nn.ConvTranspose2d(1, 1, 3, 1, 0, 0, 1, 'no'), /ConvTranspose2d: argument 8 \(bias\) must be a boolean, got the string "no"/);
    assert.throws(() => new nn.ConvTranspose2d(1, 1, 3, 1, { stride: 2 }), /got multiple values for argument 'stride'/);
  });
  test('forward(x, outputSize) picks the outputPadding, given as spatial sizes, the whole shape or by name', () => {
    const up = new nn.ConvTranspose2d(2, 3, 3, 2);
    const x = randn([1, 2, 4, 4]);
    assert.deepEqual(up(x).shape, [1, 3, 9, 9]);
    assert.deepEqual(up(x, [10, 10]).shape, [1, 3, 10, 10]);
    assert.deepEqual(up(x, [1, 3, 10, 9]).shape, [1, 3, 10, 9]);
    assert.deepEqual(up(x, { outputSize: [9, 10] }).shape, [1, 3, 9, 10]);
    assert.throws(() => up(x, [12, 12]), /ConvTranspose2d: requested an output size of \[12,12\], but valid sizes range from \[9,9\] to \[10,10\] \(for an input of \[4, 4\]\)/);
    assert.throws(() => up(x, [10]), /ConvTranspose2d: for 4-D input, outputSize must have 2 or 4 elements, got \[10\]/);
  });
  test('F.interpolate binds size, scaleFactor, mode, alignCorners, recomputeScaleFactor, antialias', () => {
    const x = randn([1, 1, 4, 4]);
    assert.deepEqual(F.interpolate(x, null, 2, 'bilinear', false).shape, [1, 1, 8, 8]);
    assert.deepEqual(F.interpolate(x, { size: [3, 5] }).shape, [1, 1, 3, 5]);
    assert.throws(() => F.interpolate(x, { scale_factor: 2 }), /interpolate: unknown option 'scale_factor': did you mean scaleFactor\?/);
    assert.throws(() => F.interpolate(x, 2, { size: 3 }), /interpolate: got multiple values for argument 'size'/);
    assert.throws(() => F.interpolate(x, 'big'), /interpolate: argument 1 \(size\) must be an integer, a list of integers or null, got the string "big"/);
  });
  test('padding layers: one amount or one per side, by position or by name; PyTorch\'s reprs', () => {
    assert.equal(new nn.ZeroPad2d(1).toString(), 'ZeroPad2d((1, 1, 1, 1))');
    assert.equal(new nn.ZeroPad2d({ padding: [1, 2, 3, 4] }).toString(), 'ZeroPad2d((1, 2, 3, 4))');
    assert.equal(new nn.ConstantPad2d(2, 3.5).toString(), 'ConstantPad2d(padding=(2, 2, 2, 2), value=3.5)');
    assert.equal(new nn.ConstantPad1d([1, 2], { value: 0 }).toString(), 'ConstantPad1d(padding=(1, 2), value=0.0)');
    assert.equal(new nn.ReflectionPad1d(2).toString(), 'ReflectionPad1d((2, 2))');
    assert.equal(new nn.CircularPad3d(1).toString(), 'CircularPad3d((1, 1, 1, 1, 1, 1))');
    assert.throws(() => new nn.ConstantPad2d(2), /ConstantPad2d: missing required argument 'value'/);
    assert.throws(() => new nn.ReflectionPad2d([1, 2, 3]), /ReflectionPad2d: padding must be an integer or a list of 4 integers \[left, right, top, bottom\], got \[1,2,3\]/);
    assert.throws(() => new nn.ZeroPad2d(1.5), /ZeroPad2d: argument 1 \(padding\) must be an integer or a list of integers, got number 1.5/);
  });
  test('Upsample, normalisation layers: positional order, names, reprs', async () => {
    assert.equal(new nn.Upsample({ scaleFactor: 2 }).toString(), 'Upsample(scale_factor=2.0, mode=nearest)');
    assert.equal(new nn.Upsample(null, [1.5, 2], 'bilinear').toString(), 'Upsample(scale_factor=(1.5, 2.0), mode=bilinear)');
    assert.equal(new nn.Upsample([3, 4], { mode: 'bilinear', alignCorners: true }).toString(), 'Upsample(size=(3, 4), mode=bilinear)');
    assert.equal(new nn.UpsamplingBilinear2d({ scaleFactor: 2 }).toString(), 'UpsamplingBilinear2d(scale_factor=2.0, mode=bilinear)');
    assert.equal(new nn.LayerNorm([3, 4], 1e-3, false).toString(), 'LayerNorm((3, 4), eps=0.001, elementwise_affine=False)');
    assert.equal(new nn.GroupNorm(2, 4, { affine: false }).toString(), 'GroupNorm(2, 4, eps=1e-05, affine=False)');
    assert.equal(new nn.InstanceNorm2d(3, 1e-5, 0.2, true, true).toString(), 'InstanceNorm2d(3, eps=1e-05, momentum=0.2, affine=True, track_running_stats=True)');
    assert.deepEqual([...new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }).stateDict().keys()],
      ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    assert.deepEqual([...new nn.LayerNorm(4).stateDict().keys()], ['weight', 'bias']);
    // the buffers are camelCase attributes (running_mean → runningMean), which resetRunningStats resets
    const inorm = new nn.InstanceNorm2d(2, { trackRunningStats: true });
    noGrad(() => { inorm.runningMean!.fill_(3); inorm.runningVar!.fill_(5); inorm.numBatchesTracked!.fill_(7); });
    inorm.resetRunningStats();
    assert.deepEqual([await nested(inorm.runningMean!), await nested(inorm.runningVar!), await nested(inorm.numBatchesTracked!)], [[0, 0], [1, 1], 0]);
    assert.throws(() => new nn.LayerNorm(4, { elementwise_affine: false }), /LayerNorm: unknown option 'elementwise_affine': did you mean elementwiseAffine\?/);
    assert.throws(() => new nn.InstanceNorm2d(3, { track_running_stats: true }), /did you mean trackRunningStats\?/);
    assert.throws(() => new nn.GroupNorm(2, 4, 1e-5, 'yes'), /GroupNorm: argument 4 \(affine\) must be a boolean/);
  });
});

forEachBackend('layers: errors name the op, the argument, what was expected and what came', () => {
  test('transposed convolution', () => {
    const x = randn([1, 2, 3, 3]);
    assert.throws(() => F.convTranspose2d(x, randn([2, 3, 3, 3]), null, { outputPadding: 1 }),
      /convTranspose2d: outputPadding must be smaller than either stride or dilation, got outputPadding=\[1,1\], stride=\[1,1\], dilation=\[1,1\]/);
    assert.throws(() => new nn.ConvTranspose2d(2, 3, 3, { stride: 2, outputPadding: 2 }), /ConvTranspose2d: outputPadding must be smaller than either stride or dilation/);
    assert.throws(() => F.convTranspose2d(randn([1, 3, 3, 3]), randn([2, 3, 3, 3])), /convTranspose2d: weight \[2, 3, 3, 3\] expects an input with 2 channels, got 3 channels/);
    assert.throws(() => F.convTranspose2d(x, randn([2, 3, 3])), /convTranspose2d: expected weight to be 4-D \(inChannels, outChannels\/groups, kH, kW\), got shape \[2, 3, 3\]/);
    assert.throws(() => F.convTranspose2d(randn([2, 3]), randn([2, 3, 3, 3])), /convTranspose2d: expected input to be 3-D \(C, H, W\) or 4-D \(N, C, H, W\), got shape \[2, 3\]/);
    assert.throws(() => F.convTranspose2d(x, randn([2, 3, 3, 3]), randn([2])), /convTranspose2d: bias must have shape \[3\] .* got \[2\]/);
    assert.throws(() => F.convTranspose2d(randn([1, 3, 3, 3]), randn([3, 1, 3, 3]), null, { groups: 2 }), /convTranspose2d: groups=2 must divide the 3 input channels/);
    assert.throws(() => F.convTranspose2d(x, randn([2, 1, 2, 2]), null, { padding: 2 }), /convTranspose2d: the output size 0x0 is too small/);
    assert.throws(() => new nn.ConvTranspose2d(2, 3, 3, { paddingMode: 'reflect' }), /ConvTranspose2d: only paddingMode 'zeros' is supported \(as PyTorch\), got "reflect"/);
    assert.throws(() => new nn.ConvTranspose2d(2, 3, 3, { padding: 'same' }), /ConvTranspose2d: padding must be an integer or a list of 2 integers, got 'same'/);
    assert.throws(() => new nn.ConvTranspose2d(4, 6, 3, { groups: 4 }), /ConvTranspose2d: outChannels \(6\) must be divisible by groups \(4\)/);
  });
  test('interpolate', () => {
    const x = randn([1, 1, 4]);
    assert.throws(() => F.interpolate(x, 3, 2), /interpolate: only one of size or scaleFactor should be given, got both/);
    assert.throws(() => F.interpolate(x), /interpolate: either size or scaleFactor should be given/);
    assert.throws(() => F.interpolate(x, 3, null, 'bilinear'), /interpolate: mode 'bilinear' needs a 4-D input, got 3-D input of shape \[1, 1, 4\]/);
    assert.throws(() => F.interpolate(x, 3, null, 'nearest', true), /interpolate: alignCorners can only be set with the interpolating modes linear, bilinear and trilinear, got mode 'nearest'/);
    assert.throws(() => F.interpolate(randn([1, 1, 4, 4]), { size: 3, mode: 'bicubic' as 'bilinear' }), /interpolate: mode must be one of .* got "bicubic" \('bicubic' is not implemented in convnet\)/);
    assert.throws(() => F.interpolate(x, [3, 4]), /interpolate: input with 1 spatial dimension \(shape \[1, 1, 4\]\) needs a size with 1 entries, got \[3,4\]/);
    assert.throws(() => F.interpolate(x, 0), /interpolate: input and output sizes should be greater than 0, got input \[4\] and output \[0\]/);
    assert.throws(() => F.interpolate(x, { size: 3, recomputeScaleFactor: true }), /interpolate: recomputeScaleFactor is not meaningful with an explicit size/);
    assert.throws(() => F.interpolate(randn([4, 4]), 3), /interpolate: expected a 3-D \(N, C, L\), 4-D \(N, C, H, W\) or 5-D \(N, C, D, H, W\) input, got shape \[4, 4\]/);
    assert.throws(() => F.interpolate(tensor([[[1, 2]]], { dtype: 'int32' }), 4, null, 'linear'), /interpolate: mode 'linear' needs a floating-point input, got int32/);
    assert.throws(() => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })(x), /Upsample: mode 'bilinear' needs a 4-D input/);
  });
  test('normalisation', () => {
    assert.throws(() => F.layerNorm(randn([2, 3]), [4]), /layerNorm: normalizedShape=\[4\] expects an input of shape \[\*, 4\], got \[2, 3\]/);
    assert.throws(() => F.layerNorm(randn([2, 3]), [3], randn([4])), /layerNorm: weight must have shape \[3\] \(normalizedShape\), got \[4\]/);
    assert.throws(() => F.groupNorm(randn([2, 6, 3]), 4), /groupNorm: the number of channels must be divisible by numGroups, got input of shape \[2, 6, 3\] and numGroups=4/);
    assert.throws(() => new nn.GroupNorm(4, 6), /GroupNorm: numChannels \(6\) must be divisible by numGroups \(4\)/);
    assert.throws(() => new nn.GroupNorm(2, 4)(randn([2, 6, 3])), /GroupNorm: input of shape \[2, 6, 3\] has 6 channels \(dim 1\) but the layer was built for numChannels=4/);
    assert.throws(() => F.instanceNorm(randn([2, 3, 1])), /instanceNorm: expected more than 1 spatial element when using the input's statistics, got input of shape \[2, 3, 1\]/);
    assert.throws(() => new nn.InstanceNorm2d(3, { affine: true })(randn([2, 4, 3, 3])), /InstanceNorm2d: expected the input's size at dim=1 to match numFeatures \(3\), got 4/);
    assert.throws(() => new nn.InstanceNorm2d(3)(randn([2, 3])), /InstanceNorm2d: expected a 3-D \(unbatched\) or 4-D input, got 2-D input of shape \[2, 3\]/);
    assert.throws(() => new nn.LayerNorm(4, -1), /LayerNorm: eps must be a non-negative number, got -1/);
  });
  test('padding layers', () => {
    assert.throws(() => new nn.ReflectionPad2d(1)(randn([4, 4])), /ReflectionPad2d: expected 3-D or 4-D input, got 2-D input of shape \[4, 4\]/);
    assert.throws(() => new nn.ReflectionPad2d(3)(randn([1, 1, 3, 3])), /pad: reflect padding 3 on dimension -[12] \(size 3\) must be smaller than the size/);
    assert.throws(() => new nn.CircularPad1d(4)(randn([1, 1, 3])), /pad: circular padding 4 on dimension -1 \(size 3\) must be at most the size/);
    assert.deepEqual(new nn.ZeroPad2d(1)(randn([4, 4])).shape, [6, 6]);  // constant padding takes any input
  });
});
