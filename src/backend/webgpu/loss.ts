// backend/webgpu/loss.ts — findInvalidClass, classLoss, classLossGrad, crossEntropyProb(Grad), mseLoss(Grad),
// bceWithLogits(Grad): each loss one per-position shader, then a deterministic tree reduction.
//
// Semantics are ref's (backend/ref/loss.ts): the same formulas, the 'mean' divisor (Σ w[y] over the
// positions not ignored for class indices, the number of positions otherwise; 0/0 gives NaN when every
// target is ignored, as PyTorch), label smoothing, and NaN/∞ rows of logits.
//
// Layout and threads. Input [outer, C, inner]; one invocation per position j (outer·inner of them) walks
// its C classes at stride inner, so neighbouring invocations read neighbouring addresses when inner > 1.
// A row of more than rt.serialSteps / 4 classes (4,096; the kernels walk a row up to four times, and Mesa's
// llvmpipe ends an invocation's loops after 65,535 iterations) is walked over several dispatches instead,
// its sums kept per position between them, and then read by a kernel without loops (see walkKernel).
// Log-probabilities are kept as (x − m) − log Σ exp(x − m) with the row maximum m, never as x − lse: with
// float32 logits near ±3e38 lse = m + log s rounds to m and x − lse overflows. Smoothing and probability
// terms scale before they subtract when m − x overflows, so a finite ref loss stays finite here.
//
// Reductions. The loss shader computes (loss, weight) per position — weight is w[y] for class indices
// (0 where ignored) and 1 otherwise — and each workgroup of 128 sums its pairs with a fixed tree in
// workgroup memory into one partial. Further passes (128 partials per workgroup) run while more than 128
// remain; the last, one workgroup, writes Σloss (or Σloss / Σweight for 'mean') and Σweight. Same order
// every run, so results are deterministic; float32 tree sums stay within ~1e-6 relative of ref's doubles.
// classLoss's weightSum is contracted as float64; it is float32 here, read only by classLossGrad.
//
// Class indices. findInvalidClass must answer synchronously, but GPU data cannot be read synchronously:
// it checks the int32 values JS wrote (rt.host, the data loader's targets) exactly as ref does, and
// returns null when there are none (targets computed on the GPU, or float32 targets). So classLoss and
// classLossGrad check every target themselves, like CUDA's device-side assert but without stopping: a
// position whose target is neither an integer class in [0, C) nor ignoreIndex gives a NaN loss (and a NaN
// weight, so a reduced loss and its gradient are NaN), and its gradient row is NaN; it never reads out of
// range. Targets may be int32 or float32 holding integers (one shader variant each).
//
// Absent weights (weight, posWeight) are bound as a one-element constant and skipped by a flag, so a
// kernel has one pipeline with or without them.

import type { ClassLossAttrs, Kernels, Reduction } from '../backend.js';
import type { Storage } from '../storage.js';
import { findInvalidClass as refFindInvalidClass } from '../ref/loss.js';
import { GpuRuntime, Params, groups1d, type Kernel } from './runtime.js';
import { COMMON, MAIN_1D, wgslType } from './wgsl.js';

/** Invocations per workgroup of the loss and reduction shaders (the compatibility-mode maximum). */
const WG = 128;

const REDUCTION_CODE: Record<Reduction, number> = { none: 0, sum: 1, mean: 2 };

/** Shared by the loss shaders: IEEE division (ws may be 0), and a stable log(1 + e^(−x)). */
const LOSS_FUNCS = /* wgsl */ `
fn divF(a: f32, b: f32) -> f32 {
  if (b != 0.0) { return a / b; }
  if (a == 0.0 || isNan(a)) { return nanF(); }
  let neg = (a < 0.0) != ((bitcast<u32>(b) & 0x80000000u) != 0u);
  return select(infF(), -infF(), neg);
}
// log1p(u) for u in [0, 1], exact near 0 where 1 + u rounds away u.
fn log1pSmall(u: f32) -> f32 {
  let v = 1.0 + u;
  if (v == 1.0) { return u; }
  return log(v) * u / (v - 1.0);
}
fn softplusNeg(x: f32) -> f32 {
  if (isNan(x)) { return x; }
  return max(-x, 0.0) + log1pSmall(exp(-abs(x)));
}
`;

