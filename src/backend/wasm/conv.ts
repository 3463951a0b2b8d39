// backend/wasm/conv.ts — conv2d forward and both gradients on the wasm kernels (assembly/conv.ts,
// assembly/depthwise.ts). Float64 input goes to ref (gradcheck); so does any empty tensor.
//
// Which kernel:
//   depthwise (groups == C == OC)  direct kernels; grad input at stride 1 is the forward kernel
//   otherwise                      packed GEMM with implicit im2col; grad input at stride 1 is the
//                                  forward kernel too, run on dy with the transposed, flipped weights:
//     dx[c, ih, iw] = Σ_oc Σ_kh,kw dy[oc, ih + pT − kh·dH, iw + pL − kw·dW] · W[oc, c, kh, kw]
//   which is a stride-1 convolution of dy with W'[c, oc, kh', kw'] = W[oc, c, KH−1−kh', KW−1−kw']
//   and padding dH·(KH−1) − pT (left: dW·(KW−1) − pL); the output size OH' = H bounds the far side.

import type { Conv2dAttrs, FloatArray } from '../backend.js';
import { refBackend } from '../ref/index.js';
import { rt, threadsFor, type Runtime } from './runtime.js';

const isDepthwise = (a: Conv2dAttrs): boolean => a.groups === a.C && a.OC === a.C;

function writeAttrs(r: Runtime, a: Conv2dAttrs): number {
  return r.putI32([a.N, a.C, a.H, a.W, a.OC, a.KH, a.KW, a.OH, a.OW, a.strideH, a.strideW,
    a.padTop, a.padLeft, a.dilationH, a.dilationW, a.groups]);
}

/** Direct kernels (assembly/direct.ts): stride 1 with few output channels per group, where packing the
 *  im2col matrix would cost as much as the product; the padded image must fit a thread's cache. */
const useDirect = (a: Conv2dAttrs): boolean => a.strideH === 1 && a.strideW === 1 && a.OC / a.groups <= 16 &&
  a.C * (a.OH + a.dilationH * (a.KH - 1)) * (a.OW + a.dilationW * (a.KW - 1)) <= 65536;

const flops = (a: Conv2dAttrs): number => 2 * a.N * a.OC * a.OH * a.OW * (a.C / a.groups) * a.KH * a.KW;
const empty = (a: Conv2dAttrs): boolean =>
  a.N * a.C * a.H * a.W === 0 || a.OC * a.OH * a.OW === 0 || a.KH * a.KW === 0;

/** Forward on the heap: x, w (OIHW, unpacked) and bias already copied in at px, pw, pb (0 = none). */
function forwardAt(r: Runtime, a: Conv2dAttrs, px: number, pw: number, pb: number): number {
  const py = r.alloc(a.N * a.OC * a.OH * a.OW * 4);
  const at = writeAttrs(r, a);
  const nt = threadsFor(flops(a));
  const k = r.exports;
  if (isDepthwise(a)) {
    const per = k.depthwiseScratch(at);
    const scratch = r.alloc(per * nt);
    r.run('depthwiseForward', [at, px, pw, pb, py, scratch, per], nt);
    return py;
  }
  const G = a.groups, OCg = a.OC / G, Q = (a.C / G) * a.KH * a.KW, nMP = Math.ceil(OCg / 4);
  const ap = r.alloc(G * nMP * Q * 16);
  if (useDirect(a)) {
    for (let g = 0; g < G; g++) k.packAkh(OCg, a.C / G, a.KH, a.KW, pw + g * OCg * Q * 4, ap + g * nMP * Q * 16);
    const per = (k.directScratch(at) + 63) & ~63;
    const nd = Math.min(nt, a.N * G);
    const scratch = r.alloc(per * nd);
    r.run('directForward', [at, px, ap, pb, py, scratch, per, k.allFinite(pw, a.OC * Q)], nd);
    return py;
  }
  for (let g = 0; g < G; g++) k.packA(OCg, Q, pw + g * OCg * Q * 4, Q * 4, 4, ap + g * nMP * Q * 16);
  const per = k.convForwardScratch(at);
  const scratch = r.alloc(per * nt);
  r.run('convForward', [at, px, ap, pb, py, scratch, per], nt);
  return py;
}

export function conv2d(x: FloatArray, w: FloatArray, bias: FloatArray | null, a: Conv2dAttrs): FloatArray {
  if (!(x instanceof Float32Array) || !(w instanceof Float32Array) || (bias && !(bias instanceof Float32Array)) || empty(a)) {
    return refBackend.conv2d(x, w, bias, a);
  }
  const r = rt();
  r.reset();
  const px = r.put(x), pw = r.put(w), pb = bias ? r.put(bias) : 0;
  return r.takeF32(forwardAt(r, a, px, pw, pb), a.N * a.OC * a.OH * a.OW);
}

