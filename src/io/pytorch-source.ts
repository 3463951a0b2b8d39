// io/pytorch-source.ts — pytorchSource: the torch.nn module source equivalent to a convnet Sequential or
// model-zoo model, so a model can move to PyTorch (multi-GPU training, say) and come back. The class's
// submodules take convnet's names, so its state_dict keys are convnet's safetensors keys and
// `model.load_state_dict(safetensors.torch.load_file(...))` loads convnet's weights (the source also
// carries a small safetensors reader for machines without the `safetensors` package).
//
// One place per layer: LAYERS maps a module class to the Python expression that builds its twin, with
// every argument PyTorch's repr would show. An unknown module is an error naming it.

import { Module } from '../nn/module.js';
import * as nn from '../nn/index.js';

const pyBool = (b: boolean): string => (b ? 'True' : 'False');
const pyNum = (v: number): string => (Number.isInteger(v) ? `${v}` : `${v}`);
const pyFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : `${v}`);
const tuple = (v: number | readonly (number | null)[] | null): string => {
  if (v === null) return 'None';
  if (typeof v === 'number') return pyNum(v);
  return `(${v.map((x) => (x === null ? 'None' : pyNum(x))).join(', ')}${v.length === 1 ? ',' : ''})`;
};

type Emit<M> = (m: M) => string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const LAYERS = new Map<abstract new (...args: any[]) => Module<any, any>, Emit<any>>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function layer<M extends Module<any, any>>(cls: abstract new (...args: any[]) => M, emit: Emit<M>): void {
  LAYERS.set(cls, emit);
}

const conv = (name: string) => (m: nn.Conv2d | nn.Conv1d): string => {
  const pad = typeof m.padding === 'string' ? `'${m.padding}'` : tuple(m.padding);
  return `nn.${name}(${m.inChannels}, ${m.outChannels}, kernel_size=${tuple(m.kernelSize)}, stride=${tuple(m.stride)}, ` +
    `padding=${pad}, dilation=${tuple(m.dilation)}, groups=${m.groups}, bias=${pyBool(m.bias !== null)}, padding_mode='${m.paddingMode}')`;
};
layer(nn.Conv2d, conv('Conv2d'));
layer(nn.Conv1d, conv('Conv1d'));
const maxPool = (name: string) => (m: nn.MaxPool2d | nn.MaxPool1d): string =>
  `nn.${name}(kernel_size=${tuple(m.kernelSize)}, stride=${tuple(m.stride)}, padding=${tuple(m.padding)}, dilation=${tuple(m.dilation)}, ` +
  `return_indices=${pyBool(m.returnIndices)}, ceil_mode=${pyBool(m.ceilMode)})`;
layer(nn.MaxPool2d, maxPool('MaxPool2d'));
layer(nn.MaxPool1d, maxPool('MaxPool1d'));
layer(nn.AvgPool2d, (m) => `nn.AvgPool2d(kernel_size=${tuple(m.kernelSize)}, stride=${tuple(m.stride)}, padding=${tuple(m.padding)}, ` +
  `ceil_mode=${pyBool(m.ceilMode)}, count_include_pad=${pyBool(m.countIncludePad)}, divisor_override=${m.divisorOverride ?? 'None'})`);
layer(nn.AvgPool1d, (m) => `nn.AvgPool1d(kernel_size=${tuple(m.kernelSize)}, stride=${tuple(m.stride)}, padding=${tuple(m.padding)}, ` +
  `ceil_mode=${pyBool(m.ceilMode)}, count_include_pad=${pyBool(m.countIncludePad)})`);
for (const [cls, name] of [[nn.AdaptiveAvgPool2d, 'AdaptiveAvgPool2d'], [nn.AdaptiveAvgPool1d, 'AdaptiveAvgPool1d'],
  [nn.AdaptiveMaxPool2d, 'AdaptiveMaxPool2d'], [nn.AdaptiveMaxPool1d, 'AdaptiveMaxPool1d']] as const) {
  layer(cls as abstract new (...args: any[]) => nn.AdaptiveAvgPool2d, (m: nn.AdaptiveAvgPool2d) => // eslint-disable-line @typescript-eslint/no-explicit-any
    `nn.${name}(${tuple(m.outputSize as number | (number | null)[] | null)})`);
}
const bn = (name: string) => (m: nn.BatchNorm2d | nn.BatchNorm1d): string =>
  `nn.${name}(${m.numFeatures}, eps=${m.eps}, momentum=${m.momentum === null ? 'None' : m.momentum}, affine=${pyBool(m.affine)}, ` +
  `track_running_stats=${pyBool(m.trackRunningStats)})`;
