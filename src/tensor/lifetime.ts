// tensor/lifetime.ts — when the library may free a tensor's data without anyone calling dispose().
//
// JavaScript cannot tell the library when a user drops a tensor (PyTorch counts Python references; here
// only the garbage collector knows, and its FinalizationRegistry callbacks wait for the event loop). So
// the library frees deterministically exactly the tensors it can prove no user code reaches, and leaves
// the rest to the collector:
//
// - An *owned* tensor is one only the library holds. Its `holds` count the library's references to it:
//   the scope or owner that made it (below), every autograd node that holds it (as an input, output or
//   private value), and each place backward keeps it as a gradient in flight. When the count of an
//   owned tensor reaches zero, its data is freed.
// - internalScope(fn) runs library code in which every tensor created is owned, held by the scope. When
//   fn returns, what it returns escapes (to the enclosing scope if there is one, else to the user, and it
//   stops being owned); everything else loses the scope's hold. Ops with temporaries, the backward of
//   each autograd node, and nn.Sequential's built-in layers run inside such scopes. internalScope(fn,
//   adopt) also tells `adopt` which escaping tensors fn made; adopt may take over the scope's hold.
// - hold(t) / drop(t) take and give back one hold by hand; own(t) takes one and makes t owned (autograd's
//   gradient bookkeeping, Sequential's intermediate activations); disown(t) hands t, with the hold it
//   came with, to the user.
// Tensors that are not owned count their holds the same way (so that a tensor the library owns later
// has the right count), but are only ever freed by dispose() or by the garbage collector.

/** The part of a Tensor this file manages (kept structural, so tensor.ts can import this file). */
interface Owned {
  _owned: boolean;
  _holds: number;
  readonly storage: { readonly refs: number };
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

/** Takes one hold on t, owned or not (an autograd node holding its inputs and output). */
export function hold(t: Owned): void {
  t._holds++;
}

/** Makes t owned (only the library reaches it) and takes one hold on it. */
export function own(t: Owned): void {
  t._owned = true;
  t._holds++;
}

/** Gives back one hold; an owned tensor with none left is freed. */
export function drop(t: Owned): void {
  if (--t._holds <= 0 && t._owned) { t._holds = 0; t.dispose(); }
}

/** Hands t to user code: it stops being owned, and the hold it was handed over with is given back. */
export function disown(t: Owned): void {
  t._owned = false;
  t._holds--;
}

/** Whether the one hold the caller has on t is the only reference to its data (owned, held once, no
 *  view shares the data): then the caller may write into it, or hand it over, without a copy. */
export function soleHolder(t: Owned): boolean {
  return t._owned && t._holds === 1 && t.storage.refs === 1;
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

/**
 * Runs fn with every tensor it creates owned; what fn returns escapes, the rest loses its hold. With
 * `adopt`, each escaping tensor fn made is first passed to it: when adopt returns true it takes over the
 * scope's hold (the tensor stays owned, and the caller must drop() it); otherwise the tensor escapes as
 * without adopt.
 */
export function internalScope<T>(fn: () => T, adopt?: (t: Owned) => boolean | void): T {
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
  if (mine.length === 0) return result;
  const isTensor = isTensorFn!;
  if (isTensor(result)) { // one tensor: compare by identity
    for (const t of mine) {
      if (t === result) escape(t, adopt); else drop(t);
    }
    return result;
  }
  const escaping = new Set<Owned>();
  collect(result, isTensor, escaping);
  for (const t of mine) {
    if (escaping.has(t)) escape(t, adopt); else drop(t);
  }
  return result;
}

/** t, made in a scope that just ended, leaves it with the scope's hold: to `adopt` if it takes it, else
 *  to the enclosing scope (still owned), else to the user. */
function escape(t: Owned, adopt: ((t: Owned) => boolean | void) | undefined): void {
  if (adopt && adopt(t) === true) return;
  const parent = scopes.length ? scopes[scopes.length - 1] : null;
  if (parent) parent.push(t);
  else disown(t);
}

/** Wraps an op so that its temporaries are owned (see internalScope). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function scoped<F extends (...args: any[]) => any>(fn: F): F {
  return ((...args: Parameters<F>) => internalScope(() => fn(...args))) as F;
}
