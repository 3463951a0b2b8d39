// test/export-pytorch.test.ts — `convnet export --pytorch` / pytorchSource: the torch.nn source it writes,
// run by Debian's PyTorch (/usr/bin/python3) with convnet's weights loaded through load_state_dict(strict)
// from convnet's safetensors, gives convnet's outputs to 1e-5 (LeNet-5, the BatchNorm CNN with moved
// statistics, a Sequential of every other layer option, and Sequentials of the layers of the PyTorch-ports
// issue: padding, ConvTranspose, Upsample, LayerNorm/GroupNorm/InstanceNorm, the newer activations,
// channel dropout, Embedding on int32 indices). The weights are read with the reader the
// source carries when the python `safetensors` package is missing (Debian 12 has none).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, manualSeed, models, nn, noGrad, randint, randn } from '../src/index.js';
import { saveFile } from '../src/io/safetensors.js';
import { pytorchSource } from '../src/io/pytorch-source.js';
import { maxAbsDiff } from './helpers/onnxruntime.js';
import { getCommand, UsageError } from '../src/cli/registry.js';
import { convnetSync } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// One python process runs every case (PyTorch's import costs seconds): argv is (source, class, weights,
// input) quadruples; it prints one JSON list of outputs.
const DRIVER = `
import importlib.util, json, sys, torch
outs = []
for i in range(1, len(sys.argv), 4):
    src, cls, weights, inp = sys.argv[i:i + 4]
    spec = importlib.util.spec_from_file_location('exported%d' % i, src)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    model = getattr(mod, cls)()
    model.load_state_dict(mod.load_convnet_weights(weights), strict=True)
    model.eval()
    x = mod.load_convnet_weights(inp)['x']
    with torch.no_grad():
        y = model(x)
    outs.append({'shape': list(y.shape), 'data': y.flatten().tolist()})
print(json.dumps(outs))
`;

interface Case { name: string; file: string; className: string; model: nn.Module; x: Tensor; weights: string; input: string; src: string }