/** Row statistics of logits X at stride p.inner: log p_c = (x_c − m) − ls. Needs X, p.C, p.inner. */
const ROW_FUNCS = /* wgsl */ `
struct Row { m: f32, ls: f32 }
fn rowStats(base: u32) -> Row {
  var m = -infF();
  var hasNan = false;
  for (var c = 0u; c < p.C; c++) {
    let v = X[base + c * p.inner];
    if (isNan(v)) { hasNan = true; }
    if (v > m) { m = v; }
  }
  // A NaN, a +∞, or a row of −∞ makes every log-probability NaN (as ref's softmax).
  if (hasNan || isInf(m)) { return Row(nanF(), nanF()); }
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) { s += exp(X[base + c * p.inner] - m); }
  return Row(m, log(s));
}
// The same from the state a row walk leaves (max, Σ exp(x − max), NaN seen, ·); see walkKernel.
fn rowOf(a: vec4f) -> Row {
  if (a.z != 0.0 || isInf(a.x)) { return Row(nanF(), nanF()); }
  return Row(a.x, log(a.y));
}
// −k·log p for the logit x (k ≥ 0): k·(ls + (m − x)), or with k applied first when m − x overflows.
fn negLogP(k: f32, r: Row, x: f32) -> f32 {
  let d = r.m - x;
  if (isInf(d)) { return k * r.ls + (k * r.m - k * x); }
  return k * (r.ls + d);
}
fn probOf(r: Row, x: f32) -> f32 { return exp((x - r.m) - r.ls); }
`;

/** Class-index decoding (T is the target's WGSL type): the class, −1 when ignored, −2 when invalid. */
function classOfFn(T: 'i32' | 'f32'): string {
  return T === 'i32' ? /* wgsl */ `
fn classOf(j: u32) -> i32 {
  let t = TG[j];
  if ((p.flags & 2u) != 0u && t == p.ignI) { return -1; }
  if (t < 0 || t >= i32(p.C)) { return -2; }
  return t;
}` : /* wgsl */ `
fn classOf(j: u32) -> i32 {
  let t = TG[j];
  if ((p.flags & 2u) != 0u && t == p.ignF) { return -1; }
  if (isNan(t) || isInf(t) || floor(t) != t || t < 0.0 || t >= f32(p.C)) { return -2; }
  return i32(t);
}`;
}

/** Class weight c (1 without weights); W is bound either way. */
const CLASS_WEIGHT = /* wgsl */ `
fn wOf(c: u32) -> f32 { if ((p.flags & 1u) != 0u) { return W[c]; } return 1.0; }
`;

/** Params of the class-index and probability kernels (one layout for all); c0, c1 and phase only for the
 *  row walks of long rows (see walkKernel). */
const CLASS_PARAMS = `struct Params { n: u32, C: u32, inner: u32, flags: u32, ignI: i32, ignF: f32, eps: f32, kind: u32, red: u32, count: f32,
  c0: u32, c1: u32, phase: u32 }`;

/** Label smoothing's part of a class loss, (ε/C)·Σ_c w_c·(−log p_c), ε/C applied per term so that no term
 *  overflows alone: smoothTerm for class c (logit x), smoothSum for the row at base. */
const SMOOTHING = /* wgsl */ `
fn smoothTerm(c: u32, x: f32, r: Row) -> f32 { return wOf(c) * negLogP(p.eps / f32(p.C), r, x); }
fn smoothSum(base: u32, r: Row) -> f32 {
  var sm = 0.0;
  for (var c = 0u; c < p.C; c++) { sm += smoothTerm(c, X[base + c * p.inner], r); }
  return sm;
}
`;

/**
 * classLossGrad. Per position (gradOf): the target y (−1 ignored, −2 invalid), the upstream factor s, w_y,
 * and the factors of dℓ/dlog p_c = −pa·w_y·[c = y] − pb·w_c, whose logSoftmax adjoint gives the logits
 * p_c·total − pb·w_c − pa·w_y·[c = y], total = pa·w_y + pb·Σ_c w_c. Per class (gradAt): that value at
 * class c, element q (NaN on an invalid target's row, 0 on an ignored one; −s·w_y at y for nll).
 */
const CLASS_GRAD = /* wgsl */ `
struct Grad { y: i32, s: f32, wy: f32, pa: f32, pb: f32, total: f32 }
fn gradOf(j: u32, y: i32, wsum: f32) -> Grad {
  if (y < 0) { return Grad(y, 0.0, 0.0, 0.0, 0.0, 0.0); }
  let s = scaleAt(j, WS[0]);
  let wy = wOf(u32(y));
  let pa = s * (1.0 - p.eps);
  let pb = s * p.eps / f32(p.C);
  return Grad(y, s, wy, pa, pb, pa * wy + pb * wsum);
}
fn gradAt(g: Grad, r: Row, c: u32, q: u32) -> f32 {
  if (g.y < 0) { return select(0.0, nanF(), g.y == -2); }
  if (p.kind == 1u) { return select(0.0, -g.s * g.wy, c == u32(g.y)); }
  var d = probOf(r, X[q]) * g.total - g.pb * wOf(c);
  if (c == u32(g.y)) { d = d - g.pa * g.wy; }
  return d;
}
`;

