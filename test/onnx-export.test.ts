// test/onnx-export.test.ts — exportOnnx against onnxruntime-node: the exported model, run by ORT on the same
// input, agrees with convnet's own forward to 1e-5 (LeNet-5, the BatchNorm CNN with moved statistics, a
// ResNet-style net whose residual block is taught to the exporter with registerOnnxEmitter, and one
// Sequential per group of layer options: every padding mode, 'same', strides, dilations, groups, Conv1d,
// ceil-mode pools, divisorOverride, adaptive pools, the activations; and the layers of the PyTorch-ports
// issue: every padding layer, ConvTranspose1d/2d, InstanceNorm/GroupNorm/LayerNorm with moved parameters,
// Upsample in every mode, ELU/GELU/SiLU/Mish/Hardswish/Softplus/PReLU, channel dropout, Embedding on int64
// indices); importOnnx of each exported file agrees with onnxruntime to 1e-4 as well. onnx.checker
// (Debian's python3-onnx) accepts the exported files. Errors name the layer. Every
// case runs on every backend.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, add, manualSeed, models, nn, noGrad, randint, randn, relu } from '../src/index.js';
import { exportOnnx, registerOnnxEmitter } from '../src/io/onnx-export.js';
import { importOnnx } from '../src/io/onnx-import.js';
import { forEachBackend } from './helpers/backends.js';
import { maxAbsDiff, onnxChecker, runOrt } from './helpers/onnxruntime.js';

