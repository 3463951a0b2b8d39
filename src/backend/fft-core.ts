// backend/fft-core.ts — the discrete Fourier transform on plain Float64Arrays, for any length. Shared by the
// ref kernels (signal transforms, FFT convolution) and by ops/fft-conv.ts's cost model (convFftGrid).
//
//   X[k] = Σ_j x[j] · e^(−2πi·jk/n)          (forward, unnormalised, as numpy.fft.fft)
//   x[j] = Σ_k X[k] · e^(+2πi·jk/n)          (inverse, unnormalised: the caller divides by n)
//
// Algorithm: a plan per length n, cached. Lengths whose prime factors are all ≤ 13 run a recursive
// mixed-radix Cooley–Tukey (decimation in time; radix-4 and radix-2 butterflies written out, other small
// radices as direct p-point DFTs). Any other length — a large prime, or a product with one — runs
// Bluestein's chirp-z algorithm, which rewrites the DFT as a convolution computed by power-of-two FFTs,
// so every length costs O(n log n). Everything here is float64; callers round to their dtype at the end.

const MAX_RADIX = 13;

interface Plan {
  n: number;
  /** cos/sin of 2πj/n, j < n. */
  cos: Float64Array;
  sin: Float64Array;
  factors: number[] | null;   // mixed radix, or null for Bluestein
  blue: Bluestein | null;
}

interface Bluestein {
  m: number;                  // power-of-two convolution length ≥ 2n − 1
  wRe: Float64Array;          // chirp w[j] = e^(−iπ j²/n)
  wIm: Float64Array;
  bRe: Float64Array;          // FFT of the conjugate chirp, wrapped to length m
  bIm: Float64Array;
  sub: Plan;
}

const plans = new Map<number, Plan>();

function factorize(n: number): number[] | null {
  const out: number[] = [];
  while (n % 4 === 0) { out.push(4); n /= 4; }
  while (n % 2 === 0) { out.push(2); n /= 2; }
  for (let p = 3; p <= MAX_RADIX; p += 2) while (n % p === 0) { out.push(p); n /= p; }
  return n === 1 ? out : null;
}

function makePlan(n: number): Plan {
  const cos = new Float64Array(n), sin = new Float64Array(n);
  for (let j = 0; j < n; j++) { const t = (2 * Math.PI * j) / n; cos[j] = Math.cos(t); sin[j] = Math.sin(t); }
  const factors = factorize(n);
  const plan: Plan = { n, cos, sin, factors, blue: null };
  if (!factors) {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    const wRe = new Float64Array(n), wIm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      // j² mod 2n keeps the angle small and exact for large j.
      const t = (Math.PI * ((j * j) % (2 * n))) / n;
      wRe[j] = Math.cos(t); wIm[j] = -Math.sin(t);
    }
    const bRe = new Float64Array(m), bIm = new Float64Array(m);
    bRe[0] = wRe[0]; bIm[0] = -wIm[0];
    for (let j = 1; j < n; j++) { bRe[j] = bRe[m - j] = wRe[j]; bIm[j] = bIm[m - j] = -wIm[j]; }
    const sub = getPlan(m);
    run(sub, bRe, bIm, false);
    plan.blue = { m, wRe, wIm, bRe, bIm, sub };
  }
  return plan;
}

function getPlan(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    p = makePlan(n);
    if (plans.size > 64) plans.delete(plans.keys().next().value as number);
    plans.set(n, p);
  }
  return p;
}

// Scratch for the general p-point butterfly.
const tRe = new Float64Array(MAX_RADIX), tIm = new Float64Array(MAX_RADIX);

/** Out-of-place recursive mixed-radix FFT of the n inputs at inOff, inOff + stride, …; results land
 *  contiguously at out[outOff…outOff + n). `sign` is −1 forward, +1 inverse. */
