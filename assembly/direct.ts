// assembly/direct.ts — direct (unpacked) convolution for stride 1 and few output channels: LeNet-sized
// layers, where packing the im2col matrix costs as much as the product itself (each packed value is
// used by only OC/4 register tiles).
//
// The trick: pad one image into xp[C][Hp][Wp] (zeros around, Hp = OH + dH·(KH−1), Wp = OW + dW·(KW−1)),
// and index outputs by p' = oh·Wp + ow ("padded-width positions"). Then
//   y[oc, p'] = Σ_q W[oc, q] · xp[off(q) + p'],   off(c, kh, kw) = c·Hp·Wp + kh·dH·Wp + kw·dW
// is a 1-D correlation: for any q the 8 positions p' .. p'+7 read 8 consecutive floats of xp, so the
// GEMM micro-kernel's B panel is two unaligned loads straight from the image, with no packing at all.
// Positions with ow ≥ OW (and the round-up past OH·Wp) read neighbouring rows or the zeroed slack and
// are computed and thrown away: they never mix into a kept output.
//
// Grad weight is the same identity turned around: dW[oc, q] = Σ_n Σ_p' dyp[oc, p'] · xp[off(q) + p'],
// with dyp = dy spread to padded-width positions and 0 at the thrown-away ones; the sum over p' runs in
// f32x4 lanes (4 oc × 2 q accumulators) and is reduced across lanes once per image.
// Caveat (checked by JS with allFinite): 0 · ±Inf is NaN, so grad weight needs a finite x.

import { ldf, stf, ldi, sti, ldv, stv, splat, madd, shareLo, zero,
  A_N, A_C, A_H, A_W, A_OC, A_KH, A_KW, A_OH, A_OW, A_PT, A_PL, A_DH, A_DW, A_G } from './common';
import { MR } from './gemm';

@inline function hpOf(at: i32): i32 { return ldi(at + A_OH) + ldi(at + A_DH) * (ldi(at + A_KH) - 1); }
@inline function wpOf(at: i32): i32 { return ldi(at + A_OW) + ldi(at + A_DW) * (ldi(at + A_KW) - 1); }
/** Floats of zeroed slack after a padded image: reads run up to (KW−1)·dW + 7 floats past its end. */
@inline function slackOf(at: i32): i32 { return ((ldi(at + A_DW) * (ldi(at + A_KW) - 1) + 8 + 3) & ~3) + 4; }
/** Floats of one padded image plus slack, rounded to 16 floats. */
@inline function xpFloats(at: i32): i32 { return (ldi(at + A_C) * hpOf(at) * wpOf(at) + slackOf(at) + 15) & ~15; }

/** xp[c, i, j] = x[c, i − pT, j − pL] (0 outside x) for c < C, i < Hp, j < Wp, then `slack` zeros. */
function padImage(x: i32, C: i32, H: i32, W: i32, pT: i32, pL: i32, Hp: i32, Wp: i32, xp: i32, slack: i32): void {
  const jlo = min(Wp, max(0, pL)), jhi = max(jlo, min(Wp, pL + W));
  let d = xp;
  for (let c = 0; c < C; c++) {
    const plane = x + c * H * W * 4;
    for (let i = 0; i < Hp; i++, d += Wp * 4) {
      const ih = i - pT;
      if (<u32>ih >= <u32>H) { zero(d, Wp * 4); continue; }
      if (jlo > 0) zero(d, jlo * 4);
      if (jhi > jlo) memory.copy(<usize>(d + jlo * 4), <usize>(plane + (ih * W + jlo - pL) * 4), <usize>((jhi - jlo) * 4));
      if (Wp > jhi) zero(d + jhi * 4, (Wp - jhi) * 4);
    }
  }
  zero(d, slack * 4);
}

/** Byte offsets off(q) of one group's Q = Cg·KH·KW taps into `offs`, in (c, kh, kw) order, or in
 *  (kh, c, kw) order when `khFirst` (directForward: the taps of one kernel row are then one k-range). */
