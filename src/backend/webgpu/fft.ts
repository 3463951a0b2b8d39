// backend/webgpu/fft.ts — fft, fftConv2d, fftConv2dGradInput, fftConv2dGradWeight.
//
// Semantics are ref's (backend/ref/fft.ts on backend/fft-core.ts): the same crop / zero-pad, the same
// Hermitian rebuild for c2r (the imaginary parts of the zero and, for even n, Nyquist bins ignored), the
// same convolution results. Ref computes in float64; everything here is f32, so results agree with ref to
// about 1e-4 relative to the size of the values (FFT rounding spreads over a whole line or plane: a small
// bin carries an error of the order of the largest).
//
// The transform. Work is complex (vec2f) lines of length N, laid out as [outer, N, inner], so one
// transform kernel serves contiguous lines (inner = 1: the 1-D fft, the rows of a plane) and strided ones
// (the columns of a plane: inner = the row length).
// - N a power of two: radix-2 Stockham, one dispatch per stage (log2 N of them), ping-ponging between two
//   buffers; each invocation does one butterfly. Twiddles e^(±2πit/N) come from a table computed on the
//   CPU in doubles (one per N, kept), never by repeated multiplication, so the error grows as log N.
// - any other n (the 1-D fft only): Bluestein's chirp-z algorithm on top of it, as fft-core does: the
//   line times the chirp w[j] = e^(−iπj²/n), zero-padded to m = 2^k ≥ 2n − 1, forward FFT, times the
//   spectrum of the conjugate chirp (computed on the CPU in float64 by fft-core, with the 1/m of the
//   inverse folded in), inverse FFT, times the chirp again. The inverse transform conjugates on the way
//   in and out. So every length costs O(n log n).
// Load and store are kernels of their own: load gathers each line from [outer, L, inner] (crop / zero-pad
// to n, the c2r rebuild, the chirp), store scales, keeps nOut values and scatters back to [outer, nOut, inner].
//
// FFT convolution: the cross-correlation on a grid with no index wrap (convFftGrid's hReq × wReq; here
// rounded up to powers of two, lh × lw, instead of ref's 2^a·3^b·5^c: any grid at least that large gives
// the same exact result). The planes are spread onto the grid (input at (padTop, padLeft), kernels at
// dilation steps, output gradients at stride steps), 2-D transformed (rows, then columns; full complex
// spectra, not ref's half spectra: simpler, and this is a correctness path), multiplied and summed over
// the group's channels in the frequency domain (X·conj(K) forward, DY·K for the input gradient, X·conj(DY)
// for the weight gradient, as ref), inverse transformed, and the real part read at the taps ref reads.
// Storage bindings are limited to maxStorageBufferBindingSize (128 MiB by default): the spectra of all
// N·C input planes are one buffer, which bounds the problem size.

import type { Conv2dAttrs, FftAttrs, Kernels } from '../backend.js';
import { convFftGrid, fftInPlace } from '../fft-core.js';
import type { Storage } from '../storage.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D } from './wgsl.js';

/** One radix-2 Stockham stage over lines [outer, N, inner] (half = N/2 butterflies a line); ns is the
 *  length of the sub-transforms already done; the twiddle of butterfly j is table[(j mod ns)·N/(2ns)]. */
const STAGE = /* wgsl */ `${COMMON}
@group(0) @binding(0) var<storage, read> src: array<vec2f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec2f>;
@group(0) @binding(2) var<storage, read> tw: array<vec2f>;
struct Params { count: u32, half: u32, ns: u32, twStride: u32, inner: u32, sign: f32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.count) { return; }
  let l = i / p.half;
  let j = i % p.half;
  let base = (l / p.inner) * 2u * p.half * p.inner + l % p.inner;
  let k = j % p.ns;
  let w = tw[k * p.twStride];
  let wi = p.sign * w.y;
  let a = src[base + j * p.inner];
  let c = src[base + (j + p.half) * p.inner];
  let b = vec2f(c.x * w.x - c.y * wi, c.x * wi + c.y * w.x);
  let d = (j / p.ns) * p.ns * 2u + k;
  dst[base + d * p.inner] = a + b;
  dst[base + (d + p.ns) * p.inner] = a - b;
}`;

