// test/webgpu-conv.test.ts — the webgpu backend's conv2d, conv2dGradInput, conv2dGradWeight and matmul
// against ref: stride, dilation, asymmetric padding (bottom/right larger or smaller than top/left),
// groups, depthwise, 1-D, odd sizes, batch, bias; every tile shape, the stride-phase split of the input
// gradient, the split reductions; matmul with every transA/transB, batch, odd and larger sizes.

import { describe, test } from 'node:test';
import type { Conv2dAttrs } from '../src/backend/backend.js';
import { convInputSize, convWeightSize } from '../src/backend/backend.js';
import { useWebgpu, rnd, webgpuWanted } from './helpers/webgpu.js';

interface Case {
  N: number; C: number; H: number; W: number; OC: number; KH: number; KW: number;
  s?: [number, number]; d?: [number, number]; g?: number;
  pad?: [number, number, number, number]; // top, bottom, left, right (bottom/right may be negative: cropped)
}

function attrs(c: Case): Conv2dAttrs {
  const [sH, sW] = c.s ?? [1, 1], [dH, dW] = c.d ?? [1, 1], [pt, pb, pl, pr] = c.pad ?? [0, 0, 0, 0];
  const OH = Math.floor((c.H + pt + pb - dH * (c.KH - 1) - 1) / sH) + 1;
  const OW = Math.floor((c.W + pl + pr - dW * (c.KW - 1) - 1) / sW) + 1;
  return { N: c.N, C: c.C, H: c.H, W: c.W, OC: c.OC, KH: c.KH, KW: c.KW, OH, OW, strideH: sH, strideW: sW,
    padTop: pt, padLeft: pl, dilationH: dH, dilationW: dW, groups: c.g ?? 1 };
}

const label = (c: Case): string => {
  const a = attrs(c);
  return `N${c.N} ${c.C}→${c.OC} ${c.H}×${c.W} k${c.KH}×${c.KW}` +
    (c.s ? ` s${c.s.join(',')}` : '') + (c.d ? ` d${c.d.join(',')}` : '') + (c.pad ? ` pad${c.pad.join(',')}` : '') +
    (c.g ? ` g${c.g}` : '') + ` → ${a.OH}×${a.OW}`;
};

const CASES: [string, Case][] = [
  ['3×3 pad 1', { N: 2, C: 3, H: 7, W: 9, OC: 5, KH: 3, KW: 3, pad: [1, 1, 1, 1] }],
  ['stride 2, bottom/right padding larger than top/left', { N: 2, C: 4, H: 9, W: 8, OC: 6, KH: 3, KW: 3, s: [2, 2], pad: [0, 2, 1, 3] }],
  ['bottom/right padding smaller than top/left (cropped)', { N: 1, C: 3, H: 8, W: 7, OC: 4, KH: 3, KW: 2, pad: [2, -1, 2, 0] }],
  ['dilation 2, stride (2, 3)', { N: 2, C: 3, H: 12, W: 13, OC: 5, KH: 3, KW: 2, s: [2, 3], d: [2, 2], pad: [1, 1, 2, 0] }],
  ['stride 2 and dilation 2 (half the stride phases get no taps)', { N: 1, C: 3, H: 9, W: 10, OC: 4, KH: 3, KW: 3, s: [2, 2], d: [2, 2], pad: [1, 1, 2, 2] }],
  ['stride 3 over a 2-tap kernel (some inputs unused), dilation 3', { N: 2, C: 3, H: 11, W: 10, OC: 3, KH: 2, KW: 4, s: [3, 2], d: [3, 1] }],
  ['groups 2', { N: 2, C: 6, H: 6, W: 5, OC: 8, KH: 3, KW: 3, g: 2, pad: [1, 1, 1, 1] }],
  ['groups 3, 5 channels per group, stride 2', { N: 3, C: 15, H: 7, W: 7, OC: 12, KH: 2, KW: 3, g: 3, s: [2, 2], pad: [0, 1, 1, 0] }],
  ['depthwise', { N: 2, C: 5, H: 9, W: 8, OC: 5, KH: 3, KW: 3, g: 5, pad: [1, 1, 1, 1] }],
  ['depthwise ×2, stride 2', { N: 2, C: 4, H: 9, W: 9, OC: 8, KH: 3, KW: 3, g: 4, s: [2, 2], pad: [1, 1, 1, 1] }],
  ['depthwise ×3, dilation 2', { N: 1, C: 3, H: 10, W: 9, OC: 9, KH: 3, KW: 3, g: 3, d: [2, 2], pad: [2, 2, 2, 2] }],
  ['depthwise, long reduction for the weight gradient (split)', { N: 4, C: 2, H: 40, W: 41, OC: 2, KH: 3, KW: 3, g: 2, pad: [1, 1, 1, 1] }],
  ['1-D (H = KH = 1)', { N: 3, C: 4, H: 1, W: 23, OC: 6, KH: 1, KW: 5, s: [1, 2], pad: [0, 0, 2, 1] }],
  ['1-D single channel in and out', { N: 2, C: 1, H: 1, W: 17, OC: 1, KH: 1, KW: 3, pad: [0, 0, 1, 1] }],
  ['1×1 pointwise', { N: 2, C: 9, H: 5, W: 7, OC: 11, KH: 1, KW: 1 }],
  ['kernel as large as the input (1×1 output)', { N: 4, C: 3, H: 5, W: 4, OC: 7, KH: 5, KW: 4 }],
  ['LeNet-like 1→6 5×5 (tall tile)', { N: 5, C: 1, H: 28, W: 28, OC: 6, KH: 5, KW: 5 }],
  ['odd sizes over several 64-wide tiles: 13→70', { N: 3, C: 13, H: 11, W: 10, OC: 70, KH: 3, KW: 3, pad: [1, 0, 0, 1] }],
  ['long reduction for the weight gradient (split)', { N: 8, C: 4, H: 20, W: 19, OC: 8, KH: 3, KW: 3, pad: [1, 1, 1, 1] }],
  ['64→64 3×3 (the W3 shape, small)', { N: 2, C: 64, H: 10, W: 9, OC: 64, KH: 3, KW: 3, pad: [1, 1, 1, 1] }],
];