function tapOffsets(Cg: i32, KH: i32, KW: i32, dH: i32, dW: i32, Hp: i32, Wp: i32, offs: i32, khFirst: bool): void {
  let q = 0;
  const U = khFirst ? KH : Cg, V = khFirst ? Cg : KH;
  for (let u = 0; u < U; u++) {
    for (let v = 0; v < V; v++) {
      const c = khFirst ? v : u, kh = khFirst ? u : v;
      for (let kw = 0; kw < KW; kw++, q++) sti(offs + q * 4, (c * Hp * Wp + kh * dH * Wp + kw * dW) * 4);
    }
  }
}

/** packA for directForward: m rows of W (OIHW, row pitch Q floats) into ceil(m/4) panels of Q×4 with
 *  k in (kh, c, kw) order; rows past m are zero. */
export function packAkh(m: i32, Cg: i32, KH: i32, KW: i32, w: i32, dst: i32): void {
  const Q = Cg * KH * KW;
  for (let i0 = 0; i0 < m; i0 += 4) {
    for (let kh = 0; kh < KH; kh++) {
      for (let c = 0; c < Cg; c++) {
        for (let kw = 0; kw < KW; kw++) {
          const q = (c * KH + kh) * KW + kw;
          for (let i = 0; i < 4; i++) stf(dst + i * 4, i0 + i < m ? ldf(w + ((i0 + i) * Q + q) * 4) : 0);
          dst += 16;
        }
      }
    }
  }
}

/** Whether directForward walks output rows in blocks of 8 (ow 0, 8, … of each row) rather than the
 *  padded-width positions end to end: fewer blocks when a row's padding is a large share of it (an 8×8
 *  output in a 12-wide padded row computes 8 blocks instead of 12). */
@inline function rowBlocks(at: i32): bool {
  const OH = ldi(at + A_OH), OW = ldi(at + A_OW);
  return OH * ((OW + 7) >> 3) < (OH * wpOf(at) + 7) >> 3;
}

/** Positions per output-channel row of directForward's block buffer: the padded-width positions, and
 *  room for a row-wise last block's 8 lanes. */
@inline function blockPositions(at: i32): i32 {
  const OH = ldi(at + A_OH), OW = ldi(at + A_OW), Wp = wpOf(at);
  return (max(OH * Wp, (OH - 1) * Wp + ((OW + 7) & ~7)) + 7) & ~7;
}

/** Per-thread scratch of directForward / directGradWeight (bytes). */
export function directScratch(at: i32): i32 {
  const G = ldi(at + A_G), OCg = ldi(at + A_OC) / G, Q = ldi(at + A_C) / G * ldi(at + A_KH) * ldi(at + A_KW);
  return xpFloats(at) * 4 + ((Q * 4 + 63) & ~63) + ((OCg + 3) & ~3) * blockPositions(at) * 4 + 64;
}

/** 4 output channels × 8 positions: out rows (pitch ldo bytes) = Ap[Q×4] · xp[off(q) + 0..7]. */
@inline function tile4x8(Q: i32, ap: i32, offs: i32, xb: i32, out: i32, ldo: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < Q; k++) {
    const b = xb + ldi(offs);
    const b0 = ldv(b), b1 = ldv(b + 16);
    let a = splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = splat(ap + 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = splat(ap + 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = splat(ap + 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += 16; offs += 4;
  }
  stv(out, c00); stv(out + 16, c01); out += ldo;
  stv(out, c10); stv(out + 16, c11); out += ldo;
  stv(out, c20); stv(out + 16, c21); out += ldo;
  stv(out, c30); stv(out + 16, c31);
}

/** 2 output channels × 16 positions (the remainder of OCg mod 4 when it is 1 or 2). */
@inline function tile2x16(Q: i32, ap: i32, offs: i32, xb: i32, out: i32, ldo: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let k = 0; k < Q; k++) {
    const b = xb + ldi(offs);
    const b0 = ldv(b), b1 = ldv(b + 16), b2 = ldv(b + 32), b3 = ldv(b + 48);
    let a = splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01); c02 = madd(a, b2, c02); c03 = madd(a, b3, c03);
    a = splat(ap + 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11); c12 = madd(a, b2, c12); c13 = madd(a, b3, c13);
    ap += 16; offs += 4;
  }
  stv(out, c00); stv(out + 16, c01); stv(out + 32, c02); stv(out + 48, c03); out += ldo;
  stv(out, c10); stv(out + 16, c11); stv(out + 32, c12); stv(out + 48, c13);
}

