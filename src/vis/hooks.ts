// vis/hooks.ts — reading a model's intermediate activations with forward hooks (register_forward_hook), the
// way one looks at feature maps in PyTorch:
//
//   const acts = captureActivations(model, ['features.0', 'features.3'], x);
//   acts.get('features.0')   // the output of that layer for x
//
// Layers are named as in namedModules() (PyTorch's dotted names). The hooks are removed afterwards, also
// when the forward pass throws. Runs under noGrad.

import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/tape.js';
import type { Module } from '../nn/module.js';

/**
 * The module called `name` in model.namedModules(), or an error listing the names there are. convnet's own (PyTorch: `dict(model.named_modules())[name]`).
 * @example
 * ```ts
 * vis.findModule(model, 'features.0');
 * ```
 */
export function findModule(model: Module, name: string): Module {
  const all = [...model.namedModules()];
  const hit = all.find(([n]) => n === name);
  if (!hit) {
    const names = all.map(([n, m]) => `${n || '(root)'} ${m.constructor.name}`).join(', ');
    throw new Error(`no layer named '${name}' in the model; layers: ${names}`);
  }
  return hit[1];
}

/**
 * Runs model(input) once and returns the outputs of the named layers. It uses forward hooks and removes them afterwards. PyTorch: `register_forward_hook` on each layer.
 * @example
 * ```ts
 * const acts = vis.captureActivations(model, ['features.0', 'features.3'], x);
 * acts.get('features.0')!.shape;  // [N, 6, 28, 28]
 * ```
 */
export function captureActivations(model: Module, names: readonly string[], input: Tensor): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const handles = names.map((name) => findModule(model, name).registerForwardHook((_m, _in, output) => {
    if (output instanceof Tensor) out.set(name, output.detach());
  }));
  try {
    noGrad(() => model(input));
  } finally {
    for (const h of handles) h.remove();
  }
  return out;
}

/**
 * A short description of the layer called `name`, for titles: 'conv2' for the second convolution in
 *  namedModules() order, 'ReLU after conv2' for a layer that follows it, else the layer's class.
 * convnet's own.
 * @example
 * ```ts
 * vis.describeLayer(models.lenet5(), 'features.1');  // 'ReLU after conv1'
 * ```
 */
export function describeLayer(model: Module, name: string): string {
  const target = findModule(model, name);
  let convs = 0, lastConv = 0;
  for (const [, m] of model.namedModules()) {
    const leaf = m.children().next().done === true;
    const isConv = leaf && /^Conv(\d+d|Transpose\d+d)$/.test(m.constructor.name);
    if (isConv) lastConv = ++convs;
    if (m === target) {
      if (isConv) return `conv${convs}`;
      return leaf && lastConv ? `${m.constructor.name} after conv${lastConv}` : m.constructor.name;
    }
  }
  return target.constructor.name;
}
