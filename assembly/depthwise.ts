// assembly/depthwise.ts — direct depthwise convolution (groups == C == OC): one KH×KW filter per plane.
// im2col + GEMM would be a GEMM with M = 1, all packing and no reuse; here each plane is copied once
// into a zero-padded buffer so the inner loops have no bounds checks, then stride-1 rows are computed
// 8 and 4 outputs at a time with f32x4. Stride-1 grad input is a forward depthwise conv of dy with the
// flipped filters (set up in JS); other strides use the scatter below. Threads split planes (forward,
// grad input) or channels (grad weight, which sums over images).

import { ldf, stf, ldi, ldv, stv, splat, madd, shareLo, zero,
  A_N, A_C, A_H, A_W, A_KH, A_KW, A_OH, A_OW, A_SH, A_SW, A_PT, A_PL, A_DH, A_DW } from './common';

/** Copies an H×W plane into Hp×Wp at offset (pT, pL) (either may be negative: cropping), zeros elsewhere. */
function padPlane(src: i32, H: i32, W: i32, pT: i32, pL: i32, Hp: i32, Wp: i32, dst: i32): void {
  const c0 = max(0, pL), c1 = min(Wp, W + pL); // destination columns that come from the input
  for (let r = 0; r < Hp; r++) {
    const ih = r - pT, d = dst + r * Wp * 4;
    if (<u32>ih >= <u32>H || c1 <= c0) { zero(d, Wp * 4); continue; }
    if (c0 > 0) zero(d, c0 * 4);
    memory.copy(<usize>(d + c0 * 4), <usize>(src + (ih * W + c0 - pL) * 4), <usize>((c1 - c0) * 4));
    if (c1 < Wp) zero(d + c1 * 4, (Wp - c1) * 4);
  }
}

@inline function paddedH(at: i32): i32 { return (ldi(at + A_OH) - 1) * ldi(at + A_SH) + (ldi(at + A_KH) - 1) * ldi(at + A_DH) + 1; }
@inline function paddedW(at: i32): i32 { return (ldi(at + A_OW) - 1) * ldi(at + A_SW) + (ldi(at + A_KW) - 1) * ldi(at + A_DW) + 1; }

export function depthwiseScratch(at: i32): i32 { return paddedH(at) * paddedW(at) * 4 + 64; }

export function depthwiseForward(tid: i32, nt: i32, at: i32, x: i32, w: i32, bias: i32, y: i32, scratch: i32, scratchPer: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), KH = ldi(at + A_KH), KW = ldi(at + A_KW);
  const OH = ldi(at + A_OH), OW = ldi(at + A_OW), sH = ldi(at + A_SH), sW = ldi(at + A_SW), dH = ldi(at + A_DH), dW = ldi(at + A_DW);
  const Hp = paddedH(at), Wp = paddedW(at), KHW = KH * KW;
  const xp = scratch + tid * scratchPer;
  const is3x3 = KH == 3 && KW == 3 && sH == 1 && sW == 1 && dH == 1 && dW == 1;
  const items = N * C, lo = shareLo(items, tid, nt), hi = shareLo(items, tid + 1, nt);
  for (let pl = lo; pl < hi; pl++) {
    const c = pl % C, wc = w + c * KHW * 4, yp = y + pl * OH * OW * 4;
    const b: f32 = bias != 0 ? ldf(bias + c * 4) : 0;
    padPlane(x + pl * H * W * 4, H, W, ldi(at + A_PT), ldi(at + A_PL), Hp, Wp, xp);
    if (is3x3) { plane3x3(xp, Wp, wc, b, yp, OH, OW); continue; }
    for (let oh = 0; oh < OH; oh++) {
      const yr = yp + oh * OW * 4, xr = xp + oh * sH * Wp * 4;
      let ow = 0;
      if (sW == 1) {
        for (; ow + 8 <= OW; ow += 8) {
          let a0 = f32x4.splat(b), a1 = f32x4.splat(b);
          for (let kh = 0; kh < KH; kh++) {
            const xs = xr + (kh * dH * Wp + ow) * 4, wk = wc + kh * KW * 4;
            for (let kw = 0; kw < KW; kw++) {
              const wv = splat(wk + kw * 4), s = xs + kw * dW * 4;
              a0 = madd(wv, ldv(s), a0); a1 = madd(wv, ldv(s + 16), a1);
            }
          }
          stv(yr + ow * 4, a0); stv(yr + ow * 4 + 16, a1);
        }
        for (; ow + 4 <= OW; ow += 4) {
          let a0 = f32x4.splat(b);
          for (let kh = 0; kh < KH; kh++) {
            const xs = xr + (kh * dH * Wp + ow) * 4, wk = wc + kh * KW * 4;
            for (let kw = 0; kw < KW; kw++) a0 = madd(splat(wk + kw * 4), ldv(xs + kw * dW * 4), a0);
          }
          stv(yr + ow * 4, a0);
        }
      }
      for (; ow < OW; ow++) {
        let s = b;
        for (let kh = 0; kh < KH; kh++) {
          const xs = xr + (kh * dH * Wp + ow * sW) * 4, wk = wc + kh * KW * 4;
          for (let kw = 0; kw < KW; kw++) s += ldf(wk + kw * 4) * ldf(xs + kw * dW * 4);
        }
        stf(yr + ow * 4, s);
      }
    }
  }
}