/** The k-range [k0, k1) (packed as k0 << 32 | k1) of taps in (kh, c, kw) order that can read a real
 *  input row for positions p .. p+len−1: kernel rows that only meet padding rows for every output row
 *  of the block contribute 0 and are skipped (only when W is finite: 0 · NaN would be NaN). */
@inline function kRange(p: i32, len: i32, Wp: i32, OH: i32, pT: i32, H: i32, dH: i32, KH: i32, CK: i32): i64 {
  const ohLo = p / Wp, ohHi = min(OH - 1, (p + len - 1) / Wp);
  const a = pT - ohHi, b = pT + H - 1 - ohLo;
  const khLo = a > 0 ? (a + dH - 1) / dH : 0;
  const khHi = b < 0 ? 0 : min(KH, b / dH + 1);
  const lo = min(khLo, khHi) * CK, hi = khHi * CK;
  return (<i64>lo << 32) | <i64>hi;
}

/** y = conv(x, W) + bias for stride 1. `ap`: W packed per group by packA (ceil(OCg/4) panels of Q×4),
 *  in (kh, c, kw) order by packAkh. Threads take (image, group) items one at a time from the counter at
 *  `ctr` (zeroed by the caller), so a thread that runs slower takes fewer: every item writes its own
 *  outputs, so the result does not depend on who took what. `skip`: W is finite. */
export function directForward(tid: i32, nt: i32, at: i32, x: i32, ap: i32, bias: i32, y: i32, scratch: i32, scratchPer: i32, skip: i32, ctr: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), OC = ldi(at + A_OC), G = ldi(at + A_G);
  const KH = ldi(at + A_KH), KW = ldi(at + A_KW), OH = ldi(at + A_OH), OW = ldi(at + A_OW);
  const Cg = C / G, OCg = OC / G, Q = Cg * KH * KW, Hp = hpOf(at), Wp = wpOf(at), HpWp = Hp * Wp, dH = ldi(at + A_DH);
  const P = (OH * Wp + 7) & ~7, ldo = blockPositions(at) * 4, nMP = (OCg + MR - 1) / MR, aStride = Q * 16;
  // Blocks of 8 positions: row-wise, bpr blocks from the start of each of the OH rows; else P / 8 blocks
  // end to end (one "row").
  const rows = rowBlocks(at), nRows = rows ? OH : 1, bpr = rows ? (OW + 7) >> 3 : P >> 3;
  const items = N * G;
  const s = scratch + tid * scratchPer, xp = s, offs = xp + xpFloats(at) * 4, yb = offs + ((Q * 4 + 63) & ~63);
  tapOffsets(Cg, KH, KW, dH, ldi(at + A_DW), Hp, Wp, offs, true);
  const pT = ldi(at + A_PT), CK = Cg * KW;
  let padded = -1;
  for (let it = atomic.add<i32>(ctr, 1); it < items; it = atomic.add<i32>(ctr, 1)) {
    const g = it % G, n = it / G;
    if (n != padded) {
      padImage(x + n * C * H * W * 4, C, H, W, pT, ldi(at + A_PL), Hp, Wp, xp, slackOf(at));
      padded = n;
    }
    const xg = xp + g * Cg * HpWp * 4, apg = ap + g * nMP * aStride;
    let i0 = 0;
    // Row-wise, the 1–3 rows left after the last full panel take the 4×8 tile as well: their panel is
    // zero-filled past OCg and yb has room for 4 rows of it.
    for (; rows ? i0 < OCg : i0 + MR <= OCg; i0 += MR) {
      const a = apg + (i0 >> 2) * aStride, o = yb + i0 * ldo;
      // Blocks in increasing position order: a row-wise block that runs past its row's end writes
      // positions the next row's first block then overwrites.
      for (let r = 0, pr = 0; r < nRows; r++, pr += Wp) {
        for (let j = 0, p = pr; j < bpr; j++, p += 8) {
          const kr = skip ? kRange(p, 8, Wp, OH, pT, H, dH, KH, CK) : <i64>Q;
          const k0 = <i32>(kr >> 32), k1 = <i32>kr;
          tile4x8(k1 - k0, a + k0 * 16, offs + k0 * 4, xg + p * 4, o + p * 4, ldo);
        }
      }
    }
    if (i0 < OCg) {
      // 1–3 rows left (end to end only; row-wise took them above): the zero-filled panel; 3 rows take
      // the 4×8 tile, 1–2 the 2×16 one.
      const a = apg + (i0 >> 2) * aStride, o = yb + i0 * ldo;
      const wide = OCg - i0 < 3;
      for (let p = 0; p < P;) {
        const step = wide && p + 16 <= P ? 16 : 8;
        const kr = skip ? kRange(p, step, Wp, OH, pT, H, dH, KH, CK) : <i64>Q;
        const k0 = <i32>(kr >> 32), k1 = <i32>kr;
        if (step == 16) tile2x16(k1 - k0, a + k0 * 16, offs + k0 * 4, xg + p * 4, o + p * 4, ldo);
        else tile4x8(k1 - k0, a + k0 * 16, offs + k0 * 4, xg + p * 4, o + p * 4, ldo); // rows up to i0+3: yb has them
        p += step;
      }
    }
    // Compact the kept positions into y and add the bias.
    for (let oc = 0; oc < OCg; oc++) {
      const bv = bias != 0 ? splat(bias + (g * OCg + oc) * 4) : f32x4.splat(0);
      const bs = f32x4.extract_lane(bv, 0);
      let dst = y + ((n * OC + g * OCg + oc) * OH * OW) * 4, src = yb + oc * ldo;
      for (let oh = 0; oh < OH; oh++, src += Wp * 4, dst += OW * 4) {
        let j = 0;
        for (; j + 4 <= OW; j += 4) stv(dst + j * 4, f32x4.add(ldv(src + j * 4), bv));
        for (; j < OW; j++) stf(dst + j * 4, ldf(src + j * 4) + bs);
      }
    }
  }
}

