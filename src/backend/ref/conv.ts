// backend/ref/conv.ts — 2-D convolution (cross-correlation, as in PyTorch) and both gradients as
// im2col + GEMM, per image and per group.
//
//   forward      y[oc, p]      = Σ_q W[oc, q] · col[q, p]        (gemmNN)   + bias
//   grad weight  dW[oc, q]    += Σ_p dy[oc, p] · col[q, p]       (gemmNT)
//   grad input   dcol[q, p]    = Σ_oc W[oc, q] · dy[oc, p]       (gemmTN), then col2im sums dcol into dx
//
// where q = (c, kh, kw) runs over one group's input channels and kernel taps and p = (oh, ow) over
// output positions; col[q, p] = x[c, oh·s − pad + kh·d, ow·s − pad + kw·d] (0 outside the input).

import type { Conv2dAttrs } from '../backend.js';
import { allocArray, dtypeOf, type FloatArray } from '../../tensor/dtype.js';
import { gemmNN, gemmNT, gemmTN } from './gemm.js';

/** A zero-filled scratch array of x's float type (JS memory, never the output). */
function scratch(x: FloatArray, n: number): FloatArray {
  return allocArray(dtypeOf(x), n) as FloatArray;
}

function isPointwise(a: Conv2dAttrs): boolean {
  return a.KH === 1 && a.KW === 1 && a.strideH === 1 && a.strideW === 1 && a.padTop === 0 && a.padLeft === 0 &&
    a.OH === a.H && a.OW === a.W;
}

/** Unfolds channels [c0, c0 + Cg) of image n into col (Cg·KH·KW rows × OH·OW columns). */
function im2col(x: FloatArray, a: Conv2dAttrs, n: number, c0: number, Cg: number, col: FloatArray): void {
  const { C, H, W, KH, KW, OH, OW, strideH, strideW, padTop, padLeft, dilationH, dilationW } = a;
  const P = OH * OW;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + c0 + c) * H * W;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++, row++) {
        const dst = row * P;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          const d = dst + oh * OW;
          if (ih < 0 || ih >= H) { col.fill(0, d, d + OW); continue; }
          const src = plane + ih * W;
          const iw0 = -padLeft + kw * dilationW;
          for (let ow = 0, iw = iw0; ow < OW; ow++, iw += strideW) {
            col[d + ow] = iw >= 0 && iw < W ? x[src + iw] : 0;
          }
        }
      }
    }
  }
}

/** Adjoint of im2col: adds each column entry back to the input pixel it was read from. */
function col2im(col: FloatArray, a: Conv2dAttrs, n: number, c0: number, Cg: number, dx: FloatArray): void {
  const { C, H, W, KH, KW, OH, OW, strideH, strideW, padTop, padLeft, dilationH, dilationW } = a;
  const P = OH * OW;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + c0 + c) * H * W;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++, row++) {
        const src = row * P;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + ih * W;
          const s = src + oh * OW;
          const iw0 = -padLeft + kw * dilationW;
          for (let ow = 0, iw = iw0; ow < OW; ow++, iw += strideW) {
            if (iw >= 0 && iw < W) dx[dst + iw] += col[s + ow];
          }
        }
      }
    }
  }
}

export function conv2dInto(x: FloatArray, w: FloatArray, bias: FloatArray | null, a: Conv2dAttrs, y: FloatArray): void {
  const { N, C, H, W, OC, KH, KW, OH, OW, groups } = a;
  const Cg = C / groups, OCg = OC / groups, Q = Cg * KH * KW, P = OH * OW;
  const pointwise = isPointwise(a);
  const col = pointwise ? x : scratch(x, Q * P);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      let colOff = 0;
      if (pointwise) colOff = (n * C + g * Cg) * H * W;
      else im2col(x, a, n, g * Cg, Cg, col);
      gemmNN(OCg, P, Q, w, g * OCg * Q, col, colOff, y, (n * OC + g * OCg) * P, false);
    }
    if (bias) {
      for (let oc = 0; oc < OC; oc++) {
        const b = bias[oc], off = (n * OC + oc) * P;
        for (let p = 0; p < P; p++) y[off + p] += b;
      }
    }
  }
}

export function conv2dGradWeightInto(x: FloatArray, dy: FloatArray, a: Conv2dAttrs, dw: FloatArray): void {
  const { N, C, H, W, OC, KH, KW, OH, OW, groups } = a;
  const Cg = C / groups, OCg = OC / groups, Q = Cg * KH * KW, P = OH * OW;
  dw.fill(0);
  const pointwise = isPointwise(a);
  const col = pointwise ? x : scratch(x, Q * P);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      let colOff = 0;
      if (pointwise) colOff = (n * C + g * Cg) * H * W;
      else im2col(x, a, n, g * Cg, Cg, col);
      gemmNT(OCg, Q, P, dy, (n * OC + g * OCg) * P, col, colOff, dw, g * OCg * Q, true);
    }
  }
}

export function conv2dGradInputInto(dy: FloatArray, w: FloatArray, a: Conv2dAttrs, dx: FloatArray): void {
  const { N, C, H, W, OC, KH, KW, OH, OW, groups } = a;
  const Cg = C / groups, OCg = OC / groups, Q = Cg * KH * KW, P = OH * OW;
  dx.fill(0);
  const pointwise = isPointwise(a);
  const dcol = pointwise ? dx : scratch(dy, Q * P);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      if (pointwise) {
        gemmTN(Q, P, OCg, w, g * OCg * Q, dy, (n * OC + g * OCg) * P, dx, (n * C + g * Cg) * H * W, false);
      } else {
        gemmTN(Q, P, OCg, w, g * OCg * Q, dy, (n * OC + g * OCg) * P, dcol, 0, false);
        col2im(dcol, a, n, g * Cg, Cg, dx);
      }
    }
  }
}
