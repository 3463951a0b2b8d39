// backend/webgpu/elementwise.ts — fill, copy, cast, unary maps, broadcasting binary maps and where.
//
// Semantics are ref's (backend/ref/elementwise.ts), operation by operation: NaN propagates through
// relu, sign, maximum and minimum; round is half-to-even; a float cast to int32 truncates toward zero,
// with NaN and ±∞ giving 0 as a typed array stores them. Where WGSL's built-in differs from JS on part
// of the domain (pow of a negative base, tanh of a large input, log1p/expm1, which WGSL lacks), the
// shader spells the JS behaviour out.
//
// Binary maps collapse the broadcast shapes first (adjacent dimensions that both inputs walk the same
// way merge), so most calls run with one or two dimensions; the shader then walks up to MAX_RANK.

import type { BinaryOp, Kernels, UnaryOp } from '../backend.js';
import type { Storage } from '../storage.js';
import type { DType } from '../../tensor/dtype.js';
import { numel, stridesOf } from '../../tensor/shape.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D, at, wgslType } from './wgsl.js';

export const MAX_RANK = 8;

/** int32 storages up to this size keep a host copy through fill (see runtime.ts, readSync). */
const HOST_COPY_LIMIT = 1 << 16;

const UNARY_F32: Record<UnaryOp, string> = {
  neg: '-x',
  exp: 'exp(x)',
  log: 'log(x)',
  sqrt: 'sqrt(x)',
  abs: 'abs(x)',
  relu: 'select(select(0.0, x, x > 0.0), x, isNan(x))',
  sigmoid: 'select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0)',
  tanh: 'select(select(tanh(x), sign(x), abs(x) > 15.0), x, isNan(x))', // tanh through exp overflows
  sign: 'select(sign(x), x, isNan(x))',
  reciprocal: '1.0 / x',
  square: 'x * x',
  sin: 'sin(x)',
  cos: 'cos(x)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)', // WGSL's round is half-to-even, as torch.round
  step: 'select(0.0, 1.0, x > 0.0)',
  log1p: 'log1pF(x)',
  expm1: 'expm1F(x)',
  erf: 'erfF(x)',
};