/** W'[g·Cg + c, oc, kh', kw'] = W[g·OCg + oc, c, KH−1−kh', KW−1−kw']: the weights of the stride-1 grad input. */
function flipTranspose(w: Float32Array, a: Conv2dAttrs): Float32Array {
  const G = a.groups, Cg = a.C / G, OCg = a.OC / G, KHW = a.KH * a.KW;
  const out = new Float32Array(w.length);
  for (let g = 0; g < G; g++) {
    for (let oc = 0; oc < OCg; oc++) {
      for (let c = 0; c < Cg; c++) {
        const src = ((g * OCg + oc) * Cg + c) * KHW, dst = ((g * Cg + c) * OCg + oc) * KHW;
        for (let t = 0; t < KHW; t++) out[dst + KHW - 1 - t] = w[src + t];
      }
    }
  }
  return out;
}

export function conv2dGradInput(dy: FloatArray, w: FloatArray, a: Conv2dAttrs): FloatArray {
  if (!(dy instanceof Float32Array) || !(w instanceof Float32Array) || empty(a)) return refBackend.conv2dGradInput(dy, w, a);
  const r = rt();
  r.reset();
  const n = a.N * a.C * a.H * a.W;
  if (a.strideH === 1 && a.strideW === 1) {
    const t: Conv2dAttrs = {
      N: a.N, C: a.OC, H: a.OH, W: a.OW, OC: a.C, KH: a.KH, KW: a.KW, OH: a.H, OW: a.W,
      strideH: 1, strideW: 1, padTop: a.dilationH * (a.KH - 1) - a.padTop, padLeft: a.dilationW * (a.KW - 1) - a.padLeft,
      dilationH: a.dilationH, dilationW: a.dilationW, groups: a.groups,
    };
    const pdy = r.put(dy), pw = r.put(flipTranspose(w, a));
    return r.takeF32(forwardAt(r, t, pdy, pw, 0), n);
  }
  const pdy = r.put(dy), pw = r.put(w), pdx = r.alloc(n * 4);
  const at = writeAttrs(r, a);
  const nt = threadsFor(flops(a));
  const k = r.exports;
  if (isDepthwise(a)) {
    const per = k.depthwiseScratch(at);
    const scratch = r.alloc(per * nt);
    r.run('depthwiseGradInput', [at, pdy, pw, pdx, scratch, per], nt);
  } else {
    // Enough (image, group, channel chunk) items for every thread, chunks small enough for the cache.
    const Cg = a.C / a.groups, KHW = a.KH * a.KW;
    const nCh = Math.min(Cg, Math.max(Math.ceil((2 * nt) / (a.N * a.groups)), Math.ceil((Cg * KHW) / 1024)));
    const chunk = Math.ceil(Cg / nCh);
    const per = k.convGradInputScratch(at, chunk);
    const scratch = r.alloc(per * nt);
    r.run('convGradInput', [at, pdy, pw, pdx, chunk, scratch, per], nt);
  }
  return r.takeF32(pdx, n);
}

export function conv2dGradWeight(x: FloatArray, dy: FloatArray, a: Conv2dAttrs): FloatArray {
  if (!(x instanceof Float32Array) || !(dy instanceof Float32Array) || empty(a)) return refBackend.conv2dGradWeight(x, dy, a);
  const r = rt();
  r.reset();
  const px = r.put(x), pdy = r.put(dy);
  const at = writeAttrs(r, a);
  const nt = threadsFor(flops(a));
  const k = r.exports;
  const len = a.OC * (a.C / a.groups) * a.KH * a.KW;
  if (isDepthwise(a)) {
    const pdw = r.alloc(len * 4);
    const per = k.depthwiseScratch(at);
    const scratch = r.alloc(per * nt);
    r.run('depthwiseGradWeight', [at, px, pdy, pdw, scratch, per], Math.min(nt, a.C));
    return r.takeF32(pdw, len);
  }
  // One private dW per thread, summed afterwards (threads split images and positions, which all add
  // into every weight).
  const stride = (len * 4 + 63) & ~63;
  if (useDirect(a) && k.allFinite(px, x.length)) {
    const nd = Math.min(nt, a.N * a.groups);
    const pdw = r.alloc(stride * nd);
    const per = (k.directScratch(at) + 63) & ~63;
    const scratch = r.alloc(per * nd);
    r.run('directGradWeight', [at, px, pdy, pdw, stride, scratch, per], nd);
    if (nd > 1) r.run('sumBuffers', [pdw, stride, nd, len], threadsFor(len * nd * 10));
    return r.takeF32(pdw, len);
  }
  const pdw = r.alloc(stride * nt);
  const per = k.convGradWeightScratch(at);
  const scratch = r.alloc(per * nt);
  r.run('convGradWeight', [at, px, pdy, pdw, stride, scratch, per], nt);
  if (nt > 1) r.run('sumBuffers', [pdw, stride, nt, len], threadsFor(len * nt * 10));
  return r.takeF32(pdw, len);
}
