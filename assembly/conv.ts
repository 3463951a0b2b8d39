// assembly/conv.ts — conv2d forward, grad-weight and grad-input (any stride, padding, dilation, groups)
// on the packed GEMM, with the im2col matrix packed straight into GEMM panels and never materialised.
//
//   forward      y[oc, p]   = Σ_q W[oc, q] · col[q, p]     M=OCg  N=P (positions)  K=Q (c, kh, kw)
//   grad weight  dW[oc, q] += Σ_p dy[oc, p] · col[q, p]    M=OCg  N=Q              K=P, summed over images
//   grad input   dcol[q, p] = Σ_oc W[oc, q] · dy[oc, p]    M=Q    N=P              K=OCg, then col2im
//
// col[q, p] = x[c, oh·sH − pT + kh·dH, ow·sW − pL + kw·dW], 0 outside the input. Stride-1 grad input is
// not done here: JS turns it into a forward conv of dy with the flipped, transposed weights (no col2im
// scatter, and the forward kernel is the fastest one we have).
//
// Threads: forward splits (image, group, block of positions); grad weight splits (group, image, block of
// positions) with one private dW per thread summed afterwards; grad input splits (image, group, channel
// chunk) because col2im of one image overlaps across position blocks but never across channels.

import { ldf, stf, ldi, sti, ldv, stv, splat, shareLo, zero,
  A_N, A_C, A_H, A_W, A_OC, A_KH, A_KW, A_OH, A_OW, A_SH, A_SW, A_PT, A_PL, A_DH, A_DW, A_G } from './common';
import { KC, NC, MR, NR, microEdge, macro, packA, packB } from './gemm';

/** Splits `total` into equal blocks of at most `max`, rounded up to a multiple of `align`. */
@inline function blockOf(total: i32, max: i32, align: i32): i32 {
  const nb = (total + max - 1) / max;
  const b = (total + nb - 1) / nb;
  return (b + align - 1) / align * align;
}
export function convKC(Q: i32): i32 { return blockOf(Q, KC, 1); }
export function convNC(P: i32): i32 { return blockOf(P, NC, NR); }

/** [lo, hi) of r in [0, run) with 0 ≤ iw + r·s < W: the in-bounds stretch of one output-row segment. */
@inline function inLo(iw: i32, s: i32): i32 { return iw >= 0 ? 0 : (-iw + s - 1) / s; }
@inline function inHi(iw: i32, s: i32, W: i32, run: i32): i32 {
  if (iw >= W) return 0;
  return min(run, (W - iw + s - 1) / s);
}

/** Packs col[q0 .. q0+kc, p0 .. p0+nc) of image n, channels from c0, into ceil(nc/8) B panels of kc×8
 *  (GEMM N = positions). `lanes` is 64 bytes of scratch for per-lane row/column origins. */