layer(nn.BatchNorm2d, bn('BatchNorm2d'));
layer(nn.BatchNorm1d, bn('BatchNorm1d'));
layer(nn.Linear, (m) => `nn.Linear(${m.inFeatures}, ${m.outFeatures}, bias=${pyBool(m.bias !== null)})`);
layer(nn.Flatten, (m) => `nn.Flatten(start_dim=${m.startDim}, end_dim=${m.endDim})`);
layer(nn.ReLU, () => 'nn.ReLU()');
layer(nn.Tanh, () => 'nn.Tanh()');
layer(nn.Sigmoid, () => 'nn.Sigmoid()');
layer(nn.Identity, () => 'nn.Identity()');
layer(nn.LeakyReLU, (m) => `nn.LeakyReLU(negative_slope=${pyFloat(m.negativeSlope)})`);
layer(nn.Softmax, (m) => `nn.Softmax(dim=${m.dim ?? 'None'})`);
layer(nn.LogSoftmax, (m) => `nn.LogSoftmax(dim=${m.dim ?? 'None'})`);
layer(nn.Dropout, (m) => `nn.Dropout(p=${pyFloat(m.p)})`);

// The layers of the PyTorch-ports issue (14). PyTorch 1.13 has no ZeroPad1d/3d (ConstantPad with 0.0 is
// the same layer) and no CircularPad1d/2d/3d (2.1 adds them): the source defines CircularPad, F.pad in
// circular mode, when a model uses one.
const floats = (v: number | readonly number[] | null): string =>
  (v === null ? 'None' : typeof v === 'number' ? pyFloat(v) : `(${v.map(pyFloat).join(', ')}${v.length === 1 ? ',' : ''})`);
const pyOpt = (v: boolean | null): string => (v === null ? 'None' : pyBool(v));
for (const d of [1, 2, 3] as const) {
  const cls = (name: string) => (nn as unknown as Record<string, abstract new (...args: any[]) => nn.ZeroPad2d>)[`${name}${d}d`]; // eslint-disable-line @typescript-eslint/no-explicit-any
  layer(cls('ZeroPad'), (m) => (d === 2 ? `nn.ZeroPad2d(${tuple(m.padding)})` : `nn.ConstantPad${d}d(${tuple(m.padding)}, 0.0)`));
  layer(cls('ConstantPad'), (m) => `nn.ConstantPad${d}d(${tuple(m.padding)}, ${pyFloat(m.value)})`);
  layer(cls('ReflectionPad'), (m) => `nn.ReflectionPad${d}d(${tuple(m.padding)})`);
  layer(cls('ReplicationPad'), (m) => `nn.ReplicationPad${d}d(${tuple(m.padding)})`);
  layer(cls('CircularPad'), (m) => `CircularPad(${tuple(m.padding)})`);
}
const convT = (name: string) => (m: nn.ConvTranspose2d | nn.ConvTranspose1d): string =>
  `nn.${name}(${m.inChannels}, ${m.outChannels}, kernel_size=${tuple(m.kernelSize)}, stride=${tuple(m.stride)}, padding=${tuple(m.padding)}, ` +
  `output_padding=${tuple(m.outputPadding)}, groups=${m.groups}, bias=${pyBool(m.bias !== null)}, dilation=${tuple(m.dilation)}, padding_mode='zeros')`;
layer(nn.ConvTranspose2d, convT('ConvTranspose2d'));
layer(nn.ConvTranspose1d, convT('ConvTranspose1d'));
layer(nn.Upsample, (m) => `nn.Upsample(size=${tuple(m.size)}, scale_factor=${floats(m.scaleFactor)}, mode='${m.mode}', ` +
  `align_corners=${pyOpt(m.alignCorners)}, recompute_scale_factor=${pyOpt(m.recomputeScaleFactor)})`);