/** A ResNet basic block (two 3×3 convs with BatchNorm, a 1×1 projection when the shape changes). */
class BasicBlock extends nn.Module {
  conv1: nn.Conv2d; bn1: nn.BatchNorm2d; conv2: nn.Conv2d; bn2: nn.BatchNorm2d; shortcut: nn.Sequential;
  constructor(cin: number, cout: number, stride: number) {
    super();
    this.conv1 = new nn.Conv2d(cin, cout, 3, { stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(cout);
    this.conv2 = new nn.Conv2d(cout, cout, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(cout);
    this.shortcut = stride !== 1 || cin !== cout
      ? new nn.Sequential(new nn.Conv2d(cin, cout, 1, { stride, bias: false }), new nn.BatchNorm2d(cout)) : new nn.Sequential();
  }
  forward(x: Tensor): Tensor {
    return relu(add(this.bn2(this.conv2(relu(this.bn1(this.conv1(x))))), this.shortcut(x)));
  }
}

registerOnnxEmitter(BasicBlock, (m, x, g, path) => {
  const y1 = g.emit(m.bn1, g.emit(m.conv1, x, `${path}.conv1`), `${path}.bn1`);
  const r1 = { name: g.node('Relu', [y1.name], {}, `${path}.relu1`), tensor: relu(y1.tensor) };
  const y2 = g.emit(m.bn2, g.emit(m.conv2, r1, `${path}.conv2`), `${path}.bn2`);
  const s = g.emit(m.shortcut, x, `${path}.shortcut`);
  return g.node('Relu', [g.node('Add', [y2.name, s.name], {}, `${path}.add`)], {}, `${path}.relu`);
});

function resnetStyle(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(8), new nn.ReLU(),
    new BasicBlock(8, 8, 1), new BasicBlock(8, 16, 2), new BasicBlock(16, 16, 1),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(16, 10),
  );
}

/** BatchNorm's running statistics moved off zeros and ones by a few training-mode forwards. */
function warmBatchNorm(model: nn.Module, shape: number[]): void {
  model.train();
  noGrad(() => { for (let i = 0; i < 3; i++) model(randn(shape).mul(2).add(0.5)); });
  model.eval();
}

async function agrees(model: nn.Module, x: Tensor, tol = 1e-5): Promise<Uint8Array> {
  const bytes = await exportOnnx(model, x);
  model.eval();
  const want = await noGrad(() => model(x) as Tensor).dataAsync();
  const got = await runOrt(bytes, Float32Array.from(await x.dataAsync()), x.shape);
  assert.deepEqual(got.dims, (model(x) as Tensor).shape);
  const err = maxAbsDiff(got.data, want);
  assert.ok(err <= tol, `onnxruntime and convnet differ by ${err} (> ${tol})`);
  // importOnnx runs the ops the exporter wrote: it agrees with onnxruntime on the same file to 1e-4.
  const back = importOnnx(bytes);
  back.eval();
  const again = maxAbsDiff(got.data, await noGrad(() => back(x) as Tensor).dataAsync());
  assert.ok(again <= 1e-4, `importOnnx of the exported file and onnxruntime differ by ${again}`);
  return bytes;
}

const LAYER_CASES: { name: string; input: number[]; build: () => nn.Module }[] = [
  { name: 'conv padding modes (zeros, reflect, replicate, circular), stride, dilation, groups', input: [2, 4, 9, 10], build: () => new nn.Sequential(
    new nn.Conv2d(4, 4, 3, { padding: 1, paddingMode: 'reflect' }),
    new nn.Conv2d(4, 6, [3, 2], { padding: [2, 1], paddingMode: 'replicate', stride: [1, 2] }),
    new nn.Conv2d(6, 6, 3, { padding: 1, paddingMode: 'circular', groups: 3 }),
    new nn.Conv2d(6, 4, 3, { padding: 2, dilation: 2, groups: 2 }),
  ) },
  { name: "conv 'same' (odd pad on the right/bottom) and 'valid', with every padding mode", input: [1, 2, 8, 7], build: () => new nn.Sequential(
    new nn.Conv2d(2, 3, 4, { padding: 'same' }),
    new nn.Conv2d(3, 3, [2, 3], { padding: 'same', dilation: [3, 1], paddingMode: 'reflect' }),
    new nn.Conv2d(3, 3, 2, { padding: 'same', paddingMode: 'circular' }),
    new nn.Conv2d(3, 2, 2, { padding: 'same', paddingMode: 'replicate' }),
    new nn.Conv2d(2, 2, 3, { padding: 'valid' }),
  ) },
  { name: 'Conv1d with padding modes, pools 1d', input: [2, 3, 19], build: () => new nn.Sequential(
    new nn.Conv1d(3, 4, 3, { padding: 2, paddingMode: 'circular' }), new nn.Conv1d(4, 4, 4, { padding: 'same', paddingMode: 'reflect' }),
    new nn.MaxPool1d(3, { stride: 2, ceilMode: true }), new nn.AvgPool1d(2, { padding: 1 }), new nn.AdaptiveAvgPool1d(2),
  ) },
  { name: 'max pools with padding, dilation, ceil mode; avg pools with ceil mode and divisorOverride', input: [1, 3, 11, 12], build: () => new nn.Sequential(
    new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    new nn.MaxPool2d(2, { stride: 1, dilation: 2 }),
    new nn.AvgPool2d(2, { stride: 2, ceilMode: true, countIncludePad: false }),
    new nn.AvgPool2d(2, { stride: 1, padding: 1, divisorOverride: 3 }),
    new nn.AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }),
  ) },
  { name: 'adaptive pools, activations, softmax dims, flatten, linear on 3-D input, dropout', input: [2, 4, 8, 6], build: () => new nn.Sequential(
    new nn.AdaptiveMaxPool2d([4, 3]), new nn.LeakyReLU(0.2), new nn.Tanh(), new nn.AdaptiveAvgPool2d([2, null]), new nn.Sigmoid(),
    new nn.Softmax(1), new nn.Flatten(2), new nn.Linear(6, 5), new nn.Dropout(0.5), new nn.Identity(), new nn.LogSoftmax(-1),
    new nn.Flatten(), new nn.Linear(20, 3),
  ) },
];

/** Every parameter (norm scales and shifts, PReLU slopes included) and running statistic set off its default. */
function perturb(model: nn.Module): nn.Module {
  noGrad(() => {
    for (const p of model.parameters()) p.copy_(randn(p.shape).mul(0.3).add(p.shape.length === 1 ? 0.8 : 0));
    for (const [k, b] of model.namedBuffers()) if (k.endsWith('running_mean') || k.endsWith('running_var')) b.copy_(randn(b.shape).mul(0.2).abs().add(k.endsWith('var') ? 0.5 : 0));
  });
  return model;
}

