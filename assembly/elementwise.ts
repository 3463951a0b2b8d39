// assembly/elementwise.ts — unary maps, broadcasting binary maps and reductions on f32x4.
//
// Binary broadcasting handled here is "one operand full, the other repeating": the small operand's
// element j is used for out[i] with j = (i / inner) % bn — a scalar (bn = 1), a trailing row
// (inner = 1) or a per-channel vector such as a [1, C, 1, 1] bias (inner = H·W). JS picks the pattern
// and hands everything else to ref. `swap` means the small operand is the left one.
// Reductions read [outer, R, inner] blocks; sums accumulate in f64 (as ref does) so long sums of
// mixed signs agree to 1e-4.

import { ldf, stf, ldv, stv, shareLo, share4Lo, share4Hi } from './common';

// Op codes shared with src/backend/wasm/elementwise.ts.
const U_NEG = 0, U_ABS = 1, U_RELU = 2, U_SQRT = 3, U_SQUARE = 4, U_RECIP = 5, U_FLOOR = 6, U_CEIL = 7,
  U_STEP = 8, U_EXP = 9, U_LOG = 10, U_SIGMOID = 11, U_TANH = 12;
const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAX = 4, B_MIN = 5, B_RELU_GRAD = 6;

@inline function unaryV(op: i32, x: v128): v128 {
  switch (op) {
    case U_NEG: return f32x4.neg(x);
    case U_ABS: return f32x4.abs(x);
    case U_RELU: { // x > 0 or NaN keeps x (NaN stays NaN, as in PyTorch)
      const keep = v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.ne(x, x));
      return v128.and(x, keep);
    }
    case U_SQRT: return f32x4.sqrt(x);
    case U_SQUARE: return f32x4.mul(x, x);
    case U_RECIP: return f32x4.div(f32x4.splat(1), x);
    case U_FLOOR: return f32x4.floor(x);
    case U_CEIL: return f32x4.ceil(x);
    case U_STEP: return v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.splat(1));
  }
  return x;
}

@inline function unaryS(op: i32, x: f32): f32 {
  switch (op) {
    case U_EXP: return Mathf.exp(x);
    case U_LOG: return Mathf.log(x);
    case U_SIGMOID: return x >= 0 ? 1 / (1 + Mathf.exp(-x)) : Mathf.exp(x) / (1 + Mathf.exp(x));
    case U_TANH: return Mathf.tanh(x);
  }
  return f32x4.extract_lane(unaryV(op, f32x4.splat(x)), 0);
}

export function unary(tid: i32, nt: i32, op: i32, x: i32, out: i32, n: i32): void {
  const lo = share4Lo(n, tid, nt), hi = share4Hi(n, tid, nt);
  let i = lo;
  if (op < U_EXP) for (; i + 4 <= hi; i += 4) stv(out + i * 4, unaryV(op, ldv(x + i * 4)));
  for (; i < hi; i++) stf(out + i * 4, unaryS(op, ldf(x + i * 4)));
}

@inline function binV(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case B_ADD: return f32x4.add(a, b);
    case B_SUB: return f32x4.sub(a, b);
    case B_MUL: return f32x4.mul(a, b);
    case B_DIV: return f32x4.div(a, b);
    case B_MAX: return f32x4.max(a, b);
    // (g, x) → g · (x ≤ 0 ? 0 : 1), as ref's same-shape loop: NaN x passes g; an infinite or NaN g
    // where x ≤ 0 gives NaN. JS sends only same-shape calls here.
    case B_RELU_GRAD: return f32x4.mul(a, v128.andnot(f32x4.splat(1), f32x4.le(b, f32x4.splat(0))));
    default: return f32x4.min(a, b);
  }
}

@inline function binS(op: i32, a: f32, b: f32): f32 {
  return f32x4.extract_lane(binV(op, f32x4.splat(a), f32x4.splat(b)), 0);
}

/** out[i] = op(full[i], small[(i / inner) % bn]) (operands swapped when `swap`). Threads split whole
 *  blocks of `inner` elements. bn·inner == n means both operands are full. */
