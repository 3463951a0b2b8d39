// backend/webgpu/activation.ts — softmax / logSoftmax and their backward, leakyRelu and its backward,
// dropout, and batch normalisation forward and backward.
//
// Semantics are ref's (backend/ref/activation.ts, backend/ref/norm.ts):
// - softmax along the axis n of [outer, n, inner], shifted by the row maximum. A row holding a NaN, a +∞,
//   or nothing but −∞ comes out all NaN (ref reaches that through its arithmetic; the shader says it
//   outright, since a shader compiler may assume there are no NaNs and ∞s). A −∞ in an otherwise finite
//   row gives 0 (softmax) or −∞ (logSoftmax). Rows of n ≥ LONG_ROW get a workgroup each (strided loads,
//   tree reductions in workgroup memory); shorter rows get one invocation each.
// - dropout draws ref's mask bit for bit: ref's generator is 32-bit integer mixing (Math.imul, xor, shifts),
//   which is WGSL's wrapping u32 arithmetic, and its test `h·2⁻³² ≥ p` is exactly `h ≥ ⌈p·2³²⌉`.
// - batch norm reduces each channel's M = N·S values in one workgroup: the mean first, then the centred
//   sum of squares (two passes, so a large mean costs no accuracy), in float32 where ref sums in float64.
//   mean and invstd, float64 in the contract, are float32 here (no float64 on a GPU); only this file's
//   batchNormGrad reads them. The running buffers are updated in place by the statistics dispatch.
//
// Kernels that may be given null buffers (weight, bias, running statistics) compile one variant per
// combination of present buffers: a declared binding must be used, and the absent ones are simply not
// declared. Per-call numbers travel in Params, so each variant compiles once.

import type { AxisLayout, BatchNormAttrs, Kernels } from '../backend.js';
import type { Storage } from '../storage.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D } from './wgsl.js';

/** Invocations of a workgroup that reduces one row or one channel. */
const WG = 128;

/** Rows at least this long get a workgroup each; shorter ones one invocation each. */
export const LONG_ROW = 64;

/** Workgroup reductions. Call them from uniform control flow: each returns the result to every invocation. */
const REDUCE = /* wgsl */ `
var<workgroup> red: array<f32, ${WG}>;
// max that propagates NaN (WGSL's max leaves NaN operands unspecified).
fn maxN(a: f32, b: f32) -> f32 { if (isNan(a) || isNan(b)) { return nanF(); } return max(a, b); }
fn wgSum(t: u32, v: f32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { red[t] = red[t] + red[t + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn wgMax(t: u32, v: f32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { red[t] = maxN(red[t], red[t + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`;

