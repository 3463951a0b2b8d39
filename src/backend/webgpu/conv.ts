// backend/webgpu/conv.ts — conv2d, conv2dGradInput, conv2dGradWeight and matmul as tiled GEMMs.
//
// One GEMM skeleton (gemmShader) serves all four: C[M×N] = A[M×K]·B[K×N], where each kernel says how an
// element of A and of B is fetched from its buffers and where an element of C goes. Nothing is unfolded
// into global memory (no im2col buffer): the convolution kernels gather their operand tiles straight
// from the NCHW tensors ("implicit GEMM").
//
// Tiling. A workgroup of 128 invocations owns a TM×TN tile of C and walks K in steps of KT = 16; each
// step stages A[TM×16] and B[16×TN] in workgroup memory (vec4 rows along m and n: ≤ 9 KiB, plus a
// 2 KiB column table in the weight gradient), and each invocation accumulates an RM×RN register block
// from vec4 reads of them. The next step's global loads are issued into registers before the current
// step's multiply-adds, so their latency hides behind the arithmetic. Three tile shapes, picked per
// call by the padded work they would do:
//   64×64, 4×8 per invocation (the workhorse: 32 multiply-adds per 3 vec4 workgroup reads);
//   128×16 and 16×128, 4×4 per invocation (few output channels, as LeNet's 1→6; or few rows).
// Each invocation fetches whole vec4s (4 consecutive m or n at one k) so that it writes workgroup memory
// as vec4s, never components of a shared vector (which may be a read-modify-write on some compilers).
// Loads run along the operand's contiguous axis across neighbouring invocations (coalesced).
//
// (M, N, K below are the GEMM's; the batch is called "images".)
//   conv2d           per group: M = images·OH·OW positions, N = OC/groups, K = (C/groups)·KH·KW taps;
//                    A gathers x at (oh·s − pad + kh·d, ow·s − pad + kw·d), zero outside; B is the weight.
//   conv2dGradInput  per group and per stride phase (ih mod sH, iw mod sW): M = the input positions of
//                    that phase, N = C/groups, K = (OC/groups) × the taps that reach the phase. Splitting
//                    by phase leaves only taps with oh = (ih + pad − kh·d)/s integral, so no work is spent
//                    on taps that miss; the gather is then the same as the forward one, on dy.
//   conv2dGradWeight per group: M = OC/groups, N = (C/groups)·KH·KW, K = images·OH·OW (the long axis). When
//                    that leaves few tiles, K is split into chunks that write partial sums, and a second
//                    pass adds the chunks in a fixed order (deterministic; WGSL has no float atomics).
//   matmul           batch in the z dimension; transA/transB change only how the tiles are fetched. Long
//                    K with few tiles is split as in conv2dGradWeight.
// Depthwise-like convolutions (1 or 2 channels per group on the GEMM's N side) waste most of any tile:
// they use direct kernels instead — one invocation per output (forward, grad input), one workgroup per
// weight with a tree reduction (grad weight).
//
// Index walks. Tap and position indices advance by a fixed 16 per K step, so each invocation decodes its
// index into mixed-radix digits (channel, kh, kw) or (image, oh, ow) once and then steps the digits with
// two carries, instead of dividing per element. All per-call numbers travel in the Params uniform; the
// shader source depends only on the tile shape, the transposes and whether there is a bias.

import type { Conv2dAttrs, Kernels } from '../backend.js';
import { convInputSize, convOutputSize, convWeightSize } from '../backend.js';
import type { Storage } from '../storage.js';
import { GpuRuntime, Params, groups1d, type Kernel } from './runtime.js';
import { COMMON, MAIN_1D } from './wgsl.js';

const WG = 128;
const KT = 16;
/** Marks an invalid row/tap: any coordinate built from it stays negative, so the bounds test fails. */
const BIG = '(-0x10000000)';
/** Workgroups below which a long reduction is split (several per multiprocessor on a large GPU). */
const SPLIT_TARGET = 512;
/** Fewest K steps per split chunk. */
const MIN_STEPS_PER_SPLIT = 8;
const MAX_GROUPS = 65535;

interface Tile { name: string; TM: number; TN: number; RM: number; RN: number; cost: number }
const TILES: Tile[] = [
  { name: '64x64', TM: 64, TN: 64, RM: 4, RN: 8, cost: 1 },
  { name: '128x16', TM: 128, TN: 16, RM: 4, RN: 4, cost: 1.5 },
  { name: '16x128', TM: 16, TN: 128, RM: 4, RN: 4, cost: 1.5 },
];

/** The tile with the least padded work (narrow tiles count 1.5×: less reuse per load). */
function pickTile(M: number, N: number): Tile {
  let best = TILES[0], bestCost = Infinity;
  for (const t of TILES) {
    const c = Math.ceil(M / t.TM) * t.TM * Math.ceil(N / t.TN) * t.TN * t.cost;
    if (c < bestCost) { best = t; bestCost = c; }
  }
  return best;
}