/** The common case, 3×3 at stride 1 without dilation: the nine weights stay in registers and the taps
 *  are written out, 8 outputs (then 4, then 1) at a time along a row. */
function plane3x3(xp: i32, Wp: i32, wc: i32, b: f32, yp: i32, OH: i32, OW: i32): void {
  const w0 = splat(wc), w1 = splat(wc + 4), w2 = splat(wc + 8), w3 = splat(wc + 12), w4 = splat(wc + 16);
  const w5 = splat(wc + 20), w6 = splat(wc + 24), w7 = splat(wc + 28), w8 = splat(wc + 32);
  const vb = f32x4.splat(b), rw = Wp * 4;
  for (let oh = 0; oh < OH; oh++) {
    const r0 = xp + oh * rw, r1 = r0 + rw, r2 = r1 + rw, yr = yp + oh * OW * 4;
    let ow = 0;
    for (; ow + 8 <= OW; ow += 8) {
      const o = ow * 4;
      let a0 = madd(w0, ldv(r0 + o), vb), a1 = madd(w0, ldv(r0 + o + 16), vb);
      a0 = madd(w1, ldv(r0 + o + 4), a0); a1 = madd(w1, ldv(r0 + o + 20), a1);
      a0 = madd(w2, ldv(r0 + o + 8), a0); a1 = madd(w2, ldv(r0 + o + 24), a1);
      a0 = madd(w3, ldv(r1 + o), a0); a1 = madd(w3, ldv(r1 + o + 16), a1);
      a0 = madd(w4, ldv(r1 + o + 4), a0); a1 = madd(w4, ldv(r1 + o + 20), a1);
      a0 = madd(w5, ldv(r1 + o + 8), a0); a1 = madd(w5, ldv(r1 + o + 24), a1);
      a0 = madd(w6, ldv(r2 + o), a0); a1 = madd(w6, ldv(r2 + o + 16), a1);
      a0 = madd(w7, ldv(r2 + o + 4), a0); a1 = madd(w7, ldv(r2 + o + 20), a1);
      a0 = madd(w8, ldv(r2 + o + 8), a0); a1 = madd(w8, ldv(r2 + o + 24), a1);
      stv(yr + o, a0); stv(yr + o + 16, a1);
    }
    for (; ow + 4 <= OW; ow += 4) {
      const o = ow * 4;
      let a = madd(w0, ldv(r0 + o), vb);
      a = madd(w1, ldv(r0 + o + 4), a); a = madd(w2, ldv(r0 + o + 8), a);
      a = madd(w3, ldv(r1 + o), a); a = madd(w4, ldv(r1 + o + 4), a); a = madd(w5, ldv(r1 + o + 8), a);
      a = madd(w6, ldv(r2 + o), a); a = madd(w7, ldv(r2 + o + 4), a); a = madd(w8, ldv(r2 + o + 8), a);
      stv(yr + o, a);
    }
    for (; ow < OW; ow++) {
      const o = ow * 4;
      let s = b;
      for (let kh = 0; kh < 3; kh++) {
        const r = r0 + kh * rw + o;
        s += ldf(wc + kh * 12) * ldf(r) + ldf(wc + kh * 12 + 4) * ldf(r + 4) + ldf(wc + kh * 12 + 8) * ldf(r + 8);
      }
      stf(yr + o, s);
    }
  }
}

