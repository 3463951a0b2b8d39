// backend/backend.ts — the narrow interface between ops and the backends that own tensor data.
//
// Rules this file follows:
// - A backend owns the data. Ops hand it Storage handles (backend/storage.ts) plus the few integers that
//   describe them, and get Storage handles back; they never see element arrays. Only the library's
//   edges (creation from JS values, dataAsync()/dataSync(), files and images) move values in and out, through
//   write / readSync / read.
// - A backend knows nothing of Tensor, autograd or argument checking: ops/ validate and fill every
//   attribute before a kernel runs, so kernels may trust their inputs.
// - Every kernel returns fresh storages, of its input's dtype unless it says otherwise; kernels marked
//   "in place" write into storages they are given instead (and unary/binary given `out` return it). Index outputs are
//   int32. Data-dependent checks (a class index out of range) are kernels that report what they found.
// - A backend may leave kernels out. Those run on `ref`'s implementation through one path, `fallback`
//   below: inputs are read back, ref computes, results are written to the backend. Each such call is
//   counted (fallbackCounts()) and, with CONVNET_DEBUG=fallback, logged, so none happens unnoticed.
// - Initialisation may be async (a GPU adapter): `await setBackend('webgpu')`. The CPU backends are
//   ready at once, so `setBackend('wasm')` takes effect before it returns.

import type { DataArray, DType } from '../tensor/dtype.js';
import { Storage, SyncReadError, freedError, type Memory } from './storage.js';
import { debugFlag, envVar } from './env.js';
import { noExtraArgs } from '../tensor/keys.js';

export { Storage, SyncReadError } from './storage.js';

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'sigmoid' | 'tanh' | 'sign' | 'reciprocal'
  | 'square' | 'sin' | 'cos' | 'floor' | 'ceil' | 'round' | 'step' /* x > 0 ? 1 : 0 */ | 'log1p' | 'expm1' | 'erf';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2' | 'hypot'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
  | 'reluGrad' /* (g, x) → x ≤ 0 ? 0 : g, ReLU's backward in one pass */;

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** Convolution over NCHW input, OIHW weight (I = C / groups). 1-D convolution uses H = KH = 1. */
export interface Conv2dAttrs {
  N: number; C: number; H: number; W: number;
  OC: number; KH: number; KW: number; OH: number; OW: number;
  strideH: number; strideW: number;
  padTop: number; padLeft: number;          // the bottom/right padding is implied by OH/OW
  dilationH: number; dilationW: number;
  groups: number;
}

/** Element counts of a convolution's input, output and weight. */
export const convInputSize = (a: Conv2dAttrs): number => a.N * a.C * a.H * a.W;
export const convOutputSize = (a: Conv2dAttrs): number => a.N * a.OC * a.OH * a.OW;
export const convWeightSize = (a: Conv2dAttrs): number => a.OC * (a.C / a.groups) * a.KH * a.KW;

/** Per-axis window tables shared by every pooling kernel (max, average, adaptive; 1-D and 2-D).
 *  Output row i reads `count[i]` taps at input rows start[i], start[i] + step, … (all inside the input). */
export interface PoolAxis {
  size: number;           // input length along this axis
  outSize: number;
  start: Int32Array;      // first in-bounds tap per output index
  count: Int32Array;      // number of in-bounds taps per output index (≥ 1)
  step: number;           // the dilation
  divisor: Float64Array;  // average pooling: this axis's factor of the divisor per output index
}