/** complex multiply */
const CMUL = 'fn cmul(a: vec2f, b: vec2f) -> vec2f { return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }';

/** Gathers the lines of [outer, L, inner] into work [lines, N]: element j < n is the input's (zero past L),
 *  after c2r's Hermitian rebuild; Bluestein: conjugated for the inverse (conj = −1) and times the chirp. */
const loadSource = (hasIm: boolean, blue: boolean): string => {
  const b = [
    '@group(0) @binding(0) var<storage, read> re: array<f32>;',
    ...(hasIm ? ['var<storage, read> im: array<f32>;'] : []),
    ...(blue ? ['var<storage, read> chirp: array<vec2f>;'] : []),
    'var<storage, read_write> work: array<vec2f>;',
    'var<uniform> p: Params;',
  ].map((d, i) => (i === 0 ? d : `@group(0) @binding(${i}) ${d}`));
  return /* wgsl */ `${COMMON}
${CMUL}
struct Params { count: u32, N: u32, n: u32, L: u32, inner: u32, c2r: u32, conj: f32 }
${b.join('\n')}
fn sample(o: u32, c: u32, k: u32) -> vec2f {
  if (k >= p.L) { return vec2f(0.0); }
  let idx = (o * p.L + k) * p.inner + c;
  return vec2f(re[idx], ${hasIm ? 'im[idx]' : '0.0'});
}
${MAIN_1D}
  if (i >= p.count) { return; }
  let l = i / p.N;
  let j = i % p.N;
  var v = vec2f(0.0);
  if (j < p.n) {
    let o = l / p.inner;
    let c = l % p.inner;
    if (p.c2r != 0u) {
      let half = p.n / 2u + 1u;
      if (j < half) {
        v = sample(o, c, j);
        if (j == 0u || (p.n % 2u == 0u && j == half - 1u)) { v.y = 0.0; }
      } else {
        let s = sample(o, c, p.n - j);
        v = vec2f(s.x, -s.y);
      }
    } else {
      v = sample(o, c, j);
    }
${blue ? '    v = cmul(vec2f(v.x, p.conj * v.y), chirp[j]);' : ''}
  }
  work[i] = v;
}`;
};

/** Scatters the first nOut values of each work line into [outer, nOut, inner], times scale; Bluestein:
 *  times the chirp first, then conjugated for the inverse. */
const storeSource = (hasIm: boolean, blue: boolean): string => {
  const b = [
    '@group(0) @binding(0) var<storage, read> work: array<vec2f>;',
    ...(blue ? ['var<storage, read> chirp: array<vec2f>;'] : []),
    'var<storage, read_write> outRe: array<f32>;',
    ...(hasIm ? ['var<storage, read_write> outIm: array<f32>;'] : []),
    'var<uniform> p: Params;',
  ].map((d, i) => (i === 0 ? d : `@group(0) @binding(${i}) ${d}`));
  return /* wgsl */ `${COMMON}
${CMUL}
struct Params { count: u32, N: u32, nOut: u32, inner: u32, scale: f32, conj: f32 }
${b.join('\n')}
${MAIN_1D}
  if (i >= p.count) { return; }
  let l = i / p.nOut;
  let j = i % p.nOut;
  var v = work[l * p.N + j];
${blue ? '  v = cmul(v, chirp[j]);\n  v.y = p.conj * v.y;' : ''}
  let dst = ((l / p.inner) * p.nOut + j) * p.inner + l % p.inner;
  outRe[dst] = v.x * p.scale;
${hasIm ? '  outIm[dst] = v.y * p.scale;' : ''}
}`;
};

