// ops/util.ts — what every op file shares: wrapping kernel results, casts and the copies they make, scalar
// lifting, argument checks.

import { backend, SyncReadError, type AxisLayout, type Storage } from '../backend/backend.js';
import { splitAt } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { scalarLike } from '../tensor/creation.js';
import { bindArgs, checkKeys, describeValue, splitOptions, type ParamSpec } from '../tensor/signature.js';
export { checkAllocation } from '../tensor/creation.js';

export type TensorOrNumber = Tensor | number;

/** A tensor around a storage a kernel just returned. */
export function wrap(storage: Storage, shape: readonly number[]): Tensor {
  return new Tensor(storage, shape);
}

/** The tensors an op made (cast copies, expanded operands) that are not the arguments they came from,
 *  given as [made, original] pairs: what the op keeps for its backward as private saved tensors. */
export function copiesOf(...pairs: [made: Tensor | null, original: Tensor | null | undefined][]): Tensor[] {
  const out: Tensor[] = [];
  for (const [made, original] of pairs) if (made && made !== original) out.push(made);
  return out;
}

/** t in dtype: t itself when it already is, else a converted copy (not recorded for autograd). */
export function cast(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  return new Tensor(backend().cast(t.storage, dtype), t.shape);
}

/** A number becomes a 0-d tensor of the other operand's dtype (a fractional number lifts int32 to float32). */
export function lift(x: TensorOrNumber, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new Error(`expected a Tensor or a number, got ${typeof x}`);
  return scalarLike(x, like);
}

export function requireTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${op}: ${arg} must be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  }
}

export function requireFloat(op: string, arg: string, x: Tensor): void {
  if (x.dtype === 'int32') throw new Error(`${op}: ${arg} must be a floating-point tensor, got int32`);
}

/** The value of a one-element tensor an op needs on the CPU now (an output's size, an error message).
 *  A GPU backend cannot read what it computed synchronously: then the op fails with `why`. */
export function syncValue(t: Tensor, why: string): number {
  try {
    return t.item();
  } catch (e) {
    if (e instanceof SyncReadError) throw new SyncReadError(why);
    throw e;
  }
}

/**
 * Binds a PyTorch-style call `op(input, ...args)` after checking `input` is a Tensor (with the op's own
 * message): the parameters after the input by position, or by name in a trailing options object. Returns
 * the given values by name (see bindArgs).
 */
export function bindInput(op: string, x: unknown, args: readonly unknown[], params: readonly (string | ParamSpec)[],
  keywordOnly: readonly (string | ParamSpec)[] = []): Record<string, unknown> {
  requireTensor(op, 'input', x);
  return bindArgs(op, [x, ...args], { positional: [{ name: 'input', kind: 'tensor', required: true }, ...params], keywordOnly });
}

/** A list of integers given as varargs or as one list (`reshape(2, 3)`, `reshape([2, 3])`), or by `name` in a
 *  trailing options object (`reshape(x, { shape: [2, 3] })`); any other key throws. */
export function intList(op: string, what: string, given: readonly unknown[], name?: string): number[] {
  let [args, opts] = splitOptions(given);
  checkKeys(op, opts, name ? [name] : []);
  if (name && opts[name] !== undefined) {
    if (args.length) throw new Error(`${op}: got multiple values for argument '${name}' (by position and in the options object)`);
    args = [opts[name]];
  }
  const list = args.length === 1 && (Array.isArray(args[0]) || ArrayBuffer.isView(args[0])) ? [...(args[0] as ArrayLike<unknown> as unknown[])] : [...args];
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new Error(`${op}: ${what} must be integers, given as varargs or one list; entry ${i} is ${describeValue(v)}`);
    }
  });
  return list as number[];
}

/** [outer, n, inner] around one axis (n = 1 for a 0-d tensor): how the axis kernels see a tensor. */
export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  const [outer, n, inner] = splitAt(shape, axis, axis);
  return { outer, n, inner };
}