export interface PoolAttrs {
  planes: number;         // N·C: pooling is independent per plane
  h: PoolAxis;
  w: PoolAxis;
  divisorOverride?: number;
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Padding of the last k dimensions; `before[i]`/`after[i]` refer to dimension `shape.length - k + i`
 *  and may be negative (cropping), as in torch.nn.functional.pad with constant mode. */
export interface PadAttrs {
  shape: number[];
  outShape: number[];
  before: number[];
  after: number[];
  mode: PadMode;
  value: number;
}

/** A tensor seen as [outer, n, inner] around one axis: every (outer, inner) pair is one row of n values. */
export interface AxisLayout { outer: number; n: number; inner: number }

/**
 * How a loss reduces its per-element values: 'mean' (the default), 'sum', or 'none' (keep them).
 * PyTorch: the `reduction=` argument of the losses.
 * @example
 * ```ts
 * F.mseLoss(pred, target, { reduction: 'sum' });
 * ```
 */
export type Reduction = 'none' | 'mean' | 'sum';

/** Class-index losses: input [outer, C, inner] (C = classes), target [outer, inner]. */
export interface ClassLossAttrs {
  outer: number; C: number; inner: number;
  ignoreIndex: number;
  /** ε of cross entropy's label smoothing (0 for nllLoss). */
  labelSmoothing: number;
  reduction: Reduction;
}

export interface BatchNormAttrs {
  N: number; C: number; S: number;        // input [N, C, S] (S = the spatial size)
  training: boolean; momentum: number; eps: number;
}

export interface SgdAttrs {
  lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean;
}

export interface AdamAttrs {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  /** AdamW: decay the weights directly instead of adding weightDecay·p to the gradient. */
  decoupled: boolean;
  amsgrad: boolean; maximize: boolean;
  /** The step number, from 1. */
  step: number;
}

/** One FFT per line of length L along an axis of [outer, L, inner]. The line is cropped or zero-padded
 *  to n, transformed, scaled, and its first nOut values kept. 'r2c' reads a real input (im null);
 *  'c2r' first rebuilds the Hermitian spectrum from the first n/2 + 1 bins and returns the real part. */
export interface FftAttrs {
  outer: number; L: number; inner: number;
  n: number; nOut: number;
  inverse: boolean; scale: number;
  mode: 'c2c' | 'r2c' | 'c2r';
}

/** The kernels. Storages in, storages out; see the rules at the top of this file. */
export interface Kernels {
  // ---- data movement and elementwise
  /** In place: every element of s becomes value. */
  fill(s: Storage, value: number): void;
  /** In place: dst's values become src's (same size; src is cast to dst's dtype). */
  copy(src: Storage, dst: Storage): void;
  /** A copy converted to dtype (to int32 by truncation toward zero). */
  cast(x: Storage, dtype: DType): Storage;
  /** Float input; with `out` (same size and dtype, may be x) writes there instead of a fresh storage. */
  unary(op: UnaryOp, x: Storage, out?: Storage): Storage;
  /** Broadcasting; a and b have one dtype, outShape is their broadcast. With `out` (may be a) writes there. */
  binary(op: BinaryOp, a: Storage, aShape: number[], b: Storage, bShape: number[], outShape: number[], out?: Storage): Storage;
  /** out[i] = cond[i] ≠ 0 ? a[i] : b[i]; all three of one size (already expanded); a, b of one dtype. */
  where(cond: Storage, a: Storage, b: Storage): Storage;
  /** Reduce over `axes` (sorted, unique) of a tensor of `shape`; output keeps size-1 dims at those axes. */
  reduce(op: ReduceOp, x: Storage, shape: number[], axes: number[]): Storage;
  /** Index (int32) of the first maximum (minimum) along one axis; a NaN counts as the extreme. */
  argReduce(op: 'argmax' | 'argmin', x: Storage, shape: number[], axis: number): Storage;
  /** Running sums of every row of x seen as [outer, n, inner] along n, serially in index order: out[r] =
   *  x[0] + … + x[r], or with `reverse` x[r] + … + x[n−1] (the adjoint, cumsum's backward). Output of x's
   *  dtype; an int32 running sum that leaves int32 throws (at the next read on a GPU). */
  cumsum(x: Storage, layout: AxisLayout, reverse: boolean): Storage;
  /** Copy with permuted axes: out.shape[i] = shape[perm[i]]. */
  permute(x: Storage, shape: number[], perm: number[]): Storage;
  /** Broadcast (materialise) `x` of `shape` to `outShape`. */
  expand(x: Storage, shape: number[], outShape: number[]): Storage;
  /** Concatenation along an axis: every input is [outer, rows[i]] (rows = its size along the axis × inner). */
  cat(xs: Storage[], outer: number, rows: number[]): Storage;
  /** Reverses the order of elements along `axes`. */
  flip(x: Storage, shape: number[], axes: number[]): Storage;
  /** Rows index[j] of x seen as [outer, n, inner] → [outer, index.size, inner]; index int32, in range. */
  indexSelect(x: Storage, layout: AxisLayout, index: Storage): Storage;
  /** Adjoint of indexSelect: g [outer, index.size, inner] summed back into [outer, layout.n, inner]. */
  indexSelectGrad(g: Storage, layout: AxisLayout, index: Storage): Storage;
  /** int32 [indices.size, numClasses] with a 1 at each index (indices in range). */
  oneHot(indices: Storage, numClasses: number): Storage;
  /** Counts (int32, `length` of them) of each value of an int32 storage with values in [0, length). */
  bincount(x: Storage, length: number): Storage;
  /** out[i] = x[index[i]]: a gather by flat position (index int32, every value in [0, x.size)); out has
   *  index.size elements of x's dtype. Every indexing op (index, gather, take) is this. */
  take(x: Storage, index: Storage): Storage;
  /** In place: dst[index[i]] = src[i], or += with `accumulate` (repeated positions add up; without it,
   *  which write wins at a repeated position is unspecified, as PyTorch's). index int32 in [0, dst.size),
   *  src of dst's dtype and index's size. The adjoint of take (accumulating into zeros), and index_put_. */
  put(dst: Storage, index: Storage, src: Storage, accumulate: boolean): void;
  /** Sorts every row of x seen as [outer, n, inner] along n: the values and their int32 positions (stable: equal
   *  values keep their order; NaN counts as the largest, as PyTorch's). */
  sort(x: Storage, layout: AxisLayout, descending: boolean): { values: Storage; indices: Storage };
  /** int32 [count, shape.length]: the coordinates of x's non-zero elements, in row-major order. */
  nonzero(x: Storage, shape: number[]): Storage;

