// ops/dropout.ts — inverted dropout: in training each element is zeroed with probability p and the
// survivors are scaled by 1/(1 − p), so evaluation is the identity. The mask comes from the seeded
// generator (manualSeed makes it reproducible); the backward multiplies by the same mask.

import { allocFloat, type FloatArray } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { nextUint32 } from '../tensor/random.js';
import { cast, requireTensor, wrap } from './util.js';

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

export function dropout(input: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  requireTensor('dropout', 'input', input);
  checkDropoutP('dropout', p);
  const training = opts.training ?? true;
  if (!training || p === 0) return input;
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  const xs = x.storage as FloatArray;
  const n = xs.length;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const keep = new Uint8Array(n); // 1 byte per element: fresh memory is the expensive part
  const ys = allocFloat(xs, n);
  if (p < 1) {
    for (let i = 0; i < n; i++) {
      if (nextUint32() * 2.3283064365386963e-10 >= p) { keep[i] = 1; ys[i] = xs[i] * scale; }
    }
  }
  return record('dropout', wrap(ys, x.shape), [input], (g) => {
    const gs = g.storage;
    const dx = allocFloat(xs, n);
    for (let i = 0; i < n; i++) if (keep[i]) dx[i] = gs[i] * scale;
    return [wrap(dx, x.shape)];
  });
}
