// tensor/keys.ts — the part of PyTorch's calling conventions that needs nothing but names: checking an
// options object's keys (unknown ones named with the accepted ones, a snake_case key with its camelCase
// spelling, a slip with the nearest name), and refusing extra arguments. It imports nothing, so every layer
// may use it, backend/ included; tensor/signature.ts builds the argument binding on it.

/** A plain `{ … }` object: what ends an argument list as its options (a Tensor, an array or a class
 *  instance is an argument, never options). */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** camelCase of a snake_case name: padding_mode → paddingMode. */
export function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Edit distance with transpositions (optimal string alignment): 'nomralize' is 1 from 'normalize'. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate nearest to `word` when it is near enough to be a slip (a third of its length, at least
 *  2 edits; or a prefix: --epoch for --epochs), else undefined. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Throws for every key of `opts` that is not in `accepted` (keys whose value is undefined are ignored, as
 * JS spreads leave them): the error names the key, a snake_case key's camelCase spelling or the nearest
 * accepted key, and the accepted keys.
 */
export function checkKeys(op: string, opts: object, accepted: readonly string[]): void {
  for (const key of Object.keys(opts)) {
    if ((opts as Record<string, unknown>)[key] === undefined || accepted.includes(key)) continue;
    const camel = camelCase(key);
    const hint = camel !== key && accepted.includes(camel) ? camel : nearest(key, accepted);
    const list = accepted.length ? `accepted: ${accepted.join(', ')}` : 'it takes no options';
    throw new Error(`${op}: unknown option '${key}'${hint ? `: did you mean ${hint}?` : ''} (${list})`);
  }
}

/**
 * For a convnet function that takes its arguments by position only (no options object): throws, naming
 * `op`, when more than `names.length` arguments came. A trailing options object is checked as options
 * (so an empty one, or one whose values are all undefined, passes) and its keys are named as unknown.
 *
 * @example
 * ```ts
 * export function rgbToGrey(t: Tensor): Tensor {
 *   noExtraArgs('rgbToGrey', arguments, ['t']);
 * ```
 */
export function noExtraArgs(op: string, args: ArrayLike<unknown>, names: readonly string[], describe: (v: unknown) => string = describeBasic): void {
  if (args.length <= names.length) return;
  const extra = args[names.length];
  if (args.length === names.length + 1 && isOptionsObject(extra)) {
    checkKeys(op, extra, []);
    return;
  }
  const where = names.length ? `${names.length} argument${names.length === 1 ? '' : 's'} (${names.join(', ')})` : 'no arguments';
  throw new Error(`${op}: takes ${where} but ${args.length} were given (the extra one is ${describe(extra)})`);
}

/** A value as an error message shows it, without knowing what a Tensor is (signature.ts's describeValue
 *  does). */
function describeBasic(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'object') return Array.isArray(v) ? `a list of ${v.length}` : `a ${v.constructor?.name ?? 'object'}`;
  return `${typeof v} ${String(v)}`;
}