/** How the 128 invocations cover one operand's 16×T tile as vec4s (4 consecutive m or n at one k):
 *  'mn' — neighbours take neighbouring quads along m/n (operand contiguous along m/n), k rows per pass;
 *  'k'  — neighbours take neighbouring k (operand contiguous along k), quads per pass. */
type Mode = 'mn' | 'k';
interface Slot { kRow: string; quad: string; guard: string | null }
function slots(mode: Mode, T: number): Slot[] {
  const Q = T / 4;
  if (mode === 'mn') {
    const rows = WG / Q;
    if (rows >= KT) return [{ kRow: `(lid / ${Q}u)`, quad: `(lid % ${Q}u)`, guard: rows > KT ? `lid < ${Q * KT}u` : null }];
    return Array.from({ length: KT / rows }, (_, j) => ({ kRow: `(lid / ${Q}u + ${rows * j}u)`, quad: `(lid % ${Q}u)`, guard: null }));
  }
  const per = WG / KT;
  if (Q <= per) return [{ kRow: `(lid % ${KT}u)`, quad: `(lid / ${KT}u)`, guard: Q < per ? `lid < ${Q * KT}u` : null }];
  return Array.from({ length: Q / per }, (_, j) => ({ kRow: `(lid % ${KT}u)`, quad: `(lid / ${KT}u + ${per * j}u)`, guard: null }));
}

const guarded = (s: Slot, code: string): string => (s.guard ? `if (${s.guard}) { ${code} }` : `{ ${code} }`);
const E = [0, 1, 2, 3];

/** The common head of every GEMM kernel's Params (8 words), then the kernel's own fields. */
const PARAMS_HEAD = 'M: u32, N: u32, K: u32, S: u32, Z: u32, z0: u32, kChunk: u32, _pad: u32,';

const DIGITS = /* wgsl */ `
// k as mixed-radix digits (hi, mid, lo) with radices (∞, r1, r2), and such digits advanced by d (< one
// step of each radix but the top): two carries, no division.
fn digits(k: u32, r1: u32, r2: u32) -> vec3u { let q = k / r2; return vec3u(q / r1, q % r1, k % r2); }
fn stepDigits(t: vec3u, d: vec3u, r1: u32, r2: u32) -> vec3u {
  var lo = t.z + d.z; var mid = t.y + d.y; var hi = t.x + d.x;
  if (lo >= r2) { lo -= r2; mid += 1u; }
  if (mid >= r1) { mid -= r1; hi += 1u; }
  return vec3u(hi, mid, lo);
}`;

interface GemmParts {
  tile: Tile;
  /** Which index neighbouring invocations take in the register block: along m when C is contiguous along
   *  m (convolution outputs), along n otherwise. */
  order: 'm' | 'n';
  aMode: Mode;
  bMode: Mode;
  /** Bindings, `struct Params { ${PARAMS_HEAD} … }` and its binding, helper functions. */
  decls: string;
  /** Per-invocation state, once (mt, nt, z, split, kBegin and the slot variables are known). */
  setup: string;
  /** Fills ra[j], rb[j] for the K step starting at `kn`, then steps the state. */
  load: string;
  /** Once per output row m (in bounds); then `store` per element with n and v. */
  storeRow: string;
  store: string;
}