export function binary(tid: i32, nt: i32, op: i32, full: i32, small: i32, out: i32, n: i32, bn: i32, inner: i32, swap: bool): void {
  const blocks = n / inner, lo = shareLo(blocks, tid, nt), hi = shareLo(blocks, tid + 1, nt);
  if (inner == 1) {
    // The small operand is a row of bn values (or as long as the whole array).
    for (let i = lo; i < hi;) {
      const j0 = i % bn, run = min(bn - j0, hi - i);
      const f = full + i * 4, s = small + j0 * 4, o = out + i * 4;
      let r = 0;
      if (swap) for (; r + 4 <= run; r += 4) stv(o + r * 4, binV(op, ldv(s + r * 4), ldv(f + r * 4)));
      else for (; r + 4 <= run; r += 4) stv(o + r * 4, binV(op, ldv(f + r * 4), ldv(s + r * 4)));
      for (; r < run; r++) {
        const fv = ldf(f + r * 4), sv = ldf(s + r * 4);
        stf(o + r * 4, swap ? binS(op, sv, fv) : binS(op, fv, sv));
      }
      i += run;
    }
    return;
  }
  for (let blk = lo; blk < hi; blk++) {
    const sv = ldf(small + (blk % bn) * 4), sv4 = f32x4.splat(sv);
    const f = full + blk * inner * 4, o = out + blk * inner * 4;
    let r = 0;
    if (swap) for (; r + 4 <= inner; r += 4) stv(o + r * 4, binV(op, sv4, ldv(f + r * 4)));
    else for (; r + 4 <= inner; r += 4) stv(o + r * 4, binV(op, ldv(f + r * 4), sv4));
    for (; r < inner; r++) {
      const fv = ldf(f + r * 4);
      stf(o + r * 4, swap ? binS(op, sv, fv) : binS(op, fv, sv));
    }
  }
}

const R_SUM = 0, R_MAX = 1;

/** out[o, i] = reduce over r of x[o, r, i]; op 0 sum (f64 accumulation), 1 max, 2 min. Threads split
 *  `outer` when it is large enough, else `inner`. */
export function reduce(tid: i32, nt: i32, op: i32, x: i32, out: i32, outer: i32, R: i32, inner: i32): void {
  const byOuter = outer >= nt;
  const oLo = byOuter ? shareLo(outer, tid, nt) : 0, oHi = byOuter ? shareLo(outer, tid + 1, nt) : outer;
  const iLo = byOuter ? 0 : shareLo(inner, tid, nt), iHi = byOuter ? inner : shareLo(inner, tid + 1, nt);
  if (!byOuter && inner == 1 && tid > 0) return; // a few long rows: thread 0 alone
  for (let o = oLo; o < oHi; o++) {
    const base = x + o * R * inner * 4;
    if (inner == 1) {
      // Contiguous row: 4 lanes (2 × f64x2 for sums), folded at the end.
      let i = 0;
      if (op == R_SUM) {
        let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
        for (; i + 4 <= R; i += 4) {
          const v = ldv(base + i * 4);
          s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
          s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
        }
        let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
        for (; i < R; i++) s += <f64>ldf(base + i * 4);
        stf(out + o * 4, <f32>s);
      } else {
        let m = f32x4.splat(op == R_MAX ? -Infinity : Infinity);
        for (; i + 4 <= R; i += 4) m = op == R_MAX ? f32x4.max(m, ldv(base + i * 4)) : f32x4.min(m, ldv(base + i * 4));
        let mv: f32 = op == R_MAX
          ? max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)))
          : min(min(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), min(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
        for (; i < R; i++) mv = op == R_MAX ? max(mv, ldf(base + i * 4)) : min(mv, ldf(base + i * 4));
        stf(out + o * 4, mv);
      }
      continue;
    }
    // Strided: accumulate whole rows of `inner` (kept in the output row, f64 for sums in scalar).
    const dst = out + o * inner * 4;
    if (op == R_SUM) {
      for (let i = iLo; i < iHi; i++) {
        let s: f64 = 0;
        for (let r = 0, p = base + i * 4; r < R; r++, p += inner * 4) s += <f64>ldf(p);
        stf(dst + i * 4, <f32>s);
      }
    } else {
      let i = iLo;
      for (; i + 4 <= iHi; i += 4) {
        let m = ldv(base + i * 4);
        for (let r = 1, p = base + (inner + i) * 4; r < R; r++, p += inner * 4) m = op == R_MAX ? f32x4.max(m, ldv(p)) : f32x4.min(m, ldv(p));
        stv(dst + i * 4, m);
      }
      for (; i < iHi; i++) {
        let m = ldf(base + i * 4);
        for (let r = 1, p = base + (inner + i) * 4; r < R; r++, p += inner * 4) m = op == R_MAX ? max(m, ldf(p)) : min(m, ldf(p));
        stf(dst + i * 4, m);
      }
    }
  }
}

/** out[b] = Σ_a Σ_c x[a, b, c] (x as [A, B, Cc]; f64 accumulation): a sum over every axis but one
 *  contiguous run, such as a conv bias gradient (sum of dy over N, H, W). Threads split b. */
export function sumKeepMid(tid: i32, nt: i32, x: i32, out: i32, A: i32, B: i32, Cc: i32): void {
  const lo = shareLo(B, tid, nt), hi = shareLo(B, tid + 1, nt);
  for (let b = lo; b < hi; b++) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let t: f64 = 0;
    for (let a = 0; a < A; a++) {
      const row = x + (a * B + b) * Cc * 4;
      let i = 0;
      for (; i + 4 <= Cc; i += 4) {
        const v = ldv(row + i * 4);
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)));
      }
      for (; i < Cc; i++) t += <f64>ldf(row + i * 4);
    }
    stf(out + b * 4, <f32>(t + f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1)));
  }
}