const FLOAT_FUNCS = /* wgsl */ `
// ref's series for erf (positive terms, no cancellation), in f32: |x| ≥ 4 is ±1 to f32's precision.
fn erfF(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  let a = abs(x);
  if (a >= 4.0) { return sign(x); }
  let x2 = a * a;
  var term = a; var sum = a;
  for (var n = 1; n < 80; n++) { term = term * (2.0 * x2) / f32(2 * n + 1); sum = sum + term; if (term <= sum * 1e-8) { break; } }
  return sign(x) * 1.1283791670955126 * exp(-x2) * sum;
}
// Kahan's forms: exact near 0, where 1 + x rounds away the value.
fn log1pF(x: f32) -> f32 {
  if (x < -1.0 || isNan(x)) { return nanF(); }
  let u = 1.0 + x; if (u == 1.0) { return x; } if (isInf(u) || u == 0.0) { return log(u); } return log(u) * x / (u - 1.0);
}
fn expm1F(x: f32) -> f32 {
  if (abs(x) > 0.5) { return exp(x) - 1.0; }
  let u = exp(x); if (u == 1.0) { return x; } return (u - 1.0) * x / log(u);
}
// JS's Math.pow: a negative base takes integer exponents only; 0 to a negative power is ∞.
fn powF(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return nanF(); }
  if (a == 0.0) { if (b > 0.0) { return 0.0; } return infF(); }
  // Small integer exponents by repeated squaring: exact where JS is (5² = 25, not exp2(2·log2 5)).
  if (floor(b) == b && abs(b) <= 64.0) {
    var r = 1.0; var base = a; var e = u32(abs(b));
    loop { if (e == 0u) { break; } if ((e & 1u) == 1u) { r = r * base; } base = base * base; e = e >> 1u; }
    return select(r, 1.0 / r, b < 0.0);
  }
  if (a < 0.0) {
    if (floor(b) != b) { return nanF(); }
    let m = exp2(b * log2(-a));
    if (abs(b) < 16777216.0 && (i32(b) & 1) == 1) { return -m; }
    return m;
  }
  return exp2(b * log2(a));
}
// JS's Math.atan2 where WGSL leaves it undefined: NaN, both zero (signed), both infinite.
fn atan2F(y: f32, x: f32) -> f32 {
  if (isNan(y) || isNan(x)) { return nanF(); }
  let pi = 3.14159265358979;
  let xNeg = (bitcast<u32>(x) & 0x80000000u) != 0u;
  let ySign = select(1.0, -1.0, (bitcast<u32>(y) & 0x80000000u) != 0u);
  if (y == 0.0 && x == 0.0) { return select(y, ySign * pi, xNeg); }
  if (isInf(y) && isInf(x)) { return ySign * select(0.25 * pi, 0.75 * pi, xNeg); }
  return atan2(y, x);
}
fn maxF(a: f32, b: f32) -> f32 { if (isNan(a) || isNan(b)) { return nanF(); } return select(b, a, a > b); }
fn minF(a: f32, b: f32) -> f32 { if (isNan(a) || isNan(b)) { return nanF(); } return select(b, a, a < b); }
fn hypotF(a: f32, b: f32) -> f32 {
  if (isInf(a) || isInf(b)) { return infF(); }
  let m = max(abs(a), abs(b));
  if (m == 0.0 || isNan(m)) { return select(m, nanF(), isNan(a) || isNan(b)); }
  let x = a / m; let y = b / m;
  return m * sqrt(x * x + y * y);
}
`;

const BINARY_F32: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'powF(a, b)',
  maximum: 'maxF(a, b)', minimum: 'minF(a, b)', atan2: 'atan2F(a, b)', hypot: 'hypotF(a, b)',
  eq: 'select(0.0, 1.0, a == b)', ne: 'select(0.0, 1.0, a != b || isNan(a) || isNan(b))',
  lt: 'select(0.0, 1.0, a < b)', le: 'select(0.0, 1.0, a <= b)', gt: 'select(0.0, 1.0, a > b)', ge: 'select(0.0, 1.0, a >= b)',
  reluGrad: 'a * select(1.0, 0.0, b <= 0.0)',
};

// int32 operands (JS computes in doubles and truncates into the Int32Array; these agree on the values
// int32 tensors hold in practice).
const BINARY_I32: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'select(0, a / b, b != 0)', pow: 'powI(a, b)',
  maximum: 'max(a, b)', minimum: 'min(a, b)', atan2: 'i32(atan2(f32(a), f32(b)))', hypot: 'i32(hypotF(f32(a), f32(b)))',
  eq: 'select(0, 1, a == b)', ne: 'select(0, 1, a != b)', lt: 'select(0, 1, a < b)', le: 'select(0, 1, a <= b)',
  gt: 'select(0, 1, a > b)', ge: 'select(0, 1, a >= b)', reluGrad: 'select(a, 0, b <= 0)',
};

const INT_FUNCS = /* wgsl */ `
fn powI(a: i32, b: i32) -> i32 {
  if (b < 0) { if (a == 1) { return 1; } if (a == -1) { return select(1, -1, (b & 1) == 1); } return 0; }
  var r = 1; var base = a; var e = b;
  loop { if (e == 0) { break; } if ((e & 1) == 1) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}
`;

/** Shapes merged where both operands walk them contiguously together (same broadcast pattern). */
function collapse(outShape: number[], sa: number[], sb: number[]): { shape: number[]; sa: number[]; sb: number[] } {
  const shape: number[] = [], A: number[] = [], B: number[] = [];
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const k = shape.length - 1;
    if (k >= 0 && A[k] === sa[d] * outShape[d] && B[k] === sb[d] * outShape[d]) {
      shape[k] *= outShape[d]; A[k] = sa[d]; B[k] = sb[d];
    } else { shape.push(outShape[d]); A.push(sa[d]); B.push(sb[d]); }
  }
  return { shape, sa: A, sb: B };
}

