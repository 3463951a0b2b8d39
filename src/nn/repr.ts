// nn/repr.ts — formatting values the way Python's repr prints them, for PyTorch-identical toString().

/** A Python float: 0.1, 1e-05, 1.0, inf. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e16) return String(v);
  const [m, e] = v.toExponential().split('e');
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A Python number as the user passed it: ints print bare, other values as floats. */
export function pyNumber(v: number, asFloat: boolean): string {
  return asFloat ? pyFloat(v) : String(v);
}

export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** A Python tuple of ints: (2, 2), or (2,) for one element. */
export function pyTuple(v: readonly (number | null)[]): string {
  const items = v.map((x) => (x === null ? 'None' : String(x)));
  return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
}

/** An int-or-tuple argument printed as PyTorch stores it: an int stays an int, an array a tuple. */
export function pySize(v: number | readonly (number | null)[] | null): string {
  if (v === null) return 'None';
  return typeof v === 'number' ? String(v) : pyTuple(v);
}
