// assembly/gemm.ts — the packed, register-blocked f32x4 matrix product every conv and matmul runs on.
//
// C[M×N] (+)= A[M×K] · B[K×N] in the BLIS shape: A is packed into panels of MR=4 rows (k-major: the 4
// values of one k side by side), B into panels of NR=8 columns (the 8 values of one k side by side).
// The 4×8 micro-kernel keeps C in 8 f32x4 registers and per k does 2 vector loads of B, 4 broadcast
// loads of A and 8 multiply-adds: 12 of x64's 15 usable xmm registers (V8 keeps xmm15 as scratch), so
// nothing spills; 6×8 would need 16.  Packing makes every kernel load contiguous and lets callers
// (conv.ts) pack straight from an implicit im2col matrix, which is never materialised.

import { ldf, stf, ldv, stv, splat, madd, shareLo } from './common';

export const MR = 4;
export const NR = 8;
/** K block: one packed B panel (KC×8 floats = 8 KiB) stays in L1 across all A panels. */
export const KC = 256;
/** N block: one packed B block (KC×NC floats = 256 KiB) stays in L2. */
export const NC = 512;
/** M block for plain GEMM: one packed A block (MC×KC = 128 KiB) in L2. */
export const MC = 128;

/** C tile (4×8 at c, row pitch ldc bytes) (+)= Ap[kc×4] · Bp[kc×8]. Full tiles only; see microEdge. */
export function micro(kc: i32, ap: i32, bp: i32, c: i32, ldc: i32, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = ldv(bp), b1 = ldv(bp + 16);
    let a = splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = splat(ap + 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = splat(ap + 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = splat(ap + 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += 16; bp += 32;
  }
  if (acc) {
    c00 = f32x4.add(c00, ldv(c)); c01 = f32x4.add(c01, ldv(c + 16)); c += ldc;
    c10 = f32x4.add(c10, ldv(c)); c11 = f32x4.add(c11, ldv(c + 16)); c += ldc;
    c20 = f32x4.add(c20, ldv(c)); c21 = f32x4.add(c21, ldv(c + 16)); c += ldc;
    c30 = f32x4.add(c30, ldv(c)); c31 = f32x4.add(c31, ldv(c + 16)); c -= 3 * ldc;
  }
  stv(c, c00); stv(c + 16, c01); c += ldc;
  stv(c, c10); stv(c + 16, c11); c += ldc;
  stv(c, c20); stv(c + 16, c21); c += ldc;
  stv(c, c30); stv(c + 16, c31);
}

/** A partial tile (mr ≤ 4 rows, nr ≤ 8 columns): compute the full tile into `tile` (128 bytes of
 *  per-thread scratch) and copy the valid part. Packing zero-fills the missing rows/columns. */
export function microEdge(kc: i32, ap: i32, bp: i32, c: i32, ldc: i32, acc: bool, mr: i32, nr: i32, tile: i32): void {
  if (mr == MR && nr == NR) { micro(kc, ap, bp, c, ldc, acc); return; }
  micro(kc, ap, bp, tile, 32, false);
  for (let i = 0; i < mr; i++) {
    const src = tile + i * 32, dst = c + i * ldc;
    if (acc) for (let j = 0; j < nr; j++) stf(dst + j * 4, ldf(dst + j * 4) + ldf(src + j * 4));
    else for (let j = 0; j < nr; j++) stf(dst + j * 4, ldf(src + j * 4));
  }
}

/** Packs rows [0, m) × k-range [0, kc) of A (element (i,k) at a + i·rsA + k·csA, strides in bytes)
 *  into ceil(m/4) panels of kc×4 floats; rows past m are zero. */
export function packA(m: i32, kc: i32, a: i32, rsA: i32, csA: i32, dst: i32): void {
  for (let i0 = 0; i0 < m; i0 += MR) {
    const mr = min(MR, m - i0);
    const r = a + i0 * rsA;
    if (mr == MR) {
      for (let k = 0; k < kc; k++) {
        const s = r + k * csA;
        stf(dst, ldf(s)); stf(dst + 4, ldf(s + rsA)); stf(dst + 8, ldf(s + 2 * rsA)); stf(dst + 12, ldf(s + 3 * rsA));
        dst += 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const s = r + k * csA;
        for (let i = 0; i < MR; i++) stf(dst + i * 4, i < mr ? ldf(s + i * rsA) : 0);
        dst += 16;
      }
    }
  }
}

/** Packs k-range [0, kc) × columns [0, n) of B (element (k,j) at b + k·rsB + j·csB, bytes) into
 *  ceil(n/8) panels of kc×8 floats; columns past n are zero. Contiguous rows copy 8 floats at once. */
export function packB(kc: i32, n: i32, b: i32, rsB: i32, csB: i32, dst: i32): void {
  for (let j0 = 0; j0 < n; j0 += NR) {
    const nr = min(NR, n - j0);
    const col = b + j0 * csB;
    if (nr == NR && csB == 4) {
      for (let k = 0; k < kc; k++) {
        const s = col + k * rsB;
        stv(dst, ldv(s)); stv(dst + 16, ldv(s + 16));
        dst += 32;
      }
    } else if (nr == NR && rsB == 4) {
      // B stored transposed (row j of B^T holds column j of B): read each column along k contiguously,
      // write the panel with a 32-byte stride (it stays in L1).
      for (let j = 0; j < NR; j++) {
        const s = col + j * csB;
        let d = dst + j * 4, k = 0;
        for (; k + 4 <= kc; k += 4) {
          const v = ldv(s + k * 4);
          stf(d, f32x4.extract_lane(v, 0)); stf(d + 32, f32x4.extract_lane(v, 1));
          stf(d + 64, f32x4.extract_lane(v, 2)); stf(d + 96, f32x4.extract_lane(v, 3));
          d += 128;
        }
        for (; k < kc; k++) { stf(d, ldf(s + k * 4)); d += 32; }
      }
      dst += kc * 32;
    } else {
      for (let k = 0; k < kc; k++) {
        const s = col + k * rsB;
        for (let j = 0; j < NR; j++) stf(dst + j * 4, j < nr ? ldf(s + j * csB) : 0);
        dst += 32;
      }
    }
  }
}

/** Multiplies packed blocks: C[m×n] (+)= Ap[m×kc] · Bp[kc×n], N panels outer so one B panel stays in L1.
 *  A panels lie aStride bytes apart (kc·16 when packed for this block alone, more when packed for all K). */
export function macro(m: i32, n: i32, kc: i32, ap: i32, aStride: i32, bp: i32, c: i32, ldc: i32, acc: bool, tile: i32): void {
  const bStride = kc * 32;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const nr = min(NR, n - j0);
    const bpp = bp + (j0 >> 3) * bStride;
    for (let i0 = 0; i0 < m; i0 += MR) {
      microEdge(kc, ap + (i0 >> 2) * aStride, bpp, c + i0 * ldc + j0 * 4, ldc, acc, min(MR, m - i0), nr, tile);
    }
  }
}

/** Bytes of per-thread scratch gemm() needs. */
export function gemmScratch(): i32 { return 128 + MC * KC * 4 + KC * NC * 4; }

/** C[m×n] (+)= A[m×k] · B[k×n] on one thread; A, B given by byte strides, C row-major with pitch ldc. */
export function gemm(m: i32, n: i32, k: i32, a: i32, rsA: i32, csA: i32, b: i32, rsB: i32, csB: i32,
                     c: i32, ldc: i32, acc: bool, scratch: i32): void {
  const tile = scratch, apk = scratch + 128, bpk = apk + MC * KC * 4;
  if (k == 0) {
    if (!acc) for (let i = 0; i < m; i++) memory.fill(<usize>(c + i * ldc), 0, <usize>(n * 4));
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      packB(kc, nc, b + p0 * rsB + j0 * csB, rsB, csB, bpk);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(mc, kc, a + i0 * rsA + p0 * csA, rsA, csA, apk);
        macro(mc, nc, kc, apk, kc * 16, bpk, c + i0 * ldc + j0 * 4, ldc, acc || p0 > 0, tile);
      }
    }
  }
}