/** Bluestein's middle step: every line of work [lines, m] times the chirp filter's spectrum. */
const FILTER = /* wgsl */ `${COMMON}
${CMUL}
@group(0) @binding(0) var<storage, read_write> work: array<vec2f>;
@group(0) @binding(1) var<storage, read> filt: array<vec2f>;
struct Params { count: u32, m: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.count) { return; }
  work[i] = cmul(work[i], filt[i % p.m]);
}`;

/** Real planes [planes, rows, cols] spread onto complex lh × lw grids: element (u, v) lands at
 *  (off + u·s) along each axis; cells at or past the limits (hLim, wLim) stay zero, as ref's. */
const SPREAD = /* wgsl */ `${COMMON}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> grid: array<vec2f>;
struct Params { count: u32, lh: u32, lw: u32, rows: u32, cols: u32, offY: i32, offX: i32, sY: u32, sX: u32, hLim: u32, wLim: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.count) { return; }
  let plane = i / (p.lh * p.lw);
  let r = i % (p.lh * p.lw);
  let y = r / p.lw;
  let x = r % p.lw;
  var v = 0.0;
  let u = i32(y) - p.offY;
  let w = i32(x) - p.offX;
  if (y < p.hLim && x < p.wLim && u >= 0 && w >= 0) {
    let uu = u32(u);
    let ww = u32(w);
    if (uu % p.sY == 0u && ww % p.sX == 0u && uu / p.sY < p.rows && ww / p.sX < p.cols) {
      v = src[(plane * p.rows + uu / p.sY) * p.cols + ww / p.sX];
    }
  }
  grid[i] = vec2f(v, 0.0);
}`;

/** The frequency-domain products, summed over a group's channels (bins = lh·lw per plane):
 *  mode 0 (forward, out [N, OC]):        Σ_ci X[n, g·Cg + ci] · conj K[o, ci]
 *  mode 1 (input gradient, out [N, C]):  Σ_oo DY[n, g·OCg + oo] · K[g·OCg + oo, ci]
 *  mode 2 (weight gradient, out [OC, Cg]): Σ_n X[n, g·Cg + ci] · conj DY[n, o] */
const MAC = /* wgsl */ `${COMMON}
${CMUL}
fn cmulConj(a: vec2f, b: vec2f) -> vec2f { return vec2f(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y); }
@group(0) @binding(0) var<storage, read> A: array<vec2f>;
@group(0) @binding(1) var<storage, read> B: array<vec2f>;
@group(0) @binding(2) var<storage, read_write> acc: array<vec2f>;
struct Params { count: u32, bins: u32, mode: u32, N: u32, C: u32, OC: u32, Cg: u32, OCg: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.count) { return; }
  let P = i / p.bins;
  let b = i % p.bins;
  var s = vec2f(0.0);
  if (p.mode == 0u) {
    let n = P / p.OC;
    let o = P % p.OC;
    let g = o / p.OCg;
    for (var t = 0u; t < p.Cg; t++) {
      s += cmulConj(A[(n * p.C + g * p.Cg + t) * p.bins + b], B[(o * p.Cg + t) * p.bins + b]);
    }
  } else if (p.mode == 1u) {
    let n = P / p.C;
    let c = P % p.C;
    let g = c / p.Cg;
    let ci = c % p.Cg;
    for (var t = 0u; t < p.OCg; t++) {
      let o = g * p.OCg + t;
      s += cmul(A[(n * p.OC + o) * p.bins + b], B[(o * p.Cg + ci) * p.bins + b]);
    }
  } else {
    let o = P / p.Cg;
    let ci = P % p.Cg;
    let g = o / p.OCg;
    for (var t = 0u; t < p.N; t++) {
      s += cmulConj(A[(t * p.C + g * p.Cg + ci) * p.bins + b], B[(t * p.OC + o) * p.bins + b]);
    }
  }
  acc[i] = s;
}`;

/** The real part of complex lh × lw planes read at (off + u·s) for u < rows (and likewise along x), times
 *  scale (the 1/(lh·lw) of the inverse), plus bias[plane mod OC] if bound; taps outside [0, hLim) × [0, wLim) give 0. */
