// backend/wasm/matmul.ts — batched matmul on the packed GEMM (assembly/gemm.ts), rows split across threads.

import type { Kernels } from '../backend.js';
import type { Storage } from '../storage.js';
import { rt, threadsFor } from './runtime.js';
import { allF32, mem } from './memory.js';

export function matmulKernel(js: Kernels): Pick<Kernels, 'matmul'> {
  return {
    matmul(a: Storage, b: Storage, batch: number, M: number, K: number, N: number, transA = false, transB = false): Storage {
      if (!allF32(a, b) || batch * M * N === 0) return js.matmul(a, b, batch, M, K, N, transA, transB);
      const r = rt(), m = mem();
      const c = m.alloc('float32', batch * M * N);
      const nt = Math.min(threadsFor(2 * batch * M * N * K), Math.ceil((batch * M) / 4));
      const per = r.exports.gemmScratch();
      const scratch = r.heap.alloc(per * nt);
      try {
        r.run('matmul', [batch, M, K, N, m.ptr(a), m.ptr(b), m.ptr(c), scratch, per, transA ? 1 : 0, transB ? 1 : 0], nt);
      } finally {
        r.heap.release(scratch, per * nt);
      }
      return c;
    },
  };
}
