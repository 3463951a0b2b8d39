// backend/webgpu/pool.ts — maxPool, maxPoolGrad, avgPool, avgPoolGrad, pad and padGrad.
//
// Semantics are ref's (backend/ref/pool.ts, backend/ref/pad.ts):
// - Pooling reads the PoolAttrs window tables, so one kernel pair serves 1-D (H = 1) and 2-D, strided,
//   padded, dilated, ceil-mode and adaptive pooling. Max pooling keeps the first maximum of a window; a
//   NaN wins and stops the search (its index is the arg-max), as in PyTorch. The arg-max is int32, the
//   index into the input plane (ih·W + iw). Average pooling sums the `count` contiguous taps (ref ignores
//   the step there too) and divides by h.divisor·w.divisor, or by divisorOverride (folded into the h
//   factors, with 1 for w).
// - pad maps every output element, one padded dim at a time, through a per-dim source table (output
//   index → input index, −1 for the constant), the same tables ref builds; cropping (negative pads) is
//   the same walk.
//
// WGSL has no float atomics, and scattering would make sums order-dependent, so every gradient is a
// gather: each input element sums, in ascending output order (ref's order, so maxPoolGrad and padGrad
// match it bit for bit), the output positions that read it. Those are found through inverse tables made
// on the host: per axis/dim, for each input index, the sorted list of output indices that read it (CSR:
// offsets, then the lists). The pooling windows of an axis and the padding tables are separable, so an
// input element's readers are the product of its per-axis lists.
//
// Long walks. Each pooling invocation walks a window (forward) or an input's readers (gradient) serially,
// and Mesa's llvmpipe ends an invocation's loops after 65,535 iterations. So a kernel is dispatched once
// per rt.serialSteps steps of the longest walk (one dispatch for ordinary windows), each dispatch taking
// steps [t0, t1) of every walk and resuming from what the one before stored in the output: the running
// maximum and its arg-max, the running sum (divided once its window's last tap is in), the running
// gradient sum. The steps stay in the same order, so the results are those of one dispatch.
//
// Per-call numbers go in Params; the window, divisor and inverse tables go through rt.constant (made
// once per distinct content). Shaders vary only by element type and by whether max pooling writes the
// arg-max.

import { sourceTable } from '../ref/pad.js';
import type { Kernels, PadAttrs, PoolAttrs, PoolAxis } from '../backend.js';
import type { Storage } from '../storage.js';
import type { DType } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D, wgslType } from './wgsl.js';

// ------------------------------------------------------------------------------------- host tables

/** Input positions an axis's output index o reads: `taps` of them from start[o] by `step`. Max pooling
 *  reads at least the start (its arg-max when a window is empty); average pooling reads contiguous taps. */
function tapsOf(axis: PoolAxis, o: number, step: number, minTaps: number): number[] {
  const out: number[] = [];
  const n = Math.max(axis.count[o], minTaps);
  for (let t = 0, i = axis.start[o]; t < n; t++, i += step) if (i >= 0 && i < axis.size) out.push(i);
  return out;
}

/**
 * The inverse of a table of readers: for each of `size` inputs, the ascending outputs that read it, as
 * [offsets (size + 1, relative to the array's start), lists…]. `readers(o)` lists the inputs output o reads.
 */
function inverse(size: number, outSize: number, readers: (o: number) => number[]): Int32Array {
  const lists: number[][] = Array.from({ length: size }, () => []);
  for (let o = 0; o < outSize; o++) for (const i of readers(o)) lists[i].push(o);
  let total = size + 1;
  for (const l of lists) total += l.length;
  const t = new Int32Array(total);
  let at = size + 1;
  for (let i = 0; i < size; i++) {
    t[i] = at;
    for (const o of lists[i]) t[at++] = o;
  }
  t[size] = at;
  return t;
}

/** Axis tables are built once by the ops and never written: their inverses are cached with them. */
const inverseCache = new WeakMap<PoolAxis, Map<string, Int32Array>>();