/** The GEMM skeleton shared by every kernel of this file (see the header). */
function gemmShader(g: GemmParts): string {
  const { TM, TN, RM, RN } = g.tile;
  const sa = slots(g.aMode, TM), sb = slots(g.bMode, TN);
  const RN4 = RN / 4;
  const [tm, tn] = g.order === 'm'
    ? [`lid % ${TM / RM}u`, `lid / ${TM / RM}u`]
    : [`lid / ${TN / RN}u`, `lid % ${TN / RN}u`];
  const slotVars = [
    ...sa.map((s, j) => `let aK${j} = ${s.kRow}; let aQ${j} = ${s.quad};`),
    ...sb.map((s, j) => `let bK${j} = ${s.kRow}; let bQ${j} = ${s.quad};`),
  ].join('\n  ');
  const toShared = [
    ...sa.map((s, j) => guarded(s, `As[aK${j} * ${TM / 4}u + aQ${j}] = ra[${j}];`)),
    ...sb.map((s, j) => guarded(s, `Bs[bK${j} * ${TN / 4}u + bQ${j}] = rb[${j}];`)),
  ].join('\n    ');
  let fma = '';
  for (let kk = 0; kk < KT; kk++) {
    fma += `\n    { let a = As[${kk * (TM / 4)}u + tm];`;
    for (let c = 0; c < RN4; c++) fma += ` let b${c} = Bs[${kk * (TN / 4)}u + tn * ${RN4}u + ${c}u];`;
    for (let i = 0; i < RM; i++) {
      for (let c = 0; c < RN4; c++) fma += ` acc[${i * RN4 + c}] += a[${i}] * b${c};`;
    }
    fma += ' }';
  }
  let store = '';
  for (let i = 0; i < RM; i++) {
    store += `\n  { let m = mt + tm * ${RM}u + ${i}u;\n    if (m < p.M) {\n      ${g.storeRow}`;
    for (let c = 0; c < RN4; c++) {
      for (const e of E) {
        store += `\n      { let n = nt + tn * ${RN}u + ${c * 4 + e}u; let v = acc[${i * RN4 + c}][${e}]; if (n < p.N) { ${g.store} } }`;
      }
    }
    store += '\n    }\n  }';
  }
  return `${COMMON}${DIGITS}
${g.decls}
var<workgroup> As: array<vec4f, ${(KT * TM) / 4}>;
var<workgroup> Bs: array<vec4f, ${(KT * TN) / 4}>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  // z runs over (m-tile rows beyond 65,535, group or batch, split chunk), the split fastest.
  let zAll = wid.z + p.z0;
  let split = zAll % p.S;
  let zz = zAll / p.S;
  let z = zz % p.Z;
  let mt = ((zz / p.Z) * nwg.x + wid.x) * ${TM}u;
  let nt = wid.y * ${TN}u;
  let kBegin = split * p.kChunk;
  let kEnd = min(p.K, kBegin + p.kChunk);
  let tm = ${tm};
  let tn = ${tn};
  ${slotVars}
  var ra: array<vec4f, ${sa.length}>;
  var rb: array<vec4f, ${sb.length}>;
  var acc: array<vec4f, ${(RM * RN) / 4}>;
  ${g.setup}
  if (kBegin < kEnd) { let kn = kBegin; ${g.load} }
  for (var kt = kBegin; kt < kEnd; kt += ${KT}u) {
    workgroupBarrier();
    ${toShared}
    workgroupBarrier();
    if (kt + ${KT}u < kEnd) { let kn = kt + ${KT}u; ${g.load} }${fma}
  }${store}
}`;
}

// --------------------------------------------------------------------------- the kernels' fetch code

/** Fetch code for one A slot along 'mn' of the implicit convolution: four rows (yB, xB, sB per row,
 *  fixed) at this slot's tap (digits ta_j). */
function implicitLoadA(s: Slot, j: number): string {
  let body = `let k = kn + aK${j};
      let ty = select(${BIG}, i32(ta${j}.y) * p.cH, k < p.K);
      let tx = i32(ta${j}.z) * p.cW;
      let co = ta${j}.x * SHW;
      var v = vec4f(0.0);`;
  for (const e of E) {
    body += `\n      { let y = yB[${e}] + ty; let x = xB[${e}] + tx;
        if (u32(y) < u32(p.SH) && u32(x) < u32(p.SW)) { v[${e}] = src[sB[${e}] + co + u32(y * p.SW + x)]; } }`;
  }
  return `${guarded(s, `${body}\n      ra[${j}] = v;`)}\n    ta${j} = stepDigits(ta${j}, dT, p.TH, p.TW);`;
}

/**
 * conv2d and conv2dGradInput. The M side is a lattice of (image, i, j) with i < MH, j < MW; the source
 * (x, or dy) is read at row i·aH + bH + th·cH, column j·aW + bW + tw·cW of channel z·(channels per group)
 * + ch, for the K index's digits (ch, th, tw) with radices (TH, TW). The weight of (k, col) is
 * w[z·wZ + col·wCol + ch·wCh + th·wTh + tw·wTw + wOff]; the output of (m, col) lands at
 * image·outImg + z·outZ + col·outCol + i·outI + j·outJ + outOff.
 */
