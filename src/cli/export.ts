// cli/export.ts — `convnet export`: a model-zoo model (fresh, or with a checkpoint's weights) as an ONNX
// file (exportOnnx) and/or as the source of its torch.nn twin (pytorchSource), with its weights as
// safetensors for PyTorch's load_state_dict.

import { basename } from 'node:path';
import { randn } from '../tensor/creation.js';
import { manualSeed } from '../tensor/random.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { buildModel, MODELS } from '../train/models.js';
import { exportOnnx } from '../io/onnx-export.js';
import { pytorchSource } from '../io/pytorch-source.js';
import { saveFile } from '../io/safetensors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { choiceFlag, intFlag, registerCommand, stringFlag, UsageError, type CommandContext } from './registry.js';
import { checkpointPath, PRETRAINED_HELP } from './common.js';

const usage = `convnet export (--onnx FILE | --pytorch FILE.py) [--model NAME] [--checkpoint F] [options]

  Writes a model-zoo model for other engines: as ONNX (opset 13; ONNX Runtime, Triton, onnx.checker) and/or
  as the torch.nn module source equivalent to it, whose state_dict keys are convnet's safetensors keys.

  --onnx FILE         write the model as an ONNX file (traced on an input of --input-shape; eval mode)
                      (default: none; one of --onnx, --pytorch, --weights is required)
  --pytorch FILE.py   write the torch.nn source of the model: a class with __init__ and forward, and
                      load_convnet_weights(path) to read convnet's .safetensors in PyTorch (default: none)
  --weights FILE      also write the model's weights as .safetensors (for --pytorch's load_state_dict)
                      (default: none)
  --model NAME        ${Object.keys(MODELS).join(' or ')} (default: the checkpoint's, else lenet5)
  --checkpoint F      a checkpoint directory (convnet train --out) or a .safetensors file whose weights the
                      model takes, ${PRETRAINED_HELP}
                      (default: freshly initialised weights, seeded by --seed)
  --input-shape S     the example input's shape, N,C,H,W (default 1,1,28,28)
  --class-name NAME   the Python class's name for --pytorch (default: the model's, e.g. Lenet5)
  --seed N            seed of the fresh weights without --checkpoint (default 0)

  Examples:
    convnet export --model lenet5 --checkpoint runs/lenet5 --onnx lenet5.onnx
    convnet export --checkpoint runs/cnn-bn --pytorch cnn_bn.py --weights cnn_bn.safetensors`;

const options = {
  onnx: { type: 'string' }, pytorch: { type: 'string' }, weights: { type: 'string' }, model: { type: 'string' },
  checkpoint: { type: 'string' }, 'input-shape': { type: 'string' }, 'class-name': { type: 'string' }, seed: { type: 'string' },
} as const;

function shapeFlag(v: string | undefined): number[] {
  if (v === undefined) return [1, 1, 28, 28];
  const dims = v.split(/[,x×]/).map((s) => Number(s.trim()));
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`--input-shape must be positive integers separated by commas (N,C,H,W), got ${JSON.stringify(v)}`);
  }
  return dims;
}

async function run({ values }: CommandContext): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const onnxFile = stringFlag(values, 'onnx');
  const pyFile = stringFlag(values, 'pytorch');
  const weightsFile = stringFlag(values, 'weights');
  if (!onnxFile && !pyFile && !weightsFile) throw new UsageError('say what to write: --onnx FILE, --pytorch FILE.py (and/or --weights FILE)');
  const ckptPath = stringFlag(values, 'checkpoint');
  const shape = shapeFlag(stringFlag(values, 'input-shape'));
  const seed = intFlag(values, 'seed', 0, 0);
  const ckpt = ckptPath !== undefined ? loadCheckpoint(checkpointPath(ckptPath)) : null;
  const name = values.model !== undefined ? choiceFlag(values, 'model', Object.keys(MODELS), 'lenet5') : ckpt?.modelName ?? 'lenet5';
  if (!Object.hasOwn(MODELS, name)) throw new UsageError(`the checkpoint's model '${name}' is not in the zoo; pass --model (${Object.keys(MODELS).join(', ')})`);
  // The checkpoint's classifier says how many classes (its last weight's rows).
  const lastWeight = ckpt ? [...ckpt.modelState.entries()].filter(([k]) => k.endsWith('.weight')).pop() : undefined;
  manualSeed(seed);
  const model = buildModel(name, lastWeight ? { numClasses: lastWeight[1].shape[0] } : {});
  if (ckpt) model.loadStateDict(ckpt.modelState);
  model.eval();
  const what = `${name}${ckptPath ? ` with the weights of ${ckptPath}` : ` (fresh weights, seed ${seed})`}`;
  if (onnxFile) {
    const bytes = await exportOnnx(model, randn(shape), onnxFile);
    out(`wrote ${onnxFile}: ${what} as ONNX (opset 13, input [${shape.join(', ')}]), ${bytes.byteLength} bytes`);
  }
  if (pyFile) {
    const className = stringFlag(values, 'class-name') ?? name.split(/[^A-Za-z0-9]/).map((s) => s[0].toUpperCase() + s.slice(1)).join('');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(className)) throw new UsageError(`--class-name must be a Python identifier, got ${JSON.stringify(className)}`);
    writeFileAtomic(pyFile, pytorchSource(model, { className, description: `${className}: the torch.nn twin of convnet's ${name} (${MODELS[name].description})` }));
    out(`wrote ${pyFile}: class ${className}(nn.Module) for ${name}; load weights with ${className}().load_state_dict(load_convnet_weights('${weightsFile ? basename(weightsFile) : 'model.safetensors'}'))`);
  }
  if (weightsFile) {
    await saveFile(model.stateDict(), weightsFile, { 'convnet.model': name });
    out(`wrote ${weightsFile}: the weights of ${what} (safetensors, PyTorch's state_dict names)`);
  }
  return 0;
}

registerCommand({ name: 'export', summary: 'write a model as ONNX or as torch.nn source (for ONNX Runtime, Triton, PyTorch)', usage, options, run });
