// vis/summary.ts — a torchinfo-style table of a model: every module in namedModules() order, indented by
// its nesting, with its output shape (from one forward pass on zeros of the input shape, through forward
// hooks), its own parameter count and its multiply-adds; totals at the bottom.
//
// Mult-adds, as torchinfo counts them: a layer with a weight matrix or kernel (weight of ≥ 2 dims: linear,
// convolution) does weight.numel() multiply-adds per output position, so weight.numel() · output.numel() /
// (output features: the last dim for Linear, dim 1 otherwise); every other layer counts 0. The forward
// runs under noGrad in eval mode (BatchNorm's running statistics are not touched), and the modes are
// restored afterwards.

import { Tensor } from '../tensor/tensor.js';
import { noExtraArgs } from '../tensor/signature.js';
import { zeros } from '../tensor/creation.js';
import { noGrad } from '../autograd/tape.js';
import type { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';

interface Row { name: string; module: Module; depth: number; index: string; shape: number[] | null; params: number; multAdds: number }

const WIDTH = [40, 25, 15, 15];

function thousands(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The parameters a module holds itself (not its children's), each counted once across the model. */
function ownParams(m: Module, seen: Set<Tensor>): { total: number; trainable: number; weight: Tensor | null } {
  let total = 0, trainable = 0;
  let weight: Tensor | null = null;
  for (const [k, v] of Object.entries(m)) {
    if (!(v instanceof Parameter) || k.startsWith('_')) continue;
    if (k === 'weight') weight = v;
    if (seen.has(v)) continue;
    seen.add(v);
    total += v.numel();
    if (v.requiresGrad) trainable += v.numel();
  }
  return { total, trainable, weight };
}

/**
 * A table of `model`'s layers in the style of torchinfo's `summary`: each layer with its nesting
 * (type: depth-index), output shape, parameter count and mult-adds, then the total and trainable
 * parameters and the total mult-adds. The model runs once on zeros of `inputShape` (batch dimension
 * included) to find the shapes. Returned as a string; print it with console.log.
 * PyTorch: `torchinfo.summary(model, input_size)` (a separate package).
 * @example
 * ```ts
 * console.log(summary(models.lenet5(), [1, 1, 28, 28]));
 * ```
 */
export function summary(model: Module, inputShape: readonly number[]): string {
  noExtraArgs('summary', arguments, ['model', 'inputShape']);
  if (!model || typeof (model as Module).namedModules !== 'function') throw new Error(`summary: model must be an nn.Module, got ${typeof model}`);
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`summary: inputShape must be a list of non-negative integers (batch dimension included), got ${JSON.stringify(inputShape)}`);
  }
  const rows: Row[] = [];
  const byModule = new Map<Module, Row>();
  const counters = new Map<string, number>();
  const walk = (m: Module, name: string, depth: number, parentKey: string): void => {
    const n = (counters.get(parentKey) ?? 0) + 1;
    counters.set(parentKey, n);
    const row: Row = { name, module: m, depth, index: `${depth}-${n}`, shape: null, params: 0, multAdds: 0 };
    rows.push(row);
    if (!byModule.has(m)) byModule.set(m, row);
    for (const [k, c] of m.namedChildren()) walk(c, name ? `${name}.${k}` : k, depth + 1, `${name}/${depth}`);
  };
  walk(model, '', 0, '');

  const modes = new Map<Module, boolean>();
  for (const m of model.modules()) modes.set(m, m.training);
  const handles = [...byModule.keys()].map((m) => m.registerForwardHook((mod, _in, out) => {
    const row = byModule.get(mod);
    if (row && row.shape === null && out instanceof Tensor) row.shape = [...out.shape];
  }));
  try {
    model.eval();
    noGrad(() => model(zeros([...inputShape])));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, t] of modes) m.training = t;
  }

  let total = 0, trainable = 0, multAdds = 0;
  const seen = new Set<Tensor>();
  for (const row of rows) {
    const p = ownParams(row.module, seen);
    row.params = p.total;
    total += p.total;
    trainable += p.trainable;
    if (p.weight && p.weight.ndim >= 2 && row.shape && row.shape.length) {
      const features = row.module.constructor.name === 'Linear' ? row.shape[row.shape.length - 1] : row.shape[1];
      const outNumel = row.shape.reduce((a, b) => a * b, 1);
      row.multAdds = features ? (p.weight.numel() * outNumel) / features : 0;
      multAdds += row.multAdds;
    }
  }
  const line = '='.repeat(WIDTH.reduce((a, b) => a + b, 0));
  const cells = (c: string[]) => c.map((s, i) => (i === 0 ? s.padEnd(WIDTH[i]) : s.padStart(WIDTH[i]))).join('').trimEnd();
  const out = [line, cells(['Layer (type:depth-idx)', 'Output Shape', 'Param #', 'Mult-Adds']), line];
  for (const row of rows) {
    const type = row.module.constructor.name;
    const branch = row.depth <= 1 ? '├─' : `${'│    '.repeat(row.depth - 1)}└─`;
    const label = row.depth === 0 ? type : `${branch}${type}: ${row.index}`;
    out.push(cells([label, row.shape ? `[${row.shape.join(', ')}]` : '--', row.params ? thousands(row.params) : '--',
      row.multAdds ? thousands(row.multAdds) : '--']));
  }
  out.push(line, `Total params: ${thousands(total)}`, `Trainable params: ${thousands(trainable)}`,
    `Non-trainable params: ${thousands(total - trainable)}`, `Total mult-adds (M): ${(multAdds / 1e6).toFixed(2)}`, line);
  return out.join('\n');
}
