// assembly/pool.ts — max/avg pooling forward and backward over PoolAttrs window tables (see
// src/backend/backend.ts): per axis, output i reads count[i] taps from start[i] with step `step`.
// Tables are i32 arrays in the heap; 1/divisor per axis is an f32 table (avgPool). Planes (N·C) are
// split across threads; the backward kernels zero and scatter into their own planes only.

import { ldf, stf, ldi, sti, ldv, stv, shareLo, zero } from './common';

/** Max pooling; NaN wins and the first NaN's index is kept, as in PyTorch (and ref). arg = 0: no
 *  arg-max wanted (inference), none is written. */
export function maxPool(tid: i32, nt: i32, planes: i32, H: i32, W: i32, OH: i32, OW: i32,
                        hs: i32, hc: i32, hstep: i32, ws: i32, wc: i32, wstep: i32, x: i32, out: i32, arg: i32): void {
  const lo = shareLo(planes, tid, nt), hi = shareLo(planes, tid + 1, nt);
  for (let p = lo; p < hi; p++) {
    const base = x + p * H * W * 4;
    let o = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = ldi(hs + oh * 4), hn = ldi(hc + oh * 4);
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = ldi(ws + ow * 4), wn = ldi(wc + ow * 4);
        let best: f32 = -Infinity, bi = h0 * W + w0;
        let ih = h0;
        for (let i = 0; i < hn; i++, ih += hstep) {
          let idx = ih * W + w0;
          let j = 0;
          for (; j < wn; j++, idx += wstep) {
            const v = ldf(base + idx * 4);
            if (v > best || v != v) { best = v; bi = idx; if (v != v) break; }
          }
          if (best != best) break;
        }
        stf(out + o * 4, best);
        if (arg) sti(arg + o * 4, bi);
      }
    }
  }
}

export function maxPoolGrad(tid: i32, nt: i32, planes: i32, HW: i32, OHW: i32, dy: i32, arg: i32, dx: i32): void {
  const lo = shareLo(planes, tid, nt), hi = shareLo(planes, tid + 1, nt);
  for (let p = lo; p < hi; p++) {
    const d = dx + p * HW * 4;
    zero(d, HW * 4);
    for (let o = p * OHW, e = o + OHW; o < e; o++) {
      const t = d + ldi(arg + o * 4) * 4;
      stf(t, ldf(t) + ldf(dy + o * 4));
    }
  }
}

/** Average pooling: sum of the in-bounds taps times 1/divisor(oh)·1/divisor(ow). */
export function avgPool(tid: i32, nt: i32, planes: i32, H: i32, W: i32, OH: i32, OW: i32,
                        hs: i32, hc: i32, hinv: i32, ws: i32, wc: i32, winv: i32, x: i32, out: i32): void {
  const lo = shareLo(planes, tid, nt), hi = shareLo(planes, tid + 1, nt);
  for (let p = lo; p < hi; p++) {
    const base = x + p * H * W * 4;
    let o = out + p * OH * OW * 4;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = ldi(hs + oh * 4), hn = ldi(hc + oh * 4), fh = ldf(hinv + oh * 4);
      for (let ow = 0; ow < OW; ow++, o += 4) {
        const w0 = ldi(ws + ow * 4), wn = ldi(wc + ow * 4);
        let s: f32 = 0;
        for (let ih = h0; ih < h0 + hn; ih++) {
          const r = base + (ih * W + w0) * 4;
          for (let j = 0; j < wn; j++) s += ldf(r + j * 4);
        }
        stf(o, s * (fh * ldf(winv + ow * 4)));
      }
    }
  }
}

export function avgPoolGrad(tid: i32, nt: i32, planes: i32, H: i32, W: i32, OH: i32, OW: i32,
                            hs: i32, hc: i32, hinv: i32, ws: i32, wc: i32, winv: i32, dy: i32, dx: i32): void {
  const lo = shareLo(planes, tid, nt), hi = shareLo(planes, tid + 1, nt);
  for (let p = lo; p < hi; p++) {
    const base = dx + p * H * W * 4;
    zero(base, H * W * 4);
    let o = dy + p * OH * OW * 4;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = ldi(hs + oh * 4), hn = ldi(hc + oh * 4), fh = ldf(hinv + oh * 4);
      for (let ow = 0; ow < OW; ow++, o += 4) {
        const w0 = ldi(ws + ow * 4), wn = ldi(wc + ow * 4);
        const g = ldf(o) * (fh * ldf(winv + ow * 4));
        for (let ih = h0; ih < h0 + hn; ih++) {
          const r = base + (ih * W + w0) * 4;
          for (let j = 0; j < wn; j++) stf(r + j * 4, ldf(r + j * 4) + g);
        }
      }
    }
  }
}