/** The header of a kernel with one workgroup per row (or channel) `w`, invocation `t` within it. */
const MAIN_WG = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let w = wid.x + wid.y * nwg.x;`;

/** Pieces of a row kernel: a row walked by one invocation (`short`) or by a workgroup. */
function rowShape(long: boolean): { head: string; loop: string; sum: (v: string) => string; max: (v: string) => string; pre: string } {
  return long ? {
    pre: REDUCE,
    head: `${MAIN_WG}
  if (w >= p.rows) { return; }
  let row = w;`,
    loop: `for (var k = t; k < p.n; k += ${WG}u)`,
    sum: (v) => `${v} = wgSum(t, ${v});`,
    max: (v) => `${v} = wgMax(t, ${v});`,
  } : {
    pre: 'fn maxN(a: f32, b: f32) -> f32 { if (isNan(a) || isNan(b)) { return nanF(); } return max(a, b); }',
    head: `${MAIN_1D}
  if (i >= p.rows) { return; }
  let row = i;`,
    loop: 'for (var k = 0u; k < p.n; k++)',
    sum: () => '',
    max: () => '',
  };
}

const rowGroups = (rows: number, long: boolean): [number, number] => (long ? groups1d(rows, 1) : groups1d(rows));

export function activationKernels(rt: GpuRuntime): Pick<Kernels,
  'softmax' | 'softmaxGrad' | 'leakyRelu' | 'leakyReluGrad' | 'dropout' | 'batchNorm' | 'batchNormGrad'> {
  const requireF32 = (name: string, ...xs: Storage[]): void => {
    for (const x of xs) if (x.dtype !== 'float32') throw new Error(`webgpu ${name}: expected float32 data, got ${x.dtype}`);
  };

  // ------------------------------------------------------------------------------------ batch norm

  /** Training statistics: per channel mean and 1/√(biased var + ε); running buffers updated in place. */
  const bnStats = (x: Storage, rm: Storage | null, rv: Storage | null, a: BatchNormAttrs, mean: Storage, invstd: Storage): void => {
    const bufs = [x, mean, invstd];
    let decl = '', update = '';
    if (rm) {
      decl += `@group(0) @binding(${bufs.length}) var<storage, read_write> RM: array<f32>;\n`;
      update += '    RM[c] = (1.0 - p.momentum) * RM[c] + p.momentum * mu;\n';
      bufs.push(rm);
    }
    if (rv) {
      decl += `@group(0) @binding(${bufs.length}) var<storage, read_write> RV: array<f32>;\n`;
      // The unbiased variance; M = 1 is refused by the op, but 0/0 must stay NaN as in ref.
      update += '    let unbiased = select(q / f32(M - 1u), nanF(), M <= 1u);\n' +
        '    RV[c] = (1.0 - p.momentum) * RV[c] + p.momentum * unbiased;\n';
      bufs.push(rv);
    }
    const k = rt.kernel(`batchNorm stats${rm ? ' runningMean' : ''}${rv ? ' runningVar' : ''}`, `${COMMON}${REDUCE}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> MEAN: array<f32>;
@group(0) @binding(2) var<storage, read_write> INVSTD: array<f32>;
${decl}struct Params { N: u32, C: u32, S: u32, momentum: f32, eps: f32 }
@group(0) @binding(${bufs.length}) var<uniform> p: Params;
${MAIN_WG}
  if (w >= p.C) { return; }
  let c = w;
  let M = p.N * p.S;
  // Element j of the channel is x[n, c, s] with j = n·S + s: consecutive invocations read consecutive
  // addresses within a plane, and walk the batch when S = 1 (BatchNorm1d).
  var s = 0.0;
  for (var j = t; j < M; j += ${WG}u) { let n = j / p.S; s += X[(n * p.C + c) * p.S + j - n * p.S]; }
  s = wgSum(t, s);
  let mu = s / f32(M);
  var q = 0.0;
  for (var j = t; j < M; j += ${WG}u) { let n = j / p.S; let d = X[(n * p.C + c) * p.S + j - n * p.S] - mu; q += d * d; }
  q = wgSum(t, q);
  if (t == 0u) {
    MEAN[c] = mu;
    INVSTD[c] = 1.0 / sqrt(q / f32(M) + p.eps);
${update}  }
}`, bufs.length);
    rt.run(k, bufs, new Params().u(a.N, a.C, a.S).f(a.momentum, a.eps), groups1d(a.C, 1), bufs.map((_, i) => i).slice(1));
  };

  /** Evaluation statistics: the running mean, and 1/√(running var + ε). */
  const bnEvalStats = (rm: Storage, rv: Storage, a: BatchNormAttrs, mean: Storage, invstd: Storage): void => {
    const k = rt.kernel('batchNorm eval stats', `${COMMON}
@group(0) @binding(0) var<storage, read> RM: array<f32>;
@group(0) @binding(1) var<storage, read> RV: array<f32>;
@group(0) @binding(2) var<storage, read_write> MEAN: array<f32>;
@group(0) @binding(3) var<storage, read_write> INVSTD: array<f32>;
struct Params { C: u32, eps: f32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.C) { return; }
  MEAN[i] = RM[i];
  INVSTD[i] = 1.0 / sqrt(RV[i] + p.eps);
}`, 4);
    rt.run(k, [rm, rv, mean, invstd], new Params().u(a.C).f(a.eps), groups1d(a.C), [2, 3]);
  };

  /** y = (x − μ)·invstd·γ + β elementwise, γ and β optional. */
  const bnApply = (x: Storage, mean: Storage, invstd: Storage, weight: Storage | null, bias: Storage | null, a: BatchNormAttrs, y: Storage): void => {
    const bufs = [x, mean, invstd];
    let decl = '';
    if (weight) { decl += `@group(0) @binding(${bufs.length}) var<storage, read> W: array<f32>;\n`; bufs.push(weight); }
    if (bias) { decl += `@group(0) @binding(${bufs.length}) var<storage, read> B: array<f32>;\n`; bufs.push(bias); }
    bufs.push(y);
    const k = rt.kernel(`batchNorm apply${weight ? ' weight' : ''}${bias ? ' bias' : ''}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> MEAN: array<f32>;