const cropSource = (bias: boolean): string => /* wgsl */ `${COMMON}
@group(0) @binding(0) var<storage, read> grid: array<vec2f>;
@group(0) @binding(1) var<storage, read_write> res: array<f32>;
${bias ? '@group(0) @binding(2) var<storage, read> bias: array<f32>;' : ''}
struct Params { count: u32, lh: u32, lw: u32, rows: u32, cols: u32, offY: i32, offX: i32, sY: u32, sX: u32, hLim: u32, wLim: u32, scale: f32, OC: u32 }
@group(0) @binding(${bias ? 3 : 2}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.count) { return; }
  let plane = i / (p.rows * p.cols);
  let r = i % (p.rows * p.cols);
  let gy = i32((r / p.cols) * p.sY) + p.offY;
  let gx = i32((r % p.cols) * p.sX) + p.offX;
  var v = 0.0;
  if (gy >= 0 && gy < i32(p.hLim) && gx >= 0 && gx < i32(p.wLim)) {
    v = grid[(plane * p.lh + u32(gy)) * p.lw + u32(gx)].x * p.scale;
  }
${bias ? '  v += bias[plane % p.OC];' : ''}
  res[i] = v;
}`;

const nextPow2 = (n: number): number => { let m = 1; while (m < n) m *= 2; return m; };
const isPow2 = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

/** Where a set of planes goes on the grid, or is read back from it (see SPREAD and cropSource). */
interface Placement { planes: number; rows: number; cols: number; offY: number; offX: number; sY: number; sX: number; hLim: number; wLim: number }

