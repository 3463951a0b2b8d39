// data/idx.ts — reading and writing IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST.
//
// Layout (all integers big-endian): two zero bytes, a type code, the number of dimensions n, n sizes as
// 32-bit unsigned integers, then the values in row-major order. Type codes: 0x08 uint8, 0x09 int8,
// 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. Files may be gzipped (detected by the gzip magic
// 1f 8b, not by the name). Every check names the file and what is wrong with it, so a truncated
// download is reported as such instead of turning into a wrong dataset.

import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkKeys, isOptionsObject, noExtraArgs } from '../tensor/signature.js';

/**
 * The typed arrays IDX files hold, one per {@link IdxType}. The IDX format has no PyTorch function
 * (torchvision reads it inside its MNIST classes).
 * @example
 * ```ts
 * const a: IdxArray = readIdx(file).data;
 * ```
 */
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
/**
 * The element types of the IDX format: uint8, int8, int16, int32, float32, float64.
 * @example
 * ```ts
 * if (readIdx(file).type === 'uint8') { … }
 * ```
 */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * An IDX file's contents: element type, shape and values. PyTorch: none (torchvision's
 * `read_sn3_pascalvincent_tensor` reads the same format).
 * @example
 * ```ts
 * const { type, shape, data } = readIdx('train-images-idx3-ubyte.gz');  // 'uint8', [60000, 28, 28]
 * ```
 */
export interface IdxData {
  type: IdxType;
  shape: readonly number[];
  data: IdxArray;
}

const CODES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'uint8', size: 1 },
  0x09: { type: 'int8', size: 1 },
  0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 },
  0x0d: { type: 'float32', size: 4 },
  0x0e: { type: 'float64', size: 8 },
};

/**
 * Thrown when an IDX file is damaged or not IDX at all; `file` names it and the message says what is
 * wrong. convnet's own.
 * @example
 * ```ts
 * try { readIdx(f); } catch (e) { if (e instanceof IdxFormatError) console.error(e.file); }
 * ```
 */
export class IdxFormatError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`IDX file ${file}: ${problem}`);
    this.name = 'IdxFormatError';
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The most bytes an IDX file may hold once inflated (1 GiB; Fashion-MNIST's largest is 47 MB). A gzip
 *  stream is inflated with this cap, so a small file that would inflate to gigabytes stops at the cap. */
export const DEFAULT_IDX_MAX_BYTES = 2 ** 30;

/**
 * Parses IDX bytes (gzipped or plain) into type, shape and values; refuses input that would inflate past
 * `maxBytes` (default 1 GiB). `file` names the source in error messages. convnet's own.
 * @example
 * ```ts
 * const idx = parseIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()), url);
 * ```
 */
export function parseIdx(raw: Uint8Array, file = '<bytes>', opts: { maxBytes?: number } = {}): IdxData & { shape: number[] } {
  noExtraArgs('parseIdx', arguments, ['raw', 'file', 'opts']);
  if (isOptionsObject(file)) { // parseIdx(raw, { file?, maxBytes? })
    opts = file as { maxBytes?: number };
    file = (opts as { file?: string }).file ?? '<bytes>';
    checkKeys('parseIdx', opts, ['file', 'maxBytes']);
  } else checkKeys('parseIdx', opts, ['maxBytes']);
  const maxBytes = opts.maxBytes ?? DEFAULT_IDX_MAX_BYTES;
  const tooBig = (what: string) => new IdxFormatError(file, `${what} more than the limit of ${maxBytes} bytes (pass maxBytes to allow more)`);
  let bytes = raw;
  if (raw.length > maxBytes) throw tooBig(`${raw.length} bytes,`);
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw tooBig('it inflates to');
      const msg = (e as Error).message;
      const why = /unexpected end/i.test(msg) ? 'the gzip stream is truncated (incomplete download?)' : `the gzip stream is corrupted (${msg})`;
      throw new IdxFormatError(file, why);
    }
  }
  if (bytes.length < 4) throw new IdxFormatError(file, `only ${bytes.length} bytes, too short for the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new IdxFormatError(file, `bad magic number ${magic}: an IDX file starts with two zero bytes, a type code and the number of dimensions`);
  }
  const code = CODES[bytes[2]];
  if (!code) throw new IdxFormatError(file, `unknown type code 0x${bytes[2].toString(16).padStart(2, '0')} (expected 08 uint8, 09 int8, 0B int16, 0C int32, 0D float32 or 0E float64)`);
  const ndim = bytes[3];
  if (ndim === 0) throw new IdxFormatError(file, 'the header declares 0 dimensions');
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) {
    throw new IdxFormatError(file, `truncated header: ${ndim} dimensions need ${headerLen} header bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerLen + count * code.size;
  if (bytes.length < expected) {
    throw new IdxFormatError(file, `truncated data: shape [${shape.join(', ')}] of ${code.type} needs ${count * code.size} bytes after the ` +
      `${headerLen}-byte header, the file has ${bytes.length - headerLen} (${(100 * (bytes.length - headerLen) / (count * code.size)).toFixed(1)}%)`);
  }
  if (bytes.length > expected) {
    throw new IdxFormatError(file, `${bytes.length - expected} unexpected bytes after the data of shape [${shape.join(', ')}] (${code.type}); the header or the file is wrong`);
  }
  const body = bytes.subarray(headerLen);
  let data: IdxArray;
  switch (code.type) {
    case 'uint8': data = new Uint8Array(body); break; // a copy (Buffer.slice would be a view of the whole file)
    case 'int8': data = new Int8Array(new Uint8Array(body).buffer); break;
    default: {
      const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
      if (code.type === 'int16') { const a = new Int16Array(count); for (let i = 0; i < count; i++) a[i] = bv.getInt16(2 * i, false); data = a; }
      else if (code.type === 'int32') { const a = new Int32Array(count); for (let i = 0; i < count; i++) a[i] = bv.getInt32(4 * i, false); data = a; }
      else if (code.type === 'float32') { const a = new Float32Array(count); for (let i = 0; i < count; i++) a[i] = bv.getFloat32(4 * i, false); data = a; }
      else { const a = new Float64Array(count); for (let i = 0; i < count; i++) a[i] = bv.getFloat64(8 * i, false); data = a; }
    }
  }
  return { type: code.type, shape, data };
}

