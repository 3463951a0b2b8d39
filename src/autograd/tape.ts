// autograd/tape.ts — reverse-mode automatic differentiation.
//
// Every differentiable op calls record(out, inputs, backward): when gradients are enabled and any input
// requires one, the output remembers a GradNode. backward() walks the nodes in reverse topological order,
// handing each node the gradient of its output and summing what it returns into its inputs' gradients.
// Leaves accumulate into .grad, as in PyTorch. Backward functions run with recording off.

import { backend } from '../backend/backend.js';
import { Tensor, allocDType, type GradNode } from '../tensor/tensor.js';
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

/** Attaches a GradNode to `out` if any input needs a gradient; returns `out`. */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backwardFn: (gradOutput: Tensor) => (Tensor | null)[],
): Tensor {
  if (!gradEnabled || !out.isFloatingPoint) return out;
  let needed = false;
  for (const t of inputs) if (t.requiresGrad) { needed = true; break; }
  if (!needed) return out;
  out.requiresGrad = true;
  out.gradFn = { name, inputs, backward: backwardFn };
  return out;
}

function addInto(a: Tensor, b: Tensor): Tensor {
  return new Tensor(backend().binary('add', a.storage, a.shape, b.storage, b.shape, a.shape), a.shape, a.dtype);
}

function castTo(t: Tensor, like: Tensor): Tensor {
  if (t.dtype === like.dtype) return t;
  const out = allocDType(like.dtype, t.storage.length);
  out.set(t.storage);
  return new Tensor(out, t.shape, like.dtype);
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
    if (node) for (const inp of node.inputs) if (inp.requiresGrad && !seen.has(inp)) stack.push({ t: inp, expanded: false });
  }
  return order.reverse();
}

export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require grad and has no gradFn; ' +
      'create its inputs with { requiresGrad: true } or call requiresGrad_() on them');
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new Error(`backward: a gradient can be created implicitly only for scalar outputs, this output has shape ${shapeStr(root.shape)}; ` +
        'pass backward(gradient) with a tensor of that shape');
    }
    const one = allocDType(root.dtype, 1);
    one[0] = 1;
    seed = new Tensor(one, root.shape, root.dtype);
  } else {
    if (!sameShape(gradient.shape, root.shape)) {
      throw new Error(`backward: gradient has shape ${shapeStr(gradient.shape)} but the output has shape ${shapeStr(root.shape)}`);
    }
    seed = castTo(gradient, root);
  }

  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (const t of reverseTopological(root)) {
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node: GradNode | null = t.gradFn;
      if (!node || t.retainsGrad) {
        // A fresh copy: g may be shared with another input's gradient (add's backward returns it twice).
        const own = castTo(g, t);
        t.grad = t.grad ? addInto(t.grad, own) : new Tensor(own.storage.slice(), t.shape, t.dtype);
      }
      if (!node) continue;
      const inputGrads = node.backward(g);
      node.inputs.forEach((inp, i) => {
        const gi = inputGrads[i];
        if (!gi || !inp.requiresGrad) return;
        if (!sameShape(gi.shape, inp.shape)) {
          throw new Error(`backward: ${node.name} returned a gradient of shape ${shapeStr(gi.shape)} for an input of shape ${shapeStr(inp.shape)} (internal error)`);
        }
        const prev = grads.get(inp);
        grads.set(inp, prev ? addInto(prev, gi) : gi);
      });
    }
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Computes gradients of this tensor with respect to every leaf that requires one. */
    backward(gradient?: Tensor): void;
  }
}

Tensor.prototype.backward = function (this: Tensor, gradient?: Tensor): void {
  backward(this, gradient);
};
