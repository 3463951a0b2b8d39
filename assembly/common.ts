// assembly/common.ts — helpers shared by every kernel file.
//
// Rules the kernels follow:
// - Memory is owned by the JS side (src/backend/wasm/heap.ts): every pointer is a byte offset handed
//   in by JS; kernels never allocate, so the module needs no runtime and is safe to instantiate once
//   per worker over one shared memory.
// - Pointers and sizes are i32 (the heap stays below 2 GiB); helpers cast to usize at the access.
// - Multi-threaded kernels take (tid, nt, ...) and pick their share of the work themselves; JS only
//   runs the same call on every thread and waits for all of them (src/backend/wasm/threads.ts).

@inline export function ldf(p: i32): f32 { return load<f32>(<usize>p); }
@inline export function stf(p: i32, v: f32): void { store<f32>(<usize>p, v); }
@inline export function ldi(p: i32): i32 { return load<i32>(<usize>p); }
@inline export function sti(p: i32, v: i32): void { store<i32>(<usize>p, v); }
@inline export function ldv(p: i32): v128 { return v128.load(<usize>p); }
@inline export function stv(p: i32, v: v128): void { v128.store(<usize>p, v); }
@inline export function splat(p: i32): v128 { return v128.load32_splat(<usize>p); }

/** a·b + c: a fused multiply-add where the build has relaxed SIMD (kernels-relaxed.wasm), else mul+add. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** [lo, hi) of `total` items for thread `tid` of `nt`: contiguous, sizes differ by at most one. */
@inline export function shareLo(total: i32, tid: i32, nt: i32): i32 { return <i32>((<i64>total * tid) / nt); }

/** [share4Lo, share4Hi) of `n` elements for thread `tid` of `nt`, in whole blocks of 4 (shareLo over the
 *  n >> 2 blocks); the last thread also takes the n % 4 tail, so every other share is a multiple of 4. */
@inline export function share4Lo(n: i32, tid: i32, nt: i32): i32 { return shareLo(n >> 2, tid, nt) << 2; }
@inline export function share4Hi(n: i32, tid: i32, nt: i32): i32 { return tid == nt - 1 ? n : shareLo(n >> 2, tid + 1, nt) << 2; }

export function zero(p: i32, bytes: i32): void { memory.fill(<usize>p, 0, <usize>bytes); }

/** Conv2dAttrs as JS writes them (16 i32 at `a`): see src/backend/wasm/conv.ts. */
export const A_N = 0, A_C = 4, A_H = 8, A_W = 12, A_OC = 16, A_KH = 20, A_KW = 24, A_OH = 28, A_OW = 32,
  A_SH = 36, A_SW = 40, A_PT = 44, A_PL = 48, A_DH = 52, A_DW = 56, A_G = 60;

/** Sums `nb` buffers of `len` floats lying `stride` bytes apart into the first one (per-thread partials). */
export function sumBuffers(tid: i32, nt: i32, dst: i32, stride: i32, nb: i32, len: i32): void {
  const lo = share4Lo(len, tid, nt), hi = share4Hi(len, tid, nt);
  for (let b = 1; b < nb; b++) {
    const src = dst + b * stride;
    let i = lo;
    for (; i + 4 <= hi; i += 4) stv(dst + i * 4, f32x4.add(ldv(dst + i * 4), ldv(src + i * 4)));
    for (; i < hi; i++) stf(dst + i * 4, ldf(dst + i * 4) + ldf(src + i * 4));
  }
}