function implicitShader(tile: Tile, bias: boolean): string {
  const sa = slots('mn', tile.TM), sb = slots('k', tile.TN);
  let setup = `let plane = p.MH * p.MW;
  let SHW = u32(p.SH * p.SW);
  var yB: vec4i; var xB: vec4i; var sB: vec4u;`;
  for (const e of E) {
    setup += `\n  { let m = mt + aQ0 * 4u + ${e}u; let r = m % plane;
    yB[${e}] = select(${BIG}, i32(r / p.MW) * p.aH + p.bH, m < p.M); xB[${e}] = i32(r % p.MW) * p.aW + p.bW;
    sB[${e}] = (m / plane) * p.srcImg + z * p.srcZ; }`;
  }
  setup += `\n  let dT = digits(${KT}u, p.TH, p.TW);`;
  sa.forEach((_, j) => { setup += `\n  var ta${j} = digits(kBegin + aK${j}, p.TH, p.TW);`; });
  setup += `\n  var tb = digits(kBegin + bK0, p.TH, p.TW);\n  let wBase = z * p.wZ;`;
  let load = sa.map((s, j) => implicitLoadA(s, j)).join('\n    ');
  load += `\n    { let k = kn + bK0;
      let kOff = wBase + tb.x * p.wCh + tb.y * p.wTh + tb.z * p.wTw + p.wOff;`;
  sb.forEach((s, j) => {
    let body = 'var v = vec4f(0.0);';
    for (const e of E) body += ` { let col = nt + bQ${j} * 4u + ${e}u; if (k < p.K && col < p.N) { v[${e}] = wt[kOff + col * p.wCol]; } }`;
    load += `\n      ${guarded(s, `${body} rb[${j}] = v;`)}`;
  });
  load += '\n      tb = stepDigits(tb, dT, p.TH, p.TW); }';
  const out = bias ? 3 : 2;
  return gemmShader({
    tile, order: 'm', aMode: 'mn', bMode: 'k',
    decls: `@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
${bias ? '@group(0) @binding(2) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${out}) var<storage, read_write> out: array<f32>;
struct Params { ${PARAMS_HEAD}
  MH: u32, MW: u32, SH: i32, SW: i32, srcImg: u32, srcZ: u32,
  aH: i32, bH: i32, cH: i32, aW: i32, bW: i32, cW: i32, TH: u32, TW: u32,
  wZ: u32, wCol: u32, wCh: u32, wTh: u32, wTw: u32, wOff: u32,
  outImg: u32, outZ: u32, outCol: u32, outI: u32, outJ: u32, outOff: u32 }
@group(0) @binding(${out + 1}) var<uniform> p: Params;`,
    setup, load,
    storeRow: `let r = m % plane;
      let rowOff = (m / plane) * p.outImg + z * p.outZ + (r / p.MW) * p.outI + (r % p.MW) * p.outJ + p.outOff;`,
    store: bias ? 'out[rowOff + n * p.outCol] = v + bias[z * p.N + n];' : 'out[rowOff + n * p.outCol] = v;',
  });
}

/** The plain output layout [split][z][m][n] (the final one when not split). */
const PLAIN_STORE = { storeRow: 'let rowOff = ((split * p.Z + z) * p.M + m) * p.N;', store: 'out[rowOff + n] = v;' };

/**
 * conv2dGradWeight: A = dy as [OC/groups × N·OH·OW], B = the unfolded x as [N·OH·OW × (C/groups)·KH·KW],
 * both fetched along the position index r (contiguous in memory). Each invocation keeps one r (as
 * (image, oh, ow) digits); the tile's columns (c, kh, kw) are decoded once into workgroup memory.
 */
function gradWeightShader(tile: Tile): string {
  const sa = slots('k', tile.TM), sb = slots('k', tile.TN);
  const setup = `if (lid < ${tile.TN}u) {
    let col = nt + lid; let khw = p.KH * p.KW; let r = col % khw;
    colInfo[lid] = vec4i(i32((col / khw) * u32(p.H * p.W)), select(${BIG}, i32(r / p.KW) * p.dH, col < p.N), i32(r % p.KW) * p.dW, 0);
  }
  workgroupBarrier();
  let P = p.OH * p.OW;
  let dR = digits(${KT}u, p.OH, p.OW);
  var pos = digits(kBegin + aK0, p.OH, p.OW);`;
  let load = `{ let r = kn + aK0; let ok = r < p.K;
      let dyb = pos.x * p.dyImg + z * p.dyZ + pos.y * p.OW + pos.z;`;
  sa.forEach((s, j) => {
    let body = 'var v = vec4f(0.0);';
    for (const e of E) body += ` { let oc = mt + aQ${j} * 4u + ${e}u; if (ok && oc < p.M) { v[${e}] = dy[dyb + oc * P]; } }`;
    load += `\n      ${guarded(s, `${body} ra[${j}] = v;`)}`;
  });
  load += `\n      let ohs = select(${BIG}, i32(pos.y) * p.sH - p.pt, ok); let ows = i32(pos.z) * p.sW - p.pl;
      let xb = pos.x * p.xImg + z * p.xZ;`;
  sb.forEach((s, j) => {
    let body = 'var v = vec4f(0.0);';
    for (const e of E) {
      body += `\n        { let ci = colInfo[bQ${j} * 4u + ${e}u]; let ih = ohs + ci.y; let iw = ows + ci.z;
          if (u32(ih) < u32(p.H) && u32(iw) < u32(p.W)) { v[${e}] = xs[xb + u32(ci.x + ih * p.W + iw)]; } }`;
    }
    load += `\n      ${guarded(s, `${body}\n        rb[${j}] = v;`)}`;
  });
  load += '\n      pos = stepDigits(pos, dR, p.OH, p.OW); }';
  return gemmShader({
    tile, order: 'n', aMode: 'k', bMode: 'k',
    decls: `@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { ${PARAMS_HEAD}
  OH: u32, OW: u32, H: i32, W: i32, sH: i32, sW: i32, pt: i32, pl: i32, dH: i32, dW: i32, KH: u32, KW: u32,
  xImg: u32, xZ: u32, dyImg: u32, dyZ: u32 }
@group(0) @binding(3) var<uniform> p: Params;
// Per tile column (c, kh, kw): c·H·W, kh·dH (invalid column: far negative), kw·dW.
var<workgroup> colInfo: array<vec4i, ${tile.TN}>;`,
    setup, load, ...PLAIN_STORE,
  });
}