export function fftKernels(rt: GpuRuntime): Pick<Kernels, 'fft' | 'fftConv2d' | 'fftConv2dGradInput' | 'fftConv2dGradWeight'> {
  // Twiddle and chirp tables, made once per length and kept (their own buffers, so rt.constant's
  // eviction cannot free one under us); at most TABLES of them, then all are dropped and remade.
  const TABLES = 64;
  const tables = new Map<string, Storage>();
  const table = (key: string, make: () => Float32Array): Storage => {
    let s = tables.get(key);
    if (!s) {
      if (tables.size >= TABLES) { for (const t of tables.values()) rt.free(t); tables.clear(); }
      const v = make();
      s = rt.alloc('float32', v.length);
      rt.write(s, v);
      tables.set(key, s);
    }
    return s;
  };
  /** (cos, sin) of 2πt/N for t < N/2, in doubles then rounded. */
  const twiddles = (N: number): Storage => table(`tw${N}`, () => {
    const v = new Float32Array(N);
    for (let t = 0; t < N / 2; t++) { const a = (2 * Math.PI * t) / N; v[2 * t] = Math.cos(a); v[2 * t + 1] = Math.sin(a); }
    return v;
  });
  /** Bluestein's chirp w[j] = e^(−iπ j²/n), j < n (j² mod 2n keeps the angle exact, as fft-core). */
  const chirpOf = (n: number): Float64Array => {
    const w = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) { const t = (Math.PI * ((j * j) % (2 * n))) / n; w[2 * j] = Math.cos(t); w[2 * j + 1] = -Math.sin(t); }
    return w;
  };
  const chirp = (n: number): Storage => table(`chirp${n}`, () => Float32Array.from(chirpOf(n)));
  /** The spectrum (length m) of the conjugate chirp wrapped around m, divided by m: float64 through fft-core. */
  const filter = (n: number, m: number): Storage => table(`filt${n}`, () => {
    const w = chirpOf(n);
    const re = new Float64Array(m), im = new Float64Array(m);
    re[0] = w[0]; im[0] = -w[1];
    for (let j = 1; j < n; j++) { re[j] = re[m - j] = w[2 * j]; im[j] = im[m - j] = -w[2 * j + 1]; }
    fftInPlace(re, im, false);
    const v = new Float32Array(2 * m);
    for (let k = 0; k < m; k++) { v[2 * k] = re[k] / m; v[2 * k + 1] = im[k] / m; }
    return v;
  });

  /** Transforms the lines [outer, N, inner] of `data` (complex, N a power of two). Consumes data: returns
   *  the buffer holding the result (data itself or a new one) and frees the other. */
  const transform = (data: Storage, outer: number, N: number, inner: number, inverse: boolean): Storage => {
    if (N <= 1) return data;
    const k = rt.kernel('fft stage', STAGE, 3);
    const half = N / 2, count = outer * inner * half;
    const tw = twiddles(N);
    let src = data, dst = rt.alloc('float32', data.size);
    for (let ns = 1; ns < N; ns *= 2) {
      rt.run(k, [src, dst, tw], new Params().u(count, half, ns, N / (2 * ns), inner).f(inverse ? 1 : -1), groups1d(count), [1]);
      [src, dst] = [dst, src];
    }
    rt.free(dst);
    return src;
  };
  /** 2-D transform of `planes` complex lh × lw planes: rows, then columns. */
  const transform2d = (data: Storage, planes: number, lh: number, lw: number, inverse: boolean): Storage =>
    transform(transform(data, planes * lh, lw, 1, inverse), planes, lh, lw, inverse);

  // ------------------------------------------------------------------------------------------- fft

  const fft = (re: Storage, im: Storage | null, a: FftAttrs): { re: Storage; im: Storage | null } => {
    const { outer, L, inner, n, nOut, inverse, scale, mode } = a;
    const lines = outer * inner;
    const blue = !isPow2(n);
    const N = blue ? nextPow2(2 * n - 1) : n;
    const conj = blue && inverse ? -1 : 1;
    let work = rt.alloc('float32', 2 * lines * N);
    const load = rt.kernel('fft load', loadSource(im !== null, blue), 2 + (im ? 1 : 0) + (blue ? 1 : 0));
    const count = lines * N;
    rt.run(load, [re, ...(im ? [im] : []), ...(blue ? [chirp(n)] : []), work],
      new Params().u(count, N, n, L, inner, mode === 'c2r' ? 1 : 0).f(conj), groups1d(count), [load.buffers - 1]);
    if (blue) {
      work = transform(work, lines, N, 1, false);
      rt.run(rt.kernel('fft bluestein filter', FILTER, 2), [work, filter(n, N)], new Params().u(count, N), groups1d(count), [0]);
      work = transform(work, lines, N, 1, true);
    } else {
      work = transform(work, lines, N, 1, inverse);
    }
    const size = outer * nOut * inner;
    const oRe = rt.alloc('float32', size), oIm = mode === 'c2r' ? null : rt.alloc('float32', size);
    const store = rt.kernel('fft store', storeSource(oIm !== null, blue), 2 + (oIm ? 1 : 0) + (blue ? 1 : 0));
    const outs = oIm ? [oRe, oIm] : [oRe];
    const first = blue ? 2 : 1;
    rt.run(store, [work, ...(blue ? [chirp(n)] : []), ...outs], new Params().u(lines * nOut, N, nOut, inner).f(scale, conj),
      groups1d(lines * nOut), outs.map((_, i) => first + i));
    rt.free(work);
    return { re: oRe, im: oIm };
  };

  // ------------------------------------------------------------------------------ FFT convolution

  /** The grid: convFftGrid's required extent (no index wraps), rounded up to powers of two. */
  const grid = (a: Conv2dAttrs): { hReq: number; wReq: number; lh: number; lw: number } => {
    const { hReq, wReq } = convFftGrid(a);
    return { hReq, wReq, lh: nextPow2(hReq), lw: nextPow2(wReq) };
  };

  /** 2-D spectra (complex lh × lw planes) of src's planes placed on the grid as `at` says. */
  const spectra = (src: Storage, at: Placement, lh: number, lw: number): Storage => {
    const count = at.planes * lh * lw;
    const out = rt.alloc('float32', 2 * count);
    rt.run(rt.kernel('fftConv spread', SPREAD, 2), [src, out],
      new Params().u(count, lh, lw, at.rows, at.cols).i(at.offY, at.offX).u(at.sY, at.sX, at.hLim, at.wLim), groups1d(count), [1]);
    return transform2d(out, at.planes, lh, lw, false);
  };

  /** The summed products (MAC, `mode`) of spectra A and B, inverse transformed, read out as `at` says. */
  const combine = (mode: number, A: Storage, B: Storage, a: Conv2dAttrs, lh: number, lw: number, at: Placement,
    bias: Storage | null): Storage => {
    const bins = lh * lw, count = at.planes * bins;
    let acc = rt.alloc('float32', 2 * count);
    rt.run(rt.kernel('fftConv multiply', MAC, 3), [A, B, acc],
      new Params().u(count, bins, mode, a.N, a.C, a.OC, a.C / a.groups, a.OC / a.groups), groups1d(count), [2]);
    rt.free(A);
    rt.free(B);
    acc = transform2d(acc, at.planes, lh, lw, true);
    const n = at.planes * at.rows * at.cols;
    const out = rt.alloc('float32', n);
    const crop = rt.kernel('fftConv crop', cropSource(bias !== null), bias ? 3 : 2);
    rt.run(crop, bias ? [acc, out, bias] : [acc, out],
      new Params().u(n, lh, lw, at.rows, at.cols).i(at.offY, at.offX).u(at.sY, at.sX, at.hLim, at.wLim).f(1 / bins).u(a.OC),
      groups1d(n), [1]);
    rt.free(acc);
    return out;
  };

  // Placements of the three kinds of plane (ref's inputSpectra, kernelSpectra, gradSpectra).
  const inputAt = (a: Conv2dAttrs, hReq: number, wReq: number): Placement =>
    ({ planes: a.N * a.C, rows: a.H, cols: a.W, offY: a.padTop, offX: a.padLeft, sY: 1, sX: 1, hLim: hReq, wLim: wReq });
  const kernelAt = (a: Conv2dAttrs, lh: number, lw: number): Placement =>
    ({ planes: a.OC * (a.C / a.groups), rows: a.KH, cols: a.KW, offY: 0, offX: 0, sY: a.dilationH, sX: a.dilationW, hLim: lh, wLim: lw });
  const gradAt = (a: Conv2dAttrs, lh: number, lw: number): Placement =>
    ({ planes: a.N * a.OC, rows: a.OH, cols: a.OW, offY: 0, offX: 0, sY: a.strideH, sX: a.strideW, hLim: lh, wLim: lw });

  return {
    fft,

    fftConv2d(x: Storage, w: Storage, bias: Storage | null, a: Conv2dAttrs): Storage {
      const { hReq, wReq, lh, lw } = grid(a);
      const X = spectra(x, inputAt(a, hReq, wReq), lh, lw), K = spectra(w, kernelAt(a, lh, lw), lh, lw);
      // y[i, j] is the correlation at (i·strideH, j·strideW): the output gradient's placement.
      return combine(0, X, K, a, lh, lw, gradAt(a, lh, lw), bias);
    },

    fftConv2dGradInput(dy: Storage, w: Storage, a: Conv2dAttrs): Storage {
      const { hReq, wReq, lh, lw } = grid(a);
      const DY = spectra(dy, gradAt(a, lh, lw), lh, lw), K = spectra(w, kernelAt(a, lh, lw), lh, lw);
      return combine(1, DY, K, a, lh, lw, inputAt(a, hReq, wReq), null);
    },

    fftConv2dGradWeight(x: Storage, dy: Storage, a: Conv2dAttrs): Storage {
      const { hReq, wReq, lh, lw } = grid(a);
      const X = spectra(x, inputAt(a, hReq, wReq), lh, lw), DY = spectra(dy, gradAt(a, lh, lw), lh, lw);
      return combine(2, X, DY, a, lh, lw, kernelAt(a, lh, lw), null);
    },
  };
}
