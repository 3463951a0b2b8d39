// tensor/format.ts — printing like PyTorch: tensor([[19., 25.], [37., 43.]]) with aligned columns,
// integer-valued floats as "19.", otherwise 4 decimals or scientific notation, "..." beyond 1000 values.

import type { Tensor } from './tensor.js';
import { SyncReadError } from '../backend/storage.js';

const SUMMARIZE_ABOVE = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

function floatFormatter(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const allInt = finite.every((v) => Number.isInteger(v));
  const abs = finite.map(Math.abs);
  const maxAbs = abs.length ? Math.max(...abs) : 0;
  const nz = abs.filter((v) => v > 0);
  const minAbs = nz.length ? Math.min(...nz) : 0;
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (allInt) {
    if (maxAbs > 1e8 || (minAbs > 0 && maxAbs / minAbs > 1000)) return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
    return (v) => (Number.isFinite(v) ? `${Object.is(v, -0) ? '-0' : v}.` : special(v));
  }
  if (maxAbs >= 1e8 || (minAbs > 0 && (minAbs < 1e-4 || maxAbs / minAbs > 1000))) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

export function formatTensor(t: Tensor): string {
  const { shape, dtype } = t;
  if (t.isDisposed) return `tensor(<disposed>, size=(${shape.join(', ')}))`;
  let storage: ArrayLike<number>;
  try {
    storage = t.dataSync();
  } catch (e) {
    // A GPU's memory cannot be read synchronously: say where the data is and how to read it.
    if (!(e instanceof SyncReadError)) throw e;
    return `tensor(<on ${t.device}: read with await t.dataAsync()>, size=(${shape.join(', ')})${dtype === 'float32' ? '' : `, dtype=torch.${dtype}`})`;
  }
  const summarize = storage.length > SUMMARIZE_ABOVE;
  const shown: number[] = [];
  // Collect the values that will be printed, so the format and width depend only on them (as PyTorch).
  const walk = (dim: number, offset: number, visit: (i: number) => void): void => {
    if (dim === shape.length) { visit(offset); return; }
    let inner = 1;
    for (let d = dim + 1; d < shape.length; d++) inner *= shape[d];
    const len = shape[dim];
    for (let i = 0; i < len; i++) {
      if (summarize && len > 2 * EDGE && i === EDGE) i = len - EDGE;
      walk(dim + 1, offset + i * inner, visit);
    }
  };
  walk(0, 0, (i) => shown.push(storage[i]));
  const fmt = dtype === 'int32' ? (v: number) => String(v) : floatFormatter(shown);
  const width = Math.max(1, ...shown.map((v) => fmt(v).length));
  const cell = (v: number) => fmt(v).padStart(width);

  // As PyTorch's _tensor_str: the last dim wraps at 80 columns; outer dims separate their slices by
  // one blank line per remaining dim; summarised dims show '...' (' ...' inside a row).
  const render = (dim: number, offset: number, indent: number): string => {
    let inner = 1;
    for (let d = dim + 1; d < shape.length; d++) inner *= shape[d];
    const len = shape[dim];
    const parts: string[] = [];
    const last = dim === shape.length - 1;
    for (let i = 0; i < len; i++) {
      if (summarize && len > 2 * EDGE && i === EDGE) {
        parts.push(last ? ' ...' : '...');
        i = len - EDGE;
      }
      parts.push(last ? cell(storage[offset + i]) : render(dim + 1, offset + i * inner, indent + 1));
    }
    if (last) {
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < parts.length; i += perLine) lines.push(parts.slice(i, i + perLine).join(', '));
      return `[${lines.join(',\n' + ' '.repeat(indent + 1))}]`;
    }
    const sep = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  const prefix = 'tensor(';
  let body = shape.length === 0 ? cell(storage[0]) : render(0, 0, prefix.length);
  if (storage.length === 0) body = '[]';
  const extras: string[] = [];
  if (storage.length === 0 && shape.length > 1) extras.push(`size=(${shape.join(', ')})`);
  if (dtype === 'int32') extras.push('dtype=torch.int32');
  if (dtype === 'float64') extras.push('dtype=torch.float64');
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return `${prefix}${body}${extras.map((e) => ', ' + e).join('')})`;
}