describe('webgpu conv', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();
  const tol = { rtol: 1e-4, atol: 1e-5 };

  for (const [name, c] of CASES) {
    test(`conv2d, grad input, grad weight: ${name} (${label(c)})`, async () => {
      const a = attrs(c);
      const xs = convInputSize(a), ws = convWeightSize(a), ys = a.N * a.OC * a.OH * a.OW;
      await gpu.compare(`conv2d ${name}`, (b, S) => b.conv2d(S(rnd(xs)), S(rnd(ws)), null, a), tol);
      await gpu.compare(`conv2d bias ${name}`, (b, S) => b.conv2d(S(rnd(xs)), S(rnd(ws)), S(rnd(a.OC)), a), tol);
      await gpu.compare(`conv2dGradInput ${name}`, (b, S) => b.conv2dGradInput(S(rnd(ys)), S(rnd(ws)), a), tol);
      await gpu.compare(`conv2dGradWeight ${name}`, (b, S) => b.conv2dGradWeight(S(rnd(xs)), S(rnd(ys)), a), tol);
    });
  }

  test('conv: empty batch gives empty outputs', async () => {
    const a = attrs({ N: 0, C: 3, H: 5, W: 5, OC: 4, KH: 3, KW: 3 });
    await gpu.compare('conv2d N0', (b, S) => b.conv2d(S(new Float32Array(0)), S(rnd(108)), null, a));
    await gpu.compare('conv2dGradInput N0', (b, S) => b.conv2dGradInput(S(new Float32Array(0)), S(rnd(108)), a));
    await gpu.compare('conv2dGradWeight N0', (b, S) => b.conv2dGradWeight(S(new Float32Array(0)), S(new Float32Array(0)), a));
  });

  const mm: [number, number, number, number][] = [[1, 1, 1, 1], [1, 5, 7, 3], [3, 17, 9, 33], [2, 65, 31, 70], [1, 6, 200, 150]];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      test(`matmul${transA ? ' transA' : ''}${transB ? ' transB' : ''}: batch, odd M/K/N`, async () => {
        for (const [batch, M, K, N] of mm) {
          await gpu.compare(`matmul ${batch}×${M}×${K}×${N}`, (b, S) =>
            b.matmul(S(rnd(batch * M * K)), S(rnd(batch * K * N)), batch, M, K, N, transA, transB), tol);
        }
      });
    }
  }

  test('matmul 130×257×67 (every transpose), a long-K split product, K = 0', async () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      await gpu.compare(`matmul 130×257×67 ${tA} ${tB}`, (b, S) => b.matmul(S(rnd(130 * 257)), S(rnd(257 * 67)), 1, 130, 257, 67, tA, tB), tol);
    }
    await gpu.compare('matmul 7×3000×9 (split K)', (b, S) => b.matmul(S(rnd(7 * 3000)), S(rnd(3000 * 9)), 1, 7, 3000, 9, true, false), tol);
    await gpu.compare('matmul K=0', (b, S) => b.matmul(S(new Float32Array(0)), S(new Float32Array(0)), 2, 3, 0, 4));
  });
});