/** matmul: A [M×K] (transA: [K×M]) and B [K×N] (transB: [N×K]) per batch z. */
function matmulShader(tile: Tile, transA: boolean, transB: boolean): string {
  const aMode: Mode = transA ? 'mn' : 'k', bMode: Mode = transB ? 'k' : 'mn';
  const sa = slots(aMode, tile.TM), sb = slots(bMode, tile.TN);
  const fetch = (s: Slot, j: number, reg: 'ra' | 'rb', kVar: string, idx: (e: number) => [string, string]): string => {
    let body = `let k = kn + ${kVar}; var v = vec4f(0.0);`;
    for (const e of E) {
      const [cond, at] = idx(e);
      body += ` { ${cond} if (k < p.K && ok) { v[${e}] = ${at}; } }`;
    }
    return guarded(s, `${body} ${reg}[${j}] = v;`);
  };
  const loadA = sa.map((s, j) => fetch(s, j, 'ra', `aK${j}`, (e) => [
    `let m = mt + aQ${j} * 4u + ${e}u; let ok = m < p.M;`,
    transA ? 'A[aBase + k * p.M + m]' : 'A[aBase + m * p.K + k]']));
  const loadB = sb.map((s, j) => fetch(s, j, 'rb', `bK${j}`, (e) => [
    `let n = nt + bQ${j} * 4u + ${e}u; let ok = n < p.N;`,
    transB ? 'B[bBase + n * p.K + k]' : 'B[bBase + k * p.N + n]']));
  return gemmShader({
    tile, order: 'n', aMode, bMode,
    decls: `@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { ${PARAMS_HEAD} }
@group(0) @binding(3) var<uniform> p: Params;`,
    setup: 'let aBase = z * p.M * p.K; let bBase = z * p.K * p.N;',
    load: [...loadA, ...loadB].join('\n    '),
    ...PLAIN_STORE,
  });
}

// ----------------------------------------------------------------------------------- direct kernels

const CONV_FIELDS = 'C: u32, H: i32, W: i32, OC: u32, OH: u32, OW: u32, KH: u32, KW: u32, Cg: u32, OCg: u32, sH: i32, sW: i32, pt: i32, pl: i32, dH: i32, dW: i32';
const convFields = (a: Conv2dAttrs, p: Params): Params => p.u(a.C).i(a.H, a.W).u(a.OC, a.OH, a.OW, a.KH, a.KW, a.C / a.groups, a.OC / a.groups)
  .i(a.strideH, a.strideW, a.padTop, a.padLeft, a.dilationH, a.dilationW);

/** Forward, one invocation per output: the sum over the group's channels and the taps inside the input. */
function directForwardShader(bias: boolean): string {
  const out = bias ? 3 : 2;
  return `${COMMON}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
${bias ? '@group(0) @binding(2) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${out}) var<storage, read_write> y: array<f32>;
struct Params { n: u32, ${CONV_FIELDS} }
@group(0) @binding(${out + 1}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let ow = i % p.OW; let t = i / p.OW; let oh = t % p.OH; let t2 = t / p.OH; let oc = t2 % p.OC; let img = t2 / p.OC;
  let c0 = (oc / p.OCg) * p.Cg;
  var s = 0.0;
  for (var c = 0u; c < p.Cg; c++) {
    let xb = (img * p.C + c0 + c) * u32(p.H * p.W);
    let wb = (oc * p.Cg + c) * p.KH * p.KW;
    for (var kh = 0u; kh < p.KH; kh++) {
      let ih = i32(oh) * p.sH - p.pt + i32(kh) * p.dH;
      if (u32(ih) >= u32(p.H)) { continue; }
      for (var kw = 0u; kw < p.KW; kw++) {
        let iw = i32(ow) * p.sW - p.pl + i32(kw) * p.dW;
        if (u32(iw) < u32(p.W)) { s += x[xb + u32(ih * p.W + iw)] * w[wb + kh * p.KW + kw]; }
      }
    }
  }
  y[i] = ${bias ? 's + bias[oc]' : 's'};
}`;
}

