// optim/json-shape.ts — checking that a loaded state (optimizer or scheduler stateDict, read from a
// checkpoint) has the JSON types of the state it replaces, so a damaged file is an error naming the
// field instead of a string where a number belongs, found later as a TypeError or a NaN.

export function jsonKind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Whether `v` has the JSON type of `like` (lists: element by element against like's first element). */
export function sameJsonShape(like: unknown, v: unknown): boolean {
  if (jsonKind(like) !== jsonKind(v)) return false;
  if (typeof v === 'number') return !Number.isNaN(v);
  if (Array.isArray(like)) return like.length === 0 || (v as unknown[]).every((x) => sameJsonShape(like[0], x));
  return true;
}

export function describeJson(like: unknown): string {
  if (Array.isArray(like)) return like.length ? `a list of ${describeJson(like[0]).replace(/^an? /, '')}s` : 'a list';
  const k = jsonKind(like);
  return `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k}`;
}

/** A scheduler's state as plain JSON data: every field except the optimizer (LRScheduler's and
 *  ReduceLROnPlateau's stateDict; ±∞ becomes null in JSON, which their loadStateDict reads back). */
export function schedulerState(scheduler: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scheduler)) if (k !== 'optimizer') out[k] = JSON.parse(JSON.stringify(v));
  return out;
}