  // ---- linear algebra, convolution, padding, pooling
  /** Batched matrix product: batch × (M×K) · (K×N) → batch × (M×N). With transA, each A is stored
   *  transposed ([K×M]); with transB, each B ([N×K]): the product reads them so, without a copy. */
  matmul(a: Storage, b: Storage, batch: number, M: number, K: number, N: number, transA?: boolean, transB?: boolean): Storage;
  conv2d(x: Storage, w: Storage, bias: Storage | null, a: Conv2dAttrs): Storage;
  conv2dGradInput(dy: Storage, w: Storage, a: Conv2dAttrs): Storage;
  conv2dGradWeight(x: Storage, dy: Storage, a: Conv2dAttrs): Storage;
  /** The same convolution through the convolution theorem (float64 inside); output as conv2d. */
  fftConv2d(x: Storage, w: Storage, bias: Storage | null, a: Conv2dAttrs): Storage;
  fftConv2dGradInput(dy: Storage, w: Storage, a: Conv2dAttrs): Storage;
  fftConv2dGradWeight(x: Storage, dy: Storage, a: Conv2dAttrs): Storage;
  pad(x: Storage, a: PadAttrs): Storage;
  /** Adjoint of pad: sums every output position's gradient back into the input position it was read from. */
  padGrad(dy: Storage, a: PadAttrs): Storage;
  /** `needArgmax` false (inference) lets a backend skip the arg-max (argmax is then null). */
  maxPool(x: Storage, a: PoolAttrs, needArgmax: boolean): { out: Storage; argmax: Storage | null };
  maxPoolGrad(dy: Storage, argmax: Storage, a: PoolAttrs): Storage;
  avgPool(x: Storage, a: PoolAttrs): Storage;
  avgPoolGrad(dy: Storage, a: PoolAttrs): Storage;

