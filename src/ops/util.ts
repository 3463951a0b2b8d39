// ops/util.ts — what every op file shares: wrapping kernel results, scalar lifting, dtype promotion.

import type { DataArray, DType } from '../backend/backend.js';
import { Tensor, allocDType } from '../tensor/tensor.js';

export type TensorOrNumber = Tensor | number;

export function wrap(storage: DataArray, shape: readonly number[]): Tensor {
  return new Tensor(storage, shape);
}

/** The dtype two operands compute in: float64 > float32 > int32 (int32 ÷ int32 is float32, as torch's true division). */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

export function cast(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const s = allocDType(dtype, t.storage.length);
  if (dtype === 'int32') for (let i = 0; i < s.length; i++) s[i] = Math.trunc(t.storage[i]);
  else s.set(t.storage);
  return new Tensor(s, t.shape, dtype);
}

/** A number becomes a 0-d tensor of the other operand's dtype (a fractional number lifts int32 to float32). */
export function lift(x: TensorOrNumber, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new Error(`expected a Tensor or a number, got ${typeof x}`);
  const dtype: DType = like.dtype === 'int32' && !Number.isInteger(x) ? 'float32' : like.dtype;
  const s = allocDType(dtype, 1);
  s[0] = x;
  return new Tensor(s, [], dtype);
}

export function requireTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${op}: ${arg} must be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  }
}

export function requireFloat(op: string, arg: string, x: Tensor): void {
  if (x.dtype === 'int32') throw new Error(`${op}: ${arg} must be a floating-point tensor, got int32`);
}