/** crossEntropyProb with target probabilities TP, for class c (element q): probTerm, its loss term
 *  w_c·t_c·(−log p_c) with t_c the smoothed target (nothing where t_c = 0); probGradX, the gradient by
 *  log p_c (the logits get it minus p_c·Σ of it); probGradT, by the target; s the upstream factor. */
const PROB_TERMS = /* wgsl */ `
fn probTerm(c: u32, q: u32, r: Row) -> f32 {
  let tc = TP[q] * (1.0 - p.eps) + p.eps / f32(p.C);
  if (tc == 0.0) { return 0.0; }
  return wOf(c) * negLogP(tc, r, X[q]);
}
fn probGradX(s: f32, c: u32, q: u32) -> f32 { return -s * wOf(c) * (TP[q] * (1.0 - p.eps) + p.eps / f32(p.C)); }
fn probGradT(s: f32, r: Row, c: u32, q: u32) -> f32 { return s * wOf(c) * negLogP(1.0 - p.eps, r, X[q]); }
`;

/** Loops of one invocation of the class kernels' one-dispatch form: up to four walks over a row's C
 *  classes. Rows where 4·C exceeds GpuRuntime.serialSteps take the walked form (see walkKernel). */
const ROW_WALKS = 4;

/** classLoss's per-position loss: `row` gives the row's statistics, `smoothing` its smoothing sum (WGSL). */
const classLossBody = (row: string, smoothing: string): string => /* wgsl */ `
  let y = classOf(j);
  if (y == -1) { return vec2f(0.0); }
  if (y == -2) { return vec2f(nanF(), nanF()); }
  let base = (j / p.inner) * p.C * p.inner + j % p.inner;
  var r = Row(0.0, 0.0);   // nll: the input is log p itself
  if (p.kind == 0u) { r = ${row}; }
  let wy = wOf(u32(y));
  var l = wy * negLogP(1.0 - p.eps, r, X[base + u32(y) * p.inner]);
  if (p.eps > 0.0) { l += ${smoothing}; }
  return vec2f(l, wy);`;

/** The fixed summation tree of one workgroup (call from uniform control flow). */
const TREE = /* wgsl */ `
var<workgroup> sh: array<vec2f, ${WG}>;
fn treeSum(lid: u32, v: vec2f) -> vec2f {
  sh[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
  return sh[0];
}
`;

const MAIN_WG = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let j = wg * ${WG}u + lid;`;

type Binding = [name: string, type: string, write: boolean];

function bindings(list: Binding[]): string {
  return list.map(([name, type, write], i) =>
    `@group(0) @binding(${i}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<${type}>;`).join('\n');
}

/** Bits of p.flags: class/element weights present, ignoreIndex representable in the target's type,
 *  posWeight present. */
const HAS_W = 1, HAS_IGNORE = 2, HAS_PW = 4;

export function lossKernels(rt: GpuRuntime): Pick<Kernels, 'findInvalidClass' | 'classLoss' | 'classLossGrad' | 'crossEntropyProb' |
  'crossEntropyProbGrad' | 'mseLoss' | 'mseLossGrad' | 'bceWithLogits' | 'bceWithLogitsGrad'> {
  /** Stand-in for an absent weight tensor (never read: its flag is off). */
  const absent = (): Storage => rt.constant(new Float32Array([1]));

  /**
   * A per-position loss shader: `body` (a function body returning vec2f(loss, weight) for position j,
   * j < p.n) over `inputs`; writes the loss per position into O when `perPosition`, and each workgroup's
   * (Σloss, Σweight) into P when `partial`.
   */
  const lossKernel = (name: string, inputs: Binding[], params: string, funcs: string, body: string,
    perPosition: boolean, partial: boolean): Kernel => {
    const list: Binding[] = [...inputs];
    if (perPosition) list.push(['O', 'f32', true]);
    if (partial) list.push(['P', 'vec2f', true]);
    return rt.kernel(`${name}${perPosition ? ' per position' : ''}${partial ? ' partial sums' : ''}`, `${COMMON}${LOSS_FUNCS}
${bindings(list)}
${params}
@group(0) @binding(${list.length}) var<uniform> p: Params;
${funcs}
${partial ? TREE : ''}
fn lossAt(j: u32) -> vec2f {
${body}
}
${MAIN_WG}
  var v = vec2f(0.0);
  if (j < p.n) {
    v = lossAt(j);
    ${perPosition ? 'O[j] = v.x;' : ''}
  }
  ${partial ? 'let s = treeSum(lid, v);\n  if (lid == 0u) { P[wg] = s; }' : ''}
}`, list.length);
  };

  /** Sums ⌈m/128⌉ pairs per pass into partials. */
  const levelKernel = (): Kernel => rt.kernel('loss sum level', `${COMMON}