  // ---- activations and normalisation (fused, each with its backward)
  softmax(x: Storage, l: AxisLayout, log: boolean): Storage;
  /** From the forward output y and the upstream gradient g. */
  softmaxGrad(y: Storage, g: Storage, l: AxisLayout, log: boolean): Storage;
  leakyRelu(x: Storage, slope: number): Storage;
  leakyReluGrad(g: Storage, x: Storage, slope: number): Storage;
  /** Inverted dropout: y = x·mask with mask = 1/(1 − p) or 0, drawn from a counter-based generator
   *  keyed by (seed0, seed1, element index), so every backend draws the same mask. */
  dropout(x: Storage, p: number, seed0: number, seed1: number): { y: Storage; mask: Storage };
  /** Input [N, C, S]; in training the running buffers (if given) are updated in place. mean and invstd
   *  (float64, one per channel) are what the backward needs. */
  batchNorm(x: Storage, weight: Storage | null, bias: Storage | null, runningMean: Storage | null,
    runningVar: Storage | null, a: BatchNormAttrs): { y: Storage; mean: Storage; invstd: Storage };
  batchNormGrad(x: Storage, g: Storage, mean: Storage, invstd: Storage, weight: Storage | null, a: BatchNormAttrs,
    need: { input: boolean; weight: boolean; bias: boolean }): { dx: Storage | null; dw: Storage | null; db: Storage | null };
  /** Gradient of prod over the rows of x [outer, R] (g [outer]), exact where x has zeros. */
  prodGrad(x: Storage, g: Storage, outer: number, R: number): Storage;

  // ---- losses (fused, each with its backward). Reduced outputs are 0-d; 'none' gives one per position.
  /** The first target that is not an integer class in [0, C) nor ignoreIndex, or null. */
  findInvalidClass(target: Storage, C: number, ignoreIndex: number): { index: number; value: number } | null;
  /** Cross entropy (logits) or nll (log-probabilities) with class indices; weightSum (float64, 0-d) is
   *  Σ w[y] over the positions not ignored, the divisor of 'mean'. */
  classLoss(kind: 'crossEntropy' | 'nll', x: Storage, target: Storage, weight: Storage | null, a: ClassLossAttrs): { out: Storage; weightSum: Storage };
  classLossGrad(kind: 'crossEntropy' | 'nll', x: Storage, target: Storage, weight: Storage | null, g: Storage,
    weightSum: Storage, a: ClassLossAttrs): Storage;
  /** Cross entropy against class probabilities of the input's shape. */
  crossEntropyProb(x: Storage, target: Storage, weight: Storage | null, a: ClassLossAttrs): Storage;
  crossEntropyProbGrad(x: Storage, target: Storage, weight: Storage | null, g: Storage, a: ClassLossAttrs,
    need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null };
  mseLoss(x: Storage, t: Storage, reduction: Reduction): Storage;
  mseLossGrad(x: Storage, t: Storage, g: Storage, reduction: Reduction, need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null };
  /** weight and posWeight already expanded to the input's size. */
  bceWithLogits(x: Storage, t: Storage, weight: Storage | null, posWeight: Storage | null, reduction: Reduction): Storage;
  bceWithLogitsGrad(x: Storage, t: Storage, weight: Storage | null, posWeight: Storage | null, g: Storage, reduction: Reduction,
    need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null };

  // ---- optimizers: one call per parameter, in place on p and the state buffers
  /** buf null: plain SGD (momentum 0). `first`: the momentum buffer is initialised from this gradient. */
  sgdStep(p: Storage, g: Storage, buf: Storage | null, first: boolean, a: SgdAttrs): void;
  adamStep(p: Storage, g: Storage, m: Storage, v: Storage, vmax: Storage | null, a: AdamAttrs): void;