function axisInverse(axis: PoolAxis, kind: 'max' | 'avg'): Int32Array {
  let m = inverseCache.get(axis);
  if (!m) inverseCache.set(axis, (m = new Map()));
  let t = m.get(kind);
  if (!t) {
    t = kind === 'max' ? inverse(axis.size, axis.outSize, (o) => tapsOf(axis, o, axis.step, 1))
      : inverse(axis.size, axis.outSize, (o) => tapsOf(axis, o, 1, 0));
    m.set(kind, t);
  }
  return t;
}

/** [h inverse, w inverse] in one array, and where the w part starts. */
function poolInverse(a: PoolAttrs, kind: 'max' | 'avg'): { table: Int32Array; wBase: number } {
  const h = axisInverse(a.h, kind), w = axisInverse(a.w, kind);
  const table = new Int32Array(h.length + w.length);
  table.set(h);
  table.set(w, h.length);
  return { table, wBase: h.length };
}

/** [h.start, h.count, w.start, w.count]. */
function windowTable(a: PoolAttrs): Int32Array {
  const OH = a.h.outSize, OW = a.w.outSize;
  const t = new Int32Array(2 * OH + 2 * OW);
  t.set(a.h.start.subarray(0, OH), 0);
  t.set(a.h.count.subarray(0, OH), OH);
  t.set(a.w.start.subarray(0, OW), 2 * OH);
  t.set(a.w.count.subarray(0, OW), 2 * OH + OW);
  return t;
}

/** [h divisors, w divisors] as float32; divisorOverride goes on h, with 1 on w (the product is what counts). */
function divisorTable(a: PoolAttrs): Float32Array {
  const OH = a.h.outSize, OW = a.w.outSize, d = a.divisorOverride;
  const t = new Float32Array(OH + OW);
  for (let i = 0; i < OH; i++) t[i] = d !== undefined ? d : a.h.divisor[i];
  for (let i = 0; i < OW; i++) t[OH + i] = d !== undefined ? 1 : a.w.divisor[i];
  return t;
}

interface PadPlan { k: number; inBlock: number; outBlock: number; dims: number[]; outDims: number[]; sources: Int32Array[] }

function padPlan(a: PadAttrs): PadPlan {
  const k = a.before.length, lead = a.shape.length - k;
  const dims = a.shape.slice(lead), outDims = a.outShape.slice(lead);
  const sources = dims.map((d, i) => sourceTable(d, a.before[i], outDims[i], a.mode));
  return { k, inBlock: numel(dims), outBlock: numel(outDims), dims, outDims, sources };
}

/** Row-major strides of dims. */
const stridesFor = (dims: number[]): number[] => {
  const s = new Array<number>(dims.length);
  for (let d = dims.length - 1, acc = 1; d >= 0; d--) { s[d] = acc; acc *= dims[d]; }
  return s;
};

/** pad's table: per dim [outDim, input stride, offset of its source table], then the source tables. */
function padTable(p: PadPlan): Int32Array {
  const strides = stridesFor(p.dims);
  const head: number[] = [];
  let at = 3 * p.k;
  for (let d = 0; d < p.k; d++) { head.push(p.outDims[d], strides[d], at); at += p.outDims[d]; }
  const t = new Int32Array(at);
  t.set(head);
  for (let d = 0, o = 3 * p.k; d < p.k; o += p.outDims[d], d++) t.set(p.sources[d], o);
  return t;
}

/** padGrad's table: per dim [inDim, output stride, offset of its inverse], then each dim's inverse of its
 *  source table with offsets made absolute (into the whole table). */
function padGradTable(p: PadPlan): Int32Array {
  const strides = stridesFor(p.outDims);
  const invs = p.sources.map((src, d) => inverse(p.dims[d], p.outDims[d], (o) => (src[o] >= 0 ? [src[o]] : [])));
  const head: number[] = [];
  let at = 3 * p.k;
  for (let d = 0; d < p.k; d++) { head.push(p.dims[d], strides[d], at); at += invs[d].length; }
  const t = new Int32Array(at);
  t.set(head);
  for (let d = 0, o = 3 * p.k; d < p.k; o += invs[d].length, d++) {
    const inv = invs[d];
    for (let j = 0; j < inv.length; j++) t[o + j] = j <= p.dims[d] ? inv[j] + o : inv[j];
  }
  return t;
}