/** dW[c, kh, kw] = Σ_n Σ_(oh,ow) dy · x_padded; thread tid owns a range of channels. */
export function depthwiseGradWeight(tid: i32, nt: i32, at: i32, x: i32, dy: i32, dw: i32, scratch: i32, scratchPer: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), KH = ldi(at + A_KH), KW = ldi(at + A_KW);
  const OH = ldi(at + A_OH), OW = ldi(at + A_OW), sH = ldi(at + A_SH), sW = ldi(at + A_SW), dH = ldi(at + A_DH), dW = ldi(at + A_DW);
  const Hp = paddedH(at), Wp = paddedW(at), KHW = KH * KW;
  const xp = scratch + tid * scratchPer;
  const lo = shareLo(C, tid, nt), hi = shareLo(C, tid + 1, nt);
  for (let c = lo; c < hi; c++) {
    const wc = dw + c * KHW * 4;
    zero(wc, KHW * 4);
    for (let n = 0; n < N; n++) {
      const pl = n * C + c, dyp = dy + pl * OH * OW * 4;
      padPlane(x + pl * H * W * 4, H, W, ldi(at + A_PT), ldi(at + A_PL), Hp, Wp, xp);
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          let v = f32x4.splat(0);
          let s: f32 = 0;
          for (let oh = 0; oh < OH; oh++) {
            const xr = xp + ((oh * sH + kh * dH) * Wp + kw * dW) * 4, gr = dyp + oh * OW * 4;
            let ow = 0;
            if (sW == 1) for (; ow + 4 <= OW; ow += 4) v = madd(ldv(gr + ow * 4), ldv(xr + ow * 4), v);
            for (; ow < OW; ow++) s += ldf(gr + ow * 4) * ldf(xr + ow * sW * 4);
          }
          s += f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
          const d = wc + (kh * KW + kw) * 4;
          stf(d, ldf(d) + s);
        }
      }
    }
  }
}

/** Grad input for strides > 1: scatter dy·w into a padded plane, then crop it into dx. */
export function depthwiseGradInput(tid: i32, nt: i32, at: i32, dy: i32, w: i32, dx: i32, scratch: i32, scratchPer: i32): void {
  const N = ldi(at + A_N), C = ldi(at + A_C), H = ldi(at + A_H), W = ldi(at + A_W), KH = ldi(at + A_KH), KW = ldi(at + A_KW);
  const OH = ldi(at + A_OH), OW = ldi(at + A_OW), sH = ldi(at + A_SH), sW = ldi(at + A_SW), dH = ldi(at + A_DH), dW = ldi(at + A_DW);
  const pT = ldi(at + A_PT), pL = ldi(at + A_PL);
  const Hp = paddedH(at), Wp = paddedW(at), KHW = KH * KW;
  const xp = scratch + tid * scratchPer;
  const items = N * C, lo = shareLo(items, tid, nt), hi = shareLo(items, tid + 1, nt);
  for (let pl = lo; pl < hi; pl++) {
    const wc = w + (pl % C) * KHW * 4, g = dy + pl * OH * OW * 4;
    zero(xp, Hp * Wp * 4);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const gv = ldf(g + (oh * OW + ow) * 4);
        const base = xp + (oh * sH * Wp + ow * sW) * 4;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            const d = base + (kh * dH * Wp + kw * dW) * 4;
            stf(d, ldf(d) + gv * ldf(wc + (kh * KW + kw) * 4));
          }
        }
      }
    }
    const out = dx + pl * H * W * 4;
    for (let ih = 0; ih < H; ih++) {
      const r = ih + pT;
      for (let iw = 0; iw < W; iw++) {
        const cc = iw + pL;
        stf(out + (ih * W + iw) * 4, <u32>r < <u32>Hp && <u32>cc < <u32>Wp ? ldf(xp + (r * Wp + cc) * 4) : 0);
      }
    }
  }
}
