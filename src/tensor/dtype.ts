// tensor/dtype.ts — the element types a tensor can hold, and the typed arrays that carry them across
// the library's edges (creation from JS values, dataAsync()/dataSync(), files). A leaf: it imports nothing,
// so every layer (backend/ included) may use it.

/**
 * The element types a tensor can have: 32- and 64-bit floats and 32-bit integers (convnet has no
 * int64 or bool). PyTorch: `torch.float32`, `torch.float64`, `torch.int32`.
 * @example
 * ```ts
 * const d: DType = x.dtype;
 * zeros([2], { dtype: 'float64' });
 * ```
 */
export type DType = 'float32' | 'float64' | 'int32';
export type FloatDType = 'float32' | 'float64';

/** Element values as they cross the library's edges; inside, data belongs to a backend. */
export type DataArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

export function dtypeOf(a: DataArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return 'int32';
}

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** Throws unless `dtype` is one convnet has (a JS caller can pass any string: 'int64', 'bool', …). */
export function checkDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new Error(`${op}: dtype ${JSON.stringify(dtype)} is not supported; convnet tensors are ${DTYPES.join(', ')}` +
      (dtype === 'int64' || dtype === 'long' ? " (use 'int32' for class indices)" : ''));
  }
}

/** A zero-filled typed array of the dtype. */
export function allocArray(dtype: DType, n: number): DataArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
  }
  checkDType('allocArray', dtype);
  throw new Error('unreachable');
}

/** The dtype two operands compute in: float64 > float32 > int32 (torch.promote_types; int32 with int32
 *  stays int32 — ops that divide lift that to float32 themselves, as torch's true division). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}