const dir = mkdtempSync(join(tmpdir(), 'convnet-pytorch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cases: Case[] = [];
let torchOut: { shape: number[]; data: number[] }[] = [];
let cliRun: { status: number | null; stdout: string; stderr: string } = { status: null, stdout: '', stderr: '' };
const cli = (args: string[]) => convnetSync(args);

async function addCase(name: string, model: nn.Module, shape: number[] | Tensor, className = 'Model', file?: string, weights?: string): Promise<void> {
  const i = cases.length;
  const src = file ? readFileSync(file, 'utf8') : pytorchSource(model, { className });
  const f = file ?? join(dir, `case${i}.py`);
  if (!file) writeFileSync(f, src);
  const w = weights ?? join(dir, `w${i}.safetensors`);
  if (!weights) await saveFile(model.stateDict(), w);
  const x = shape instanceof Tensor ? shape : randn(shape);
  const input = join(dir, `x${i}.safetensors`);
  await saveFile({ x }, input);
  cases.push({ name, file: f, className, model, x, weights: w, input, src });
}

function layersModel(): nn.Sequential {
  return new nn.Sequential({
    convs: new nn.Sequential(
      new nn.Conv2d(2, 4, 3, { padding: 1, paddingMode: 'reflect' }), new nn.Conv2d(4, 4, 3, { padding: 'same', paddingMode: 'circular', groups: 2, dilation: 2 }),
      new nn.Conv2d(4, 4, [2, 3], { padding: [1, 0], paddingMode: 'replicate', stride: [2, 1], bias: false }),
    ),
    pools: new nn.Sequential(
      new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), new nn.AvgPool2d(2, { stride: 1, padding: 1, countIncludePad: false, ceilMode: true }),
      new nn.AvgPool2d(2, { divisorOverride: 3 }), new nn.AdaptiveMaxPool2d([3, null]), new nn.AdaptiveAvgPool2d(2),
    ),
    head: new nn.Sequential(
      new nn.LeakyReLU(0.1), new nn.Tanh(), new nn.BatchNorm2d(4, { momentum: null, affine: false }), new nn.Flatten(), new nn.Linear(16, 6),
      new nn.Sigmoid(), new nn.Dropout(0.3), new nn.BatchNorm1d(6), new nn.Softmax(1), new nn.LogSoftmax(-1), new nn.ReLU(),
    ),
    '3': new nn.Identity(),
  });
}

/** Every parameter and running statistic moved off its default (norm scales, PReLU slopes, …). */
function perturb<M extends nn.Module>(model: M): M {
  noGrad(() => {
    for (const p of model.parameters()) p.copy_(randn(p.shape).mul(0.3).add(p.shape.length === 1 ? 0.8 : 0));
    for (const [k, b] of model.namedBuffers()) if (k.endsWith('running_mean') || k.endsWith('running_var')) b.copy_(randn(b.shape).mul(0.2).abs().add(k.endsWith('var') ? 0.5 : 0));
  });
  return model;
}

/** The layers of the PyTorch-ports issue on 2-D images (input 2×3×6×5). */
function newLayers2d(): nn.Sequential {
  return perturb(new nn.Sequential({
    pads: new nn.Sequential(
      new nn.ZeroPad2d([1, 2, 0, 1]), new nn.ConstantPad2d([-1, 2, 1, -1], 0.5), new nn.ReflectionPad2d([2, 1, 1, 2]), new nn.ReplicationPad2d([0, 1, 2, 0]),
      new nn.CircularPad2d([1, 2, 2, 1]), new nn.ZeroPad1d([0, 1]), new nn.ConstantPad3d(1, -1), new nn.ReplicationPad3d([1, 0, 0, 1, 0, 0]),
      new nn.ReflectionPad3d([0, 0, 1, 0, 0, 0]), new nn.ZeroPad3d([1, 0, 0, 0, 0, 0]), new nn.CircularPad3d([0, 0, 1, 0, 0, 0]),
    ),
    convs: new nn.Sequential(
      new nn.ConvTranspose2d(5, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.InstanceNorm2d(4, { affine: true }), new nn.GroupNorm(2, 4),
      new nn.ConvTranspose2d(4, 4, [3, 2], { stride: [1, 2], dilation: [2, 1], groups: 2, bias: false }), new nn.InstanceNorm2d(4, { trackRunningStats: true, momentum: 0.2 }),
    ),
    up: new nn.Sequential(
      new nn.Upsample({ scaleFactor: 0.5 }), new nn.Upsample({ scaleFactor: [1.5, 1.25], mode: 'bilinear' }), new nn.UpsamplingBilinear2d({ size: [9, 7] }),
      new nn.UpsamplingNearest2d({ scaleFactor: 2 }), new nn.Upsample({ size: [9, 7], mode: 'area' }), new nn.Upsample({ scaleFactor: 1.7, mode: 'bilinear', recomputeScaleFactor: true, alignCorners: true }),
      new nn.Upsample({ scaleFactor: 0.8, mode: 'nearest-exact' }),
    ),
    act: new nn.Sequential(
      new nn.LayerNorm([12, 8], { eps: 1e-4 }), new nn.ELU(0.7), new nn.GELU(), new nn.SiLU(), new nn.Mish(), new nn.Hardswish(), new nn.Softplus({ beta: 2, threshold: 5 }),
      new nn.PReLU(4), new nn.GELU('tanh'), new nn.PReLU(), new nn.Dropout2d(0.3), new nn.GroupNorm(1, 4, { affine: false }), new nn.LayerNorm(8, { elementwiseAffine: false }),
    ),
  }));
}

/** 1-D signals (input 2×4×7) and an Embedding (int32 indices). */
function newLayers1d(): nn.Sequential {
  return perturb(new nn.Sequential(
    new nn.ReflectionPad1d([2, 1]), new nn.CircularPad1d(1), new nn.ReplicationPad1d([0, 2]), new nn.ConstantPad1d(1, 0.25),
    new nn.ConvTranspose1d(4, 6, 3, { stride: 2, dilation: 2, groups: 2 }), new nn.InstanceNorm1d(6, { affine: true }),
    new nn.Upsample({ scaleFactor: 2, mode: 'linear' }), new nn.Dropout1d(0.2), new nn.Softplus(), new nn.Upsample({ size: 11 }),
  ));
}

before(async () => {
  manualSeed(1);
  await addCase('lenet5', models.lenet5(), [2, 1, 28, 28], 'LeNet5');
  manualSeed(2);
  const bn = models.cnnBn();
  bn.train();
  noGrad(() => { for (let i = 0; i < 2; i++) bn(randn([4, 1, 28, 28]).mul(3).add(1)); });
  await addCase('cnn-bn', bn, [2, 1, 28, 28]);
  manualSeed(3);
  await addCase('layers', layersModel(), [2, 2, 13, 11]);
  manualSeed(4);
  await addCase('new layers 2d', newLayers2d(), [2, 3, 6, 5]);
  manualSeed(5);
  await addCase('new layers 1d', newLayers1d(), [2, 4, 7]);
  manualSeed(6);
  await addCase('embedding', perturb(new nn.Sequential(new nn.Embedding(10, 6, { paddingIdx: 2 }), new nn.LayerNorm(6), new nn.GELU())), randint(0, 10, [3, 4]));
  // The CLI writes the source and the weights of a fresh lenet5 seeded 7: the same model built here.
  const py = join(dir, 'lenet.py'), w = join(dir, 'lenet.safetensors');
  cliRun = cli(['export', '--model', 'lenet5', '--seed', '7', '--pytorch', py, '--weights', w, '--onnx', join(dir, 'lenet.onnx')]);
  assert.equal(cliRun.status, 0, cliRun.stderr);
  manualSeed(7);
  await addCase('cli', models.lenet5(), [1, 1, 28, 28], 'Lenet5', py, w);
  const r = spawnSync('/usr/bin/python3', ['-c', DRIVER, ...cases.flatMap((c) => [c.file, c.className, c.weights, c.input])],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.ok(!r.error, `this test needs /usr/bin/python3 with python3-torch (apt-get install python3-torch): ${r.error?.message}`);
  assert.equal(r.status, 0, `PyTorch failed on the exported source:\n${r.stderr}`);
  torchOut = JSON.parse(r.stdout);
});

async function agrees(name: string): Promise<Case> {
  const i = cases.findIndex((c) => c.name === name);
  const c = cases[i];
  c.model.eval();
  const want = noGrad(() => c.model(c.x) as Tensor);
  assert.deepEqual(torchOut[i].shape, want.shape);
  const err = maxAbsDiff(torchOut[i].data, await want.dataAsync());
  assert.ok(err <= 1e-5, `PyTorch and convnet differ by ${err}`);
  return c;
}

test('LeNet-5: the torch.nn twin loads convnet weights (strict) and agrees to 1e-5', async () => {
  const { src } = await agrees('lenet5');
  assert.match(src, /class LeNet5\(nn\.Module\):\n {4}def __init__\(self\):/);
  assert.match(src, /self\.features = nn\.Sequential\(\n {12}nn\.Conv2d\(1, 6, kernel_size=\(5, 5\), stride=\(1, 1\), padding=\(2, 2\)/);
  assert.match(src, / {4}def forward\(self, x\):\n {8}x = self\.features\(x\)\n {8}x = self\.classifier\(x\)\n {8}return x/);
});

test('the BatchNorm CNN with moved running statistics agrees in eval', async () => {
  await agrees('cnn-bn');
});

test('every other layer option: padding modes, same, groups, pools, adaptive pools, activations, named children', async () => {
  const { src } = await agrees('layers');
  assert.match(src, /self\.add_module\("3", nn\.Identity\(\)\)/);
});

test('the layers of the PyTorch-ports issue on images: every padding layer, ConvTranspose2d, InstanceNorm2d, GroupNorm, Upsample modes, LayerNorm, the activations', async () => {
  const { src } = await agrees('new layers 2d');
  assert.match(src, /nn\.ConstantPad1d\(\(0, 1\), 0\.0\)/);
  assert.match(src, /CircularPad\(\(1, 2, 2, 1\)\)/);
  assert.match(src, /\nclass CircularPad\(nn\.Module\):/);
  assert.match(src, /nn\.ConvTranspose2d\(5, 4, kernel_size=\(3, 3\), stride=\(2, 2\), padding=\(1, 1\), output_padding=\(1, 1\), groups=1/);
});

test('1-D padding, ConvTranspose1d, InstanceNorm1d, linear Upsample, Dropout1d, Softplus', async () => {
  await agrees('new layers 1d');
});

test('Embedding (int32 indices) with LayerNorm and GELU', async () => {
  const { src } = await agrees('embedding');
  assert.match(src, /nn\.Embedding\(10, 6, padding_idx=2\)/);
  assert.doesNotMatch(src, /class CircularPad/);
});

test('convnet export --pytorch --weights --onnx writes the three files, and PyTorch agrees with convnet', async () => {
  await agrees('cli');
  assert.match(cliRun.stdout, /wrote .*lenet\.onnx: lenet5 \(fresh weights, seed 7\) as ONNX/);
  assert.match(cliRun.stdout, /class Lenet5\(nn\.Module\)/);
  assert.ok(readFileSync(join(dir, 'lenet.onnx')).byteLength > 240_000);
  await import('../src/cli/commands.js');
  const cmd = getCommand('export')!;
  assert.match(cmd.usage, /--pytorch FILE\.py {3}write the torch\.nn source/);
  await assert.rejects(Promise.resolve().then(() => cmd.run({ values: { model: 'lenet5' }, positionals: [], argv: [] })),
    (e: Error) => e instanceof UsageError && /say what to write: --onnx FILE, --pytorch FILE\.py/.test(e.message));
});

test('a model with no torch.nn twin is an error naming the module; a non-Sequential is refused', () => {
  class Mystery extends nn.Module { forward(x: Tensor) { return x; } }
  assert.throws(() => pytorchSource(new nn.Sequential({ body: new nn.Sequential(new nn.ReLU(), new Mystery()) })),
    /pytorchSource: no torch\.nn equivalent known for module 'body\.1' \(Mystery\)/);
  assert.throws(() => pytorchSource(new nn.ReLU()), /pytorchSource: the model must be an nn\.Sequential .* got ReLU/);
  assert.throws(() => pytorchSource(models.lenet5(), { className: 'not valid' }), /className must be a Python identifier/);
});
