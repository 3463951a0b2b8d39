// backend/webgpu/wgsl.ts — WGSL pieces every kernel of this backend shares.
//
// Conventions of the kernels (every file of backend/webgpu follows them):
// - Entry point `main`; storage buffers at bindings 0 … n−1 of group 0, in the order run() binds them;
//   the uniform `p: Params` (runtime.ts packs it) at binding n. With layout 'auto' a binding the shader
//   never uses is dropped, so every declared binding must be used.
// - Elements are f32 or i32 (`T`, from wgslType); float64 never reaches a GPU buffer.
// - 1-D kernels use @workgroup_size(64) over groups1d(n) and recover the element with linearIndex, since
//   one dimension holds at most 65,535 workgroups.
// - NaN is tested by its bits (isNan), never by x != x, which shader compilers may fold to false.
// - Within compatibility mode's defaults: ≤ 8 storage buffers, ≤ 16 KiB workgroup memory, ≤ 128
//   invocations per workgroup.

import type { DType } from '../../tensor/dtype.js';

export function wgslType(dtype: DType): 'f32' | 'i32' {
  if (dtype === 'float64') throw new Error('webgpu backend: float64 has no WGSL type');
  return dtype === 'int32' ? 'i32' : 'f32';
}

/** Common functions, prepended to every shader that asks for them. */
export const COMMON = /* wgsl */ `
fn linearIndex(gid: vec3u, nwg: vec3u) -> u32 { return gid.x + gid.y * nwg.x * 64u; }
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// NaN and ∞ cannot be constants (WGSL's constant evaluation rejects them): read them from private vars.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nanF() -> f32 { return bitcast<f32>(NAN_BITS); }
fn infF() -> f32 { return bitcast<f32>(INF_BITS); }
`;

/** `p.<field>[i]` for a field packed with Params.vec / ivec (array<vec4<…>, k>). */
export const at = (field: string, i: string): string => `p.${field}[(${i}) / 4u][(${i}) % 4u]`;

/** The header of a 1-D elementwise shader: `let i = …; if (i >= p.n) { return; }` follows. */
export const MAIN_1D = `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linearIndex(gid, nwg);`;
