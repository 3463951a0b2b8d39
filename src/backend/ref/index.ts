// backend/ref — the reference backend: plain TypeScript, readable, the oracle every other backend is
// tested against. Works on Float32Array and Float64Array alike.

import type { Backend, FloatArray } from '../backend.js';
import { allocFloat, registerBackend } from '../backend.js';
import { binary, expand, permute, unary, where } from './elementwise.js';
import { argReduce, reduce } from './reduce.js';
import { gemmNN } from './gemm.js';
import { conv2d, conv2dGradInput, conv2dGradWeight } from './conv.js';
import { pad, padGrad } from './pad.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './pool.js';

function matmul(a: FloatArray, b: FloatArray, batch: number, M: number, K: number, N: number): FloatArray {
  const out = allocFloat(a, batch * M * N);
  for (let i = 0; i < batch; i++) gemmNN(M, N, K, a, i * M * K, b, i * K * N, out, i * M * N, false);
  return out;
}

export const refBackend: Backend = {
  name: 'ref',
  unary, binary, reduce, argReduce, permute, expand, where, matmul,
  conv2d, conv2dGradInput, conv2dGradWeight,
  pad, padGrad,
  maxPool, maxPoolGrad, avgPool, avgPoolGrad,
};

registerBackend('ref', () => refBackend);