${bindings([['I', 'vec2f', false], ['Q', 'vec2f', true]])}
struct Params { n: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${TREE}
${MAIN_WG}
  var v = vec2f(0.0);
  if (j < p.n) { v = I[j]; }
  let s = treeSum(lid, v);
  if (lid == 0u) { Q[wg] = s; }
}`, 2);

  /** The last pass (≤ 128 partials, one workgroup): O[0] = Σloss or Σloss / Σweight, WS[0] = Σweight. */
  const finalKernel = (): Kernel => rt.kernel('loss sum final', `${COMMON}${LOSS_FUNCS}
${bindings([['I', 'vec2f', false], ['O', 'f32', true], ['WS', 'f32', true]])}
struct Params { n: u32, mean: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${TREE}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32) {
  var v = vec2f(0.0);
  if (lid < p.n) { v = I[lid]; }
  let s = treeSum(lid, v);
  if (lid == 0u) {
    O[0] = select(s.x, divF(s.x, s.y), p.mean != 0u);
    WS[0] = s.y;
  }
}`, 3);

  /**
   * Runs the loss kernel `k` over n positions; with `reduce` (or `ws`) its partial sums are then summed
   * into out[0] (Σ or mean, when `reduce`) and ws[0] (Σ weight, when given).
   */
  const runLoss = (k: Kernel, inputs: Storage[], params: Params, n: number, out: Storage, reduction: Reduction,
    ws: Storage | null): void => {
    const perPosition = reduction === 'none', partial = !perPosition || ws !== null;
    const groups = groups1d(n, WG);
    let m = groups[0] * groups[1];
    let P = partial ? rt.alloc('float32', Math.max(2 * m, 2)) : null;
    const bound = [...inputs, ...(perPosition ? [out] : []), ...(P ? [P] : [])];
    const writes = [...(perPosition ? [inputs.length] : []), ...(P ? [bound.length - 1] : [])];
    rt.run(k, bound, params, groups, writes);
    if (!P) return;
    while (m > WG) {
      const g = groups1d(m, WG), next = g[0] * g[1];
      const Q = rt.alloc('float32', 2 * next);
      rt.run(levelKernel(), [P, Q], new Params().u(m), g, [1]);
      rt.free(P);
      P = Q;
      m = next;
    }
    const o = perPosition ? rt.alloc('float32', 1) : out, w = ws ?? rt.alloc('float32', 1);
    rt.run(finalKernel(), [P, o, w], new Params().u(m, reduction === 'mean' ? 1 : 0), [1], [1, 2]);
    rt.free(P);
    if (o !== out) rt.free(o);
    if (w !== ws) rt.free(w);
  };

  /** Params of the class kernels: ignoreIndex as the target type holds it (flag off when it cannot). */
  const classParams = (target: Storage, weight: Storage | null, a: ClassLossAttrs, kind: number, eps: number): Params => {
    const ig = a.ignoreIndex;
    const hasIgnore = target.dtype === 'int32' ? Number.isInteger(ig) && ig >= -(2 ** 31) && ig < 2 ** 31 : Math.fround(ig) === ig;
    const flags = (weight ? HAS_W : 0) | (hasIgnore ? HAS_IGNORE : 0);
    return new Params().u(a.outer * a.inner, a.C, a.inner, flags).i(hasIgnore && target.dtype === 'int32' ? ig : 0)
      .f(hasIgnore ? ig : 0, eps).u(kind, REDUCTION_CODE[a.reduction]).f(a.outer * a.inner);
  };

  const targetType = (t: Storage): 'i32' | 'f32' => wgslType(t.dtype);

  /** The upstream gradient's factor for position j: one per position ('none') or one scalar (uses G, p.red). */
  const SCALE = /* wgsl */ `