function packColsFwd(x: i32, at: i32, n: i32, c0: i32, q0: i32, kc: i32, p0: i32, nc: i32, dst: i32, lanes: i32): void {
  const C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), KH = ldi(at + A_KH), KW = ldi(at + A_KW);
  const OW = ldi(at + A_OW), sH = ldi(at + A_SH), sW = ldi(at + A_SW), pT = ldi(at + A_PT), pL = ldi(at + A_PL);
  const dH = ldi(at + A_DH), dW = ldi(at + A_DW);
  const KHW = KH * KW, HW4 = H * W * 4;
  for (let pb = p0; pb < p0 + nc; pb += NR) {
    const nl = min(NR, p0 + nc - pb);
    const oh0 = pb / OW, ow0 = pb - oh0 * OW;
    const oneRow = nl == NR && ow0 + NR <= OW;
    if (!oneRow) {
      for (let j = 0; j < NR; j++) {
        const p = pb + j, oh = p / OW;
        sti(lanes + j * 4, j < nl ? oh * sH - pT : -0x40000000); // far outside: reads as 0
        sti(lanes + 32 + j * 4, (p - oh * OW) * sW - pL);
      }
    }
    const ihb = oh0 * sH - pT, iwb = ow0 * sW - pL;
    let c = q0 / KHW, r = q0 - c * KHW, kh = r / KW, kw = r - kh * KW;
    let plane = x + (n * C + c0 + c) * HW4;
    let d = dst + ((pb - p0) >> 3) * kc * 32;
    for (let qi = 0; qi < kc; qi++) {
      if (oneRow) {
        const ih = ihb + kh * dH, iw = iwb + kw * dW;
        if (<u32>ih >= <u32>H) {
          stv(d, f32x4.splat(0)); stv(d + 16, f32x4.splat(0));
        } else if (sW == 1 && iw >= 0 && iw + NR <= W) {
          const s = plane + (ih * W + iw) * 4;
          stv(d, ldv(s)); stv(d + 16, ldv(s + 16));
        } else if (sW == 2 && iw >= 0 && iw + 2 * NR <= W) {
          // Stride 2 (a stem such as ResNet's 7×7): the even lanes of 16 consecutive pixels. Gathering them
          // one by one made packing cost as much as the product itself.
          const s = plane + (ih * W + iw) * 4;
          stv(d, v128.shuffle<f32>(ldv(s), ldv(s + 16), 0, 2, 4, 6));
          stv(d + 16, v128.shuffle<f32>(ldv(s + 32), ldv(s + 48), 0, 2, 4, 6));
        } else {
          const row = plane + ih * W * 4;
          for (let j = 0, iwj = iw; j < NR; j++, iwj += sW) stf(d + j * 4, <u32>iwj < <u32>W ? ldf(row + iwj * 4) : 0);
        }
      } else {
        const kdh = kh * dH, kdw = kw * dW;
        for (let j = 0; j < NR; j++) {
          const ih = ldi(lanes + j * 4) + kdh, iw = ldi(lanes + 32 + j * 4) + kdw;
          stf(d + j * 4, <u32>ih < <u32>H && <u32>iw < <u32>W ? ldf(plane + (ih * W + iw) * 4) : 0);
        }
      }
      d += 32;
      if (++kw == KW) { kw = 0; if (++kh == KH) { kh = 0; c++; plane += HW4; } }
    }
  }
}

/** Bytes of per-thread scratch convForward needs for attrs `at`. */
export function convForwardScratch(at: i32): i32 {
  const Q = ldi(at + A_C) / ldi(at + A_G) * ldi(at + A_KH) * ldi(at + A_KW);
  return 256 + convKC(Q) * convNC(ldi(at + A_OH) * ldi(at + A_OW)) * 4;
}

/** y = conv(x, W) + bias. `ap`: W packed per group by packA (ceil(OCg/4) panels of Q×4); bias 0 = none. */
export function convForward(tid: i32, nt: i32, at: i32, x: i32, ap: i32, bias: i32, y: i32, scratch: i32, scratchPer: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), OC = ldi(at + A_OC), G = ldi(at + A_G);
  const Cg = C / G, OCg = OC / G, Q = Cg * ldi(at + A_KH) * ldi(at + A_KW), P = ldi(at + A_OH) * ldi(at + A_OW);
  const kcMax = convKC(Q), ncMax = convNC(P), nPB = (P + ncMax - 1) / ncMax, nMP = (OCg + MR - 1) / MR;
  const items = N * G * nPB, lo = shareLo(items, tid, nt), hi = shareLo(items, tid + 1, nt);
  const s = scratch + tid * scratchPer, tile = s, lanes = s + 128, bp = s + 256;
  const ldc = P * 4, aStride = Q * 16;
  for (let it = lo; it < hi; it++) {
    const pb = it % nPB, ng = it / nPB, g = ng % G, n = ng / G;
    const p0 = pb * ncMax, nc = min(ncMax, P - p0);
    const cb = y + ((n * OC + g * OCg) * P + p0) * 4;
    const apg = ap + g * nMP * aStride;
    for (let q0 = 0; q0 < Q; q0 += kcMax) {
      const kc = min(kcMax, Q - q0);
      packColsFwd(x, at, n, g * Cg, q0, kc, p0, nc, bp, lanes);
      for (let j0 = 0; j0 < nc; j0 += NR) {
        const nr = min(NR, nc - j0), bpp = bp + (j0 >> 3) * kc * 32;
        for (let i0 = 0; i0 < OCg; i0 += MR) {
          microEdge(kc, apg + (i0 >> 2) * aStride + q0 * 16, bpp, cb + i0 * ldc + j0 * 4, ldc, q0 > 0, min(MR, OCg - i0), nr, tile);
        }
      }
    }
    if (bias != 0) {
      for (let oc = 0; oc < OCg; oc++) {
        const bv = splat(bias + (g * OCg + oc) * 4), row = cb + oc * ldc;
        let j = 0;
        for (; j + 4 <= nc; j += 4) stv(row + j * 4, f32x4.add(ldv(row + j * 4), bv));
        for (; j < nc; j++) stf(row + j * 4, ldf(row + j * 4) + f32x4.extract_lane(bv, 0));
      }
    }
  }
}