/** A number as ref stores it into a typed array of the dtype (int32: ToInt32, so NaN and ±∞ give 0). */
function valueParam(params: Params, dtype: DType, v: number): Params {
  return dtype === 'int32' ? params.i(v | 0) : params.f(v);
}

// ------------------------------------------------------------------------------------------ shaders

const lowest = (T: 'f32' | 'i32'): string => (T === 'f32' ? '-infF()' : 'bitcast<i32>(0x80000000u)');

/**
 * WGSL that runs `body` for steps p.t0 … p.t1 − 1 of a walk over a `rows` × `cols` grid (a pooling window,
 * or the windows that read one input), row by row, with `row` and `col` (u32) the step's place, until
 * `stop` holds (the body may set it and break). A grid of more than rt.serialSteps steps is walked over
 * several dispatches, each resuming from what the previous one stored; its two loops then run about
 * serialSteps + (rows touched) ≤ 2·serialSteps + 1 times in all, within llvmpipe's limit. The caller has returned
 * when t0 > 0 and t0 ≥ rows·cols (a grid done in an earlier dispatch).
 */
const gridWalk = (rows: string, cols: string, body: string, stop = 'false'): string => `
  var row = 0u;
  var col0 = 0u;
  if (${cols} > 0u) { row = p.t0 / ${cols}; col0 = p.t0 % ${cols}; }
  var left = min(p.t1, ${rows} * ${cols}) - p.t0;
  loop {
    if (left == 0u || ${stop}) { break; }
    let run = min(${cols} - col0, left);
    for (var col = col0; col < col0 + run; col++) {
${body}
    }
    left -= run;
    col0 = 0u;
    row++;
  }`;

/** The window of output i: plane, row oh and column ow, start (hs, ws) and taps (hc, wc); and a return when
 *  this dispatch's steps start past its end. */
const OUTPUT_WINDOW = `
  let ow = i % p.OW; let t = i / p.OW; let oh = t % p.OH; let plane = t / p.OH;
  let hs = u32(win[oh]); let hc = u32(win[p.OH + oh]);
  let ws = u32(win[2u * p.OH + ow]); let wc = u32(win[2u * p.OH + p.OW + ow]);
  if (p.t0 > 0u && p.t0 >= hc * wc) { return; }
  let base = plane * p.H * p.W;`;

/** The input element i (plane, ih, iw), the ranges of its readers in the inverse table along h
 *  (inv[ha … ha + nh)) and along w (inv[wa … wa + nw); the w part's offsets count from p.wBase), and a
 *  return when this dispatch starts past them. */
const INPUT_READERS = `
  let iw = i % p.W; let t = i / p.W; let ih = t % p.H; let plane = t / p.H;
  let ha = u32(inv[ih]); let nh = u32(inv[ih + 1u]) - ha;
  let wa = p.wBase + u32(inv[p.wBase + iw]); let nw = u32(inv[p.wBase + iw + 1u]) - u32(inv[p.wBase + iw]);
  if (p.t0 > 0u && p.t0 >= nh * nw) { return; }`;

/** One invocation per output element: the window's first maximum (or first NaN) and its plane index.
 *  A later dispatch of a long window resumes from the maximum (and arg-max) stored so far. */
