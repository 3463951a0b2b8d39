// ops/einsum.ts — Einstein summation, composed of differentiable ops: a letter repeated within one operand
// takes the diagonal (an index with one arange for both dimensions), letters only one operand has and the
// output lacks are summed out, and operands are combined left to right by one batched matmul each (shared
// letters still needed are batch dimensions, the others contracted). The output is permuted last.
// Gradients follow by construction.

import { arange } from '../tensor/creation.js';
import { scoped } from '../tensor/lifetime.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { index } from './index.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { permute, reshape } from './shape.js';
import { requireTensor } from './util.js';
import { checkKeys, splitOptions } from '../tensor/signature.js';

interface Term { t: Tensor; labels: string[] }

const prod = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

function parse(eq: string, n: number): { inputs: string[][]; output: string[] } {
  const s = eq.replace(/\s+/g, '');
  if (s.includes('.')) throw new Error(`einsum: '...' (broadcast dimensions) is not supported, in '${eq}'`);
  const [lhs, rhs, extra] = s.split('->');
  if (extra !== undefined) throw new Error(`einsum: the equation '${eq}' has more than one '->'`);
  const inputs = lhs.split(',').map((p) => [...p]);
  if (inputs.length !== n) throw new Error(`einsum: the equation '${eq}' has ${inputs.length} operand(s) but ${n} were given`);
  for (const p of inputs) for (const c of p) if (!/[a-zA-Z]/.test(c)) throw new Error(`einsum: invalid subscript '${c}' in '${eq}' (letters only)`);
  let output: string[];
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const p of inputs) for (const c of p) count.set(c, (count.get(c) ?? 0) + 1);
    output = [...count.keys()].filter((c) => count.get(c) === 1).sort();
  } else {
    output = [...rhs];
    const all = new Set(inputs.flat());
    for (const c of output) {
      if (!all.has(c)) throw new Error(`einsum: output subscript '${c}' does not appear in the inputs of '${eq}'`);
      if (output.indexOf(c) !== output.lastIndexOf(c)) throw new Error(`einsum: output subscript '${c}' appears more than once in '${eq}'`);
    }
  }
  return { inputs, output };
}

/** The diagonal over every letter the term repeats. */
function diagonals(term: Term): Term {
  let { t, labels } = term;
  for (;;) {
    const dup = labels.findIndex((c, i) => labels.indexOf(c) !== i);
    if (dup < 0) return { t, labels };
    const first = labels.indexOf(labels[dup]);
    const n = t.shape[first];
    if (t.shape[dup] !== n) throw new Error(`einsum: subscript '${labels[dup]}' is repeated for dimensions of sizes ${t.shape[first]} and ${t.shape[dup]}`);
    // Move the two dimensions last, then pick their diagonal (adjacent index tensors stay in place).
    const rest = labels.map((_, i) => i).filter((i) => i !== first && i !== dup);
    t = permute(t, [...rest, first, dup]);
    const ar = arange(0, n, 1, { dtype: 'int32' });
    t = index(t, ['...', ar, ar]);
    labels = [...rest.map((i) => labels[i]), labels[first]];
  }
}

/** Sums out the term's letters that no one else needs. */
function sumUnneeded(term: Term, needed: Set<string>): Term {
  const axes = term.labels.map((c, i) => (needed.has(c) ? -1 : i)).filter((i) => i >= 0);
  if (!axes.length) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((c) => needed.has(c)) };
}

/**
 * Einstein summation: `equation` names each operand's dimensions with letters (`'ij,jk->ik'`); letters
 * absent from the output are summed over, a letter repeated in one operand takes its diagonal, and without
 * `->` the output is the letters that appear once, in alphabetical order. Differentiable. (Broadcast
 * dimensions, `...`, are not supported.) PyTorch: `torch.einsum`.
 * @example
 * ```ts
 * einsum('ij,jk->ik', a, b);            // matmul
 * einsum('nchw,oc->nohw', x, w);        // mixing channels (a 1×1 convolution)
 * einsum('bhwc->bchw', img);            // channels first
 * einsum('ii', m);                      // trace
 * ```
 */
export const einsum = scoped(function einsum(equation: string, ...given: (Tensor | Tensor[] | Record<string, never>)[]): Tensor {
  const [rest, opts] = splitOptions(given);
  checkKeys('einsum', opts, []);
  const operands = rest as (Tensor | Tensor[])[];
  if (typeof equation !== 'string') throw new Error(`einsum: equation must be a string, got ${typeof equation}`);
  const ops = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  ops.forEach((t, i) => requireTensor('einsum', `operand ${i}`, t));
  const { inputs, output } = parse(equation, ops.length);
  const sizes = new Map<string, number>();
  let terms: Term[] = ops.map((t, i) => {
    if (inputs[i].length !== t.ndim) {
      throw new Error(`einsum: operand ${i} has ${t.ndim} dimension(s) (shape ${shapeStr(t.shape)}) but '${inputs[i].join('')}' names ${inputs[i].length}`);
    }
    inputs[i].forEach((c, d) => {
      const had = sizes.get(c);
      if (had !== undefined && had !== t.shape[d]) {
        throw new Error(`einsum: subscript '${c}' has size ${t.shape[d]} in operand ${i} but ${had} elsewhere (shape ${shapeStr(t.shape)})`);
      }
      sizes.set(c, t.shape[d]);
    });
    return diagonals({ t, labels: inputs[i] });
  });
  const neededBy = (skip: number): Set<string> => {
    const s = new Set(output);
    terms.forEach((u, j) => { if (j !== skip) for (const c of u.labels) s.add(c); });
    return s;
  };
  terms = terms.map((u, i) => sumUnneeded(u, neededBy(i)));
  let acc = terms[0];
  for (let k = 1; k < terms.length; k++) {
    const b = terms[k];
    const later = new Set(output);
    for (let j = k + 1; j < terms.length; j++) for (const c of terms[j].labels) later.add(c);
    const shared = acc.labels.filter((c) => b.labels.includes(c));
    const batch = shared.filter((c) => later.has(c));
    const contract = shared.filter((c) => !later.has(c));
    const freeA = acc.labels.filter((c) => !shared.includes(c));
    const freeB = b.labels.filter((c) => !shared.includes(c));
    const size = (cs: string[]): number[] => cs.map((c) => sizes.get(c)!);
    const pa = permute(acc.t, [...batch, ...freeA, ...contract].map((c) => acc.labels.indexOf(c)));
    const pb = permute(b.t, [...batch, ...contract, ...freeB].map((c) => b.labels.indexOf(c)));
    const B = prod(size(batch)), M = prod(size(freeA)), K = prod(size(contract)), N = prod(size(freeB));
    const prodT = matmul(reshape(pa, [B, M, K]), reshape(pb, [B, K, N]));
    acc = { t: reshape(prodT, [...size(batch), ...size(freeA), ...size(freeB)]), labels: [...batch, ...freeA, ...freeB] };
    acc = sumUnneeded(acc, later);
  }
  acc = sumUnneeded(acc, new Set(output));
  const perm = output.map((c) => acc.labels.indexOf(c));
  return perm.every((p, i) => p === i) ? acc.t : permute(acc.t, perm);
});