/** Packs colᵀ[p0 .. p0+kc, all q] of image n, channels from c0, into ceil(Q/8) B panels of kc×8
 *  (GEMM N = q). Walks each q's row segments with the in-bounds stretch found once per segment. */
function packColsT(x: i32, at: i32, n: i32, c0: i32, p0: i32, kc: i32, dst: i32): void {
  const C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), KH = ldi(at + A_KH), KW = ldi(at + A_KW);
  const OW = ldi(at + A_OW), sH = ldi(at + A_SH), sW = ldi(at + A_SW), pT = ldi(at + A_PT), pL = ldi(at + A_PL);
  const dH = ldi(at + A_DH), dW = ldi(at + A_DW), Cg = C / ldi(at + A_G);
  const Q = Cg * KH * KW, oh0 = p0 / OW, ow0 = p0 - oh0 * OW;
  let q = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = x + (n * C + c0 + c) * H * W * 4;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++, q++) {
        const d = dst + ((q >> 3) * kc * 8 + (q & 7)) * 4;
        let k = 0, oh = oh0, ow = ow0;
        while (k < kc) {
          const run = min(OW - ow, kc - k);
          const ih = oh * sH - pT + kh * dH;
          if (<u32>ih >= <u32>H) {
            for (let r = 0; r < run; r++) stf(d + (k + r) * 32, 0);
          } else {
            const row = plane + ih * W * 4, iw = ow * sW - pL + kw * dW;
            const rlo = min(run, inLo(iw, sW)), rhi = max(rlo, inHi(iw, sW, W, run));
            let r = 0;
            for (; r < rlo; r++) stf(d + (k + r) * 32, 0);
            for (let src = row + (iw + r * sW) * 4; r < rhi; r++, src += sW * 4) stf(d + (k + r) * 32, ldf(src));
            for (; r < run; r++) stf(d + (k + r) * 32, 0);
          }
          k += run; oh++; ow = 0;
        }
      }
    }
  }
  for (; (q & 7) != 0; q++) {
    const d = dst + ((q >> 3) * kc * 8 + (q & 7)) * 4;
    for (let k = 0; k < kc; k++) stf(d + k * 32, 0);
  }
}

export function convGradWeightKC(P: i32): i32 { return blockOf(P, KC, 1); }

export function convGradWeightScratch(at: i32): i32 {
  const G = ldi(at + A_G), OCg = ldi(at + A_OC) / G, Q = ldi(at + A_C) / G * ldi(at + A_KH) * ldi(at + A_KW);
  const kc = convGradWeightKC(ldi(at + A_OH) * ldi(at + A_OW));
  return 128 + ((OCg + 3) & ~3) * kc * 4 + ((Q + 7) & ~7) * kc * 4;
}

/** Thread tid accumulates its share of dW into dw + tid·dwStride (OC×Q floats, zeroed here); JS then
 *  sums the nt partials with sumBuffers. */
export function convGradWeight(tid: i32, nt: i32, at: i32, x: i32, dy: i32, dw: i32, dwStride: i32, scratch: i32, scratchPer: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), OC = ldi(at + A_OC), G = ldi(at + A_G);
  const Cg = C / G, OCg = OC / G, Q = Cg * ldi(at + A_KH) * ldi(at + A_KW), P = ldi(at + A_OH) * ldi(at + A_OW);
  const kcMax = convGradWeightKC(P), nKB = (P + kcMax - 1) / kcMax;
  const items = G * N * nKB, lo = shareLo(items, tid, nt), hi = shareLo(items, tid + 1, nt);
  const s = scratch + tid * scratchPer, tile = s, ap = s + 128, bp = ap + ((OCg + 3) & ~3) * kcMax * 4;
  const my = dw + tid * dwStride;
  zero(my, OC * Q * 4);
  for (let it = lo; it < hi; it++) {
    const kb = it % nKB, gn = it / nKB, n = gn % N, g = gn / N;
    const p0 = kb * kcMax, kc = min(kcMax, P - p0);
    packA(OCg, kc, dy + ((n * OC + g * OCg) * P + p0) * 4, P * 4, 4, ap);
    packColsT(x, at, n, g * Cg, p0, kc, bp);
    macro(OCg, Q, kc, ap, kc * 16, bp, my + g * OCg * Q * 4, Q * 4, true, tile);
  }
}