/** 4 oc × 2 q dot products over nk f32x4 steps; adds the 8 sums into dw (row pitch ldw bytes). */
@inline function dwTile(nk: i32, d: i32, ldd: i32, x0: i32, x1: i32, dw: i32, ldw: i32, rows: i32, two: bool): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  const d1 = d + ldd, d2 = d1 + ldd, d3 = d2 + ldd;
  for (let k = 0, p = 0; k < nk; k++, p += 16) {
    const u = ldv(x0 + p), v = ldv(x1 + p);
    let e = ldv(d + p);
    a00 = madd(e, u, a00); a01 = madd(e, v, a01);
    e = ldv(d1 + p);
    a10 = madd(e, u, a10); a11 = madd(e, v, a11);
    e = ldv(d2 + p);
    a20 = madd(e, u, a20); a21 = madd(e, v, a21);
    e = ldv(d3 + p);
    a30 = madd(e, u, a30); a31 = madd(e, v, a31);
  }
  // Lane sums of 4 accumulators into one vector [Σa, Σb, Σc, Σd].
  let t0 = f32x4.add(v128.shuffle<f32>(a00, a10, 0, 4, 1, 5), v128.shuffle<f32>(a00, a10, 2, 6, 3, 7));
  let t1 = f32x4.add(v128.shuffle<f32>(a20, a30, 0, 4, 1, 5), v128.shuffle<f32>(a20, a30, 2, 6, 3, 7));
  const s0 = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  t0 = f32x4.add(v128.shuffle<f32>(a01, a11, 0, 4, 1, 5), v128.shuffle<f32>(a01, a11, 2, 6, 3, 7));
  t1 = f32x4.add(v128.shuffle<f32>(a21, a31, 0, 4, 1, 5), v128.shuffle<f32>(a21, a31, 2, 6, 3, 7));
  const s1 = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  stf(dw, ldf(dw) + f32x4.extract_lane(s0, 0));
  if (two) stf(dw + 4, ldf(dw + 4) + f32x4.extract_lane(s1, 0));
  if (rows > 1) {
    dw += ldw;
    stf(dw, ldf(dw) + f32x4.extract_lane(s0, 1));
    if (two) stf(dw + 4, ldf(dw + 4) + f32x4.extract_lane(s1, 1));
  }
  if (rows > 2) {
    dw += ldw;
    stf(dw, ldf(dw) + f32x4.extract_lane(s0, 2));
    if (two) stf(dw + 4, ldf(dw + 4) + f32x4.extract_lane(s1, 2));
  }
  if (rows > 3) {
    dw += ldw;
    stf(dw, ldf(dw) + f32x4.extract_lane(s0, 3));
    if (two) stf(dw + 4, ldf(dw + 4) + f32x4.extract_lane(s1, 3));
  }
}

