// ops/dropout.ts — inverted dropout: in training each element is zeroed with probability p and the
// survivors are scaled by 1/(1 − p), so evaluation is the identity. The backend draws the mask from a
// counter-based generator whose two seed words come from the global generator, so manualSeed makes it
// reproducible and every backend draws the same mask; the backward multiplies by the same mask.

import { backend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { nextUint32 } from '../tensor/random.js';
import { bindInput, cast, wrap } from './util.js';
import { noInplace } from './activation.js';
import type { PyArgs } from '../tensor/signature.js';
import { mul } from './elementwise.js';

/**
 * Options of {@link dropout}: `training` (default true) — false returns the input unchanged. PyTorch: the
 * `training` argument of `F.dropout`.
 * @example
 * ```ts
 * F.dropout(x, 0.5, { training: model.training });
 * ```
 */
export interface DropoutOptions {
  /** Apply dropout (default true, as F.dropout); false returns the input unchanged. */
  training?: boolean;
}

export function checkDropoutP(op: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new Error(`${op}: dropout probability has to be between 0 and 1, but got ${JSON.stringify(p)}`);
  }
  return p;
}

/**
 * Zeroes each element with probability `p` (default 0.5) and scales the rest by 1/(1 − p), drawing the mask
 * from the global seeded generator. PyTorch: `torch.nn.functional.dropout`.
 * @example
 * ```ts
 * manualSeed(0);
 * F.dropout(ones([8]), 0.5);  // about half 0, the rest 2
 * F.dropout(x, 0.5, model.training);  // PyTorch's order: p, training
 * ```
 */
export const dropout = scoped(function dropout(input: Tensor, ...args: PyArgs<[p: number, training: boolean, inplace: boolean], DropoutOptions & { p?: number; inplace?: boolean }>): Tensor {
  const a = bindInput('dropout', input, args, [{ name: 'p' }, { name: 'training', kind: 'bool' }, { name: 'inplace', kind: 'bool' }]);
  noInplace('dropout', a.inplace);
  const p = (a.p as number | undefined) ?? 0.5;
  checkDropoutP('dropout', p);
  const training = (a.training as boolean | undefined) ?? true;
  if (!training || p === 0) return input;
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  const { y, mask } = backend().dropout(x.storage, p, nextUint32(), nextUint32());
  const m = wrap(mask, x.shape);
  return record('dropout', wrap(y, x.shape), [input], (g) => [mul(g, m)], [m]);
});