/**
 * Reads an IDX file, gzipped or plain (`maxBytes` as {@link parseIdx}). Node only. convnet's own.
 * @example
 * ```ts
 * const labels = readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * labels.shape;  // [10000]
 * ```
 */
export function readIdx(file: string, opts: { maxBytes?: number } = {}): IdxData & { shape: number[] } {
  noExtraArgs('readIdx', arguments, ['file', 'opts']);
  checkKeys('readIdx', opts, ['maxBytes']);
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`IDX file ${file}: no such file`);
    throw new Error(`IDX file ${file}: cannot read it (${err.message})`);
  }
  return parseIdx(raw, file, opts);
}

/**
 * Serialises type, shape and values to IDX bytes, gzipped when `gzip` is true (as the official files
 * are). convnet's own.
 * @example
 * ```ts
 * const bytes = encodeIdx({ type: 'uint8', shape: [2], data: new Uint8Array([3, 7]) }, { gzip: true });
 * ```
 */
export function encodeIdx(idx: IdxData, opts: { gzip?: boolean } = {}): Uint8Array {
  noExtraArgs('encodeIdx', arguments, ['idx', 'opts']);
  checkKeys('encodeIdx', opts, ['gzip']);
  const entry = Object.entries(CODES).find(([, c]) => c.type === idx.type);
  if (!entry) throw new Error(`encodeIdx: unknown type '${idx.type}'`);
  const [codeStr, { size }] = entry;
  const count = idx.shape.reduce((a, b) => a * b, 1);
  if (idx.data.length !== count) throw new Error(`encodeIdx: ${idx.data.length} values do not fill shape [${idx.shape.join(', ')}]`);
  if (idx.shape.length === 0 || idx.shape.length > 255) throw new Error(`encodeIdx: IDX needs 1 to 255 dimensions, got ${idx.shape.length}`);
  const headerLen = 4 + 4 * idx.shape.length;
  const out = new Uint8Array(headerLen + count * size);
  const dv = new DataView(out.buffer);
  out[2] = Number(codeStr);
  out[3] = idx.shape.length;
  idx.shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const o = headerLen + i * size, v = idx.data[i];
    switch (idx.type) {
      case 'uint8': dv.setUint8(o, v); break;
      case 'int8': dv.setInt8(o, v); break;
      case 'int16': dv.setInt16(o, v, false); break;
      case 'int32': dv.setInt32(o, v, false); break;
      case 'float32': dv.setFloat32(o, v, false); break;
      case 'float64': dv.setFloat64(o, v, false); break;
    }
  }
  return opts.gzip ? gzipSync(out, { level: 9 }) : out;
}