const NEW_LAYER_CASES: { name: string; input: number[]; build: () => nn.Module; scale?: number }[] = [
  { name: 'padding layers in 1-D: zero, constant, reflection, replication, circular', input: [2, 3, 7], build: () => new nn.Sequential(
    new nn.ConstantPad1d(1, -2), new nn.ReflectionPad1d([0, 3]), new nn.CircularPad1d(2), new nn.ZeroPad1d([2, 0]), new nn.ReplicationPad1d([1, 2]),
  ) },
  { name: 'padding layers in 2-D and 3-D (unbatched): zero, constant (negative crops), reflection, replication, circular', input: [2, 3, 5, 6], build: () => new nn.Sequential(
    new nn.ZeroPad2d([1, 2, 0, 1]), new nn.ConstantPad2d([-1, 2, 1, -1], 0.5), new nn.ReflectionPad2d([2, 1, 1, 2]), new nn.ReplicationPad2d([0, 1, 2, 0]),
    new nn.CircularPad2d([1, 2, 2, 1]), new nn.ConstantPad1d(1, -2), new nn.ReplicationPad3d(1), new nn.ReflectionPad3d([1, 0, 0, 1, 1, 1]), new nn.CircularPad3d([0, 1, 1, 0, 1, 0]), new nn.ConstantPad3d(1, 1.5), new nn.ZeroPad3d([1, 0, 0, 0, 0, 0]),
  ) },
  { name: 'ConvTranspose2d (outputPadding, dilation, groups), InstanceNorm2d (affine; running stats), GroupNorm, LayerNorm', input: [2, 3, 6, 5], build: () => {
    const m = new nn.Sequential(
      new nn.ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.InstanceNorm2d(4, { affine: true }), new nn.GroupNorm(2, 4),
      new nn.ConvTranspose2d(4, 4, [3, 2], { stride: [1, 2], dilation: [2, 1], groups: 2, bias: false }), new nn.InstanceNorm2d(4, { trackRunningStats: true }),
      new nn.LayerNorm([16, 20]), new nn.GroupNorm(4, 4, { affine: false }), new nn.LayerNorm(20, { elementwiseAffine: false }), new nn.InstanceNorm2d(4),
    );
    return perturb(m);
  } },
  { name: 'ConvTranspose1d, InstanceNorm1d, GroupNorm and LayerNorm on 1-D signals, Dropout1d; an unbatched ConvTranspose1d', input: [2, 4, 7], build: () => perturb(new nn.Sequential(
    new nn.ConvTranspose1d(4, 6, 3, { stride: 2, dilation: 2, groups: 2 }), new nn.InstanceNorm1d(6, { affine: true }), new nn.GroupNorm(3, 6),
    new nn.LayerNorm(17), new nn.Dropout1d(0.2), new nn.ConvTranspose1d(6, 2, 2, { padding: 1, outputPadding: 1, stride: 2 }),
  )) },
  { name: 'Upsample: nearest, nearest-exact, bilinear (alignCorners both ways, recomputed scale), area; UpsamplingNearest2d/Bilinear2d', input: [1, 2, 5, 4], build: () => new nn.Sequential(
    new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample({ scaleFactor: 1.5, mode: 'bilinear' }), new nn.UpsamplingBilinear2d({ size: [9, 7] }),
    new nn.UpsamplingNearest2d({ size: [11, 13] }), new nn.Upsample({ scaleFactor: [0.5, 0.75], mode: 'nearest-exact' }),
    new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }), new nn.Upsample({ scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true }),
    new nn.Upsample({ size: [17, 5], mode: 'area' }), new nn.UpsamplingNearest2d({ scaleFactor: 3 }),
  ) },
  { name: 'Upsample on 1-D signals: linear, nearest to a size', input: [2, 3, 7], build: () => new nn.Sequential(
    new nn.Upsample({ scaleFactor: 2, mode: 'linear' }), new nn.Upsample({ size: 10 }), new nn.Upsample({ scaleFactor: 1.5, mode: 'linear', alignCorners: true }),
  ) },
  { name: 'activations: ELU, GELU (none, tanh), SiLU, Mish, Hardswish, Softplus (β, threshold), PReLU (per channel, shared), Dropout2d', input: [2, 4, 3, 5], scale: 4, build: () => perturb(new nn.Sequential(
    new nn.ELU(0.7), new nn.GELU(), new nn.SiLU(), new nn.Mish(), new nn.Hardswish(), new nn.Softplus({ beta: 2, threshold: 5 }), new nn.PReLU(4),
    new nn.GELU('tanh'), new nn.PReLU(), new nn.Dropout2d(0.3), new nn.Softplus(), new nn.Flatten(), new nn.PReLU(60), new nn.Softplus(-0.5, 1),
  )) },
];