const maxPoolShader = (T: 'f32' | 'i32', argmax: boolean): string => `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read> win: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;
${argmax ? '@group(0) @binding(3) var<storage, read_write> A: array<i32>;' : ''}
struct Params { n: u32, H: u32, W: u32, OH: u32, OW: u32, hstep: u32, wstep: u32, t0: u32, t1: u32 }
@group(0) @binding(${argmax ? 4 : 3}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
${OUTPUT_WINDOW}
  var best = ${lowest(T)};
  var bi = hs * p.W + ws;
  if (p.t0 > 0u) { best = Y[i];${argmax ? ' bi = u32(A[i]);' : ''} }
  var nan = ${T === 'f32' ? 'isNan(best)' : 'false'}; // a NaN found earlier ends the search
${gridWalk('hc', 'wc', `      let j = (hs + row * p.hstep) * p.W + ws + col * p.wstep;
      let v = X[base + j];
      ${T === 'f32' ? 'nan = isNan(v);' : ''}
      if (v > best || nan) { best = v; bi = j; if (nan) { break; } }`, 'nan')}
  Y[i] = best;
  ${argmax ? 'A[i] = i32(bi);' : ''}
}`;

/** One invocation per input element: Σ dy over the windows whose arg-max it is, in ascending output order
 *  (a later dispatch adds to the sum stored so far). */
const maxPoolGradShader = (T: 'f32' | 'i32'): string => `${COMMON}
@group(0) @binding(0) var<storage, read> DY: array<${T}>;
@group(0) @binding(1) var<storage, read> AM: array<i32>;
@group(0) @binding(2) var<storage, read> inv: array<i32>;
@group(0) @binding(3) var<storage, read_write> DX: array<${T}>;
struct Params { n: u32, H: u32, W: u32, OH: u32, OW: u32, wBase: u32, t0: u32, t1: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
${INPUT_READERS}
  let me = i32(ih * p.W + iw);
  var s: ${T} = ${T}(0);
  if (p.t0 > 0u) { s = DX[i]; }
${gridWalk('nh', 'nw', `      let o = (plane * p.OH + u32(inv[ha + row])) * p.OW + u32(inv[wa + col]);
      if (AM[o] == me) { s += DY[o]; }`)}
  DX[i] = s;
}`;

/** One invocation per output element: the window's sum, divided once its last tap is in (a long window's
 *  earlier dispatches store the running sum). */
const AVG_POOL = `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> win: array<i32>;
@group(0) @binding(2) var<storage, read> div: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
struct Params { n: u32, H: u32, W: u32, OH: u32, OW: u32, t0: u32, t1: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
${OUTPUT_WINDOW}
  var s = 0.0;
  if (p.t0 > 0u) { s = Y[i]; }
${gridWalk('hc', 'wc', '      s += X[base + (hs + row) * p.W + ws + col];')}
  if (p.t1 >= hc * wc) { s = s / (div[oh] * div[p.OH + ow]); }
  Y[i] = s;
}`;

/** One invocation per input element: Σ dy/divisor over the windows that contain it, in ascending order
 *  (a later dispatch adds to the sum stored so far). */
const AVG_POOL_GRAD = `${COMMON}
@group(0) @binding(0) var<storage, read> DY: array<f32>;
@group(0) @binding(1) var<storage, read> inv: array<i32>;
@group(0) @binding(2) var<storage, read> div: array<f32>;
@group(0) @binding(3) var<storage, read_write> DX: array<f32>;
struct Params { n: u32, H: u32, W: u32, OH: u32, OW: u32, wBase: u32, t0: u32, t1: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
${INPUT_READERS}
  var s = 0.0;
  if (p.t0 > 0u) { s = DX[i]; }
${gridWalk('nh', 'nw', `      let oh = u32(inv[ha + row]); let ow = u32(inv[wa + col]);
      s += DY[(plane * p.OH + oh) * p.OW + ow] / (div[oh] * div[p.OH + ow]);`)}
  DX[i] = s;
}`;

/** One invocation per output element: each padded dim (last first) maps its index through its table. */
const padShader = (T: 'f32' | 'i32'): string => `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read> tab: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;
struct Params { n: u32, k: u32, outBlock: u32, inBlock: u32, value: ${T} }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  var r = i % p.outBlock;
  var src = (i / p.outBlock) * p.inBlock;
  var inside = true;
  for (var d = i32(p.k) - 1; d >= 0; d--) {
    let h = 3u * u32(d);
    let size = u32(tab[h]);
    let j = r % size; r = r / size;
    let s = tab[u32(tab[h + 2u]) + j];
    if (s < 0) { inside = false; break; }
    src += u32(s) * u32(tab[h + 1u]);
  }
  if (inside) { Y[i] = X[src]; } else { Y[i] = p.value; }
}`;