/** Grad input, one invocation per input element: the taps whose output position is integral and inside. */
const DIRECT_GRAD_INPUT = `${COMMON}
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
struct Params { n: u32, ${CONV_FIELDS} }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let iw = i32(i % u32(p.W)); let t = i / u32(p.W); let ih = i32(t % u32(p.H)); let t2 = t / u32(p.H);
  let c = t2 % p.C; let img = t2 / p.C;
  let g = c / p.Cg; let cl = c % p.Cg;
  var s = 0.0;
  for (var o = 0u; o < p.OCg; o++) {
    let oc = g * p.OCg + o;
    let db = (img * p.OC + oc) * p.OH * p.OW;
    let wb = (oc * p.Cg + cl) * p.KH * p.KW;
    for (var kh = 0u; kh < p.KH; kh++) {
      let th = ih + p.pt - i32(kh) * p.dH;
      if (th < 0 || th % p.sH != 0 || u32(th / p.sH) >= p.OH) { continue; }
      let oh = u32(th / p.sH);
      for (var kw = 0u; kw < p.KW; kw++) {
        let tw = iw + p.pl - i32(kw) * p.dW;
        if (tw < 0 || tw % p.sW != 0 || u32(tw / p.sW) >= p.OW) { continue; }
        s += dy[db + oh * p.OW + u32(tw / p.sW)] * w[wb + kh * p.KW + kw];
      }
    }
  }
  dx[i] = s;
}`;

/** Grad weight, one workgroup per weight element and chunk of positions; a tree sum in workgroup memory. */
const DIRECT_GRAD_WEIGHT = `${COMMON}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
struct Params { size: u32, R: u32, chunk: u32, ${CONV_FIELDS} }
@group(0) @binding(3) var<uniform> p: Params;
var<workgroup> red: array<f32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3u) {
  let widx = wid.x + wid.y * nwg.x;
  if (widx >= p.size) { return; }
  let kw = widx % p.KW; let t = widx / p.KW; let kh = t % p.KH; let t2 = t / p.KH;
  let cl = t2 % p.Cg; let oc = t2 / p.Cg;
  let c = (oc / p.OCg) * p.Cg + cl;
  let P = p.OH * p.OW;
  let begin = wid.z * p.chunk;
  let end = min(p.R, begin + p.chunk);
  var s = 0.0;
  for (var r = begin + lid; r < end; r += ${WG}u) {
    let img = r / P; let q = r % P;
    let ih = i32(q / p.OW) * p.sH - p.pt + i32(kh) * p.dH;
    let iw = i32(q % p.OW) * p.sW - p.pl + i32(kw) * p.dW;
    if (u32(ih) < u32(p.H) && u32(iw) < u32(p.W)) {
      s += dy[(img * p.OC + oc) * P + q] * x[(img * p.C + c) * u32(p.H * p.W) + u32(ih * p.W + iw)];
    }
  }
  red[lid] = s;
  workgroupBarrier();
  for (var h = ${WG / 2}u; h > 0u; h >>= 1u) {
    if (lid < h) { red[lid] += red[lid + h]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[wid.z * p.size + widx] = red[0]; }
}`;

/** out[i] = Σ_s part[s·n + i], s in order: the deterministic second pass of a split reduction. */
const SUM_SPLITS = `${COMMON}
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params { n: u32, S: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  var s = 0.0;
  for (var k = 0u; k < p.S; k++) { s += part[k * p.n + i]; }
  out[i] = s;
}`;

// ------------------------------------------------------------------------------------------ launch

interface Split { S: number; kChunk: number }

/** Splits a reduction of K into chunks (whole K steps) when tiles alone give too few workgroups. */
function splitK(tiles: number, K: number): Split {
  const steps = Math.ceil(K / KT);
  const S0 = Math.min(Math.ceil(SPLIT_TARGET / Math.max(tiles, 1)), Math.floor(steps / MIN_STEPS_PER_SPLIT));
  if (S0 <= 1) return { S: 1, kChunk: steps * KT };
  const chunk = Math.ceil(steps / S0);
  return { S: Math.ceil(steps / chunk), kChunk: chunk * KT };
}

/** Workgroups a GEMM launches before any split of K. */
const gemmTiles = (t: Tile, M: number, N: number, Z: number): number => Math.ceil(M / t.TM) * Math.ceil(N / t.TN) * Z;

function checkF32(name: string, ...s: Storage[]): void {
  for (const x of s) if (x.dtype !== 'float32') throw new Error(`webgpu ${name}: expected float32 data, got ${x.dtype}`);
}

function gcd(a: number, b: number): number { while (b) [a, b] = [b, a % b]; return a; }

