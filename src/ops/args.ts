// ops/args.ts — parsing and checking the size-like arguments of conv, pad and pool ops, with errors
// that name the op, the argument, what was expected and what came.

export type Size = number | readonly number[];

/** A positive (or non-negative) integer, or a tuple of `n` of them, expanded to length n. */
export function tupleArg(op: string, name: string, v: Size | undefined, n: number, min: number, fallback?: number): number[] {
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new Error(`${op}: ${name} is required`);
    return new Array(n).fill(fallback);
  }
  const list = typeof v === 'number' ? new Array(n).fill(v) : [...v];
  if (list.length === 1 && n > 1) list.length = 0, list.push(...new Array(n).fill((v as number[])[0]));
  if (list.length !== n) {
    throw new Error(`${op}: ${name} must be an integer or a list of ${n} integers, got ${JSON.stringify(v)}`);
  }
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
      const what = min === 0 ? 'non-negative' : 'positive';
      throw new Error(`${op}: ${name} must be ${what} integer${n > 1 ? 's' : ''}, got ${JSON.stringify(v)}`);
    }
  }
  return list;
}

export function checkOptions(op: string, opts: object, allowed: readonly string[]): void {
  if (opts === null || typeof opts !== 'object') throw new Error(`${op}: options must be an object, got ${opts === null ? 'null' : typeof opts}`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k) && (opts as Record<string, unknown>)[k] !== undefined) {
      throw new Error(`${op}: unknown option '${k}' (expected one of ${allowed.join(', ')})`);
    }
  }
}

export function boolArg(op: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`${op}: ${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

export function oneOf<T extends string>(op: string, name: string, v: unknown, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) {
    throw new Error(`${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