fn scaleAt(j: u32, denom: f32) -> f32 {
  if (p.red == 0u) { return G[j]; }
  if (p.red == 1u) { return G[0]; }
  return divF(G[0], denom);
}`;

  const inputsOf = (...names: [string, string][]): Binding[] => names.map(([n, t]) => [n, t, false]);
  const needName = (need: { input: boolean; target: boolean }): string => `${need.input ? ' dx' : ''}${need.target ? ' dt' : ''}`;
  const outputs = (need: { input: boolean; target: boolean }): Binding[] =>
    [...(need.input ? [['DX', 'f32', true] as Binding] : []), ...(need.target ? [['DT', 'f32', true] as Binding] : [])];

  /** A 1-D gradient shader of one invocation per position j (or element j, for mse and bce); with
   *  `perClass`, one per element e of the [outer, C, inner] logits, at class c of position j. */
  const gradKernel = (name: string, list: Binding[], params: string, funcs: string, body: string, perClass = false): Kernel =>
    rt.kernel(name, `${COMMON}${LOSS_FUNCS}
${bindings(list)}
${params}
@group(0) @binding(${list.length}) var<uniform> p: Params;
${funcs}
${MAIN_1D}
${perClass ? `  let e = i;
  if (e >= p.n * p.C) { return; }
  let c = (e / p.inner) % p.C;
  let j = (e / (p.inner * p.C)) * p.inner + e % p.inner;` : `  let j = i;
  if (j >= p.n) { return; }`}
${body}
}`, list.length);

  /**
   * Rows of more than serialSteps / ROW_WALKS classes are walked over several dispatches instead (Mesa's
   * llvmpipe ends an invocation's loops after 65,535 iterations; see GpuRuntime.serialSteps). One
   * invocation per position walks classes [c0, c1) of its row per dispatch, resuming from the state it
   * stored, A[j] = (max, Σ exp(x − max), NaN seen, Σ term): phase 0 takes the maximum and notes NaNs,
   * phase 1 sums the exponentials, phase 2 sums `term` (WGSL of the class c, its element q, the row's
   * statistics r, the position j). Each runs in the one-dispatch kernel's order, so the sums are the same.
   * Then a kernel of no loops reads A: one invocation per position for the losses, per element for the
   * gradients, all of whose writes are independent.
   */
  const walkKernel = (name: string, inputs: Binding[], funcs: string, term: string): Kernel => rt.kernel(`${name} row walk`, `${COMMON}${LOSS_FUNCS}
