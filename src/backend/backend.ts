// backend/backend.ts — the narrow kernel interface every backend implements.
//
// Rules this file follows:
// - A backend sees flat, contiguous, row-major typed arrays plus the few integers that describe them.
//   It knows nothing of Tensor, autograd or argument checking: ops/ validate and fill every attribute
//   before a kernel runs, so kernels may trust their inputs.
// - Every kernel returns fresh output arrays of the input's float type (Float32Array, or Float64Array
//   where a user or gradcheck asked for float64). A backend that only speeds up float32 may hand
//   float64 work to `ref`.
// - Index outputs (argmax) are Int32Array.

export type DType = 'float32' | 'float64' | 'int32';
export type FloatArray = Float32Array | Float64Array;
export type DataArray = Float32Array | Float64Array | Int32Array;

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'sigmoid' | 'tanh' | 'sign' | 'reciprocal'
  | 'square' | 'sin' | 'cos' | 'floor' | 'ceil' | 'round' | 'step' /* x > 0 ? 1 : 0 */;

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
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

export interface Backend {
  readonly name: string;

  unary(op: UnaryOp, x: FloatArray): FloatArray;
  /** Broadcasting binary op; shapes already broadcast-compatible, outShape their broadcast. */
  binary(op: BinaryOp, a: DataArray, aShape: number[], b: DataArray, bShape: number[], outShape: number[]): DataArray;
  /** Reduce over `axes` (sorted, unique) of a tensor of `shape`; output keeps size-1 dims at those axes. */
  reduce(op: ReduceOp, x: DataArray, shape: number[], axes: number[]): DataArray;
  /** Index of the first maximum along one axis; output keeps a size-1 dim there. */
  argReduce(op: 'argmax' | 'argmin', x: DataArray, shape: number[], axis: number): Int32Array;
  /** Copy with permuted axes: out.shape[i] = shape[perm[i]]. */
  permute(x: DataArray, shape: number[], perm: number[]): DataArray;
  /** Broadcast (materialise) `x` of `shape` to `outShape`. */
  expand(x: DataArray, shape: number[], outShape: number[]): DataArray;
  /** out[i] = cond[i] ? a[i] : b[i]; all three already expanded to one shape. */
  where(cond: DataArray, a: DataArray, b: DataArray): DataArray;

  /** Batched matrix product: batch × (M×K) · (K×N) → batch × (M×N); both operands dense per batch. */
  matmul(a: FloatArray, b: FloatArray, batch: number, M: number, K: number, N: number): FloatArray;

  conv2d(x: FloatArray, w: FloatArray, bias: FloatArray | null, a: Conv2dAttrs): FloatArray;
  conv2dGradInput(dy: FloatArray, w: FloatArray, a: Conv2dAttrs): FloatArray;
  conv2dGradWeight(x: FloatArray, dy: FloatArray, a: Conv2dAttrs): FloatArray;

  pad(x: DataArray, a: PadAttrs): DataArray;
  /** Adjoint of pad: sums every output position's gradient back into the input position it was read from. */
  padGrad(dy: FloatArray, a: PadAttrs): FloatArray;

  /** `needArgmax` false (inference: no gradient, no indices asked for) lets a backend skip the arg-max;
   *  `argmax` is then empty (length 0). Default true. */
  maxPool(x: FloatArray, a: PoolAttrs, needArgmax?: boolean): { out: FloatArray; argmax: Int32Array };
  maxPoolGrad(dy: FloatArray, argmax: Int32Array, a: PoolAttrs): FloatArray;
  avgPool(x: FloatArray, a: PoolAttrs): FloatArray;
  avgPoolGrad(dy: FloatArray, a: PoolAttrs): FloatArray;
}

const registry = new Map<string, () => Backend>();
let current: Backend | null = null;
let currentName: string | null = null;

/** Preferred first: the fastest backend that loads here becomes the default. */
const PREFERENCE = ['wasm', 'ref'];

export function registerBackend(name: string, factory: () => Backend): void {
  registry.set(name, factory);
}

/** Select the backend every subsequent op runs on ('ref', or 'wasm' once registered). */
export function setBackend(name: string): void {
  const factory = registry.get(name);
  if (!factory) {
    throw new Error(`setBackend: unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}`);
  }
  current = factory();
  currentName = name;
}

function chooseDefault(): void {
  for (const name of PREFERENCE) {
    if (!registry.has(name)) continue;
    try {
      setBackend(name);
      return;
    } catch {
      // e.g. WebAssembly without SIMD: fall through to the next backend
    }
  }
  throw new Error('backend: no backend could be loaded');
}

/** The name of the active backend (the default is 'wasm' where WebAssembly SIMD works, else 'ref'). */
export function getBackend(): string {
  if (!current) chooseDefault();
  return currentName!;
}

/** The active backend; ops call this and never name a backend themselves. */
export function backend(): Backend {
  if (!current) chooseDefault();
  return current!;
}

export function allocLike(x: DataArray, n: number): DataArray {
  return new (x.constructor as { new(n: number): DataArray })(n);
}

export function allocFloat(x: FloatArray, n: number): FloatArray {
  return new (x.constructor as { new(n: number): FloatArray })(n);
}

/** Names of the registered backends ('ref', and 'wasm' where it loaded). */
export function listBackends(): string[] {
  return [...registry.keys()];
}