layer(nn.UpsamplingNearest2d, (m) => `nn.UpsamplingNearest2d(size=${tuple(m.size)}, scale_factor=${floats(m.scaleFactor)})`);
layer(nn.UpsamplingBilinear2d, (m) => `nn.UpsamplingBilinear2d(size=${tuple(m.size)}, scale_factor=${floats(m.scaleFactor)})`);
layer(nn.LayerNorm, (m) => `nn.LayerNorm(${tuple(m.normalizedShape)}, eps=${m.eps}, elementwise_affine=${pyBool(m.elementwiseAffine)})`);
layer(nn.GroupNorm, (m) => `nn.GroupNorm(${m.numGroups}, ${m.numChannels}, eps=${m.eps}, affine=${pyBool(m.affine)})`);
const instanceNorm = (name: string) => (m: nn.InstanceNorm2d | nn.InstanceNorm1d): string =>
  `nn.${name}(${m.numFeatures}, eps=${m.eps}, momentum=${m.momentum}, affine=${pyBool(m.affine)}, track_running_stats=${pyBool(m.trackRunningStats)})`;
layer(nn.InstanceNorm2d, instanceNorm('InstanceNorm2d'));
layer(nn.InstanceNorm1d, instanceNorm('InstanceNorm1d'));
layer(nn.Dropout2d, (m) => `nn.Dropout2d(p=${pyFloat(m.p)})`);
layer(nn.Dropout1d, (m) => `nn.Dropout1d(p=${pyFloat(m.p)})`);
layer(nn.Embedding, (m) => `nn.Embedding(${m.numEmbeddings}, ${m.embeddingDim}, padding_idx=${m.paddingIdx ?? 'None'})`);
layer(nn.ELU, (m) => `nn.ELU(alpha=${pyFloat(m.alpha)})`);
layer(nn.GELU, (m) => `nn.GELU(approximate='${m.approximate}')`);
layer(nn.SiLU, () => 'nn.SiLU()');
layer(nn.Mish, () => 'nn.Mish()');
layer(nn.Hardswish, () => 'nn.Hardswish()');
layer(nn.Softplus, (m) => `nn.Softplus(beta=${pyFloat(m.beta)}, threshold=${pyFloat(m.threshold)})`);
layer(nn.PReLU, (m) => `nn.PReLU(num_parameters=${m.numParameters})`);

const CIRCULAR_PAD = `

class CircularPad(nn.Module):
    \"\"\"F.pad(x, padding, mode='circular'): convnet's CircularPad1d/2d/3d (torch.nn has them from PyTorch 2.1).\"\"\"

    def __init__(self, padding):
        super().__init__()
        self.padding = padding

    def forward(self, x):
        if x.dim() == len(self.padding) // 2 + 1:  # unbatched, which F.pad's circular mode takes from PyTorch 2.0
            return nn.functional.pad(x.unsqueeze(0), self.padding, mode='circular').squeeze(0)
        return nn.functional.pad(x, self.padding, mode='circular')
`;

function emitterOf(m: Module): Emit<Module> | undefined {
  for (let c = m.constructor; c && c !== Module; c = Object.getPrototypeOf(c)) {
    const e = LAYERS.get(c as abstract new () => Module);
    if (e) return e;
  }
  return undefined;
}