forEachBackend('exportOnnx vs onnxruntime-node', (backend) => {
  test('LeNet-5 (models.lenet5) agrees to 1e-5', async () => {
    manualSeed(1);
    await agrees(models.lenet5(), randn([3, 1, 28, 28]));
  });

  test('the BatchNorm CNN (models.cnnBn), running statistics moved, in eval: agrees to 1e-5', async () => {
    manualSeed(2);
    const model = models.cnnBn();
    warmBatchNorm(model, [8, 1, 28, 28]);
    await agrees(model, randn([2, 1, 28, 28]));
  });

  test('a ResNet-style net (residual blocks through registerOnnxEmitter) agrees to 1e-5', async () => {
    manualSeed(3);
    const model = resnetStyle();
    warmBatchNorm(model, [4, 3, 16, 16]);
    await agrees(model, randn([2, 3, 16, 16]));
  });

  for (const c of LAYER_CASES) {
    test(c.name, async () => {
      manualSeed(4);
      await agrees(c.build(), randn(c.input));
    });
  }

  for (const c of NEW_LAYER_CASES) {
    test(c.name, async () => {
      manualSeed(7);
      await agrees(c.build(), randn(c.input).mul(c.scale ?? 1));
    });
  }

  test('Embedding as Gather on int64 indices (torch.onnx.export declares a LongTensor input int64), then LayerNorm and Linear', async () => {
    manualSeed(8);
    const model = perturb(new nn.Sequential(new nn.Embedding(10, 6, { paddingIdx: 0 }), new nn.LayerNorm(6), new nn.Linear(6, 3)));
    const x = randint(0, 10, [2, 5]);
    const bytes = await exportOnnx(model, x);
    const want = await noGrad(() => model(x) as Tensor).dataAsync();
    const got = await runOrt(bytes, BigInt64Array.from(await x.dataAsync(), (v) => BigInt(v)), x.shape);
    assert.deepEqual(got.dims, [2, 5, 3]);
    const err = maxAbsDiff(got.data, want);
    assert.ok(err <= 1e-5, `onnxruntime and convnet differ by ${err}`);
    assert.ok(maxAbsDiff(got.data, await noGrad(() => importOnnx(bytes)(x) as Tensor).dataAsync()) <= 1e-4);
  });

  if (backend === 'ref') {
    test('onnx.checker accepts the exported models; a path gets the same bytes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'convnet-onnx-'));
      try {
        manualSeed(5);
        const files: string[] = [];
        const nets: [string, nn.Module, number[]][] = [
          ['lenet5', models.lenet5(), [1, 1, 28, 28]], ['cnn-bn', models.cnnBn(), [1, 1, 28, 28]], ['resnet-style', resnetStyle(), [1, 3, 16, 16]],
          ...[...LAYER_CASES, ...NEW_LAYER_CASES].map((c, i): [string, nn.Module, number[]] => [`layers${i}`, c.build(), c.input]),
        ];
        for (const [name, model, shape] of nets) {
          const file = join(dir, `${name}.onnx`);
          const bytes = await exportOnnx(model, randn(shape), file);
          assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
          files.push(file);
        }
        const embedding = join(dir, 'embedding.onnx');
        await exportOnnx(new nn.Sequential(new nn.Embedding(10, 4), new nn.GELU()), randint(0, 10, [3]), embedding);
        files.push(embedding);
        onnxChecker(files);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("initializers take the state-dict names: importOnnx gives back the model's keys and outputs", async () => {
      manualSeed(6);
      const model = models.cnnBn();
      warmBatchNorm(model, [4, 1, 28, 28]);
      const x = randn([2, 1, 28, 28]);
      const back = importOnnx(await exportOnnx(model, x));
      const keys = [...model.stateDict().keys()].filter((k) => !k.endsWith('num_batches_tracked'));
      assert.deepEqual([...back.stateDict().keys()].sort(), keys.sort());
      back.eval();
      assert.ok(maxAbsDiff(await (back(x) as Tensor).dataAsync(), await noGrad(() => model(x) as Tensor).dataAsync()) < 1e-6);
    });

    test('the model is exported in eval mode and its modes are restored', async () => {
      const model = models.cnnBn();
      model.train();
      await exportOnnx(model, randn([1, 1, 28, 28]));
      assert.ok([...model.modules()].every((m) => m.training));
    });

    test('what ONNX cannot express is an error naming the layer', async () => {
      class Mystery extends nn.Module { forward(x: Tensor) { return x; } }
      await assert.rejects(exportOnnx(new nn.Sequential(new nn.ReLU(), new Mystery()), randn([1, 2])),
        /exportOnnx: no ONNX emitter for module '1' \(Mystery\).*registerOnnxEmitter\(Mystery/);
      await assert.rejects(exportOnnx(new nn.Sequential({ pool: new nn.AdaptiveAvgPool2d(3) }), randn([1, 1, 7, 7])),
        /exportOnnx: AdaptiveAvgPool2d 'pool' maps input size \[7,7\] to \[3,3\]/);
      await assert.rejects(exportOnnx(new nn.Sequential(new nn.AvgPool2d(2, { ceilMode: true })), randn([1, 1, 5, 5])),
        /exportOnnx: AvgPool2d '0' with ceilMode=true .* countIncludePad=true/);
      await assert.rejects(exportOnnx(new nn.Sequential(new nn.BatchNorm2d(2, { trackRunningStats: false })), randn([2, 2, 3, 3])),
        /exportOnnx: BatchNorm2d '0' has trackRunningStats=false/);
      await assert.rejects(exportOnnx(new nn.Sequential(new nn.MaxPool2d(2, { returnIndices: true })), randn([1, 1, 4, 4])),
        /exportOnnx: MaxPool2d '0' with returnIndices=true/);
      await assert.rejects(exportOnnx(models.lenet5(), randn([1, 1, 28, 28]), { path: 'x.onnx', opset: 12 } as never), /exportOnnx: unknown option 'opset'/);
      // 30 · 2.1 = 63 in PyTorch, but 30 · float32(2.1) = 62.99999 gives the runtime 62 rows.
      await assert.rejects(exportOnnx(new nn.Sequential({ up: new nn.Upsample({ scaleFactor: 2.1 }) }), randn([1, 1, 30, 4])),
        /exportOnnx: Upsample 'up' with scaleFactor 2\.1 on size 30 gives 63, but ONNX's float32 scale 2\.09999.* gives 62/);
      await assert.rejects(exportOnnx(new nn.Sequential(new nn.Upsample({ size: [3, 3], mode: 'area' })), randn([1, 1, 7, 6])),
        /exportOnnx: Upsample '0' with mode 'area' maps input size \[7,6\] to \[3,3\]/);
      await assert.rejects(exportOnnx(new nn.Sequential(new nn.ReflectionPad2d([-1, 1, 0, 0])), randn([1, 1, 4, 4])),
        /exportOnnx: ReflectionPad2d '0' with negative padding \[-1,1,0,0\] is not exportable/);
    });
  }
});

test('exportOnnx writes its file atomically (no temporary left, the old file replaced whole)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convnet-onnx-'));
  try {
    const file = join(dir, 'm.onnx');
    writeFileSync(file, 'old');
    const bytes = await exportOnnx(models.lenet5(), randn([1, 1, 28, 28]), file);
    assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(dir), ['m.onnx']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