/** Max pooling 2×2, stride 2, no padding or dilation (the common case): 4 outputs per step in f32x4,
 *  same tie and NaN rules as maxPool (taps in row-major order; a later tap wins only if strictly
 *  greater, or if it is the first NaN). arg = 0: no arg-max is written. */
export function maxPool2x2(tid: i32, nt: i32, planes: i32, H: i32, W: i32, OH: i32, OW: i32, x: i32, out: i32, arg: i32): void {
  const lo = shareLo(planes, tid, nt), hi = shareLo(planes, tid + 1, nt);
  const step = i32x4(0, 2, 4, 6);
  for (let p = lo; p < hi; p++) {
    const base = x + p * H * W * 4;
    let o = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = 2 * oh * W, r1 = r0 + W;
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4, o += 4) {
        const s0 = base + (r0 + 2 * ow) * 4, s1 = base + (r1 + 2 * ow) * 4;
        const a0 = ldv(s0), a1 = ldv(s0 + 16), b0 = ldv(s1), b1 = ldv(s1 + 16);
        const i00 = i32x4.add(i32x4.splat(r0 + 2 * ow), step);
        let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), bi = i00;
        let t = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        let m = v128.or(f32x4.gt(t, best), v128.and(f32x4.ne(t, t), f32x4.eq(best, best)));
        best = v128.bitselect(t, best, m); bi = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), bi, m);
        t = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        m = v128.or(f32x4.gt(t, best), v128.and(f32x4.ne(t, t), f32x4.eq(best, best)));
        best = v128.bitselect(t, best, m); bi = v128.bitselect(i32x4.add(i00, i32x4.splat(W)), bi, m);
        t = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        m = v128.or(f32x4.gt(t, best), v128.and(f32x4.ne(t, t), f32x4.eq(best, best)));
        best = v128.bitselect(t, best, m); bi = v128.bitselect(i32x4.add(i00, i32x4.splat(W + 1)), bi, m);
        stv(out + o * 4, best);
        if (arg) stv(arg + o * 4, bi);
      }
      for (; ow < OW; ow++, o++) {
        let best: f32 = -Infinity, bi = r0 + 2 * ow;
        for (let i = 0; i < 4; i++) {
          const idx = (i < 2 ? r0 : r1) + 2 * ow + (i & 1);
          const v = ldf(base + idx * 4);
          if (v > best || v != v) { best = v; bi = idx; if (v != v) break; }
        }
        stf(out + o * 4, best);
        if (arg) sti(arg + o * 4, bi);
      }
    }
  }
}

/** maxPool2x2 without the arg-max (inference): the same values as maxPool2x2. f32x4.pmax (one maxps;
 *  on a tie it keeps its first operand, so a tree of them keeps the first maximum in tap order, as
 *  maxPool does) ignores NaN; a NaN anywhere in a row of windows makes their sum NaN (so does ∞ − ∞),
 *  and that row is redone by the exact scalar rule. */
export function maxPool2x2Value(tid: i32, nt: i32, planes: i32, H: i32, W: i32, OH: i32, OW: i32, x: i32, out: i32): void {
  const lo = shareLo(planes, tid, nt), hi = shareLo(planes, tid + 1, nt);
  for (let p = lo; p < hi; p++) {
    const base = x + p * H * W * 4;
    let o = out + p * OH * OW * 4;
    for (let oh = 0; oh < OH; oh++, o += OW * 4) {
      const s0 = base + 2 * oh * W * 4, s1 = s0 + W * 4;
      let ow = 0, sum = f32x4.splat(0);
      for (; ow + 4 <= OW; ow += 4) {
        const a0 = ldv(s0 + ow * 8), a1 = ldv(s0 + ow * 8 + 16), b0 = ldv(s1 + ow * 8), b1 = ldv(s1 + ow * 8 + 16);
        const ra = f32x4.pmax(v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), v128.shuffle<f32>(a0, a1, 1, 3, 5, 7));
        const rb = f32x4.pmax(v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), v128.shuffle<f32>(b0, b1, 1, 3, 5, 7));
        stv(o + ow * 4, f32x4.pmax(ra, rb));
        sum = f32x4.add(sum, f32x4.add(f32x4.add(a0, a1), f32x4.add(b0, b1)));
      }
      const nan = v128.any_true(f32x4.ne(sum, sum));
      for (ow = nan ? 0 : ow; ow < OW; ow++) {
        let best: f32 = -Infinity;
        for (let i = 0; i < 4; i++) {
          const v = ldf((i < 2 ? s0 : s1) + ow * 8 + (i & 1) * 4);
          if (v > best || v != v) { best = v; if (v != v) break; }
        }
        stf(o + ow * 4, best);
      }
    }
  }
}
