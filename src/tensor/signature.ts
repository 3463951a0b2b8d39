// tensor/signature.ts — PyTorch's calling conventions, in one place, for every function, method, module
// constructor and optimizer of the library:
//
// - positional arguments in PyTorch's order: `new nn.Conv2d(1, 1, 3, 1, 1)`;
// - any argument may instead be named in a trailing options object with camelCase keys, which may follow
//   any number of positional ones: `new nn.Conv2d(1, 6, { kernelSize: 5, padding: 2 })`;
// - an unknown key throws, naming it and the accepted keys; a snake_case spelling of a known key is named
//   (`padding_mode: did you mean paddingMode?`), and so is a near slip (`bais: did you mean bias?`);
// - an argument given both ways throws, as Python's "got multiple values for argument";
// - a positional argument that does not fit its slot throws: it is never dropped or read as another one;
// - sizes come as varargs or as one array: `zeros(6, 8)` ≡ `zeros([6, 8])`.
//
// bindArgs does the binding and the kind checks that keep a value in its slot (a boolean where a number
// belongs, say); each op still checks ranges and meanings itself, with its own messages.

import { Tensor } from './tensor.js';
import { camelCase, checkKeys, isOptionsObject, nearest, noExtraArgs as noExtraArgsBy } from './keys.js';

export { camelCase, checkKeys, isOptionsObject, nearest };

/** What a slot accepts, checked as arguments are bound (ops check ranges themselves). */
export type ArgKind =
  | 'any' | 'int' | 'number' | 'bool' | 'string' | 'size' | 'tensor' | 'tensorOrNumber' | 'function' | 'object'
  | { readonly test: (v: unknown) => boolean; readonly what: string };

/** One parameter of a signature: its camelCase name and what it takes; `required` ones must be given. */
export interface ParamSpec {
  readonly name: string;
  readonly kind?: ArgKind;
  readonly required?: boolean;
}

/**
 * A function's parameters as PyTorch orders them (`positional`), and those it takes only by name
 * (`keywordOnly`, after Python's `*`). A bare string is a parameter of kind 'any', not required.
 */
export interface Signature {
  readonly positional: readonly (string | ParamSpec)[];
  readonly keywordOnly?: readonly (string | ParamSpec)[];
}

/** The arguments of a PyTorch-style call: the positional ones, then optionally one options object. */
export type PyArgs<P extends unknown[], O> = Prefixes<P> | [...Prefixes<P>, O];
/** Every prefix of a tuple type, the empty one included: the ways positional arguments can stop early. */
export type Prefixes<P extends unknown[]> = P extends [...infer Init, unknown] ? P | Prefixes<Init> : [];

const KIND_WHAT: Record<Exclude<ArgKind, object>, string> = {
  any: 'any value', int: 'an integer', number: 'a number', bool: 'a boolean', string: 'a string',
  size: 'an integer or a list of integers', tensor: 'a Tensor', tensorOrNumber: 'a Tensor or a number',
  function: 'a function', object: 'an object',
};

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);

function fits(kind: ArgKind, v: unknown): boolean {
  if (typeof kind === 'object') return kind.test(v);
  switch (kind) {
    case 'any': return true;
    case 'int': return isInt(v);
    case 'number': return typeof v === 'number' && !Number.isNaN(v);
    case 'bool': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'size': return isInt(v) || (Array.isArray(v) && v.every(isInt));
    case 'tensor': return v instanceof Tensor;
    case 'tensorOrNumber': return v instanceof Tensor || (typeof v === 'number' && !Number.isNaN(v));
    case 'function': return typeof v === 'function';
    case 'object': return v !== null && typeof v === 'object';
  }
}

/** How a value reads in an error message: its kind, and the value itself when it is short. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) {
    const s = safeJson(v);
    return s.length <= 40 ? `the list ${s}` : `a list of ${v.length}`;
  }
  if (typeof v === 'object') return isOptionsObject(v) ? `an options object ${safeJson(v).slice(0, 60)}` : `a ${v.constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The positional arguments and the trailing options object (an empty one when none was given). */
export function splitOptions(args: readonly unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (args.length > 0 && isOptionsObject(last)) return [args.slice(0, -1), last];
  return [[...args], {}];
}

