// backend/wasm/matmul.ts — batched matmul on the packed GEMM (assembly/gemm.ts), rows split across threads.

import type { FloatArray } from '../backend.js';
import { refBackend } from '../ref/index.js';
import { rt, threadsFor } from './runtime.js';

export function matmul(a: FloatArray, b: FloatArray, batch: number, M: number, K: number, N: number): FloatArray {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || batch * M * N === 0) {
    return refBackend.matmul(a, b, batch, M, K, N);
  }
  const r = rt();
  r.reset();
  const pa = r.put(a), pb = r.put(b), pc = r.alloc(batch * M * N * 4);
  const nt = Math.min(threadsFor(2 * batch * M * N * K), Math.ceil((batch * M) / 4));
  const per = r.exports.gemmScratch();
  const scratch = r.alloc(per * nt);
  r.run('matmul', [batch, M, K, N, pa, pb, pc, scratch, per], nt);
  return r.takeF32(pc, batch * M * N);
}