${bindings([...inputs, ['A', 'vec4f', true]])}
${CLASS_PARAMS}
@group(0) @binding(${inputs.length + 1}) var<uniform> p: Params;
${funcs}
${MAIN_1D}
  let j = i;
  if (j >= p.n) { return; }
  let base = (j / p.inner) * p.C * p.inner + j % p.inner;
  var a = vec4f(-infF(), 0.0, 0.0, 0.0);
  if (p.c0 > 0u || p.phase > 0u) { a = A[j]; }
  if (p.phase == 0u) {
    for (var c = p.c0; c < p.c1; c++) {
      let v = X[base + c * p.inner];
      if (isNan(v)) { a.z = 1.0; }
      if (v > a.x) { a.x = v; }
    }
  } else if (p.phase == 1u) {
    for (var c = p.c0; c < p.c1; c++) { a.y += exp(X[base + c * p.inner] - a.x); }
  } else {
    let r = rowOf(a);
    for (var c = p.c0; c < p.c1; c++) { let q = base + c * p.inner; a.w += ${term}; }
  }
  A[j] = a;
}`, inputs.length + 1);

  /** Whether rows of C classes take the walked form. */
  const walked = (C: number): boolean => ROW_WALKS * C > rt.serialSteps;

  /** Runs the first `phases` phases of the walk kernel k over every row, serialSteps classes per dispatch;
   *  returns A (the caller frees it once its last reader is recorded). */
  const walkRows = (k: Kernel, inputs: Storage[], params: () => Params, a: ClassLossAttrs, phases: number): Storage => {
    const n = a.outer * a.inner;
    const A = rt.alloc('float32', 4 * n);
    for (let phase = 0; phase < phases; phase++) {
      for (const [c0, c1] of rt.chunks(a.C)) rt.run(k, [...inputs, A], params().u(c0, c1, phase), groups1d(n), [inputs.length]);
    }
    return A;
  };

  /** Params of the probability kernels. */
  const probParams = (weight: Storage | null, a: ClassLossAttrs): Params => new Params().u(a.outer * a.inner, a.C, a.inner, weight ? HAS_W : 0)
    .i(0).f(0, a.labelSmoothing).u(0, REDUCTION_CODE[a.reduction]).f(a.outer * a.inner);

  /** Allocates what `need` asks for and runs k with [inputs…, dx?, dt?]. */
  const runGrad = (k: Kernel, inputs: Storage[], params: Params, n: number, sizes: { dx: number; dt: number },
    need: { input: boolean; target: boolean }): { dx: Storage | null; dt: Storage | null } => {
    const dx = need.input ? rt.alloc('float32', sizes.dx) : null, dt = need.target ? rt.alloc('float32', sizes.dt) : null;
    const outs = [dx, dt].filter((s): s is Storage => s !== null);
    if (outs.length) rt.run(k, [...inputs, ...outs], params, groups1d(n), outs.map((_, i) => inputs.length + i));
    return { dx, dt };
  };

  return {
    findInvalidClass(target: Storage, C: number, ignoreIndex: number): { index: number; value: number } | null {
      const t = rt.host(target);
      if (!t) return null; // computed on the GPU: the loss kernels give NaN for an invalid class instead
      return refFindInvalidClass(t, C, ignoreIndex);
    },

    classLoss(kind, x, target, weight, a) {
      const T = targetType(target), none = a.reduction === 'none', n = a.outer * a.inner;
      const eps = kind === 'nll' ? 0 : a.labelSmoothing;
      const params = (): Params => classParams(target, weight, a, kind === 'nll' ? 1 : 0, eps);
      const list = inputsOf(['X', 'f32'], ['TG', T], ['W', 'f32']), inputs = [x, target, weight ?? absent()];
      const out = rt.alloc('float32', none ? n : 1), ws = rt.alloc('float32', 1);
      // nll reads one logit per position: only cross-entropy walks rows
      if (kind === 'nll' || !walked(a.C)) {
        const k = lossKernel(`classLoss ${T}`, list, CLASS_PARAMS, `${ROW_FUNCS}${classOfFn(T)}${CLASS_WEIGHT}${SMOOTHING}`,
          classLossBody('rowStats(base)', 'smoothSum(base, r)'), none, true);
        runLoss(k, inputs, params(), n, out, a.reduction, ws);
      } else {
        const walk = walkKernel('classLoss', inputsOf(['X', 'f32'], ['W', 'f32']), `${ROW_FUNCS}${CLASS_WEIGHT}${SMOOTHING}`,
          'smoothTerm(c, X[q], r)');
        const A = walkRows(walk, [x, weight ?? absent()], params, a, eps > 0 ? 3 : 2);
        const k = lossKernel(`classLoss ${T} walked`, [...list, ['A', 'vec4f', false]], CLASS_PARAMS, `${ROW_FUNCS}${classOfFn(T)}${CLASS_WEIGHT}`,
          classLossBody('rowOf(A[j])', 'A[j].w'), none, true);
        runLoss(k, [...inputs, A], params(), n, out, a.reduction, ws);
        rt.free(A);
      }
      return { out, weightSum: ws };
    },

    classLossGrad(kind, x, target, weight, g, weightSum, a) {
      const T = targetType(target), n = a.outer * a.inner;
      const eps = kind === 'nll' ? 0 : a.labelSmoothing;
      const params = (): Params => classParams(target, weight, a, kind === 'nll' ? 1 : 0, eps);
      const list = inputsOf(['X', 'f32'], ['TG', T], ['W', 'f32'], ['G', 'f32'], ['WS', 'f32']);
      const inputs = [x, target, weight ?? absent(), g, weightSum];
      const funcs = `${ROW_FUNCS}${classOfFn(T)}${CLASS_WEIGHT}${SCALE}${CLASS_GRAD}`;
      const dx = rt.alloc('float32', x.size);
      if (!walked(a.C)) {
        const k = gradKernel(`classLossGrad ${T}`, [...list, ['DX', 'f32', true]], CLASS_PARAMS, funcs, /* wgsl */ `
  let y = classOf(j);
  let base = (j / p.inner) * p.C * p.inner + j % p.inner;
  var wsum = f32(p.C);
  var r = Row(0.0, 0.0);
  if (y >= 0 && p.kind == 0u) {
    if ((p.flags & 1u) != 0u) { wsum = 0.0; for (var c = 0u; c < p.C; c++) { wsum += W[c]; } }
    r = rowStats(base);
  }
  let gr = gradOf(j, y, wsum);
  for (var c = 0u; c < p.C; c++) {
    let q = base + c * p.inner;
    DX[q] = gradAt(gr, r, c, q);
  }`);
        rt.run(k, [...inputs, dx], params(), groups1d(n), [5]);
        return dx;
      }
      // nll's gradient needs no row statistics, only its one-dispatch loop over the classes split up
      const walk = walkKernel('classLossGrad', inputsOf(['X', 'f32'], ['W', 'f32']), ROW_FUNCS, 'W[c]');
      const A = walkRows(walk, [x, weight ?? absent()], params, a, kind === 'nll' ? 0 : weight ? 3 : 2);
      const k = gradKernel(`classLossGrad ${T} walked`, [...list, ['A', 'vec4f', false], ['DX', 'f32', true]], CLASS_PARAMS, funcs, /* wgsl */ `
  let a = A[j];
  var wsum = f32(p.C);
  if ((p.flags & 1u) != 0u) { wsum = a.w; }
  DX[e] = gradAt(gradOf(j, classOf(j), wsum), rowOf(a), c, e);`, true);
      rt.run(k, [...inputs, A, dx], params(), groups1d(x.size), [6]);
      rt.free(A);
      return dx;
    },

    crossEntropyProb(x, target, weight, a) {
      const none = a.reduction === 'none', n = a.outer * a.inner;
      const list = inputsOf(['X', 'f32'], ['TP', 'f32'], ['W', 'f32']), inputs = [x, target, weight ?? absent()];
      const funcs = `${ROW_FUNCS}${CLASS_WEIGHT}${PROB_TERMS}`;
      const out = rt.alloc('float32', none ? n : 1);
      if (!walked(a.C)) {
        const k = lossKernel('crossEntropyProb', list, CLASS_PARAMS, funcs, /* wgsl */ `
  let base = (j / p.inner) * p.C * p.inner + j % p.inner;
  let r = rowStats(base);
  var s = 0.0;
  for (var c = 0u; c < p.C; c++) { s += probTerm(c, base + c * p.inner, r); }
  return vec2f(s, 1.0);`, none, !none);
        runLoss(k, inputs, probParams(weight, a), n, out, a.reduction, null);
      } else {
        const A = walkRows(walkKernel('crossEntropyProb', list, funcs, 'probTerm(c, q, r)'), inputs, () => probParams(weight, a), a, 3);
        const k = lossKernel('crossEntropyProb walked', inputsOf(['A', 'vec4f']), CLASS_PARAMS, '', 'return vec2f(A[j].w, 1.0);', none, !none);
        runLoss(k, [A], probParams(weight, a), n, out, a.reduction, null);
        rt.free(A);
      }
      return out;
    },

    crossEntropyProbGrad(x, target, weight, g, a, need) {
      const n = a.outer * a.inner, sizes = { dx: x.size, dt: target.size };
      const list = inputsOf(['X', 'f32'], ['TP', 'f32'], ['W', 'f32'], ['G', 'f32']), inputs = [x, target, weight ?? absent(), g];
      const funcs = `${ROW_FUNCS}${CLASS_WEIGHT}${SCALE}${PROB_TERMS}`;
      if (!walked(a.C)) {
        const k = gradKernel(`crossEntropyProbGrad${needName(need)}`, [...list, ...outputs(need)], CLASS_PARAMS, funcs, /* wgsl */ `
  let base = (j / p.inner) * p.C * p.inner + j % p.inner;
  let s = scaleAt(j, p.count);
  let r = rowStats(base);
  var sumq = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let q = base + c * p.inner;
    let g = probGradX(s, c, q);
    sumq += g;
    ${need.input ? 'DX[q] = g;' : ''}
    ${need.target ? 'DT[q] = probGradT(s, r, c, q);' : ''}
  }
  ${need.input ? 'for (var c = 0u; c < p.C; c++) { let q = base + c * p.inner; DX[q] = DX[q] - probOf(r, X[q]) * sumq; }' : ''}`);
        return runGrad(k, inputs, probParams(weight, a), n, sizes, need);
      }
      if (!need.input && !need.target) return { dx: null, dt: null };
      // phase 2 (Σ of the gradient by log p) only for dx
      const walk = walkKernel('crossEntropyProbGrad', list, funcs, 'probGradX(scaleAt(j, p.count), c, q)');
      const A = walkRows(walk, inputs, () => probParams(weight, a), a, need.input ? 3 : 2);
      const k = gradKernel(`crossEntropyProbGrad${needName(need)} walked`, [...list, ['A', 'vec4f', false], ...outputs(need)], CLASS_PARAMS,
        funcs, /* wgsl */ `
  let s = scaleAt(j, p.count);
  let a = A[j];
  let r = rowOf(a);
  ${need.input ? 'DX[e] = probGradX(s, c, e) - probOf(r, X[e]) * a.w;' : ''}
  ${need.target ? 'DT[e] = probGradT(s, r, c, e);' : ''}`, true);
      const grads = runGrad(k, [...inputs, A], probParams(weight, a), x.size, sizes, need);
      rt.free(A);
      return grads;
    },

    mseLoss(x, t, reduction) {
      const none = reduction === 'none';
      const k = lossKernel('mseLoss', inputsOf(['X', 'f32'], ['T', 'f32']), 'struct Params { n: u32 }', '', /* wgsl */ `
  let d = X[j] - T[j];
  return vec2f(d * d, 1.0);`, none, !none);
      const out = rt.alloc('float32', none ? x.size : 1);
      runLoss(k, [x, t], new Params().u(x.size), x.size, out, reduction, null);
      return out;
    },

    mseLossGrad(x, t, g, reduction, need) {
      const k = gradKernel(`mseLossGrad${needName(need)}`, [...inputsOf(['X', 'f32'], ['T', 'f32'], ['G', 'f32']), ...outputs(need)],
        'struct Params { n: u32, red: u32, count: f32 }', SCALE, /* wgsl */ `
  let d = 2.0 * (X[j] - T[j]) * scaleAt(j, p.count);
  ${need.input ? 'DX[j] = d;' : ''}
  ${need.target ? 'DT[j] = -d;' : ''}`);
      const params = new Params().u(x.size, REDUCTION_CODE[reduction]).f(x.size);
      return runGrad(k, [x, t, g], params, x.size, { dx: x.size, dt: t.size }, need);
    },

    bceWithLogits(x, t, weight, posWeight, reduction) {
      const none = reduction === 'none';
      const k = lossKernel('bceWithLogits', inputsOf(['X', 'f32'], ['T', 'f32'], ['W', 'f32'], ['PW', 'f32']),
        'struct Params { n: u32, flags: u32 }', '', /* wgsl */ `
  let t = T[j];
  let v = X[j];
  var lw = 1.0;
  if ((p.flags & ${HAS_PW}u) != 0u) { lw = 1.0 + (PW[j] - 1.0) * t; }
  var w = 1.0;
  if ((p.flags & ${HAS_W}u) != 0u) { w = W[j]; }
  return vec2f(w * ((1.0 - t) * v + lw * softplusNeg(v)), 1.0);`, none, !none);
      const out = rt.alloc('float32', none ? x.size : 1);
      const flags = (weight ? HAS_W : 0) | (posWeight ? HAS_PW : 0);
      runLoss(k, [x, t, weight ?? absent(), posWeight ?? absent()], new Params().u(x.size, flags), x.size, out, reduction, null);
      return out;
    },

    bceWithLogitsGrad(x, t, weight, posWeight, g, reduction, need) {
      const k = gradKernel(`bceWithLogitsGrad${needName(need)}`,
        [...inputsOf(['X', 'f32'], ['T', 'f32'], ['W', 'f32'], ['PW', 'f32'], ['G', 'f32']), ...outputs(need)],
        'struct Params { n: u32, red: u32, count: f32, flags: u32 }', SCALE, /* wgsl */ `
  let t = T[j];
  let v = X[j];
  var s = scaleAt(j, p.count);
  if ((p.flags & ${HAS_W}u) != 0u) { s = s * W[j]; }
  var pw = 1.0;
  if ((p.flags & ${HAS_PW}u) != 0u) { pw = PW[j]; }
  let lw = 1.0 + (pw - 1.0) * t;
  // σ(−x), each side from the exponential that cannot overflow
  let sigNeg = select(1.0 / (1.0 + exp(v)), exp(-v) / (1.0 + exp(-v)), v >= 0.0);
  ${need.input ? 'DX[j] = s * ((1.0 - t) - lw * sigNeg);' : ''}
  ${need.target ? 'DT[j] = s * (-v + (pw - 1.0) * softplusNeg(v));' : ''}`);
      const params = new Params().u(x.size, REDUCTION_CODE[reduction]).f(x.size).u((weight ? HAS_W : 0) | (posWeight ? HAS_PW : 0));
      return runGrad(k, [x, t, weight ?? absent(), posWeight ?? absent(), g], params, x.size, { dx: x.size, dt: t.size }, need);
    },
  };
}
