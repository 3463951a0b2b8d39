// autograd/tape.ts — reverse-mode automatic differentiation.
//
// Every differentiable op calls record(name, out, inputs, backward, saved): when gradients are enabled
// and any input requires one, the output remembers a GradNode. backward() walks the nodes in reverse
// topological order, handing each node the gradient of its output and summing what it returns into its
// inputs' gradients. Leaves accumulate into .grad (in place once it exists), as in PyTorch.
//
// Memory, as PyTorch does it: a node holds its inputs, its output and its private saved tensors
// (tensor/lifetime.ts counts these holds) until backward has used it; then it gives them back, and the
// tensors only the library held are freed at once. A second backward through a released node throws
// PyTorch's error unless the first one passed retainGraph. Each node's backward runs in an internal
// scope, so its temporaries are freed as soon as it returns; gradients in flight are owned by the tape
// and freed once summed into their input's gradient.
//
// In-place writes, as PyTorch: a node records the version counters of the data it holds
// (tensor/tensor.ts), and its backward throws PyTorch's error if it reads any of it at another version.

import { backend } from '../backend/backend.js';
import { Tensor, checkingVersions, recordVersions, unmarkViewCopy, type GradNode } from '../tensor/tensor.js';
import { disown, drop, hold, internalScope, own, soleHolder } from '../tensor/lifetime.js';
import { full, tensor } from '../tensor/creation.js';
import { shapeStr, sameShape } from '../tensor/shape.js';
import { torchBackwardName } from './names.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';

const GRADIENT = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };

let gradEnabled = true;

/**
 * Whether autograd is recording operations now (false inside {@link noGrad}). PyTorch: `torch.is_grad_enabled`.
 * @example
 * ```ts
 * noGrad(() => isGradEnabled());  // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with autograd recording off and returns its result: for evaluation and for updating weights
 * in place. PyTorch: `torch.no_grad()`.
 * @example
 * ```ts
 * const logits = noGrad(() => model(x));
 * noGrad(() => w.sub_(w.grad!.mul(0.1)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` with recording on or off as `enabled` says, and returns its result. PyTorch:
 * `torch.set_grad_enabled(enabled)` used as a context manager.
 * @example
 * ```ts
 * const out = withGrad(training, () => model(x));
 * ```
 */
export function withGrad<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Attaches a GradNode to `out` if any input needs a gradient; returns `out`. `saved` lists tensors only
 * this backward uses (made by the op for it, never returned to the caller): the node owns them, and
 * they are freed when the node is released — or at once, when nothing is recorded.
 */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backwardFn: (gradOutput: Tensor) => (Tensor | null)[],
  saved: readonly Tensor[] = [],
): Tensor {
  let needed = gradEnabled && out.isFloatingPoint;
  if (needed) {
    needed = false;
    for (const t of inputs) if (t.requiresGrad) { needed = true; break; }
  }
  if (!needed) {
    for (const s of saved) s.dispose();
    return out;
  }
  out.requiresGrad = true;
  let gens: number[] | null = null;
  for (const t of inputs) if (t._past) { gens = inputs.map((u) => u._past?.length ?? 0); break; }
  const node: GradNode = { name: torchBackwardName(name), op: name, inputs, output: out, saved, versions: null, backward: backwardFn, released: false, gens };
  out.gradFn = node;
  for (const t of inputs) hold(t);
  hold(out);
  for (const s of saved) own(s);
  recordVersions(node);
  return out;
}

/** Gives back everything a node holds; its backward can no longer run. (backward() releases each node
 *  once: reverseTopological refuses a graph with a released node in it.) */
function release(node: GradNode): void {
  node.released = true;
  for (const t of node.inputs) drop(t);
  if (node.output) { drop(node.output); node.output = null; }
  for (const s of node.saved) drop(s);
  node.inputs = [];
  node.saved = [];
  node.versions = null;
  node.backward = () => { throw secondBackwardError(node.op); };
}

function secondBackwardError(name: string): Error {
  return new Error(`backward: trying to backward through the graph a second time (through ${name}), or to use saved ` +
    'tensors after they were freed. Saved intermediate values of the graph are freed when you call backward(); ' +
    'pass backward(gradient, { retainGraph: true }) the first time if you need to backward through it again');
}

/** t in like's dtype: t itself, or a converted copy (autograd may not import ops/, whose cast this is). */
function castTo(t: Tensor, like: Tensor): Tensor {
  return t.dtype === like.dtype ? t : tensor(t, { dtype: like.dtype });
}

/** Where the gradient for node's input i goes: the input itself, or, when a recorded in-place op has
 *  rewritten its history since the node was recorded, the tensor standing for its history then. */
export function edge(node: GradNode, i: number): Tensor {
  const t = node.inputs[i];
  if (!t._past) return t;
  const g = node.gens?.[i] ?? 0;
  return g === t._past.length ? t : t._past[g];
}

/** Orders the graph below `root` so every tensor comes after all tensors computed from it. */
function reverseTopological(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: { t: Tensor; expanded: boolean }[] = [{ t: root, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) { order.push(top.t); continue; }
    if (seen.has(top.t)) continue;
    seen.add(top.t);
    stack.push({ t: top.t, expanded: true });
    const node = top.t.gradFn;
    if (node?.released) throw secondBackwardError(node.op);
    if (node) {
      for (let i = 0; i < node.inputs.length; i++) {
        const inp = edge(node, i);
        if (inp.requiresGrad && !seen.has(inp)) stack.push({ t: inp, expanded: false });
      }
    }
  }
  return order.reverse();
}

export interface BackwardOptions {
  /** Keep the graph (and what it saved) so that backward can run through it again. */
  retainGraph?: boolean;
}