@group(0) @binding(2) var<storage, read> INVSTD: array<f32>;
${decl}@group(0) @binding(${bufs.length - 1}) var<storage, read_write> Y: array<f32>;
struct Params { n: u32, C: u32, S: u32 }
@group(0) @binding(${bufs.length}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let c = (i / p.S) % p.C;
  Y[i] = (X[i] - MEAN[c]) * INVSTD[c]${weight ? ' * W[c]' : ''}${bias ? ' + B[c]' : ''};
}`, bufs.length);
    rt.run(k, bufs, new Params().u(x.size, a.C, a.S), groups1d(x.size), [bufs.length - 1]);
  };

  return {
    // ---------------------------------------------------------------------------------- softmax

    softmax(x: Storage, l: AxisLayout, log: boolean): Storage {
      requireF32('softmax', x);
      const y = rt.alloc(x.dtype, x.size);
      const rows = l.outer * l.inner, long = l.n >= LONG_ROW;
      const r = rowShape(long);
      // x = −∞ is tested by bits: exp(−∞) and −∞ − lse are where a compiler assuming finite values may err.
      const out = log ? 'select((x - m) - ls, -infF(), isInf(x))' : 'select(exp(x - m), 0.0, isInf(x)) / s';
      const k = rt.kernel(`${log ? 'logSoftmax' : 'softmax'}${long ? ' long' : ''}`, `${COMMON}${r.pre}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
struct Params { rows: u32, n: u32, inner: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${r.head}
  let base = (row / p.inner) * p.n * p.inner + row % p.inner;
  var m = -infF();
  ${r.loop} { m = maxN(m, X[base + k * p.inner]); }
  ${r.max('m')}
  // A NaN anywhere, a +∞, or a row of −∞ only: the whole row is NaN (ref and PyTorch).
  let bad = isNan(m) || isInf(m);
  var s = 0.0;
  ${r.loop} { let x = X[base + k * p.inner]; s += select(exp(x - m), 0.0, isInf(x)); }
  ${r.sum('s')}
  let ls = log(s);
  ${r.loop} {
    let x = X[base + k * p.inner];
    Y[base + k * p.inner] = select(${out}, nanF(), bad);
  }
}`, 2);
      rt.run(k, [x, y], new Params().u(rows, l.n, l.inner), rowGroups(rows, long), [1]);
      return y;
    },

    softmaxGrad(y: Storage, g: Storage, l: AxisLayout, log: boolean): Storage {
      requireF32('softmaxGrad', y, g);
      const dx = rt.alloc(y.dtype, y.size);
      const rows = l.outer * l.inner, long = l.n >= LONG_ROW;
      const r = rowShape(long);
      // softmax: dx = y·(g − Σ g·y);  logSoftmax: dx = g − exp(y)·Σ g.
      const term = log ? 'G[j]' : 'G[j] * Y[j]';
      const out = log ? 'G[j] - exp(Y[j]) * s' : 'Y[j] * (G[j] - s)';
      const k = rt.kernel(`${log ? 'logSoftmax' : 'softmax'} grad${long ? ' long' : ''}`, `${COMMON}${r.pre}