  // ---- signals
  fft(re: Storage, im: Storage | null, a: FftAttrs): { re: Storage; im: Storage | null };
}

export type KernelName = keyof Kernels;

/** A registered backend: its memory and the kernels it implements itself. */
export type BackendImpl = Memory & Partial<Kernels>;

/** A backend as ops see it: every kernel present (missing ones run through the fallback). */
export type Backend = Memory & Kernels;

/** Every kernel, with the argument positions it writes into ("in place"; the fallback copies those back).
 *  `satisfies` makes the compiler check that the table names every kernel of the interface. */
const KERNELS = {
  fill: [0], copy: [1], cast: [], unary: [2], binary: [6], where: [], reduce: [], argReduce: [], cumsum: [], permute: [],
  expand: [], cat: [], flip: [], indexSelect: [], indexSelectGrad: [], oneHot: [], bincount: [], take: [], put: [0], sort: [], nonzero: [], matmul: [],
  conv2d: [], conv2dGradInput: [], conv2dGradWeight: [], fftConv2d: [], fftConv2dGradInput: [], fftConv2dGradWeight: [],
  pad: [], padGrad: [], maxPool: [], maxPoolGrad: [], avgPool: [], avgPoolGrad: [], softmax: [], softmaxGrad: [],
  leakyRelu: [], leakyReluGrad: [], dropout: [], batchNorm: [3, 4], batchNormGrad: [], prodGrad: [], findInvalidClass: [],
  classLoss: [], classLossGrad: [], crossEntropyProb: [], crossEntropyProbGrad: [], mseLoss: [], mseLossGrad: [],
  bceWithLogits: [], bceWithLogitsGrad: [], sgdStep: [0, 2], adamStep: [0, 2, 3, 4], fft: [],
} satisfies Record<KernelName, number[]>;

export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

// ------------------------------------------------------------------------------------------ fallback

const fallbacks = new Map<string, number>();
const logFallbacks = debugFlag('fallback');

/**
 * How often each `backend.kernel` ran on the ref backend's implementation because the active backend lacks
 * it (logged too with `CONVNET_DEBUG=fallback`). convnet's own.
 * @example
 * ```ts
 * resetFallbackCounts();
 * await fit(model, loader, opts);
 * fallbackCounts();  // e.g. { 'webgpu.bincount': 3 }
 * ```
 */
export function fallbackCounts(): Record<string, number> {
  return Object.fromEntries(fallbacks);
}

/**
 * Sets every count of {@link fallbackCounts} back to zero. convnet's own (PyTorch has no backend fallbacks).
 * @example
 * ```ts
 * resetFallbackCounts();
 * model(x);
 * fallbackCounts();  // {} when every kernel ran on the active backend
 * ```
 */
export function resetFallbackCounts(): void {
  fallbacks.clear();
}

/** Runs ref's kernel on copies of the inputs and writes the results (and any in-place arguments) back. */
function fallback(target: Memory, ref: Backend, name: KernelName): (...args: unknown[]) => unknown {
  const key = `${target.name}.${name}`;
  const inPlace: number[] = KERNELS[name];
  const refArray = (c: Storage): DataArray => c.data as DataArray; // ref's data is its typed array
  return (...args: unknown[]) => {
    fallbacks.set(key, (fallbacks.get(key) ?? 0) + 1);
    if (logFallbacks) console.warn(`convnet: ${key} runs on ref (the ${target.name} backend has no such kernel)`);
    const copies = new Map<Storage, Storage>(), originals = new Map<Storage, Storage>();
    const toRef = (v: unknown): unknown => {
      if (v instanceof Storage) {
        let c = copies.get(v);
        if (!c) {
          c = ref.alloc(v.dtype, v.size);
          ref.write(c, target.readSync(v));
          copies.set(v, c);
          originals.set(c, v);
        }
        return c;
      }
      return Array.isArray(v) ? v.map(toRef) : v;
    };
    const result = (ref[name] as (...a: unknown[]) => unknown)(...args.map(toRef));
    for (const i of inPlace) {
      const orig = args[i];
      if (orig instanceof Storage) target.write(orig, refArray(copies.get(orig)!));
    }
    const back = (v: unknown): unknown => {
      if (v instanceof Storage) {
        // An in-place kernel returns the storage it wrote into: the caller gets its own storage back.
        const orig = originals.get(v);
        if (orig) return orig;
        const out = target.alloc(v.dtype, v.size);
        target.write(out, refArray(v));
        return out;
      }
      if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, back(x)]));
      }
      return v;
    };
    return back(result);
  };
}

