// tensor/shape.ts — shape arithmetic shared by every layer above: sizes, strides, broadcasting, axes.

export type Shape = number[];

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** [outer, R, inner]: the products of the sizes before `first`, from `first` to `last` (inclusive), and
 *  after `last`; a tensor read as that 3-D block runs dims first..last as one axis of R values. */
export function splitAt(shape: readonly number[], first: number, last: number): [number, number, number] {
  let outer = 1, r = 1, inner = 1;
  shape.forEach((d, i) => { if (i < first) outer *= d; else if (i <= last) r *= d; else inner *= d; });
  return [outer, r, inner];
}

/** NumPy/PyTorch broadcasting: align on the right; each pair of sizes must be equal or contain a 1. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast: ` +
        `size ${da} vs ${db} at dimension ${i - n} (sizes must match or one must be 1)`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Turns a possibly negative dimension index into 0..ndim-1, or throws naming the op. */
export function normAxis(op: string, dim: number, ndim: number, argName = 'dim'): number {
  if (!Number.isInteger(dim)) throw new Error(`${op}: ${argName} must be an integer, got ${dim}`);
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (dim < lo || dim > hi) {
    throw new Error(`${op}: ${argName}=${dim} is out of range for a tensor with ${ndim} dimensions (expected ${lo}..${hi})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalises a dim argument (undefined = all dims) to a sorted list of unique axes. */
export function normAxes(op: string, dim: number | number[] | undefined, ndim: number): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  const axes = list.map((d) => normAxis(op, d, ndim));
  const uniq = [...new Set(axes)].sort((x, y) => x - y);
  if (uniq.length !== axes.length) throw new Error(`${op}: dim ${JSON.stringify(dim)} names a dimension twice`);
  return ndim === 0 ? [] : uniq;
}

export function checkShape(op: string, shape: readonly number[], argName = 'size'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: ${argName} must be a list of non-negative integers, got ${shapeStr(shape)}`);
    }
  }
}