@group(0) @binding(0) var<storage, read> Y: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
struct Params { rows: u32, n: u32, inner: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${r.head}
  let base = (row / p.inner) * p.n * p.inner + row % p.inner;
  var s = 0.0;
  ${r.loop} { let j = base + k * p.inner; s += ${term}; }
  ${r.sum('s')}
  ${r.loop} { let j = base + k * p.inner; DX[j] = ${out}; }
}`, 3);
      rt.run(k, [y, g, dx], new Params().u(rows, l.n, l.inner), rowGroups(rows, long), [2]);
      return dx;
    },

    // ------------------------------------------------------------------------------- leakyRelu

    leakyRelu(x: Storage, slope: number): Storage {
      requireF32('leakyRelu', x);
      const y = rt.alloc(x.dtype, x.size);
      const k = rt.kernel('leakyRelu', `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
struct Params { n: u32, slope: f32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let x = X[i];
  Y[i] = select(x * p.slope, x, x > 0.0 && !isNan(x));
}`, 2);
      rt.run(k, [x, y], new Params().u(x.size).f(slope), groups1d(x.size), [1]);
      return y;
    },

    leakyReluGrad(g: Storage, x: Storage, slope: number): Storage {
      requireF32('leakyReluGrad', g, x);
      const dx = rt.alloc(g.dtype, g.size);
      const k = rt.kernel('leakyRelu grad', `${COMMON}
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> DX: array<f32>;
struct Params { n: u32, slope: f32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let x = X[i];
  DX[i] = select(G[i] * p.slope, G[i], x > 0.0 && !isNan(x));
}`, 3);
      rt.run(k, [g, x, dx], new Params().u(g.size).f(slope), groups1d(g.size), [2]);
      return dx;
    },

    // --------------------------------------------------------------------------------- dropout

    dropout(x: Storage, p: number, seed0: number, seed1: number): { y: Storage; mask: Storage } {
      requireF32('dropout', x);
      const y = rt.alloc(x.dtype, x.size), mask = rt.alloc(x.dtype, x.size);
      // ref keeps element i when h·2⁻³² ≥ p, h the 32-bit hash: h·2⁻³² and p·2³² are exact in doubles and
      // h is an integer, so that is h ≥ ⌈p·2³²⌉. A threshold of 2³² (p within 2⁻³² of 1, or 1) keeps
      // nothing: mask 0 everywhere, which threshold 0 with scale 0 gives in u32.
      let threshold = Math.ceil(p * 2 ** 32);
      let scale = p >= 1 ? 0 : 1 / (1 - p);
      if (threshold >= 2 ** 32) { threshold = 0; scale = 0; }
      const k = rt.kernel('dropout', `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read_write> MASK: array<f32>;
struct Params { n: u32, s0: u32, s1: u32, threshold: u32, scale: f32 }
@group(0) @binding(3) var<uniform> p: Params;
// ref's mix32 (Wellons' lowbias32): Math.imul is u32 multiplication modulo 2³², as WGSL's.
fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u; x *= 0x7feb352du;
  x ^= x >> 15u; x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}
${MAIN_1D}
  if (i >= p.n) { return; }
  let h = mix32(mix32(i ^ p.s0) + p.s1);
  let m = select(0.0, p.scale, h >= p.threshold);
  MASK[i] = m;
  Y[i] = X[i] * m;
}`, 3);
      // JS's `i ^ s0` and `(… + s1) >>> 0` see the seeds modulo 2³², as u32 does.
      const params = new Params().u(x.size, seed0 >>> 0, seed1 >>> 0, threshold).f(scale);
      rt.run(k, [x, y, mask], params, groups1d(x.size), [1, 2]);
      return { y, mask };
    },

    // ------------------------------------------------------------------------------ batch norm

    batchNorm(x: Storage, weight: Storage | null, bias: Storage | null, runningMean: Storage | null,
      runningVar: Storage | null, a: BatchNormAttrs): { y: Storage; mean: Storage; invstd: Storage } {
      requireF32('batchNorm', x);
      // float32 where the contract says float64: see the header.
      const y = rt.alloc(x.dtype, x.size), mean = rt.alloc('float32', a.C), invstd = rt.alloc('float32', a.C);
      if (a.training) bnStats(x, runningMean, runningVar, a, mean, invstd);
      else {
        if (!runningMean || !runningVar) throw new Error('webgpu batchNorm: evaluation needs runningMean and runningVar');
        bnEvalStats(runningMean, runningVar, a, mean, invstd);
      }
      bnApply(x, mean, invstd, weight, bias, a, y);
      return { y, mean, invstd };
    },

    batchNormGrad(x: Storage, g: Storage, mean: Storage, invstd: Storage, weight: Storage | null, a: BatchNormAttrs,
      need: { input: boolean; weight: boolean; bias: boolean }): { dx: Storage | null; dw: Storage | null; db: Storage | null } {
      requireF32('batchNormGrad', x, g, mean, invstd);
      const C = a.C;
      // Σ g·x̂ and Σ g per channel: dγ and dβ themselves, and what the training dx needs.
      const sums = need.weight || need.bias || (need.input && a.training);
      const dw = sums ? rt.alloc('float32', C) : null, db = sums ? rt.alloc('float32', C) : null;
      if (sums) {
        const k = rt.kernel('batchNorm grad sums', `${COMMON}${REDUCE}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> MEAN: array<f32>;