/** 2 oc × 4 q (the rows left when OCg mod 4 is 1 or 2): adds the sums into dw; q past `nq` unused. */
@inline function dwTile2x4(nk: i32, d: i32, ldd: i32, x0: i32, x1: i32, x2: i32, x3: i32, dw: i32, ldw: i32, rows: i32, nq: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
  const d1 = d + ldd;
  for (let k = 0, p = 0; k < nk; k++, p += 16) {
    const u0 = ldv(x0 + p), u1 = ldv(x1 + p), u2 = ldv(x2 + p), u3 = ldv(x3 + p);
    let e = ldv(d + p);
    a00 = madd(e, u0, a00); a01 = madd(e, u1, a01); a02 = madd(e, u2, a02); a03 = madd(e, u3, a03);
    e = ldv(d1 + p);
    a10 = madd(e, u0, a10); a11 = madd(e, u1, a11); a12 = madd(e, u2, a12); a13 = madd(e, u3, a13);
  }
  // [Σa00, Σa01, Σa02, Σa03] and the same for row 1: q-consecutive, as dW rows are.
  let t0 = f32x4.add(v128.shuffle<f32>(a00, a01, 0, 4, 1, 5), v128.shuffle<f32>(a00, a01, 2, 6, 3, 7));
  let t1 = f32x4.add(v128.shuffle<f32>(a02, a03, 0, 4, 1, 5), v128.shuffle<f32>(a02, a03, 2, 6, 3, 7));
  const s0 = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  t0 = f32x4.add(v128.shuffle<f32>(a10, a11, 0, 4, 1, 5), v128.shuffle<f32>(a10, a11, 2, 6, 3, 7));
  t1 = f32x4.add(v128.shuffle<f32>(a12, a13, 0, 4, 1, 5), v128.shuffle<f32>(a12, a13, 2, 6, 3, 7));
  const s1 = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  if (nq == 4) {
    stv(dw, f32x4.add(ldv(dw), s0));
    if (rows > 1) stv(dw + ldw, f32x4.add(ldv(dw + ldw), s1));
    return;
  }
  stf(dw, ldf(dw) + f32x4.extract_lane(s0, 0));
  if (nq > 1) stf(dw + 4, ldf(dw + 4) + f32x4.extract_lane(s0, 1));
  if (nq > 2) stf(dw + 8, ldf(dw + 8) + f32x4.extract_lane(s0, 2));
  if (rows > 1) {
    dw += ldw;
    stf(dw, ldf(dw) + f32x4.extract_lane(s1, 0));
    if (nq > 1) stf(dw + 4, ldf(dw + 4) + f32x4.extract_lane(s1, 1));
    if (nq > 2) stf(dw + 8, ldf(dw + 8) + f32x4.extract_lane(s1, 2));
  }
}

/** dW (stride 1) in chunks of `chunk` (image, group) items: chunk c is summed into dw + c·dwStride (OC×Q
 *  floats, zeroed here) and JS sums the chunks with sumBuffers. Threads take chunks one at a time from
 *  the counter at `ctr` (zeroed by the caller), so a slower thread takes fewer; each chunk is summed in
 *  a fixed order whoever takes it, so the result is the same from run to run. */
