// autograd/gradcheck.ts — checks analytic gradients against central finite differences in float64.
//
// Inputs are copied to float64 leaves. For a random upstream vector v, the analytic vector–Jacobian
// product vᵀJ (one backward pass) is compared element by element with the numeric
// (⟨v, f(x + εeᵢ)⟩ − ⟨v, f(x − εeᵢ)⟩) / 2ε. A random v makes a wrong Jacobian entry show up with
// probability 1, at the cost of one backward and 2·numel(inputs) forwards.

import { Tensor } from '../tensor/tensor.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import { fromArray } from '../tensor/creation.js';
import { normal } from '../tensor/random.js';
import { noGrad } from './tape.js';

/**
 * Options of {@link gradcheck}: the finite-difference step `eps` (default 1e-6), the tolerances `atol`
 * (1e-5) and `rtol` (1e-3), and whether a failure throws (default) or returns false. PyTorch: the keyword
 * arguments of `torch.autograd.gradcheck`.
 * @example
 * ```ts
 * gradcheck((x) => x.pow(3).sum(), [x], { atol: 1e-4, raiseException: false });
 * ```
 */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on failure (default) or return false. */
  raiseException?: boolean;
}

/** A float64 leaf of `shape` holding `values` (the inputs, and each perturbed copy of them). */
function leafOf(values: Float64Array, shape: number[], requiresGrad: boolean): Tensor {
  const t = fromArray(values, shape); // a copy: `values` is perturbed afterwards
  return requiresGrad ? t.requiresGrad_(true) : t;
}

function asOutputs(r: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(r) ? r : [r];
}

/**
 * Checks the gradients autograd computes for `fn` against central finite differences in float64 (the
 * inputs are copied to float64 leaves); returns true, or throws (or returns false) naming the first
 * mismatch. PyTorch: `torch.autograd.gradcheck`.
 * @example
 * ```ts
 * const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
 * const w = randn([4, 2], { dtype: 'float64', requiresGrad: true });
 * gradcheck((a, b) => a.matmul(b).tanh(), [x, w]);  // true
 * ```
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor | Tensor[],
  inputs: Tensor[],
  opts: GradcheckOptions = {},
): boolean {
  noExtraArgs('gradcheck', arguments, ['fn', 'inputs', 'opts']);
  checkKeys('gradcheck', opts, ['eps', 'atol', 'rtol', 'raiseException']);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = opts;
  const values = inputs.map((t) => Float64Array.from(t.dataSync()));
  const leaves = inputs.map((t, i) => leafOf(values[i], t.shape, t.requiresGrad));
  if (!leaves.some((l) => l.requiresGrad)) {
    throw new Error('gradcheck: no input has requiresGrad set, so there is no gradient to check');
  }
  const outs = asOutputs(fn(...leaves));
  const vs = outs.map((o) => Float64Array.from({ length: o.numel() }, () => normal()));
  const project = (os: Tensor[]): number => {
    let s = 0;
    os.forEach((o, k) => {
      if (o.dtype === 'int32') return;
      const v = vs[k], ov = o.dataSync();
      for (let i = 0; i < v.length; i++) s += ov[i] * v[i];
    });
    return s;
  };

  // Analytic: one backward of ⟨v, f(x)⟩ through every differentiable output. Outputs may share part of
  // the graph, so every backward but the last keeps it.
  for (const l of leaves) l.grad = null;
  let last = outs.length - 1;
  while (last > 0 && !outs[last].requiresGrad) last--;
  outs.forEach((o, k) => {
    if (o.requiresGrad) o.backward(fromArray(vs[k], o.shape), { retainGraph: k < last });
  });

  // Numeric: f at x ± eps·e_i, one input element at a time (the other inputs as they are).
  const at = (li: number, i: number, value: number): number => {
    const x = values[li];
    const orig = x[i];
    x[i] = value;
    const args = leaves.map((l, k) => (k === li ? leafOf(x, l.shape, false) : l));
    x[i] = orig;
    return noGrad(() => project(asOutputs(fn(...args))));
  };
  for (let li = 0; li < leaves.length; li++) {
    const leaf = leaves[li];
    if (!leaf.requiresGrad) continue;
    const x = values[li];
    const analytic = leaf.grad ? leaf.grad.dataSync() : new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const orig = x[i];
      const plus = at(li, i, orig + eps);
      const minus = at(li, i, orig - eps);
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        const msg = `gradcheck: gradient of input ${li} (shape [${leaf.shape.join(', ')}]) disagrees at element ${i}: ` +
          `analytic ${a}, numeric ${numeric} (eps=${eps}, atol=${atol}, rtol=${rtol})`;
        if (raiseException) throw new Error(msg);
        return false;
      }
    }
  }
  return true;
}