export function convKernels(rt: GpuRuntime): Pick<Kernels, 'conv2d' | 'conv2dGradInput' | 'conv2dGradWeight' | 'matmul'> {
  const cache = new Map<string, Kernel>();
  const kernel = (key: string, buffers: number, code: () => string): Kernel => {
    let k = cache.get(key);
    if (!k) { k = rt.kernel(key, code(), buffers); cache.set(key, k); }
    return k;
  };

  /** Records a GEMM kernel over M×N tiles × Z × splits (z beyond 65,535 in several dispatches). */
  const gemm = (k: Kernel, tile: Tile, storages: Storage[], M: number, N: number, K: number, Z: number, split: Split,
    fields: (p: Params) => Params, write: number): void => {
    const tilesM = Math.ceil(M / tile.TM), tilesN = Math.ceil(N / tile.TN);
    if (!tilesM || !tilesN || !Z) return;
    if (tilesN > MAX_GROUPS) throw new Error(`webgpu ${k.name}: ${N} columns exceed the dispatch limit`);
    const outer = Math.ceil(tilesM / MAX_GROUPS), gx = Math.ceil(tilesM / outer);
    const total = outer * Z * split.S;
    for (let z0 = 0; z0 < total; z0 += MAX_GROUPS) {
      const p = fields(new Params().u(M, N, K, split.S, Z, z0, split.kChunk, 0));
      rt.run(k, storages, p, [gx, tilesN, Math.min(MAX_GROUPS, total - z0)], [write]);
    }
  };

  /** A GEMM whose plain [z][m][n] output may be split along K: partials, then their ordered sum. */
  const splitGemm = (k: (t: Tile) => Kernel, tile: Tile, inputs: Storage[], out: Storage, M: number, N: number, K: number, Z: number,
    fields: (p: Params) => Params): void => {
    const split = splitK(gemmTiles(tile, M, N, Z), K);
    if (split.S === 1) { gemm(k(tile), tile, [...inputs, out], M, N, K, Z, split, fields, inputs.length); return; }
    const part = rt.alloc('float32', split.S * out.size);
    gemm(k(tile), tile, [...inputs, part], M, N, K, Z, split, fields, inputs.length);
    sumSplits(part, out, split.S);
    rt.free(part);
  };

  const sumSplits = (part: Storage, out: Storage, S: number): void => {
    const k = kernel('conv sum splits', 2, () => SUM_SPLITS);
    rt.run(k, [part, out], new Params().u(out.size, S), groups1d(out.size), [1]);
  };

  const implicitKernel = (t: Tile, bias: boolean): Kernel =>
    kernel(`conv implicit gemm ${t.name}${bias ? ' bias' : ''}`, bias ? 4 : 3, () => implicitShader(t, bias));

  return {
    matmul(a: Storage, b: Storage, batch: number, M: number, K: number, N: number, transA = false, transB = false): Storage {
      checkF32('matmul', a, b);
      const out = rt.alloc('float32', batch * M * N);
      if (!out.size) return out;
      const tile = pickTile(M, N);
      const kf = (t: Tile): Kernel => kernel(`matmul ${t.name}${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''}`, 3,
        () => matmulShader(t, transA, transB));
      splitGemm(kf, tile, [a, b], out, M, N, K, batch, (p) => p);
      return out;
    },

    conv2d(x: Storage, w: Storage, bias: Storage | null, a: Conv2dAttrs): Storage {
      checkF32('conv2d', x, w, ...(bias ? [bias] : []));
      const y = rt.alloc('float32', convOutputSize(a));
      if (!y.size) return y;
      const Cg = a.C / a.groups, OCg = a.OC / a.groups, P = a.OH * a.OW;
      const io = bias ? [x, w, bias, y] : [x, w, y];
      if (OCg <= 2) {
        const k = kernel(`conv2d direct${bias ? ' bias' : ''}`, io.length, () => directForwardShader(!!bias));
        rt.run(k, io, convFields(a, new Params().u(y.size)), groups1d(y.size), [io.length - 1]);
        return y;
      }
      const K = Cg * a.KH * a.KW, M = a.N * P;
      const tile = pickTile(M, OCg);
      gemm(implicitKernel(tile, !!bias), tile, io, M, OCg, K, a.groups, { S: 1, kChunk: Math.ceil(K / KT) * KT }, (p) => p
        .u(a.OH, a.OW).i(a.H, a.W).u(a.C * a.H * a.W, Cg * a.H * a.W)
        .i(a.strideH, -a.padTop, a.dilationH, a.strideW, -a.padLeft, a.dilationW).u(a.KH, a.KW)
        .u(OCg * K, K, a.KH * a.KW, a.KW, 1, 0)
        .u(a.OC * P, OCg * P, P, a.OW, 1, 0), io.length - 1);
      return y;
    },

    conv2dGradInput(dy: Storage, w: Storage, a: Conv2dAttrs): Storage {
      checkF32('conv2dGradInput', dy, w);
      const dx = rt.alloc('float32', convInputSize(a));
      if (!dx.size) return dx;
      const Cg = a.C / a.groups, OCg = a.OC / a.groups, HW = a.H * a.W, KHW = a.KH * a.KW;
      if (Cg <= 2 || OCg === 0 || a.OH * a.OW === 0) {
        const k = kernel('conv2dGradInput direct', 3, () => DIRECT_GRAD_INPUT);
        rt.run(k, [dy, w, dx], convFields(a, new Params().u(dx.size)), groups1d(dx.size), [2]);
        return dx;
      }
      // One GEMM per stride phase (rh, rw): input rows ih ≡ rh (mod sH) are reached exactly by the taps
      // kh ≡ kh0 (mod sH / gcd(sH, dH)), at output row oh = i + bH − th·dH/gcd for ih = rh + sH·i.
      const axis = (s: number, d: number, pad: number, r: number, KS: number, size: number) => {
        const g = gcd(s, d), step = s / g;
        let k0 = -1;
        for (let k = 0; k < step && k < KS; k++) if ((((r + pad - k * d) % s) + s) % s === 0) { k0 = k; break; }
        const taps = k0 < 0 ? 0 : Math.ceil((KS - k0) / step);
        return { count: Math.ceil((size - r) / s), k0: Math.max(k0, 0), step, taps, b: k0 < 0 ? 0 : (r + pad - k0 * d) / s, c: -(d / g) };
      };
      for (let rh = 0; rh < Math.min(a.strideH, a.H); rh++) {
        for (let rw = 0; rw < Math.min(a.strideW, a.W); rw++) {
          const h = axis(a.strideH, a.dilationH, a.padTop, rh, a.KH, a.H);
          const v = axis(a.strideW, a.dilationW, a.padLeft, rw, a.KW, a.W);
          const M = a.N * h.count * v.count, K = OCg * h.taps * v.taps;
          const tile = pickTile(M, Cg);
          gemm(implicitKernel(tile, false), tile, [dy, w, dx], M, Cg, K, a.groups, { S: 1, kChunk: Math.ceil(K / KT) * KT }, (p) => p
            .u(h.count, v.count).i(a.OH, a.OW).u(a.OC * a.OH * a.OW, OCg * a.OH * a.OW)
            .i(1, h.b, h.c, 1, v.b, v.c).u(Math.max(h.taps, 1), Math.max(v.taps, 1))
            .u(OCg * Cg * KHW, KHW, Cg * KHW, h.step * a.KW, v.step, h.k0 * a.KW + v.k0)
            .u(a.C * HW, Cg * HW, HW, a.strideH * a.W, a.strideW, rh * a.W + rw), 2);
        }
      }
      return dx;
    },

    conv2dGradWeight(x: Storage, dy: Storage, a: Conv2dAttrs): Storage {
      checkF32('conv2dGradWeight', x, dy);
      const dw = rt.alloc('float32', convWeightSize(a));
      if (!dw.size) return dw;
      const Cg = a.C / a.groups, OCg = a.OC / a.groups, P = a.OH * a.OW, R = a.N * P;
      if (OCg <= 2) {
        const S0 = Math.min(Math.ceil(SPLIT_TARGET / dw.size), Math.floor(R / (WG * 16)));
        const S = Math.max(1, S0), chunk = Math.max(1, Math.ceil(R / S));
        const gx = Math.min(dw.size, MAX_GROUPS), gy = Math.ceil(dw.size / gx);
        const k = kernel('conv2dGradWeight direct', 3, () => DIRECT_GRAD_WEIGHT);
        const target = S > 1 ? rt.alloc('float32', S * dw.size) : dw;
        rt.run(k, [x, dy, target], convFields(a, new Params().u(dw.size, R, chunk)), [gx, gy, Math.ceil(R / chunk) || 1], [2]);
        if (target !== dw) { sumSplits(target, dw, Math.ceil(R / chunk)); rt.free(target); }
        return dw;
      }
      const N = Cg * a.KH * a.KW;
      const tile = pickTile(OCg, N);
      const kf = (t: Tile): Kernel => kernel(`conv2dGradWeight gemm ${t.name}`, 3, () => gradWeightShader(t));
      splitGemm(kf, tile, [x, dy], dw, OCg, N, R, a.groups, (p) => p
        .u(a.OH, a.OW).i(a.H, a.W, a.strideH, a.strideW, a.padTop, a.padLeft, a.dilationH, a.dilationW).u(a.KH, a.KW)
        .u(a.C * a.H * a.W, Cg * a.H * a.W, a.OC * P, OCg * P));
      return dw;
    },
  };
}