export function directGradWeight(tid: i32, nt: i32, at: i32, x: i32, dy: i32, dw: i32, dwStride: i32, scratch: i32, scratchPer: i32,
                                 ctr: i32, chunk: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), OC = ldi(at + A_OC), G = ldi(at + A_G);
  const KH = ldi(at + A_KH), KW = ldi(at + A_KW);
  const Cg = C / G, Q = Cg * KH * KW, Hp = hpOf(at), Wp = wpOf(at);
  const items = N * G, chunks = (items + chunk - 1) / chunk;
  const s = scratch + tid * scratchPer, xp = s, offs = xp + xpFloats(at) * 4, dyp = offs + ((Q * 4 + 63) & ~63);
  tapOffsets(Cg, KH, KW, ldi(at + A_DH), ldi(at + A_DW), Hp, Wp, offs, false);
  for (let ch = atomic.add<i32>(ctr, 1); ch < chunks; ch = atomic.add<i32>(ctr, 1)) {
    const my = dw + ch * dwStride;
    zero(my, OC * Q * 4);
    chunkGradWeight(at, x, dy, my, ch * chunk, min(items, (ch + 1) * chunk), xp, offs, dyp);
  }
}

/** directGradWeight's work on items [lo, hi), summed into `my`. */
function chunkGradWeight(at: i32, x: i32, dy: i32, my: i32, lo: i32, hi: i32, xp: i32, offs: i32, dyp: i32): void {
  const C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), OC = ldi(at + A_OC), G = ldi(at + A_G);
  const KH = ldi(at + A_KH), KW = ldi(at + A_KW), OH = ldi(at + A_OH), OW = ldi(at + A_OW);
  const Cg = C / G, OCg = OC / G, Q = Cg * KH * KW, Hp = hpOf(at), Wp = wpOf(at), HpWp = Hp * Wp;
  const P = (OH * Wp + 7) & ~7, ldd = P * 4, nk = (OH * Wp + 3) >> 2;
  let padded = -1;
  for (let it = lo; it < hi; it++) {
    const g = it % G, n = it / G;
    if (n != padded) {
      padImage(x + n * C * H * W * 4, C, H, W, ldi(at + A_PT), ldi(at + A_PL), Hp, Wp, xp, slackOf(at));
      padded = n;
    }
    // dyp rows: this group's dy spread to padded-width positions, zeros elsewhere (rows past OCg too).
    zero(dyp, ((OCg + 3) & ~3) * ldd);
    for (let oc = 0; oc < OCg; oc++) {
      const src = dy + ((n * OC + g * OCg + oc) * OH * OW) * 4, dst = dyp + oc * ldd;
      for (let oh = 0; oh < OH; oh++) memory.copy(<usize>(dst + oh * Wp * 4), <usize>(src + oh * OW * 4), <usize>(OW * 4));
    }
    const xg = xp + g * Cg * HpWp * 4, dwg = my + g * OCg * Q * 4;
    for (let i0 = 0; i0 < OCg; i0 += 4) {
      const rows = min(4, OCg - i0), d = dyp + i0 * ldd, dwr = dwg + i0 * Q * 4;
      if (rows <= 2) {
        for (let q = 0; q < Q; q += 4) {
          const nq = min(4, Q - q), o = offs + q * 4;
          const x0 = xg + ldi(o), x1 = nq > 1 ? xg + ldi(o + 4) : x0;
          const x2 = nq > 2 ? xg + ldi(o + 8) : x0, x3 = nq > 3 ? xg + ldi(o + 12) : x0;
          dwTile2x4(nk, d, ldd, x0, x1, x2, x3, dwr + q * 4, Q * 4, rows, nq);
        }
        continue;
      }
      for (let q = 0; q < Q; q += 2) {
        const two = q + 1 < Q;
        const x0 = xg + ldi(offs + q * 4), x1 = two ? xg + ldi(offs + q * 4 + 4) : x0;
        dwTile(nk, d, ldd, x0, x1, dwr + q * 4, Q * 4, rows, two);
      }
    }
  }
}

/** 1 if all n floats at p are finite, else 0 (one thread). */
export function allFinite(p: i32, n: i32): i32 {
  let ok = i32x4.splat(-1);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const v = ldv(p + i * 4); ok = v128.and(ok, f32x4.eq(f32x4.sub(v, v), f32x4.splat(0))); }
  if (!i32x4.all_true(ok)) return 0;
  for (; i < n; i++) { const v = ldf(p + i * 4); if (v - v != 0) return 0; }
  return 1;
}