/**
 * One invocation per input element: the outputs that read it are the product of its per-dim reader
 * lists; they are walked as a mixed-radix counter (last dim fastest), which visits them in ascending order.
 */
const padGradShader = (T: 'f32' | 'i32'): string => `${COMMON}
@group(0) @binding(0) var<storage, read> DY: array<${T}>;
@group(0) @binding(1) var<storage, read> tab: array<i32>;
@group(0) @binding(2) var<storage, read_write> DX: array<${T}>;
struct Params { n: u32, k: u32, inBlock: u32, outBlock: u32 }
@group(0) @binding(3) var<uniform> p: Params;
// The reader list of this element along dim d: [first, end) in tab.
fn readers(d: u32, j: u32) -> vec2u {
  let off = u32(tab[3u * d + 2u]);
  return vec2u(u32(tab[off + j]), u32(tab[off + j + 1u]));
}
${MAIN_1D}
  if (i >= p.n) { return; }
  let rem = i % p.inBlock;
  let base = (i / p.inBlock) * p.outBlock;
  // How many outputs read this element.
  var total = 1u;
  var r = rem;
  for (var d = i32(p.k) - 1; d >= 0; d--) {
    let size = u32(tab[3u * u32(d)]);
    let l = readers(u32(d), r % size); r = r / size;
    total *= l.y - l.x;
  }
  var s: ${T} = ${T}(0);
  for (var c = 0u; c < total; c++) {
    var q = c; r = rem;
    var o = base;
    for (var d = i32(p.k) - 1; d >= 0; d--) {
      let size = u32(tab[3u * u32(d)]);
      let l = readers(u32(d), r % size); r = r / size;
      let len = l.y - l.x;
      o += u32(tab[l.x + q % len]) * u32(tab[3u * u32(d) + 1u]);
      q = q / len;
    }
    s += DY[o];
  }
  DX[i] = s;
}`;

/** The most taps one pooling window has: the steps of the forward kernels' longest walk. */
function windowTaps(a: PoolAttrs): number {
  const most = (c: Int32Array): number => c.reduce((m, v) => Math.max(m, v), 0);
  return most(a.h.count.subarray(0, a.h.outSize)) * most(a.w.count.subarray(0, a.w.outSize));
}

/** The most windows that read one input, from an inverse table (poolInverse): the steps of the gradient
 *  kernels' longest walk. */
function mostReaders(table: Int32Array, wBase: number, H: number, W: number): number {
  let h = 0, w = 0;
  for (let i = 0; i < H; i++) h = Math.max(h, table[i + 1] - table[i]);
  for (let i = 0; i < W; i++) w = Math.max(w, table[wBase + i + 1] - table[wBase + i]);
  return h * w;
}

// ------------------------------------------------------------------------------------------ kernels

