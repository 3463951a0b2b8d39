// backend/ref — the reference backend: plain TypeScript, readable, the oracle every other backend is
// tested against. Its data are ordinary typed arrays, so the JavaScript garbage collector frees them and
// nothing here needs a pool or a FinalizationRegistry; every kernel is a loop of backend/ref/*.ts run
// through backend/array-kernels.ts.

import type { Backend, BackendImpl } from '../backend.js';
import { registerBackend } from '../backend.js';
import { Storage, freedError } from '../storage.js';
import { allocArray, type DataArray, type DType } from '../../tensor/dtype.js';
import { arrayKernels } from '../array-kernels.js';
import { castInto } from './elementwise.js';

function arrayOf(s: Storage): DataArray {
  if (s.data === null) throw freedError(s);
  return s.data as DataArray;
}

const memory = {
  name: 'ref',
  maxBytes: 2 ** 32, // 4 GiB: a typed array's byte length in Node 20's V8 (buffer.constants.MAX_LENGTH)
  alloc(dtype: DType, size: number): Storage {
    return new Storage(refBackend, dtype, size, allocArray(dtype, size));
  },
  attach(s: Storage, values: DataArray): void {
    const a = allocArray(s.dtype, s.size);
    a.set(values);
    s.data = a;
  },
  free(s: Storage): void {
    s.data = null;
  },
  write(s: Storage, values: ArrayLike<number>): void {
    castInto(values, arrayOf(s));
  },
  readSync(s: Storage): DataArray {
    return arrayOf(s).slice();
  },
  read(s: Storage): Promise<DataArray> {
    return Promise.resolve(arrayOf(s).slice());
  },
};

export const refBackend: BackendImpl = { ...memory, ...arrayKernels({ alloc: memory.alloc, view: arrayOf }) };

registerBackend('ref', () => refBackend);