function rec(plan: Plan, inRe: Float64Array, inIm: Float64Array, inOff: number, stride: number,
  outRe: Float64Array, outIm: Float64Array, outOff: number, n: number, fi: number, sign: number): void {
  if (n === 1) { outRe[outOff] = inRe[inOff]; outIm[outOff] = inIm[inOff]; return; }
  const p = plan.factors![fi], m = n / p;
  for (let q = 0; q < p; q++) rec(plan, inRe, inIm, inOff + q * stride, stride * p, outRe, outIm, outOff + q * m, m, fi + 1, sign);
  const N = plan.n, step = N / n, cos = plan.cos, sin = plan.sin;
  if (p === 2) {
    for (let k = 0; k < m; k++) {
      const a = outOff + k, b = a + m, t = k * step;
      const c = cos[t], s = sign * sin[t];
      const xr = outRe[b] * c - outIm[b] * s, xi = outRe[b] * s + outIm[b] * c;
      outRe[b] = outRe[a] - xr; outIm[b] = outIm[a] - xi;
      outRe[a] += xr; outIm[a] += xi;
    }
    return;
  }
  if (p === 4) {
    for (let k = 0; k < m; k++) {
      const i0 = outOff + k, i1 = i0 + m, i2 = i1 + m, i3 = i2 + m;
      const t1 = k * step, t2 = 2 * t1, t3 = 3 * t1;
      const c1 = cos[t1], s1 = sign * sin[t1], c2 = cos[t2], s2 = sign * sin[t2], c3 = cos[t3], s3 = sign * sin[t3];
      const a0r = outRe[i0], a0i = outIm[i0];
      const a1r = outRe[i1] * c1 - outIm[i1] * s1, a1i = outRe[i1] * s1 + outIm[i1] * c1;
      const a2r = outRe[i2] * c2 - outIm[i2] * s2, a2i = outRe[i2] * s2 + outIm[i2] * c2;
      const a3r = outRe[i3] * c3 - outIm[i3] * s3, a3i = outRe[i3] * s3 + outIm[i3] * c3;
      const b0r = a0r + a2r, b0i = a0i + a2i, b1r = a0r - a2r, b1i = a0i - a2i;
      const b2r = a1r + a3r, b2i = a1i + a3i;
      // (a1 − a3) · (sign · i)
      const dr = -sign * (a1i - a3i), di = sign * (a1r - a3r);
      outRe[i0] = b0r + b2r; outIm[i0] = b0i + b2i;
      outRe[i2] = b0r - b2r; outIm[i2] = b0i - b2i;
      outRe[i1] = b1r + dr; outIm[i1] = b1i + di;
      outRe[i3] = b1r - dr; outIm[i3] = b1i - di;
    }
    return;
  }
  const pStep = N / p;
  for (let k = 0; k < m; k++) {
    for (let q = 0; q < p; q++) {
      const i = outOff + q * m + k, t = (q * k * step) % N;
      const c = cos[t], s = sign * sin[t];
      tRe[q] = outRe[i] * c - outIm[i] * s; tIm[q] = outRe[i] * s + outIm[i] * c;
    }
    for (let r = 0; r < p; r++) {
      let sr = 0, si = 0;
      for (let q = 0; q < p; q++) {
        const t = ((q * r) % p) * pStep;
        const c = cos[t], s = sign * sin[t];
        sr += tRe[q] * c - tIm[q] * s; si += tRe[q] * s + tIm[q] * c;
      }
      outRe[outOff + r * m + k] = sr; outIm[outOff + r * m + k] = si;
    }
  }
}

function run(plan: Plan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = plan.n;
  if (n <= 1) return;
  if (plan.factors) {
    const inRe = re.slice(0, n), inIm = im.slice(0, n);
    rec(plan, inRe, inIm, 0, 1, re, im, 0, n, 0, inverse ? 1 : -1);
    return;
  }
  // Bluestein: the inverse is the conjugate of the forward transform of the conjugate.
  const { m, wRe, wIm, bRe, bIm, sub } = plan.blue!;
  const s = inverse ? -1 : 1;
  const aRe = new Float64Array(m), aIm = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const xr = re[j], xi = s * im[j];
    aRe[j] = xr * wRe[j] - xi * wIm[j]; aIm[j] = xr * wIm[j] + xi * wRe[j];
  }
  run(sub, aRe, aIm, false);
  for (let k = 0; k < m; k++) {
    const r = aRe[k] * bRe[k] - aIm[k] * bIm[k], i = aRe[k] * bIm[k] + aIm[k] * bRe[k];
    aRe[k] = r; aIm[k] = i;
  }
  run(sub, aRe, aIm, true);
  const inv = 1 / m;
  for (let k = 0; k < n; k++) {
    const cr = aRe[k] * inv, ci = aIm[k] * inv;
    re[k] = cr * wRe[k] - ci * wIm[k];
    im[k] = s * (cr * wIm[k] + ci * wRe[k]);
  }
}

/** In-place unnormalised DFT of the first n values of re/im (n = their length unless given). */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false, n = re.length): void {
  if (n <= 1) return;
  run(getPlan(n), re, im, inverse);
}

/**
 * The smallest 2^a·3^b·5^c ≥ n (scipy.fft.next_fast_len for complex transforms). PyTorch: none (SciPy: `scipy.fft.next_fast_len`).
 * @example
 * ```ts
 * fft.nextFastLen(97);  // 100
 * ```
 */
export function nextFastLen(n: number): number {
  if (n <= 1) return 1;
  let best = Infinity;
  for (let p5 = 1; p5 < 2 * n; p5 *= 5) {
    for (let p35 = p5; p35 < 2 * n; p35 *= 3) {
      let v = p35;
      while (v < n) v *= 2;
      if (v < best) best = v;
    }
  }
  return best;
}

/** The grid a 2-D convolution runs on through the FFT: the extent each axis needs (no index may wrap)
 *  and the fast transform length covering it. */
