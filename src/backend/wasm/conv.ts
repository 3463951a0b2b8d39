// backend/wasm/conv.ts — conv2d forward and both gradients on the wasm kernels (assembly/conv.ts,
// assembly/depthwise.ts, assembly/direct.ts), reading and writing tensor data where it lives in the heap.
// Float64 input (gradcheck) and empty tensors run the JavaScript loops (array-kernels.ts) instead.
//
// Which kernel:
//   depthwise (groups == C == OC)  direct kernels; grad input at stride 1 is the forward kernel
//   otherwise                      packed GEMM with implicit im2col; grad input at stride 1 is the
//                                  forward kernel too, run on dy with the transposed, flipped weights:
//     dx[c, ih, iw] = Σ_oc Σ_kh,kw dy[oc, ih + pT − kh·dH, iw + pL − kw·dW] · W[oc, c, kh, kw]
//   which is a stride-1 convolution of dy with W'[c, oc, kh', kw'] = W[oc, c, KH−1−kh', KW−1−kw']
//   and padding dH·(KH−1) − pT (left: dW·(KW−1) − pL); the output size OH' = H bounds the far side.

import { convInputSize, convOutputSize, convWeightSize, type Conv2dAttrs, type Kernels } from '../backend.js';
import type { Storage } from '../storage.js';
import { rt, threadsFor, type Runtime } from './runtime.js';
import { allF32, mem } from './memory.js';
import { Scratch } from './scratch.js';

const isDepthwise = (a: Conv2dAttrs): boolean => a.groups === a.C && a.OC === a.C;

/** Direct kernels (assembly/direct.ts): stride 1 with few output channels per group, where packing the
 *  im2col matrix would cost as much as the product; the padded image must fit a thread's cache. */
const useDirect = (a: Conv2dAttrs): boolean => a.strideH === 1 && a.strideW === 1 && a.OC / a.groups <= 16 &&
  a.C * (a.OH + a.dilationH * (a.KH - 1)) * (a.OW + a.dilationW * (a.KW - 1)) <= 65536;

const flops = (a: Conv2dAttrs): number => 2 * a.N * a.OC * a.OH * a.OW * (a.C / a.groups) * a.KH * a.KW;
/** Bytes rounded up to whole cache lines (per-thread blocks must not share one). */
const toLine = (bytes: number): number => (bytes + 63) & ~63;
const empty = (a: Conv2dAttrs): boolean =>
  convInputSize(a) === 0 || a.OC * a.OH * a.OW === 0 || a.KH * a.KW === 0;

/** The attributes as assembly/common.ts reads them: 16 int32 in scratch. */
function attrsIn(sc: Scratch, a: Conv2dAttrs): number {
  return sc.i32([a.N, a.C, a.H, a.W, a.OC, a.KH, a.KW, a.OH, a.OW, a.strideH, a.strideW,
    a.padTop, a.padLeft, a.dilationH, a.dilationW, a.groups]);
}

/** Forward into y at py from x, w (OIHW, unpacked) and bias at px, pw, pb (0 = none). */
/** A depthwise kernel on n threads, each with its own scratch; `ptrs` are its data arguments. */
function runDepthwise(r: Runtime, sc: Scratch, at: number, kernel: string, ptrs: number[], n: number): void {
  const per = r.exports.depthwiseScratch(at);
  r.run(kernel, [at, ...ptrs, sc.alloc(per * n), per], n);
}

function forwardAt(r: Runtime, sc: Scratch, a: Conv2dAttrs, px: number, pw: number, pb: number, py: number): void {
  const at = attrsIn(sc, a);
  const nt = threadsFor(flops(a));
  const k = r.exports;
  if (isDepthwise(a)) {
    runDepthwise(r, sc, at, 'depthwiseForward', [px, pw, pb, py], nt);
    return;
  }
  const G = a.groups, OCg = a.OC / G, Q = (a.C / G) * a.KH * a.KW, nMP = Math.ceil(OCg / 4);
  const ap = sc.alloc(G * nMP * Q * 16);
  if (useDirect(a)) {
    for (let g = 0; g < G; g++) k.packAkh(OCg, a.C / G, a.KH, a.KW, pw + g * OCg * Q * 4, ap + g * nMP * Q * 16);
    const per = toLine(k.directScratch(at));
    const nd = Math.min(nt, a.N * G);
    const scratch = sc.alloc(per * nd);
    r.run('directForward', [at, px, ap, pb, py, scratch, per, k.allFinite(pw, a.OC * Q), sc.i32([0])], nd);
    return;
  }
  for (let g = 0; g < G; g++) k.packA(OCg, Q, pw + g * OCg * Q * 4, Q * 4, 4, ap + g * nMP * Q * 16);
  const per = k.convForwardScratch(at);
  const scratch = sc.alloc(per * nt);
  r.run('convForward', [at, px, ap, pb, py, scratch, per], nt);
}


