// test/onnx-export.test.ts — exportOnnx against onnxruntime-node: the exported model, run by ORT on the same
// input, agrees with convnet's own forward to 1e-5 (LeNet-5, the BatchNorm CNN with moved statistics, a
// ResNet-style net whose residual block is taught to the exporter with registerOnnxEmitter, and one
// Sequential per group of layer options: every padding mode, 'same', strides, dilations, groups, Conv1d,
// ceil-mode pools, divisorOverride, adaptive pools, the activations). onnx.checker (Debian's python3-onnx)
// accepts the exported files. Errors name the layer. Every case runs on every backend.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, add, manualSeed, models, nn, noGrad, randn, relu } from '../src/index.js';
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

  if (backend === 'ref') {
    test('onnx.checker accepts the exported models; a path gets the same bytes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'convnet-onnx-'));
      try {
        manualSeed(5);
        const files: string[] = [];
        const nets: [string, nn.Module, number[]][] = [
          ['lenet5', models.lenet5(), [1, 1, 28, 28]], ['cnn-bn', models.cnnBn(), [1, 1, 28, 28]], ['resnet-style', resnetStyle(), [1, 3, 16, 16]],
          ...LAYER_CASES.map((c, i): [string, nn.Module, number[]] => [`layers${i}`, c.build(), c.input]),
        ];
        for (const [name, model, shape] of nets) {
          const file = join(dir, `${name}.onnx`);
          const bytes = await exportOnnx(model, randn(shape), file);
          assert.deepEqual(new Uint8Array(readFileSync(file)), bytes);
          files.push(file);
        }
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