/** Bytes of per-thread scratch convGradInput needs with `chunk` channels per work item. */
export function convGradInputScratch(at: i32, chunk: i32): i32 {
  const G = ldi(at + A_G), OCg = ldi(at + A_OC) / G, KHW = ldi(at + A_KH) * ldi(at + A_KW);
  const mq = chunk * KHW, nc = convNC(ldi(at + A_OH) * ldi(at + A_OW));
  return 128 + ((mq + 3) & ~3) * OCg * 4 + min(OCg, KC) * nc * 4 + mq * nc * 4;
}

/** dx = col2im(Wᵀ · dy), any stride; work items are (image, group, chunk of `chunk` channels). */
export function convGradInput(tid: i32, nt: i32, at: i32, dy: i32, w: i32, dx: i32, chunk: i32, scratch: i32, scratchPer: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), OC = ldi(at + A_OC), G = ldi(at + A_G);
  const KH = ldi(at + A_KH), KW = ldi(at + A_KW), OW = ldi(at + A_OW);
  const sH = ldi(at + A_SH), sW = ldi(at + A_SW), pT = ldi(at + A_PT), pL = ldi(at + A_PL), dH = ldi(at + A_DH), dW = ldi(at + A_DW);
  const Cg = C / G, OCg = OC / G, KHW = KH * KW, Q = Cg * KHW, P = ldi(at + A_OH) * OW;
  const ncMax = convNC(P), nCh = (Cg + chunk - 1) / chunk;
  const items = N * G * nCh, lo = shareLo(items, tid, nt), hi = shareLo(items, tid + 1, nt);
  const mqMax = chunk * KHW;
  const s = scratch + tid * scratchPer, tile = s, ap = s + 128, bp = ap + ((mqMax + 3) & ~3) * OCg * 4;
  const dcol = bp + min(OCg, KC) * ncMax * 4;
  for (let it = lo; it < hi; it++) {
    const ch = it % nCh, ng = it / nCh, g = ng % G, n = ng / G;
    const cs = ch * chunk, ce = min(Cg, cs + chunk), mq = (ce - cs) * KHW;
    const planes = dx + (n * C + g * Cg + cs) * H * W * 4;
    zero(planes, (ce - cs) * H * W * 4);
    // A[q, oc] = W[g·OCg + oc, cs·KHW + q]: rows of Wᵀ, packed once for all of K = OCg.
    packA(mq, OCg, w + (g * OCg * Q + cs * KHW) * 4, 4, Q * 4, ap);
    for (let p0 = 0; p0 < P; p0 += ncMax) {
      const nc = min(ncMax, P - p0);
      for (let k0 = 0; k0 < OCg; k0 += KC) {
        const kc = min(KC, OCg - k0);
        packB(kc, nc, dy + ((n * OC + g * OCg + k0) * P + p0) * 4, P * 4, 4, bp);
        macro(mq, nc, kc, ap + k0 * 16, OCg * 16, bp, dcol, nc * 4, k0 > 0, tile);
      }
      // col2im: add each dcol entry into the input pixel it was read from.
      const oh0 = p0 / OW, ow0 = p0 - oh0 * OW;
      let q = 0;
      for (let c = 0; c < ce - cs; c++) {
        const plane = planes + c * H * W * 4;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++, q++) {
            const src = dcol + q * nc * 4;
            let k = 0, oh = oh0, ow = ow0;
            while (k < nc) {
              const run = min(OW - ow, nc - k);
              const ih = oh * sH - pT + kh * dH;
              if (<u32>ih < <u32>H) {
                const row = plane + ih * W * 4, iw = ow * sW - pL + kw * dW;
                const rlo = min(run, inLo(iw, sW)), rhi = max(rlo, inHi(iw, sW, W, run));
                for (let r = rlo, dst = row + (iw + rlo * sW) * 4; r < rhi; r++, dst += sW * 4) {
                  stf(dst, ldf(dst) + ldf(src + (k + r) * 4));
                }
              }
              k += run; oh++; ow = 0;
            }
          }
        }
      }
    }
  }
}