export function convFftGrid(a: { OH: number; OW: number; KH: number; KW: number; strideH: number; strideW: number;
  dilationH: number; dilationW: number }): { hReq: number; wReq: number; lh: number; lw: number } {
  const hReq = (a.OH - 1) * a.strideH + a.dilationH * (a.KH - 1) + 1;
  const wReq = (a.OW - 1) * a.strideW + a.dilationW * (a.KW - 1) + 1;
  return { hReq, wReq, lh: nextFastLen(hReq), lw: nextFastLen(wReq) };
}

// ---------------------------------------------------------------------------- real 2-D transforms
//
// A real Lh × Lw plane has a Hermitian spectrum, so only the Lh × (Lw/2 + 1) half is kept (numpy.fft.rfft2).
// Rows are transformed two at a time as one complex FFT (row a as the real part, row b as the imaginary
// part, then separated by symmetry); columns as complex FFTs.

export interface Spectrum2d { re: Float64Array; im: Float64Array; h: number; w: number /* Lw/2 + 1 */ }

/** rfft2 of a real plane (row-major, lh × lw) → its lh × (lw/2 + 1) half spectrum. */
export function rfft2Plane(x: Float64Array, lh: number, lw: number): Spectrum2d {
  const hw = (lw >> 1) + 1;
  const re = new Float64Array(lh * hw), im = new Float64Array(lh * hw);
  const zr = new Float64Array(lw), zi = new Float64Array(lw);
  for (let r = 0; r < lh; r += 2) {
    const two = r + 1 < lh;
    for (let j = 0; j < lw; j++) { zr[j] = x[r * lw + j]; zi[j] = two ? x[(r + 1) * lw + j] : 0; }
    fftInPlace(zr, zi, false, lw);
    for (let k = 0; k < hw; k++) {
      const nk = k === 0 ? 0 : lw - k;
      // A = (Z[k] + conj Z[n−k]) / 2, B = (Z[k] − conj Z[n−k]) / 2i
      const ar = 0.5 * (zr[k] + zr[nk]), ai = 0.5 * (zi[k] - zi[nk]);
      re[r * hw + k] = ar; im[r * hw + k] = ai;
      if (two) {
        re[(r + 1) * hw + k] = 0.5 * (zi[k] + zi[nk]);
        im[(r + 1) * hw + k] = -0.5 * (zr[k] - zr[nk]);
      }
    }
  }
  columns(re, im, lh, hw, false);
  return { re, im, h: lh, w: hw };
}

/** The inverse of rfft2Plane, normalised (divides by lh·lw): → a real lh × lw plane. Overwrites s. */
export function irfft2Plane(s: Spectrum2d, lw: number): Float64Array {
  const { re, im, h: lh, w: hw } = s;
  columns(re, im, lh, hw, true);
  const out = new Float64Array(lh * lw);
  const zr = new Float64Array(lw), zi = new Float64Array(lw);
  const scale = 1 / (lh * lw);
  for (let r = 0; r < lh; r += 2) {
    const two = r + 1 < lh;
    // Z = A + iB with A, B the Hermitian spectra of rows r and r + 1; ifft(Z) = a + ib.
    for (let k = 0; k < hw; k++) {
      const ar = re[r * hw + k], ai = im[r * hw + k];
      const br = two ? re[(r + 1) * hw + k] : 0, bi = two ? im[(r + 1) * hw + k] : 0;
      zr[k] = ar - bi; zi[k] = ai + br;
      if (k > 0 && lw - k >= hw) { zr[lw - k] = ar + bi; zi[lw - k] = -ai + br; }
    }
    // Nyquist and DC bins must be real in a Hermitian spectrum; numpy ignores their imaginary parts.
    if (lw % 2 === 0) {
      const k = hw - 1, ar = re[r * hw + k], br = two ? re[(r + 1) * hw + k] : 0;
      zr[k] = ar; zi[k] = br;
    }
    zr[0] = re[r * hw]; zi[0] = two ? re[(r + 1) * hw] : 0;
    fftInPlace(zr, zi, true, lw);
    for (let j = 0; j < lw; j++) {
      out[r * lw + j] = zr[j] * scale;
      if (two) out[(r + 1) * lw + j] = zi[j] * scale;
    }
  }
  return out;
}

function columns(re: Float64Array, im: Float64Array, lh: number, hw: number, inverse: boolean): void {
  if (lh <= 1) return;
  const cr = new Float64Array(lh), ci = new Float64Array(lh);
  for (let k = 0; k < hw; k++) {
    for (let r = 0; r < lh; r++) { cr[r] = re[r * hw + k]; ci[r] = im[r * hw + k]; }
    fftInPlace(cr, ci, inverse, lh);
    for (let r = 0; r < lh; r++) { re[r * hw + k] = cr[r]; im[r * hw + k] = ci[r]; }
  }
}