export function convKernels(js: Kernels): Pick<Kernels, 'conv2d' | 'conv2dGradInput' | 'conv2dGradWeight'> {
  return {
    conv2d(x: Storage, w: Storage, bias: Storage | null, a: Conv2dAttrs): Storage {
      if (!allF32(x, w, bias) || empty(a)) return js.conv2d(x, w, bias, a);
      const r = rt(), m = mem(), sc = new Scratch(r);
      const y = m.alloc('float32', convOutputSize(a));
      try {
        forwardAt(r, sc, a, m.ptr(x), m.ptr(w), bias ? m.ptr(bias) : 0, m.ptr(y));
      } finally { sc.done(); }
      return y;
    },

    conv2dGradInput(dy: Storage, w: Storage, a: Conv2dAttrs): Storage {
      if (!allF32(dy, w) || empty(a)) return js.conv2dGradInput(dy, w, a);
      const r = rt(), m = mem(), sc = new Scratch(r);
      const dx = m.alloc('float32', convInputSize(a));
      try {
        if (a.strideH === 1 && a.strideW === 1) {
          // A stride-1 convolution of dy with the transposed, flipped weights (see the top of this file).
          const t: Conv2dAttrs = {
            N: a.N, C: a.OC, H: a.OH, W: a.OW, OC: a.C, KH: a.KH, KW: a.KW, OH: a.H, OW: a.W,
            strideH: 1, strideW: 1, padTop: a.dilationH * (a.KH - 1) - a.padTop, padLeft: a.dilationW * (a.KW - 1) - a.padLeft,
            dilationH: a.dilationH, dilationW: a.dilationW, groups: a.groups,
          };
          const pw2 = sc.alloc(w.size * 4);
          flipTranspose(r, m.ptr(w), pw2, a);
          forwardAt(r, sc, t, m.ptr(dy), pw2, 0, m.ptr(dx));
          return dx;
        }
        const at = attrsIn(sc, a);
        const nt = threadsFor(flops(a));
        const k = r.exports;
        const pdy = m.ptr(dy), pw = m.ptr(w), pdx = m.ptr(dx);
        if (isDepthwise(a)) {
          runDepthwise(r, sc, at, 'depthwiseGradInput', [pdy, pw, pdx], nt);
        } else {
          // Enough (image, group, channel chunk) items for every thread, chunks small enough for the cache.
          const Cg = a.C / a.groups, KHW = a.KH * a.KW;
          const nCh = Math.min(Cg, Math.max(Math.ceil((2 * nt) / (a.N * a.groups)), Math.ceil((Cg * KHW) / 1024)));
          const chunk = Math.ceil(Cg / nCh);
          const per = k.convGradInputScratch(at, chunk);
          const scratch = sc.alloc(per * nt);
          r.run('convGradInput', [at, pdy, pw, pdx, chunk, scratch, per], nt);
        }
      } finally { sc.done(); }
      return dx;
    },

    conv2dGradWeight(x: Storage, dy: Storage, a: Conv2dAttrs): Storage {
      if (!allF32(x, dy) || empty(a)) return js.conv2dGradWeight(x, dy, a);
      const r = rt(), m = mem(), sc = new Scratch(r);
      const len = convWeightSize(a);
      const dw = m.alloc('float32', len);
      try {
        const at = attrsIn(sc, a);
        const nt = threadsFor(flops(a));
        const k = r.exports;
        const px = m.ptr(x), pdy = m.ptr(dy), pdw = m.ptr(dw);
        if (isDepthwise(a)) {
          runDepthwise(r, sc, at, 'depthwiseGradWeight', [px, pdy, pdw], Math.min(nt, a.C));
          return dw;
        }
        // Partial dWs summed afterwards into the output: images (and positions) all add into every
        // weight. The direct kernel sums fixed chunks of images (taken by whichever thread is free, the
        // same sums every run); the GEMM kernel one partial per thread.
        const stride = toLine(len * 4);
        const direct = useDirect(a) && k.allFinite(px, x.size);
        const items = a.N * a.groups;
        const chunk = Math.max(1, Math.ceil(items / Math.min(items, 4 * nt)));
        const parts = direct ? Math.ceil(items / chunk) : nt;
        const n = direct ? Math.min(nt, parts) : nt;
        const pparts = sc.alloc(stride * parts);
        const per = direct ? toLine(k.directScratch(at)) : k.convGradWeightScratch(at);
        const scratch = sc.alloc(per * n);
        if (direct) r.run('directGradWeight', [at, px, pdy, pparts, stride, scratch, per, sc.i32([0]), chunk], n);
        else r.run('convGradWeight', [at, px, pdy, pparts, stride, scratch, per], n);
        if (parts > 1) r.run('sumBuffers', [pparts, stride, parts, len], threadsFor(len * parts * 10));
        r.f32.copyWithin(pdw >> 2, pparts >> 2, (pparts >> 2) + len);
      } finally { sc.done(); }
      return dw;
    },
  };
}

/** W'[g·Cg + c, oc, kh', kw'] = W[g·OCg + oc, c, KH−1−kh', KW−1−kw']: the weights of the stride-1 grad input. */
function flipTranspose(r: Runtime, pw: number, pout: number, a: Conv2dAttrs): void {
  const G = a.groups, Cg = a.C / G, OCg = a.OC / G, KHW = a.KH * a.KW;
  const f = r.f32, w = pw >> 2, out = pout >> 2;
  for (let g = 0; g < G; g++) {
    for (let oc = 0; oc < OCg; oc++) {
      for (let c = 0; c < Cg; c++) {
        const src = w + ((g * OCg + oc) * Cg + c) * KHW, dst = out + ((g * Cg + c) * OCg + oc) * KHW;
        for (let t = 0; t < KHW; t++) f[dst + KHW - 1 - t] = f[src + t];
      }
    }
  }
}