/** The backend with every kernel: its own, and ref's through the fallback for the rest. */
function complete(impl: BackendImpl, ref: Backend | null): Backend {
  const out = impl as Backend;
  for (const name of KERNEL_NAMES) {
    if (typeof impl[name] === 'function') continue;
    if (!ref) throw new Error(`backend ${impl.name}: kernel '${name}' is missing (the reference backend must implement every kernel)`);
    (out as unknown as Record<string, unknown>)[name] = fallback(impl, ref, name);
  }
  return out;
}

// ------------------------------------------------------------------------------------------ registry

type Factory = () => BackendImpl | Promise<BackendImpl>;

const registry = new Map<string, Factory>();
const ready = new Map<string, Backend>();
let current: Backend | null = null;
let pending: string | null = null;

/** Preferred first: the fastest backend that loads here becomes the default. */
const PREFERENCE = ['wasm', 'ref'];

export function registerBackend(name: string, factory: Factory): void {
  registry.set(name, factory);
}

const starting = new Map<string, Promise<Backend>>();

/** Starts a registered backend (once): the backend, a promise for one that starts asynchronously, or null
 *  when no such backend is registered. */
function start(name: string): Backend | Promise<Backend> | null {
  const have = ready.get(name) ?? starting.get(name);
  if (have) return have;
  const factory = registry.get(name);
  if (!factory) return null;
  const finish = (impl: BackendImpl): Backend => {
    const b = complete(impl, name === 'ref' ? null : syncBackend('ref'));
    ready.set(name, b);
    starting.delete(name);
    return b;
  };
  const impl = factory();
  if (!(impl instanceof Promise)) return finish(impl);
  const p = impl.then(finish, (e: unknown) => { starting.delete(name); throw e; });
  starting.set(name, p);
  return p;
}

/** A backend that is ready now, or null (not registered, or still starting). */
function syncBackend(name: string): Backend | null {
  const b = start(name);
  return b instanceof Promise ? null : b;
}

/**
 * Selects the backend every subsequent op runs on: 'ref', 'wasm', or another registered one ('webgpu').
 * Backends that start synchronously (the CPU ones) are active when this returns; the promise is for those
 * that need time (a GPU). Tensors made on another backend move on first use. PyTorch: choosing a
 * `device` (`torch.set_default_device`).
 * @example
 * ```ts
 * setBackend('ref');              // the plain-TypeScript oracle
 * await setBackend('webgpu');     // a GPU: wait for it
 * ```
 */
export function setBackend(name: string, ...extra: never[]): Promise<void> {
  noExtraArgs('setBackend', [name, ...extra], ['name']);
  const b = start(name);
  if (!b) throw new Error(`setBackend: unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}`);
  if (!(b instanceof Promise)) {
    current = b;
    pending = null;
    return Promise.resolve();
  }
  pending = name;
  return b.then((started) => {
    if (pending === name) { current = started; pending = null; }
  }, (e: unknown) => {
    if (pending === name) pending = null;
    throw e;
  });
}