function spec(p: string | ParamSpec): ParamSpec {
  return typeof p === 'string' ? { name: p } : p;
}

/**
 * Binds a PyTorch-style call's arguments to `sig`'s names: positional arguments in order, then the keys
 * of a trailing options object. Returns the given values by name (absent ones are left out, so the
 * caller applies its defaults). Throws, naming `op`, for too many positional arguments, a value that
 * does not fit its slot's kind, an unknown key, an argument given twice, or a required one missing.
 *
 * @example
 * ```ts
 * const a = bindArgs('Linear', args, { positional: [
 *   { name: 'inFeatures', kind: 'int', required: true }, { name: 'outFeatures', kind: 'int', required: true },
 *   { name: 'bias', kind: 'bool' }] });
 * ```
 */
export function bindArgs(op: string, args: readonly unknown[], sig: Signature): Record<string, unknown> {
  const [positional, opts] = splitOptions(args);
  const slots = sig.positional.map(spec);
  const named = (sig.keywordOnly ?? []).map(spec);
  const all = [...slots, ...named];
  if (positional.length > slots.length) {
    const extra = positional[slots.length];
    const where = slots.length ? `${slots.length} positional argument${slots.length === 1 ? '' : 's'} (${slots.map((s) => s.name).join(', ')})` : 'no positional arguments';
    throw new Error(`${op}: takes ${where} but ${positional.length} were given (the extra one is ${describeValue(extra)})` +
      (isOptionsObject(extra) ? '' : named.length ? `; ${named.map((s) => s.name).join(', ')} go in the options object` : ''));
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    const s = slots[i];
    if (isOptionsObject(v)) throw new Error(`${op}: an options object can only come last, got one as argument ${i + 1} (${s.name})`);
    if (v === undefined) return;
    check(op, s, v, `argument ${i + 1} (${s.name})`);
    out[s.name] = v;
  });
  checkKeys(op, opts, all.map((s) => s.name));
  for (const s of all) {
    const v = opts[s.name];
    if (v === undefined) continue;
    if (s.name in out) throw new Error(`${op}: got multiple values for argument '${s.name}' (by position and in the options object)`);
    check(op, s, v, s.name);
    out[s.name] = v;
  }
  for (const s of all) {
    if (s.required && !(s.name in out)) throw new Error(`${op}: missing required argument '${s.name}'`);
  }
  return out;
}

function check(op: string, s: ParamSpec, v: unknown, where: string): void {
  const kind = s.kind ?? 'any';
  if (fits(kind, v)) return;
  const what = typeof kind === 'object' ? kind.what : KIND_WHAT[kind];
  throw new Error(`${op}: ${where} must be ${what}, got ${describeValue(v)}`);
}

/**
 * A size given as varargs or as one array, optionally followed by an options object: `(6, 8)`,
 * `([6, 8])`, `(6, 8, { dtype })`, `([6, 8], { dtype })`. Every entry must be an integer of at least
 * `min` (0 for a shape; -1 where one dimension may be inferred, as in view). Returns the size and the
 * options (empty when none were given).
 */
export function sizeArgs(op: string, args: readonly unknown[], min = 0): [number[], Record<string, unknown>] {
  const [positional, opts] = splitOptions(args);
  let size: unknown[];
  if (positional.length === 1 && (Array.isArray(positional[0]) || ArrayBuffer.isView(positional[0]))) size = [...(positional[0] as ArrayLike<unknown> & Iterable<unknown>)];
  else size = positional;
  for (let i = 0; i < size.length; i++) {
    const v = size[i];
    if (!isInt(v) || (v as number) < min) {
      const expected = min === -1 ? 'integers (-1 for one inferred dimension)' : 'non-negative integers';
      throw new Error(`${op}: size must be ${expected}, given as varargs or one list; entry ${i} is ${describeValue(v)}`);
    }
  }
  return [size as number[], opts];
}


/**
 * Throws for arguments past `names` (a function that takes its arguments by position only): a trailing
 * options object must have no keys (an unknown one is named), anything else is one too many.
 */
export function noExtraArgs(op: string, args: ArrayLike<unknown>, names: readonly string[]): void {
  noExtraArgsBy(op, args, names, describeValue);
}