function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

function fillValue(dtype: DType, v: number): Params {
  return dtype === 'int32' ? new Params().i(Number.isFinite(v) ? Math.trunc(v) | 0 : 0) : new Params().f(v);
}

export function elementwiseKernels(rt: GpuRuntime): Pick<Kernels, 'fill' | 'copy' | 'cast' | 'unary' | 'binary' | 'where'> {
  /** dst (dtype D) ← src (dtype S) converted; in place when src and dst are one storage. */
  const convert = (src: Storage, dst: Storage): void => {
    const S = wgslType(src.dtype), D = wgslType(dst.dtype);
    const conv = D === S ? 'v' : D === 'i32' ? 'select(i32(trunc(v)), 0, isNan(v) || isInf(v))' : 'f32(v)';
    const k = rt.kernel(`cast ${S}→${D}`, `${COMMON}
@group(0) @binding(0) var<storage, read> x: array<${S}>;
@group(0) @binding(1) var<storage, read_write> y: array<${D}>;
struct Params { n: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let v = x[i];
  y[i] = ${conv};
}`, 2);
    if (src === dst) return;
    rt.run(k, [src, dst], new Params().u(dst.size), groups1d(dst.size), [1]);
  };

  const unaryKernel = (op: UnaryOp, inPlace: boolean) => rt.kernel(`unary ${op}${inPlace ? ' in place' : ''}`, `${COMMON}${FLOAT_FUNCS}
@group(0) @binding(0) var<storage, ${inPlace ? 'read_write' : 'read'}> X: array<f32>;
${inPlace ? '' : '@group(0) @binding(1) var<storage, read_write> Y: array<f32>;'}
struct Params { n: u32 }
@group(0) @binding(${inPlace ? 1 : 2}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let x = X[i];
  ${inPlace ? 'X' : 'Y'}[i] = ${UNARY_F32[op]};
}`, inPlace ? 1 : 2);

  return {
    fill(s: Storage, value: number): void {
      const T = wgslType(s.dtype);
      const k = rt.kernel(`fill ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read_write> y: array<${T}>;
struct Params { v: ${T}, n: u32 }
@group(0) @binding(1) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  y[i] = p.v;
}`, 1);
      rt.run(k, [s], fillValue(s.dtype, value).u(s.size), groups1d(s.size), [0]);
      // Small int32 data keeps a host copy (counters such as BatchNorm's num_batches_tracked stay readable).
      if (s.dtype === 'int32' && s.size <= HOST_COPY_LIMIT) rt.setHost(s, new Int32Array(s.size).fill(Number.isFinite(value) ? Math.trunc(value) : 0));
    },

    copy(src: Storage, dst: Storage): void {
      const host = src.dtype === 'int32' && dst.dtype === 'int32' ? rt.host(src) : null;
      convert(src, dst);
      if (host) rt.setHost(dst, host.slice());
    },

    cast(x: Storage, dtype: DType): Storage {
      const out = rt.alloc(dtype, x.size);
      convert(x, out);
      return out;
    },

    unary(op: UnaryOp, x: Storage, out?: Storage): Storage {
      const inPlace = out === x;
      const o = out ?? rt.alloc(x.dtype, x.size);
      if (x.dtype !== 'float32') throw new Error(`webgpu unary ${op}: expected float32 data, got ${x.dtype}`);
      const k = unaryKernel(op, inPlace);
      rt.run(k, inPlace ? [x] : [x, o], new Params().u(x.size), groups1d(x.size), inPlace ? [0] : [1]);
      return o;
    },

    binary(op: BinaryOp, a: Storage, aShape: number[], b: Storage, bShape: number[], outShape: number[], out?: Storage): Storage {
      const T = wgslType(a.dtype);
      const n = numel(outShape);
      const o = out ?? rt.alloc(a.dtype, n);
      const inPlace = o === a;
      // In place with b the same data as a: b is read from the one (read-write) binding, since WebGPU
      // forbids binding a buffer as writable and as read-only in one dispatch.
      const selfB = inPlace && b === a;
      const c = collapse(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape));
      if (c.shape.length > MAX_RANK) throw new Error(`webgpu binary ${op}: broadcasting over ${c.shape.length} dimensions (at most ${MAX_RANK})`);
      // Index walk: same-shape and scalar-operand calls skip it.
      const same = a.size === n && b.size === n && c.shape.length <= 1 && (c.shape.length === 0 || (c.sa[0] === 1 && c.sb[0] === 1));
      const scalarB = !same && a.size === n && b.size === 1 && c.shape.length <= 1 && (c.shape.length === 0 || c.sa[0] === 1);
      const mode = same ? 'same' : scalarB ? 'scalarB' : 'walk';
      const expr = (T === 'f32' ? BINARY_F32 : BINARY_I32)[op];
      const index = mode === 'same' ? 'let ia = i; let ib = i;' : mode === 'scalarB' ? 'let ia = i; let ib = 0u;' : `
  var r = i; var ia = 0u; var ib = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let dd = u32(d);
    let size = ${at('shape', 'dd')};
    let q = r % size; r = r / size;
    ia += q * ${at('sa', 'dd')}; ib += q * ${at('sb', 'dd')};
  }`;
      const aDecl = inPlace ? `@group(0) @binding(0) var<storage, read_write> A: array<${T}>;`
        : `@group(0) @binding(0) var<storage, read> A: array<${T}>;`;
      const buffers = selfB ? 1 : inPlace ? 2 : 3;
      const k = rt.kernel(`binary ${op} ${T} ${mode}${selfB ? ' self' : inPlace ? ' in place' : ''}`, `${COMMON}${FLOAT_FUNCS}${T === 'i32' ? INT_FUNCS : ''}
${aDecl}
${selfB ? '' : `@group(0) @binding(1) var<storage, read> B: array<${T}>;`}
${inPlace ? '' : `@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;`}
struct Params { n: u32, rank: u32, shape: array<vec4u, 2>, sa: array<vec4u, 2>, sb: array<vec4u, 2> }
@group(0) @binding(${buffers}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  ${index}
  let a = A[ia]; let b = ${selfB ? 'A' : 'B'}[ib];
  ${inPlace ? 'A' : 'Y'}[i] = ${expr};
}`, buffers);
      const params = new Params().u(n, c.shape.length, 0, 0).vec(c.shape, MAX_RANK).vec(c.sa, MAX_RANK).vec(c.sb, MAX_RANK);
      rt.run(k, selfB ? [a] : inPlace ? [a, b] : [a, b, o], params, groups1d(n), inPlace ? [0] : [2]);
      return o;
    },

    where(cond: Storage, a: Storage, b: Storage): Storage {
      const C = wgslType(cond.dtype), T = wgslType(a.dtype);
      const o = rt.alloc(a.dtype, a.size);
      const k = rt.kernel(`where ${C} ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> c: array<${C}>;
@group(0) @binding(1) var<storage, read> A: array<${T}>;
@group(0) @binding(2) var<storage, read> B: array<${T}>;
@group(0) @binding(3) var<storage, read_write> Y: array<${T}>;
struct Params { n: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  Y[i] = select(B[i], A[i], ${C === 'f32' ? 'c[i] != 0.0 && !isNan(c[i])' : 'c[i] != 0'});
}`, 4);
      rt.run(k, [cond, a, b, o], new Params().u(a.size), groups1d(a.size), [3]);
      return o;
    },
  };
}