const isIdent = (k: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !['None', 'True', 'False', 'forward', 'training'].includes(k);

/** The Python expression building `m` (a Sequential nests, indented by `indent`). */
function expr(m: Module, path: string, indent: string): string {
  if (m instanceof nn.Sequential) {
    const kids = [...m.namedChildren()];
    const numbered = kids.every(([k], i) => k === String(i));
    const inner = indent + '    ';
    if (kids.length === 0) return 'nn.Sequential()';
    const lines = kids.map(([k, c]) => {
      const e = expr(c, path ? `${path}.${k}` : k, inner + (numbered ? '' : '    '));
      return numbered ? `${inner}${e},` : `${inner}    (${JSON.stringify(k)}, ${e}),`;
    });
    return numbered ? `nn.Sequential(\n${lines.join('\n')}\n${indent})` : `nn.Sequential(OrderedDict([\n${lines.join('\n')}\n${inner}]))`;
  }
  const emit = emitterOf(m);
  if (!emit) {
    throw new Error(`pytorchSource: no torch.nn equivalent known for module '${path || '(root)'}' (${m.constructor.name}); ` +
      `known: Sequential, ${[...LAYERS.keys()].map((c) => c.name).join(', ')}`);
  }
  return emit(m);
}

const READER = `
def load_convnet_weights(path):
    """The state dict in a .safetensors file (as convnet writes): safetensors.torch.load_file when the
    package is installed, else this reader of the format (an 8-byte header length, a JSON header, data)."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    import json
    import struct
    dtypes = {'F32': torch.float32, 'F64': torch.float64, 'I32': torch.int32, 'I64': torch.int64}
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode('utf-8'))
    header.pop('__metadata__', None)
    body = data[8 + n:]
    out = OrderedDict()
    for key, info in header.items():
        start, end = info['data_offsets']
        t = torch.frombuffer(bytearray(body[start:end]), dtype=dtypes[info['dtype']]) if end > start else torch.empty(0, dtype=dtypes[info['dtype']])
        out[key] = t.reshape(info['shape']).clone()
    return out
`;

/** Options of {@link pytorchSource}. */
export interface PytorchSourceOptions {
  /** The Python class's name (default 'Model'). */
  className?: string;
  /** A line about the model for the file's docstring. */
  description?: string;
}

/**
 * The Python source of a `torch.nn.Module` class equivalent to `model` (a Sequential, such as the model
 * zoo's): `__init__` builds the same layers under the same names, `forward` runs them in order, so its
 * `state_dict()` keys are `model.stateDict()`'s and convnet's safetensors load with `load_state_dict`.
 * The file also defines `load_convnet_weights(path)` (safetensors.torch.load_file, or a built-in reader).
 * Every convnet layer has its twin, the padding layers, ConvTranspose, Upsample, the normalisations,
 * Embedding and the newer activations included (PyTorch 1.13 lacks ZeroPad1d/3d, written as ConstantPad
 * with 0.0, and the CircularPad layers, for which the file defines a small `CircularPad` module).
 * An unknown module is an error naming it. convnet's own (PyTorch: `print(model)` is the closest).
 * @example
 * ```ts
 * writeFileSync('lenet5.py', pytorchSource(models.lenet5(), { className: 'LeNet5' }));
 * // python: m = LeNet5(); m.load_state_dict(load_convnet_weights('model.safetensors'))
 * ```
 */
export function pytorchSource(model: Module, opts: PytorchSourceOptions = {}): string {
  for (const k of Object.keys(opts)) if (k !== 'className' && k !== 'description') throw new Error(`pytorchSource: unknown option '${k}' (className, description)`);
  const className = opts.className ?? 'Model';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(className)) throw new Error(`pytorchSource: className must be a Python identifier, got ${JSON.stringify(className)}`);
  if (!(model instanceof Module)) throw new Error(`pytorchSource: model must be an nn.Module, got ${model === null ? 'null' : typeof model}`);
  if (!(model instanceof nn.Sequential)) {
    throw new Error(`pytorchSource: the model must be an nn.Sequential (as the model zoo's are), got ${model.constructor.name}`);
  }
  const kids = [...model.namedChildren()];
  const init = kids.map(([k, m]) => {
    const e = expr(m, k, '        ');
    return isIdent(k) ? `        self.${k} = ${e}` : `        self.add_module(${JSON.stringify(k)}, ${e})`;
  });
  const call = ([k]: [string, Module]) => (isIdent(k) ? `self.${k}` : `self._modules[${JSON.stringify(k)}]`);
  return `"""${opts.description ?? `${className}: a torch.nn twin of a convnet model`}

Written by convnet (pytorchSource / \`convnet export --pytorch\`). The submodules carry convnet's names, so
state_dict() keys are those of convnet's safetensors:

    model = ${className}()
    model.load_state_dict(load_convnet_weights('model.safetensors'))
"""
from collections import OrderedDict

import torch
from torch import nn


class ${className}(nn.Module):
    def __init__(self):
        super().__init__()
${init.join('\n')}

    def forward(self, x):
${kids.map((kid) => `        x = ${call(kid)}(x)`).join('\n') || '        pass'}
        return x
${init.some((l) => l.includes('CircularPad(')) ? CIRCULAR_PAD : ''}${READER}`;
}