function chooseDefault(): void {
  // CONVNET_BACKEND picks the default for a whole process (an example, a CLI run, a test's child).
  const wanted = envVar('CONVNET_BACKEND');
  if (wanted) {
    if (!registry.has(wanted)) {
      throw new Error(`CONVNET_BACKEND=${wanted}: unknown backend; registered: ${[...registry.keys()].join(', ')}`);
    }
    const b = syncBackend(wanted);
    if (!b) throw new Error(`CONVNET_BACKEND=${wanted}: this backend starts asynchronously; call await setBackend('${wanted}') instead`);
    current = b;
    return;
  }
  for (const name of PREFERENCE) {
    if (!registry.has(name)) continue;
    try {
      const b = syncBackend(name);
      if (b) { current = b; return; }
    } catch {
      // e.g. WebAssembly without SIMD: fall through to the next backend
    }
  }
  throw new Error('backend: no backend could be loaded');
}

/**
 * The name of the active backend (the default is 'wasm' where WebAssembly SIMD works, else 'ref').
 * PyTorch: `torch.get_default_device`.
 * @example
 * ```ts
 * getBackend();  // 'wasm'
 * ```
 */
export function getBackend(): string {
  if (pending) return pending;
  if (!current) chooseDefault();
  return current!.name;
}

/** The active backend; ops call this and never name a backend themselves. */
export function backend(): Backend {
  if (pending) {
    throw new Error(`backend '${pending}' is still starting: await setBackend('${pending}') before running ops`);
  }
  if (!current) chooseDefault();
  return current!;
}

/**
 * The names of the registered backends ('ref', and 'wasm' where it loaded; 'webgpu' once its module is
 * imported). convnet's own.
 * @example
 * ```ts
 * listBackends();  // ['ref', 'wasm', 'webgpu']
 * ```
 */
export function listBackends(): string[] {
  return [...registry.keys()];
}

// ------------------------------------------------------------------------------------ data movement

/** Makes `s` live on backend `to` (the Storage object keeps its identity; every view sees the move). */
export function moveStorage(s: Storage, to: Backend): void {
  if (s.backend === to) return;
  if (s.freed) throw freedError(s);
  let values: DataArray;
  try {
    values = s.backend.readSync(s);
  } catch (e) {
    if (!(e instanceof SyncReadError)) throw e;
    throw new SyncReadError(`a tensor on '${s.backend.name}' is used on '${to.name}', and ${s.backend.name} memory cannot be read ` +
      `synchronously: move it first with \`await t.moveTo('${to.name}')\` (or read it with \`await t.dataAsync()\`)`);
  }
  s.backend.free(s);
  to.attach(s, values);
  s.backend = to;
}

/** Moves `s` to the backend named `name` (started if need be), reading it asynchronously: the way data
 *  leaves a GPU. */
export async function moveStorageAsync(s: Storage, name: string): Promise<void> {
  const to = await start(name);
  if (!to) throw new Error(`moveTo: unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}`);
  if (s.backend === to) return;
  if (s.freed) throw freedError(s);
  const values = await s.backend.read(s);
  if (s.backend === to || s.freed) return; // moved or freed meanwhile
  s.backend.free(s);
  to.attach(s, values);
  s.backend = to;
}

/** A new storage on the active backend holding `values` (converted to dtype). The edge where JS values enter. */
export function storageFrom(values: ArrayLike<number>, dtype: DType): Storage {
  const b = backend();
  const s = b.alloc(dtype, values.length);
  b.write(s, values);
  return s;
}

/** A fresh copy of the values of `s` (synchronously; a GPU backend may refuse and ask for readStorage). */
export function readStorage(s: Storage): DataArray {
  if (s.freed) throw freedError(s);
  return s.backend.readSync(s);
}

export function readStorageAsync(s: Storage): Promise<DataArray> {
  if (s.freed) return Promise.reject(freedError(s));
  return s.backend.read(s);
}

/** Frees the data of `s` now. */
export function freeStorage(s: Storage): void {
  if (!s.freed) s.backend.free(s);
}

