// backend/ref/gemm.ts — cache-blocked matrix products on flat arrays, the core of matmul and conv.
// Three shapes cover every use: C += A·B, C += A·Bᵀ, C += Aᵀ·B (row-major, leading dims = widths).
// Inner loops always run along contiguous memory; A·B works on four rows of C at once so each loaded
// row of B is used four times, and K is blocked so that block of B stays in cache.

import type { FloatArray } from '../../tensor/dtype.js';

const KC = 128;

/** C[M×N] (+)= A[M×K] · B[K×N]; arrays start at the given offsets. */
export function gemmNN(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: FloatArray, cOff: number,
  accumulate: boolean,
): void {
  if (!accumulate) C.fill(0, cOff, cOff + M * N);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = Math.min(K, k0 + KC);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const c0 = cOff + i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
      const a0 = aOff + i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
      for (let k = k0; k < k1; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k], x3 = A[a3 + k];
        const b = bOff + k * N;
        for (let j = 0; j < N; j++) {
          const bv = B[b + j];
          C[c0 + j] += x0 * bv;
          C[c1 + j] += x1 * bv;
          C[c2 + j] += x2 * bv;
          C[c3 + j] += x3 * bv;
        }
      }
    }
    for (; i < M; i++) {
      const c0 = cOff + i * N, a0 = aOff + i * K;
      for (let k = k0; k < k1; k++) {
        const x0 = A[a0 + k]; // no skipping zeros: 0 · NaN and 0 · ∞ are NaN (IEEE, as PyTorch and wasm give)
        const b = bOff + k * N;
        for (let j = 0; j < N; j++) C[c0 + j] += x0 * B[b + j];
      }
    }
  }
}

/** C[M×N] (+)= A[M×K] · B[N×K]ᵀ: each entry a dot product of two contiguous rows. */
export function gemmNT(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: FloatArray, cOff: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    const a = aOff + i * K;
    for (let j = 0; j < N; j++) {
      const b = bOff + j * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        s0 += A[a + k] * B[b + k];
        s1 += A[a + k + 1] * B[b + k + 1];
        s2 += A[a + k + 2] * B[b + k + 2];
        s3 += A[a + k + 3] * B[b + k + 3];
      }
      for (; k < K; k++) s0 += A[a + k] * B[b + k];
      const s = s0 + s1 + s2 + s3;
      C[cOff + i * N + j] = accumulate ? C[cOff + i * N + j] + s : s;
    }
  }
}

/** C[M×N] (+)= A[K×M]ᵀ · B[K×N]: rank-1 updates along K, contiguous along N, four at a time (each row of C
 *  is loaded and stored once per four rows of B instead of once per row: conv's input gradient is this). */
export function gemmTN(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: FloatArray, cOff: number,
  accumulate: boolean,
): void {
  if (!accumulate) C.fill(0, cOff, cOff + M * N);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const b0 = bOff + k * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N;
    const a0 = aOff + k * M, a1 = a0 + M, a2 = a1 + M, a3 = a2 + M;
    for (let i = 0; i < M; i++) {
      const x0 = A[a0 + i], x1 = A[a1 + i], x2 = A[a2 + i], x3 = A[a3 + i]; // as above: a zero still multiplies
      const c = cOff + i * N;
      for (let j = 0; j < N; j++) C[c + j] += x0 * B[b0 + j] + x1 * B[b1 + j] + x2 * B[b2 + j] + x3 * B[b3 + j];
    }
  }
  for (; k < K; k++) {
    const b = bOff + k * N;
    for (let i = 0; i < M; i++) {
      const x = A[aOff + k * M + i];
      const c = cOff + i * N;
      for (let j = 0; j < N; j++) C[c + j] += x * B[b + j];
    }
  }
}

/** C[M×N] = A[K×M]ᵀ · B[N×K]ᵀ (both stored transposed): the plain definition, rarely needed. */
export function matmulTT(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: FloatArray, cOff: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[aOff + k * M + i] * B[bOff + j * K + k];
      C[cOff + i * N + j] = s;
    }
  }
}
