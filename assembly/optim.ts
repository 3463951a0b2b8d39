// assembly/optim.ts — the optimizer updates in one pass over a parameter, f32x4, in place (the rules are
// written out in src/backend/ref/optim.ts; scalars come precomputed from JS). Elements split across
// threads in blocks of 4.

import { ldf, stf, ldv, stv, share4Lo, share4Hi } from './common';

/** SGD: d = sign·g + wd·x; without a buffer x −= lr·d; with one b = first ? d : momentum·b + keep·d,
 *  x −= lr·(nesterov ? d + momentum·b : b). buf = 0: no momentum. */
export function sgdStep(tid: i32, nt: i32, x: i32, g: i32, buf: i32, n: i32, lr: f32, momentum: f32, keep: f32,
                        wd: f32, nesterov: i32, sign: f32, first: i32): void {
  const lo = share4Lo(n, tid, nt), hi = share4Hi(n, tid, nt);
  const vlr = f32x4.splat(lr), vmo = f32x4.splat(momentum), vkeep = f32x4.splat(keep);
  const vwd = f32x4.splat(wd), vsign = f32x4.splat(sign);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const o = i << 2;
    const xv = ldv(x + o);
    const d = f32x4.add(f32x4.mul(vsign, ldv(g + o)), f32x4.mul(vwd, xv));
    if (!buf) { stv(x + o, f32x4.sub(xv, f32x4.mul(vlr, d))); continue; }
    const b = first ? d : f32x4.add(f32x4.mul(vmo, ldv(buf + o)), f32x4.mul(vkeep, d));
    stv(buf + o, b);
    const step = nesterov ? f32x4.add(d, f32x4.mul(vmo, b)) : b;
    stv(x + o, f32x4.sub(xv, f32x4.mul(vlr, step)));
  }
  for (; i < hi; i++) {
    const o = i << 2;
    const xv = ldf(x + o);
    const d = sign * ldf(g + o) + wd * xv;
    if (!buf) { stf(x + o, xv - lr * d); continue; }
    const b: f32 = first ? d : momentum * ldf(buf + o) + keep * d;
    stf(buf + o, b);
    stf(x + o, xv - lr * (nesterov ? d + momentum * b : b));
  }
}

/** Adam / AdamW: x *= decay; gi = sign·g + l2·x; m = b1·m + (1 − b1)·gi; v = b2·v + (1 − b2)·gi²;
 *  v̂ = amsgrad ? (vmax = max(vmax, v)) : v; x −= stepSize·m / (√v̂ / bc2Sqrt + eps). vmax = 0: no amsgrad. */
export function adamStep(tid: i32, nt: i32, x: i32, g: i32, m: i32, v: i32, vmax: i32, n: i32, decay: f32, l2: f32,
                         b1: f32, b2: f32, stepSize: f32, bc2Sqrt: f32, eps: f32, sign: f32): void {
  const lo = share4Lo(n, tid, nt), hi = share4Hi(n, tid, nt);
  const vdecay = f32x4.splat(decay), vl2 = f32x4.splat(l2), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2);
  const v1b1 = f32x4.splat(1 - b1), v1b2 = f32x4.splat(1 - b2), vstep = f32x4.splat(stepSize);
  const vbc2 = f32x4.splat(bc2Sqrt), veps = f32x4.splat(eps), vsign = f32x4.splat(sign);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const o = i << 2;
    const xv = f32x4.mul(ldv(x + o), vdecay);
    const gi = f32x4.add(f32x4.mul(vsign, ldv(g + o)), f32x4.mul(vl2, xv));
    const mv = f32x4.add(f32x4.mul(vb1, ldv(m + o)), f32x4.mul(v1b1, gi));
    const vv = f32x4.add(f32x4.mul(vb2, ldv(v + o)), f32x4.mul(v1b2, f32x4.mul(gi, gi)));
    stv(m + o, mv); stv(v + o, vv);
    let vh = vv;
    if (vmax) { vh = f32x4.max(ldv(vmax + o), vv); stv(vmax + o, vh); }
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vh), vbc2), veps);
    stv(x + o, f32x4.sub(xv, f32x4.div(f32x4.mul(vstep, mv), den)));
  }
  for (; i < hi; i++) {
    const o = i << 2;
    const xv = ldf(x + o) * decay;
    const gi = sign * ldf(g + o) + l2 * xv;
    const mv = b1 * ldf(m + o) + (1 - b1) * gi;
    const vv = b2 * ldf(v + o) + (1 - b2) * gi * gi;
    stf(m + o, mv); stf(v + o, vv);
    let vh = vv;
    if (vmax) { vh = max(ldf(vmax + o), vv); stf(vmax + o, vh); }
    stf(x + o, xv - stepSize * mv / (Mathf.sqrt(vh) / bc2Sqrt + eps));
  }
}
