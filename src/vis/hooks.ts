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

/** The module called `name` in model.namedModules(), or an error listing the names there are. */
export function findModule(model: Module, name: string): Module {
  const all = [...model.namedModules()];
  const hit = all.find(([n]) => n === name);
  if (!hit) {
    const names = all.map(([n, m]) => `${n || '(root)'} ${m.constructor.name}`).join(', ');
    throw new Error(`no layer named '${name}' in the model; layers: ${names}`);
  }
  return hit[1];
}

/** Runs model(input) once and returns the outputs of the named layers. */
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