@group(0) @binding(3) var<storage, read> INVSTD: array<f32>;
@group(0) @binding(4) var<storage, read_write> DW: array<f32>;
@group(0) @binding(5) var<storage, read_write> DB: array<f32>;
struct Params { N: u32, C: u32, S: u32 }
@group(0) @binding(6) var<uniform> p: Params;
${MAIN_WG}
  if (w >= p.C) { return; }
  let c = w;
  let M = p.N * p.S;
  let mu = MEAN[c];
  var sg = 0.0;
  var sgd = 0.0;
  for (var j = t; j < M; j += ${WG}u) {
    let n = j / p.S;
    let e = (n * p.C + c) * p.S + j - n * p.S;
    let gv = G[e];
    sg += gv;
    sgd += gv * (X[e] - mu);
  }
  sg = wgSum(t, sg);
  sgd = wgSum(t, sgd);
  if (t == 0u) {
    DW[c] = sgd * INVSTD[c];
    DB[c] = sg;
  }
}`, 6);
        rt.run(k, [x, g, mean, invstd, dw!, db!], new Params().u(a.N, C, a.S), groups1d(C, 1), [4, 5]);
      }
      let dx: Storage | null = null;
      if (need.input) {
        dx = rt.alloc(g.dtype, g.size);
        const bufs = a.training ? [x, g, mean, invstd] : [g, invstd];
        if (weight) bufs.push(weight);
        if (a.training) bufs.push(dw!, db!);
        bufs.push(dx);
        const decl = (name: string, i: number, write = false): string =>
          `@group(0) @binding(${i}) var<storage, ${write ? 'read_write' : 'read'}> ${name}: array<f32>;\n`;
        const names = a.training ? ['X', 'G', 'MEAN', 'INVSTD'] : ['G', 'INVSTD'];
        if (weight) names.push('W');
        if (a.training) names.push('SGH', 'SG');
        const decls = names.map((nm, i) => decl(nm, i)).join('') + decl('DX', names.length, true);
        // k = γ·invstd;  training: dx = k·(g − Σg/M − x̂·Σ(g·x̂)/M);  evaluation: dx = k·g.
        const body = a.training
          ? `let r = INVSTD[c];
  DX[i] = kc * (G[i] - SG[c] * p.invM - (X[i] - MEAN[c]) * r * SGH[c] * p.invM);`
          : 'DX[i] = kc * G[i];';
        const k = rt.kernel(`batchNorm grad input${a.training ? '' : ' eval'}${weight ? ' weight' : ''}`, `${COMMON}
${decls}struct Params { n: u32, C: u32, S: u32, invM: f32 }
@group(0) @binding(${bufs.length}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let c = (i / p.S) % p.C;
  let kc = ${weight ? 'W[c] * ' : ''}INVSTD[c];
  ${body}
}`, bufs.length);
        const M = a.N * a.S;
        rt.run(k, bufs, new Params().u(g.size, C, a.S).f(M > 0 ? 1 / M : 0), groups1d(g.size), [bufs.length - 1]);
      }
      const keepW = need.weight ? dw : null, keepB = need.bias ? db : null;
      if (dw && !keepW) rt.free(dw);
      if (db && !keepB) rt.free(db);
      return { dx, dw: keepW, db: keepB };
    },
  };
}