export function backward(root: Tensor, gradient?: Tensor | null, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require grad and has no gradFn; ' +
      'create its inputs with { requiresGrad: true } or call requiresGrad_() on them');
  }
  const retain = opts.retainGraph ?? false;
  const bk = backend();
  let seed: Tensor;
  if (gradient === undefined || gradient === null) {
    if (root.numel() !== 1) {
      throw new Error(`backward: a gradient can be created implicitly only for scalar outputs, this output has shape ${shapeStr(root.shape)}; ` +
        'pass backward(gradient) with a tensor of that shape');
    }
    seed = full(root.shape, 1, { dtype: root.dtype });
    own(seed);
  } else {
    if (!(gradient instanceof Tensor)) throw new Error(`backward: gradient must be a Tensor, got ${typeof gradient}`);
    if (!sameShape(gradient.shape, root.shape)) {
      throw new Error(`backward: gradient has shape ${shapeStr(gradient.shape)} but the output has shape ${shapeStr(root.shape)}`);
    }
    seed = castTo(gradient, root);
    if (seed !== gradient) own(seed);
    else hold(seed); // the caller's tensor: counted, never freed here
  }
  const order = reverseTopological(root);

  // grads: the gradient flowing into each tensor. Every entry of the map is one hold on its gradient
  // (add's backward hands one tensor to both its inputs); a gradient the tape made is owned, so it is
  // freed with its last entry.
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const pass = (inp: Tensor, gi: Tensor): void => {
    const prev = grads.get(inp);
    if (!prev) {
      hold(gi);
      grads.set(inp, gi);
    } else if (soleHolder(prev)) {
      bk.binary('add', prev.storage, prev.shape, gi.storage, gi.shape, prev.shape, prev.storage); // in place
    } else {
      const sum = new Tensor(bk.binary('add', prev.storage, prev.shape, gi.storage, gi.shape, prev.shape), prev.shape);
      own(sum);
      drop(prev);
      grads.set(inp, sum);
    }
  };

  noGrad(() => {
    for (const t of order) {
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node: GradNode | null = t.gradFn;
      if (!node) { // a leaf
        if (!accumulateGrad(t, g, true)) drop(g);
        continue;
      }
      if (t.retainsGrad) accumulateGrad(t, g, false);
      // The gradients this backward made keep its scope's hold: the tape's while it routes them.
      const made: Tensor[] = [];
      const inputGrads = checkingVersions(node, () => internalScope(() => node.backward(g), (gi) => {
        made.push(gi as Tensor);
        return true;
      }));
      node.inputs.forEach((_, i) => {
        const inp = edge(node, i);
        let gi = inputGrads[i];
        if (!gi || !inp.requiresGrad) return;
        if (!sameShape(gi.shape, inp.shape)) {
          throw new Error(`backward: ${node.op} returned a gradient of shape ${shapeStr(gi.shape)} for an input of shape ${shapeStr(inp.shape)} (internal error)`);
        }
        if (gi.dtype !== inp.dtype) { gi = castTo(gi, inp); own(gi); made.push(gi); }
        pass(inp, gi);
      });
      for (const m of made) drop(m);
      if (!retain) release(node);
      drop(g);
    }
  });
}

/** Adds g (the gradient arriving at t, held by the caller) into t.grad: when the caller's hold is the
 *  only one and `mayTake`, t.grad becomes g itself (no copy) and true is returned: the hold went with
 *  it. Otherwise a copy; once .grad exists, the sum goes into it in place. */
function accumulateGrad(t: Tensor, g: Tensor, mayTake: boolean): boolean {
  const bk = backend();
  if (!t._grad) {
    const take = mayTake && g.dtype === t.dtype && soleHolder(g);
    if (take) { disown(g); unmarkViewCopy(g); } // no one else sees g: .grad is fresh data, as PyTorch's
    t._grad = take ? g : tensor(g, { dtype: t.dtype }); // a copy
    t._gradExposed = false;
    return take;
  }
  const gr = t._grad;
  const gc = g.dtype === gr.dtype ? g : castTo(g, gr);
  bk.binary('add', gr.storage, gr.shape, gc.storage, gc.shape, gr.shape, gr.storage);
  if (gc !== g) gc.dispose();
  return false;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * Computes the gradients of this tensor with respect to every leaf that requires one, adding them into each
     * leaf's `.grad`. A non-scalar tensor needs `gradient` (of its shape); the graph is freed afterwards unless
     * `opts.retainGraph`. PyTorch: `Tensor.backward`.
     * @example
     * ```ts
     * const w = tensor([1, 2], { requiresGrad: true });
     * w.mul(w).sum().backward();
     * w.grad;  // tensor([2., 4.])
     * y.backward(onesLike(y), { retainGraph: true });
     * ```
     */
    backward(...args: PyArgs<[gradient: Tensor | null | undefined, retainGraph: boolean], BackwardOptions & { gradient?: Tensor | null }>): void;
  }
}

Tensor.prototype.backward = function (this: Tensor, ...args: unknown[]): void {
  // PyTorch's Tensor.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None): gradient by
  // position or by name, retainGraph too (createGraph and inputs are not supported, so they throw as unknown).
  const a = bindArgs('backward', [this, ...args], { positional: ['self', { name: 'gradient', kind: GRADIENT }, { name: 'retainGraph', kind: 'bool' }] });
  backward(this, a.gradient as Tensor | null | undefined, { retainGraph: a.retainGraph as boolean | undefined });
} as Tensor['backward'];

/** Sets t.grad to null (optimizer.zeroGrad, module.zeroGrad); a gradient no user code was handed is
 *  freed at once. */
export function clearGrad(t: Tensor): void {
  t.grad = null; // the setter frees it when no user code was handed it
}