export function poolKernels(rt: GpuRuntime): Pick<Kernels, 'maxPool' | 'maxPoolGrad' | 'avgPool' | 'avgPoolGrad' | 'pad' | 'padGrad'> {
  const requireFloat = (name: string, s: Storage): void => {
    if (s.dtype !== 'float32') throw new Error(`webgpu ${name}: expected float32 data, got ${s.dtype}`);
  };

  return {
    maxPool(x: Storage, a: PoolAttrs, needArgmax: boolean): { out: Storage; argmax: Storage | null } {
      const T = wgslType(x.dtype);
      const n = a.planes * a.h.outSize * a.w.outSize;
      const out = rt.alloc(x.dtype, n);
      const argmax = needArgmax ? rt.alloc('int32', n) : null;
      const k = rt.kernel(`maxPool ${T}${needArgmax ? ' argmax' : ''}`, maxPoolShader(T, needArgmax), needArgmax ? 4 : 3);
      const win = rt.constant(windowTable(a));
      for (const [t0, t1] of rt.chunks(windowTaps(a))) {
        const params = new Params().u(n, a.h.size, a.w.size, a.h.outSize, a.w.outSize, a.h.step, a.w.step, t0, t1);
        rt.run(k, argmax ? [x, win, out, argmax] : [x, win, out], params, groups1d(n), argmax ? [2, 3] : [2]);
      }
      return { out, argmax };
    },

    maxPoolGrad(dy: Storage, argmax: Storage, a: PoolAttrs): Storage {
      const T = wgslType(dy.dtype);
      const n = a.planes * a.h.size * a.w.size;
      const dx = rt.alloc(dy.dtype, n);
      const { table, wBase } = poolInverse(a, 'max');
      const k = rt.kernel(`maxPoolGrad ${T}`, maxPoolGradShader(T), 4);
      const inv = rt.constant(table);
      for (const [t0, t1] of rt.chunks(mostReaders(table, wBase, a.h.size, a.w.size))) {
        const params = new Params().u(n, a.h.size, a.w.size, a.h.outSize, a.w.outSize, wBase, t0, t1);
        rt.run(k, [dy, argmax, inv, dx], params, groups1d(n), [3]);
      }
      return dx;
    },

    avgPool(x: Storage, a: PoolAttrs): Storage {
      requireFloat('avgPool', x);
      const n = a.planes * a.h.outSize * a.w.outSize;
      const out = rt.alloc('float32', n);
      const k = rt.kernel('avgPool', AVG_POOL, 4);
      const win = rt.constant(windowTable(a)), div = rt.constant(divisorTable(a));
      for (const [t0, t1] of rt.chunks(windowTaps(a))) {
        const params = new Params().u(n, a.h.size, a.w.size, a.h.outSize, a.w.outSize, t0, t1);
        rt.run(k, [x, win, div, out], params, groups1d(n), [3]);
      }
      return out;
    },

    avgPoolGrad(dy: Storage, a: PoolAttrs): Storage {
      requireFloat('avgPoolGrad', dy);
      const n = a.planes * a.h.size * a.w.size;
      const dx = rt.alloc('float32', n);
      const { table, wBase } = poolInverse(a, 'avg');
      const k = rt.kernel('avgPoolGrad', AVG_POOL_GRAD, 4);
      const inv = rt.constant(table), div = rt.constant(divisorTable(a));
      for (const [t0, t1] of rt.chunks(mostReaders(table, wBase, a.h.size, a.w.size))) {
        const params = new Params().u(n, a.h.size, a.w.size, a.h.outSize, a.w.outSize, wBase, t0, t1);
        rt.run(k, [dy, inv, div, dx], params, groups1d(n), [3]);
      }
      return dx;
    },

    pad(x: Storage, a: PadAttrs): Storage {
      const T = wgslType(x.dtype);
      const n = numel(a.outShape);
      const out = rt.alloc(x.dtype, n);
      if (n === 0) return out;
      const plan = padPlan(a);
      const k = rt.kernel(`pad ${T}`, padShader(T), 3);
      const params = valueParam(new Params().u(n, plan.k, plan.outBlock, plan.inBlock), x.dtype, a.value);
      rt.run(k, [x, rt.constant(padTable(plan)), out], params, groups1d(n), [2]);
      return out;
    },

    padGrad(dy: Storage, a: PadAttrs): Storage {
      const T = wgslType(dy.dtype);
      const n = numel(a.shape);
      const dx = rt.alloc(dy.dtype, n);
      if (n === 0) return dx;
      const plan = padPlan(a);
      const k = rt.kernel(`padGrad ${T}`, padGradShader(T), 3);
      const params = new Params().u(n, plan.k, plan.inBlock, plan.outBlock);
      rt.run(k, [dy, rt.constant(padGradTable(plan)), dx], params, groups1d(n), [2]);
      return dx;
    },
  };
}
