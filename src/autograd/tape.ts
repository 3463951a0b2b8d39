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

import { backend } from '../backend/backend.js';
import { Tensor, nextSerial, type GradNode } from '../tensor/tensor.js';
import { drop, internalScope, own } from '../tensor/lifetime.js';
import { full } from '../tensor/creation.js';
import { shapeStr, sameShape } from '../tensor/shape.js';

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with autograd recording off (torch.no_grad()); returns fn's result. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs fn with recording on or off as asked (torch.set_grad_enabled as a context). */
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
  out.gradFn = { name, inputs, output: out, saved, backward: backwardFn, released: false };
  for (const t of inputs) t._holds++;
  out._holds++;
  for (const s of saved) own(s);
  return out;
}

/** Gives back everything a node holds; its backward can no longer run. */
function release(node: GradNode): void {
  if (node.released) return;
  node.released = true;
  for (const t of node.inputs) { t._holds--; drop0(t); }
  if (node.output) { node.output._holds--; drop0(node.output); node.output = null; }
  for (const s of node.saved) drop(s);
  node.inputs = [];
  node.saved = [];
  node.backward = () => { throw secondBackwardError(node.name); };
}

/** Frees an owned tensor whose last hold was a node's. */
function drop0(t: Tensor): void {
  if (t._owned && t._holds <= 0) { t._holds = 0; t.dispose(); }
}

function secondBackwardError(name: string): Error {
  return new Error(`backward: trying to backward through the graph a second time (through ${name}), or to use saved ` +
    'tensors after they were freed. Saved intermediate values of the graph are freed when you call backward(); ' +
    'pass backward(gradient, { retainGraph: true }) the first time if you need to backward through it again');
}

function castTo(t: Tensor, like: Tensor): Tensor {
  if (t.dtype === like.dtype) return t;
  return new Tensor(backend().cast(t.storage, like.dtype), t.shape);
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
    if (node?.released) throw secondBackwardError(node.name);
    if (node) for (const inp of node.inputs) if (inp.requiresGrad && !seen.has(inp)) stack.push({ t: inp, expanded: false });
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
  }
  const order = reverseTopological(root);

  // grads: the gradient flowing into each tensor. A gradient the tape made is owned, and every entry
  // of the map that holds it is one hold (add's backward hands one tensor to both its inputs).
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const pass = (inp: Tensor, gi: Tensor): void => {
    const prev = grads.get(inp);
    if (!prev) {
      if (gi._owned) gi._holds++;
      grads.set(inp, gi);
    } else if (prev._owned && prev._holds === 1 && prev.storage.refs === 1) {
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
      if (!node || t.retainsGrad) accumulateGrad(t, g, !node);
      if (node) {
        if (node.released) throw secondBackwardError(node.name);
        const before = nextSerial();
        const inputGrads = internalScope(() => node.backward(g));
        // Gradients this backward made escaped its scope unowned: the tape owns them while it routes them.
        const made = new Set<Tensor>();
        for (const gi of inputGrads) if (gi && gi.serial >= before && !made.has(gi)) { own(gi); made.add(gi); }
        node.inputs.forEach((inp, i) => {
          let gi = inputGrads[i];
          if (!gi || !inp.requiresGrad) return;
          if (!sameShape(gi.shape, inp.shape)) {
            throw new Error(`backward: ${node.name} returned a gradient of shape ${shapeStr(gi.shape)} for an input of shape ${shapeStr(inp.shape)} (internal error)`);
          }
          if (gi.dtype !== inp.dtype) { gi = castTo(gi, inp); own(gi); made.add(gi); }
          pass(inp, gi);
        });
        for (const m of made) drop(m);
        if (!retain) release(node);
      }
      drop(g);
    }
  });
}

/** Adds g (the gradient arriving at t) into t.grad: a leaf adopts g when only the tape holds it (no
 *  copy); otherwise a copy; once .grad exists, the sum goes into it in place. */
function accumulateGrad(t: Tensor, g: Tensor, leaf: boolean): void {
  const bk = backend();
  if (!t._grad) {
    if (leaf && g.dtype === t.dtype && g._owned && g._holds === 1 && g.storage.refs === 1) {
      g._owned = false; // the entry's hold becomes the leaf's reference
      g._holds = 0;
      t._grad = g;
    } else {
      t._grad = new Tensor(bk.cast(g.storage, t.dtype), t.shape);
    }
    t._gradExposed = false;
    return;
  }
  const gr = t._grad;
  const gc = g.dtype === gr.dtype ? g : castTo(g, gr);
  bk.binary('add', gr.storage, gr.shape, gc.storage, gc.shape, gr.shape, gr.storage);
  if (gc !== g) gc.dispose();
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Computes gradients of this tensor with respect to every leaf that requires one. */
    backward(gradient?: Tensor | null, opts?: BackwardOptions): void;
  }
}

Tensor.prototype.backward = function (this: Tensor, gradient?: Tensor | null, opts?: BackwardOptions): void {
  backward(this, gradient, opts);
};

/** Sets t.grad to null (optimizer.zeroGrad, module.zeroGrad); a gradient no user code was handed is
 *  freed at once. */
export function clearGrad(t: Tensor): void {
  const g = t._grad;
  if (!g) return;
  if (!t._gradExposed) g.dispose();
  t._grad = null;
  t._gradExposed = false;
}
