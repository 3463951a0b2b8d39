// tensor/lifetime.ts — when the library may free a tensor's data without anyone calling dispose().
//
// JavaScript cannot tell the library when a user drops a tensor (PyTorch counts Python references; here
// only the garbage collector knows, and its FinalizationRegistry callbacks wait for the event loop). So
// the library frees deterministically exactly the tensors it can prove no user code reaches, and leaves
// the rest to the collector:
//
// - An *owned* tensor is one only the library holds. Its `holds` count the library's references to it:
//   the scope or owner that made it (below), and every autograd node that saved it (as an input, output
//   or private value). When the count of an owned tensor reaches zero, its data is freed.
// - internalScope(fn) runs library code in which every tensor created is owned, held by the scope. When
//   fn returns, what it returns escapes (to the enclosing scope if there is one, else to the user, and it
//   stops being owned); everything else loses the scope's hold. Ops with temporaries, the backward of
//   each autograd node, and nn.Sequential's built-in layers run inside such scopes.
// - own(t) / drop(t) take and give back one hold by hand (autograd's gradient bookkeeping, Sequential's
//   intermediate activations).
// Tensors that are not owned keep counting the autograd nodes that hold them, but are only ever freed by
// dispose() or by the garbage collector.

/** The part of a Tensor this file manages (kept structural, so tensor.ts can import this file). */
export interface Owned {
  _owned: boolean;
  _holds: number;
  dispose(): void;
}

const scopes: Owned[][] = [];

/** Called by the Tensor constructor: a tensor born inside a scope is owned by it. */
export function bornInScope(t: Owned): void {
  const top = scopes.length ? scopes[scopes.length - 1] : null;
  if (!top) return;
  t._owned = true;
  t._holds = 1;
  top.push(t);
}

export function own(t: Owned): void {
  t._owned = true;
  t._holds++;
}

/** Gives back one hold; an owned tensor with none left is freed. Tensors not owned are left alone. */
export function drop(t: Owned): void {
  if (!t._owned) return;
  if (--t._holds <= 0) { t._holds = 0; t.dispose(); }
}

/** Every tensor in `v` (a tensor, or arrays / plain objects of them). */
function collect(v: unknown, isTensor: (x: unknown) => x is Owned, out: Set<Owned>): void {
  if (isTensor(v)) { out.add(v); return; }
  if (Array.isArray(v)) { for (const x of v) collect(x, isTensor, out); return; }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) collect(x, isTensor, out);
  }
}

let isTensorFn: ((x: unknown) => x is Owned) | null = null;

/** Set once by tensor.ts (which this file may not import). */
export function setTensorCheck(fn: (x: unknown) => x is Owned): void {
  isTensorFn = fn;
}

/** Runs fn with every tensor it creates owned; what fn returns escapes, the rest loses its hold. */
export function internalScope<T>(fn: () => T): T {
  const mine: Owned[] = [];
  scopes.push(mine);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of mine) drop(t);
    throw e;
  }
  scopes.pop();
  const escaping = new Set<Owned>();
  collect(result, isTensorFn!, escaping);
  const parent = scopes.length ? scopes[scopes.length - 1] : null;
  for (const t of mine) {
    if (!escaping.has(t)) { drop(t); continue; }
    if (parent) parent.push(t); // still owned, now held by the enclosing scope
    else { t._owned = false; t._holds--; }
  }
  return result;
}

/** Wraps an op so that its temporaries are owned (see internalScope). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function scoped<F extends (...args: any[]) => any>(fn: F): F {
  return ((...args: Parameters<F>) => internalScope(() => fn(...args))) as F;
}

/** Whether code runs inside an internal scope (tensors made now are owned). */
export function inScope(): boolean {
  return scopes.length > 0;
}