/** Batched row-major matmul split across threads: the batch·M rows of C are cut into nt contiguous
 *  ranges, so each thread packs B once per block and no two threads write the same row. With transA
 *  (transB) each A (B) of the batch is stored transposed, [K×M] ([N×K]): packing reads it by strides,
 *  so no transposed copy is ever made (a linear layer's x·Wᵀ and its gradient Gᵀ·x). */
export function matmul(tid: i32, nt: i32, batch: i32, m: i32, k: i32, n: i32, a: i32, b: i32, c: i32,
                       scratch: i32, scratchPer: i32, transA: i32, transB: i32): void {
  const rows = batch * m;
  // Cut on multiples of 4 rows so threads do not each get a ragged edge panel.
  const lo = min(rows, (shareLo((rows + 3) >> 2, tid, nt)) << 2);
  const hi = min(rows, (shareLo((rows + 3) >> 2, tid + 1, nt)) << 2);
  const s = scratch + tid * scratchPer;
  const rsA = transA ? 4 : k * 4, csA = transA ? m * 4 : 4;
  const rsB = transB ? 4 : n * 4, csB = transB ? k * 4 : 4;
  let r = lo;
  while (r < hi) {
    const bi = r / m, i = r - bi * m;
    const cnt = min(hi - r, m - i);
    gemm(cnt, n, k, a + bi * m * k * 4 + i * rsA, rsA, csA, b + bi * k * n * 4, rsB, csB,
         c + (bi * m + i) * n * 4, n * 4, false, s);
    r += cnt;
  }
}
