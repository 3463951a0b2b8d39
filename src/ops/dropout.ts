// ops/dropout.ts — inverted dropout: in training each element is zeroed with probability p and the
// survivors are scaled by 1/(1 − p), so evaluation is the identity. The backend draws the mask from a
// counter-based generator whose two seed words come from the global generator, so manualSeed makes it
// reproducible and every backend draws the same mask; the backward multiplies by the same mask.

import { backend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { nextUint32 } from '../tensor/random.js';
import { bindInput, cast, requireTensor, wrap } from './util.js';
import { maybeInplace } from './activation.js';
import { mul } from './elementwise.js';
import { shapeStr } from '../tensor/shape.js';
import { ones, zeros } from '../tensor/creation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { mul_ } from './inplace.js';

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
export function dropout(input: Tensor, ...args: PyArgs<[p: number, training: boolean, inplace: boolean], DropoutOptions & { p?: number; inplace?: boolean }>): Tensor {
  const a = bindInput('dropout', input, args, [{ name: 'p' }, { name: 'training', kind: 'bool' }, { name: 'inplace', kind: 'bool' }]);
  const p = (a.p as number | undefined) ?? 0.5;
  checkDropoutP('dropout', p);
  const training = (a.training as boolean | undefined) ?? true;
  if (!training || p === 0) return input;
  return maybeInplace('dropout', input, (a.inplace as boolean | undefined) ?? false, (x) => dropoutOp(x, p));
}

const dropoutOp = scoped((input: Tensor, p: number): Tensor => {
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  const { y, mask } = backend().dropout(x.storage, p, nextUint32(), nextUint32());
  const m = wrap(mask, x.shape);
  return record('dropout', wrap(y, x.shape), [input], (g) => [mul(g, m)], [m]);
});

/**
 * Options of {@link dropout2d} and {@link dropout1d}: any argument after the input, by name. PyTorch: the
 * keyword arguments of `F.dropout2d`.
 * @example
 * ```ts
 * F.dropout2d(x, { p: 0.2, training: model.training });
 * ```
 */
export interface ChannelDropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
}

/** Whole channels dropped: one mask value per (sample, channel), broadcast over the rest. */
function channelDropout(op: string, input: Tensor, rest: unknown[], batchedDims: number, forms: string): Tensor {
  const a = bindArgs(op, [input, ...rest], { positional: [
    { name: 'input', kind: 'tensor', required: true }, { name: 'p', kind: 'number' }, { name: 'training', kind: 'bool' },
    { name: 'inplace', kind: 'bool' }] });
  const p = checkDropoutP(op, a.p ?? 0.5);
  const training = (a.training ?? true) as boolean;
  const inplace = (a.inplace ?? false) as boolean;
  if (batchedDims === 4 && input.ndim === 3) {
    throw new Error(`${op}: a 3-D input (shape ${shapeStr(input.shape)}) is ambiguous: PyTorch 1.13 reads it as (N, C, L) with a ` +
      'deprecation warning, later releases as one (C, H, W) image; use dropout1d for (N, C, L), or unsqueeze(0) for (C, H, W)');
  }
  if (input.ndim !== batchedDims && input.ndim !== batchedDims - 1) {
    throw new Error(`${op}: expected ${forms}, got shape ${shapeStr(input.shape)}`);
  }
  if (!training || p === 0) return input;
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  // [N, C, 1, …] (or [C, 1, …] unbatched): 0 with probability p, else 1/(1 − p).
  const lead = input.ndim === batchedDims ? 2 : 1;  // unbatched (dropout1d's [C, L]): one value per channel
  const maskShape = input.shape.map((d, i) => (i < lead ? d : 1));
  const mask = p === 1 ? zeros(maskShape, { dtype: x.dtype }) : dropout(ones(maskShape, { dtype: x.dtype }), p);
  if (inplace) return mul_(input, mask);
  return mul(x, mask);
}

/**
 * Zeroes whole channels of `input` [N, C, H, W] with probability `p` (default 0.5)
 * each, and scales the kept ones by 1/(1 − p): for convolutional feature maps, whose neighbouring pixels are
 * too correlated for element-wise dropout. The mask comes from the global seeded generator. Arguments in
 * PyTorch's order — p, training (default true), inplace (the input is multiplied by the mask in place, a write
 * autograd records as PyTorch's). A 3-D input is an error: PyTorch 1.13 reads it as (N, C, L) with a deprecation
 * warning, later releases as (C, H, W); use dropout1d, or unsqueeze(0). PyTorch: `torch.nn.functional.dropout2d`.
 * @example
 * ```ts
 * manualSeed(0);
 * F.dropout2d(ones([1, 4, 2, 2]), 0.5);  // each of the 4 channels all 0 or all 2
 * ```
 */
export const dropout2d = scoped(function dropout2d(input: Tensor, ...rest: PyArgs<[p: number, training: boolean, inplace: boolean], ChannelDropoutOptions>): Tensor {
  requireTensor('dropout2d', 'input', input);
  return channelDropout('dropout2d', input, rest, 4, 'a 4-D input (N, C, H, W)');
});

/**
 * Zeroes whole channels of `input` [N, C, L] (or unbatched [C, L]) with probability `p` each, scaling the
 * kept ones by 1/(1 − p). Arguments as {@link dropout2d}'s. PyTorch: `torch.nn.functional.dropout1d`.
 * @example
 * ```ts
 * F.dropout1d(randn([8, 16, 100]), 0.1).shape;  // [8, 16, 100]
 * ```
 */
export const dropout1d = scoped(function dropout1d(input: Tensor, ...rest: PyArgs<[p: number, training: boolean, inplace: boolean], ChannelDropoutOptions>): Tensor {
  requireTensor('dropout1d', 'input', input);
  return channelDropout('dropout1d', input, rest, 3, 'a 3-D input (N, C, L) or a 2-D one (C, L)');
});
