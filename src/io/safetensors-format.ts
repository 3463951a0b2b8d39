// io/safetensors-format.ts — the safetensors format (https://github.com/huggingface/safetensors), read and
// written here without dependencies, so that checkpoints move between convnet and PyTorch. Bytes in, bytes
// out, no Node built-ins: the browser bundle has this module; io/safetensors.ts adds Node's files and its
// synchronous SHA-256 (node:crypto) on top, and io/safetensors-web.ts IndexedDB, downloads and fetch.
//
//   const bytes = await serialize(model.stateDict(), { metadata: { epoch: '3' } }); // safetensors.torch.save
//   model.loadStateDict((await deserializeAsync(bytes)).tensors);                      // safetensors.torch.load
//
// Layout: an unsigned 64-bit little-endian N; N bytes of UTF-8 JSON, {"name": {"dtype": "F32",
// "shape": [6, 1, 5, 5], "data_offsets": [begin, end]}, …, "__metadata__": {"key": "string"}}, padded
// with spaces; then the data section, every tensor's raw little-endian row-major bytes at
// [begin, end) relative to the section's start. The tensors must cover the section without holes or
// overlap. Every rule is checked on reading, and a file that breaks one (a truncated download, a
// flipped byte) gets an error naming the file and the rule, never a crash or a silently wrong tensor.
//
// A byte flipped inside the data section, or a metadata value changed, cannot be seen by these rules, so
// files written with { checksum: true } (convnet's checkpoints) carry the SHA-256 of the whole file in
// the metadata key "convnet.file-sha256", which every reader verifies whenever it is present; PyTorch
// ignores it. A hash cannot contain itself, so it is the hash of the file with its own 64 hex digits
// replaced by 64 zeros: the writer writes zeros, hashes, then puts the digits in their place; the
// reader hashes around them. Files from before this key carry "convnet.sha256", the hash of the data
// section only, which is still verified.
//
// dtypes: written F32 (float32), F64 (float64), I32 (int32) and, on request, I64; read also F16, BF16
// (into float32), I8, U8, I16, U16, U32, I64, U64, BOOL (into int32, checking that each value fits).

// The hash: WebCrypto's crypto.subtle.digest is the SHA-256 every browser (in a secure context: https or
// localhost) and Node 20 has, but it is async, so the readers that use it are async (deserializeAsync);
// a synchronous reader takes a synchronous SHA-256 (deserializeWith: Node's node:crypto, in
// io/safetensors.ts's deserialize). Both run the same checks in the same order and give the same result
// and the same errors, and the bytes written do not depend on which hash computed them.

import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import type { DataArray } from '../tensor/dtype.js';

/**
 * The dtypes of the format (F32 float32, I64 int64, BF16 bfloat16, …), as the header names them: written
 * F32, F64, I32 and I64; read all of them (F16 and BF16 into float32, the integers and BOOL into int32).
 * PyTorch: the `"dtype"` strings of safetensors' header (`torch.float32` ↔ `'F32'`, …).
 * @example
 * ```ts
 * const dtype: safetensors.SafetensorsDType = 'BF16';  // read into float32
 * ```
 */
export type SafetensorsDType = 'F16' | 'BF16' | 'F32' | 'F64' | 'I8' | 'U8' | 'I16' | 'U16' | 'I32' | 'U32' | 'I64' | 'U64' | 'BOOL';

const ITEM_SIZE: Record<SafetensorsDType, number> = {
  F16: 2, BF16: 2, F32: 4, F64: 8, I8: 1, U8: 1, I16: 2, U16: 2, I32: 4, U32: 4, I64: 8, U64: 8, BOOL: 1,
};

/** The largest header accepted, as the reference implementation (100 MB). */
const MAX_HEADER = 100_000_000;

/**
 * Tensors by name: a stateDict's Map, or a plain object. PyTorch: the `Dict[str, torch.Tensor]` that
 * `safetensors.torch.save` takes.
 * @example
 * ```ts
 * await safetensors.serialize(model.stateDict());                   // a Map
 * await safetensors.serialize({ w: randn([3, 3]), b: zeros([3]) });  // a plain object
 * ```
 */
export type TensorMap = Map<string, Tensor> | Record<string, Tensor>;

/**
 * What a file holds: its tensors by name, in the header's order, and its string metadata. PyTorch:
 * `safetensors.safe_open`'s tensors (`keys()`, `get_tensor()`) and `metadata()`.
 * @example
 * ```ts
 * const { tensors, metadata } = await safetensors.deserializeAsync(bytes);
 * model.loadStateDict(tensors);
 * ```
 */
export interface SafetensorsContents {
  /** The tensors by name. */
  tensors: Map<string, Tensor>;
  /** The "__metadata__" pairs (the checksum's included). */
  metadata: Record<string, string>;
}

/**
 * Options of serialize: string metadata, the int32 tensors to store as I64, and the whole file's SHA-256.
 * PyTorch: the `metadata=` argument of `safetensors.torch.save`; `int64` and `checksum` are convnet's own.
 * @example
 * ```ts
 * await safetensors.serialize(model.stateDict(), { metadata: { epoch: '3' }, int64: ['bn1.num_batches_tracked'], checksum: true });
 * ```
 */
export interface SerializeOptions {
  /** String → string pairs stored under "__metadata__". */
  metadata?: Record<string, string>;
  /** Names of int32 tensors to store as I64 (as PyTorch's BatchNorm num_batches_tracked). */
  int64?: Iterable<string>;
  /** Store the SHA-256 of the whole file as metadata "convnet.file-sha256" (verified on reading). */
  checksum?: boolean;
}

/**
 * Metadata key of the whole file's SHA-256, as 64 hex digits (`'convnet.file-sha256'`), written by
 * `{ checksum: true }` and verified by every reader. convnet's own (PyTorch ignores the key).
 * @example
 * ```ts
 * const { metadata } = await safetensors.deserializeAsync(bytes);
 * metadata[safetensors.CHECKSUM_KEY];  // '3f9a…' (64 hex digits), or undefined
 * ```
 */
export const CHECKSUM_KEY = 'convnet.file-sha256';
/**
 * Metadata key of the data section's SHA-256 (`'convnet.sha256'`), as files written before CHECKSUM_KEY
 * carry it; still verified on reading. convnet's own.
 * @example
 * ```ts
 * const { metadata } = await safetensors.deserializeAsync(oldBytes);
 * metadata[safetensors.DATA_CHECKSUM_KEY];  // the data section's hash, in an older file
 * ```
 */
export const DATA_CHECKSUM_KEY = 'convnet.sha256';

const HEX64 = /^[0-9a-f]{64}$/;
const ZEROS64 = '0'.repeat(64);

/**
 * A SHA-256 of the concatenation of `chunks`, as 64 lower-case hex digits: what deserializeWith takes.
 * convnet's own.
 * @example
 * ```ts
 * const sha: safetensors.SyncSha256 = (chunks) => chunks.reduce((h, c) => h.update(c), createHash('sha256')).digest('hex');
 * ```
 */
export type SyncSha256 = (chunks: readonly Uint8Array[]) => string;
/**
 * A SHA-256 as SyncSha256, or a promise of it (WebCrypto's is async): what deserializeAsync takes.
 * convnet's own.
 * @example
 * ```ts
 * const nodeSha: safetensors.Sha256 = (chunks) => chunks.reduce((h, c) => h.update(c), createHash('sha256')).digest('hex');
 * await safetensors.deserializeAsync(bytes, {}, nodeSha);  // a synchronous hash is a Sha256 too
 * ```
 */
export type Sha256 = (chunks: readonly Uint8Array[]) => string | Promise<string>;

/**
 * SHA-256 through WebCrypto (browsers in a secure context, Node ≥ 19). digest() takes one buffer, so
 * several chunks are copied into one first. The default hash of deserializeAsync. convnet's own (Web
 * Crypto's `crypto.subtle.digest('SHA-256', …)` as hex).
 * @example
 * ```ts
 * await safetensors.webCryptoSha256([new TextEncoder().encode('abc')]);  // 'ba7816bf8f01cfea…'
 * ```
 */
export const webCryptoSha256: Sha256 = async (chunks) => {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new Error('safetensors: the SHA-256 checksum needs WebCrypto (crypto.subtle), which browsers give only to ' +
      'secure contexts: serve the page over https or from localhost');
  }
  let one: Uint8Array;
  if (chunks.length === 1) one = chunks[0];
  else {
    one = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) { one.set(c, at); at += c.length; }
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', one as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
};

const ZEROS64_BYTES = new TextEncoder().encode(ZEROS64);

/** Where in `bytes` the checksum's 64 digits start: after `"convnet.file-sha256":"`, which only the
 *  metadata can hold (a tensor name would be followed by `:{`). -1 when absent; -2 when there twice. */
function checksumAt(bytes: Uint8Array, headerEnd: number): number {
  const key = new TextEncoder().encode(`"${CHECKSUM_KEY}":"`);
  const at = indexOfBytes(bytes, key, 8, headerEnd);
  if (at < 0) return -1;
  if (indexOfBytes(bytes, key, at + 1, headerEnd) >= 0) return -2;
  return at + key.length;
}

/** The first index ≥ from where `needle` occurs in `hay[from, end)`, or -1 (Buffer.indexOf without Buffer). */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number, end: number): number {
  const first = needle[0];
  for (let i = hay.indexOf(first, from); i >= 0 && i + needle.length <= end; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** The chunks whose SHA-256 is the file's checksum: `bytes` with the 64 bytes at `at` read as zeros. */
function fileHashInput(bytes: Uint8Array, at: number): Uint8Array[] {
  return [bytes.subarray(0, at), ZEROS64_BYTES, bytes.subarray(at + 64)];
}

/**
 * A file that breaks a rule of the format, or fails its checksum: names the file (`source`) and the rule.
 * PyTorch: safetensors' `SafetensorError`.
 * @example
 * ```ts
 * try { await safetensors.deserializeAsync(bytes, { source: 'lenet.safetensors' }); }
 * catch (e) { if (e instanceof safetensors.SafetensorsError) console.error(e.source, e.message); }
 * ```
 */
export class SafetensorsError extends Error {
  constructor(readonly source: string, problem: string) {
    super(`safetensors ${source}: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function entriesOf(tensors: TensorMap): [string, Tensor][] {
  return tensors instanceof Map ? [...tensors] : Object.entries(tensors);
}

/**
 * Serialises tensors (and string metadata) to safetensors bytes. Async: the values are read with
 * `await t.dataAsync()`, the read every backend supports (a GPU's memory cannot be read synchronously).
 * `sha256` computes the checksum ({ checksum: true }); WebCrypto's by default. PyTorch:
 * `safetensors.torch.save`.
 * @example
 * ```ts
 * const bytes = await safetensors.serialize(model.stateDict(), { metadata: { epoch: '3' }, checksum: true });
 * ```
 */
export async function serialize(tensors: TensorMap, opts: SerializeOptions = {}, sha256: Sha256 = webCryptoSha256): Promise<Uint8Array> {
  const int64 = new Set(opts.int64 ?? []);
  const header: Record<string, unknown> = {};
  const metadata: Record<string, string> = { ...opts.metadata };
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new Error(`safetensors.serialize: metadata value for '${k}' must be a string, got ${typeof v}`);
  }
  delete metadata[CHECKSUM_KEY];
  delete metadata[DATA_CHECKSUM_KEY];
  if (opts.checksum) metadata[CHECKSUM_KEY] = ZEROS64; // the placeholder; see the top of this file
  if (opts.metadata || opts.checksum) header.__metadata__ = metadata;
  const parts: { t: Tensor; dtype: SafetensorsDType; bytes: number }[] = [];
  let offset = 0;
  for (const [name, t] of entriesOf(tensors)) {
    if (name === '__metadata__') throw new Error('safetensors.serialize: "__metadata__" is reserved and cannot name a tensor');
    if (!(t instanceof Tensor)) throw new Error(`safetensors.serialize: '${name}' is not a Tensor`);
    const dtype: SafetensorsDType = t.dtype === 'float32' ? 'F32' : t.dtype === 'float64' ? 'F64' : int64.has(name) ? 'I64' : 'I32';
    const bytes = t.numel() * ITEM_SIZE[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    parts.push({ t, dtype, bytes });
    offset += bytes;
  }
  const values = await Promise.all(parts.map((p) => p.t.dataAsync()));
  const data = new Uint8Array(offset);
  writeData(parts, values, data);
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8; // keep the data section 8-byte aligned
  if (pad) { json += ' '.repeat(pad); headerBytes = enc.encode(json); }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  if (opts.checksum) {
    const at = checksumAt(out, 8 + headerBytes.length);
    if (at < 0) throw new Error('safetensors.serialize: internal error: the checksum placeholder is missing from the header');
    out.set(enc.encode(await sha256(fileHashInput(out, at))), at);
  }
  return out;
}

function writeData(parts: { dtype: SafetensorsDType; bytes: number }[], values: DataArray[], out: Uint8Array): void {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  for (const [j, { dtype, bytes }] of parts.entries()) {
    const s = values[j];
    if (dtype === 'I64') {
      for (let i = 0; i < s.length; i++) dv.setBigInt64(at + 8 * i, BigInt(s[i]), true);
    } else if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(s.buffer, s.byteOffset, bytes), at);
    } else {
      for (let i = 0; i < s.length; i++) {
        if (dtype === 'F32') dv.setFloat32(at + 4 * i, s[i], true);
        else if (dtype === 'F64') dv.setFloat64(at + 8 * i, s[i], true);
        else dv.setInt32(at + 4 * i, s[i], true);
      }
    }
    at += bytes;
  }
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decodeTensor(src: string, name: string, dtype: SafetensorsDType, shape: number[], bytes: Uint8Array): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let storage: Float32Array | Float64Array | Int32Array;
  const fits = (v: number | bigint, i: number): number => {
    const x = Number(v);
    if (!(x >= -2147483648 && x <= 2147483647)) {
      throw new SafetensorsError(src, `tensor '${name}' (${dtype}) holds ${v} at index ${i}, which does not fit convnet's int32`);
    }
    return x;
  };
  switch (dtype) {
    case 'F32':
      // new Uint8Array(bytes) copies into a fresh, aligned buffer (the data section need not be 4-byte
      // aligned; and Buffer.slice() would be a view, not a copy).
      storage = LITTLE_ENDIAN ? new Float32Array(new Uint8Array(bytes).buffer) : Float32Array.from({ length: n }, (_, i) => dv.getFloat32(4 * i, true));
      break;
    case 'F64':
      storage = LITTLE_ENDIAN ? new Float64Array(new Uint8Array(bytes).buffer) : Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i, true));
      break;
    case 'I32':
      storage = LITTLE_ENDIAN ? new Int32Array(new Uint8Array(bytes).buffer) : Int32Array.from({ length: n }, (_, i) => dv.getInt32(4 * i, true));
      break;
    case 'F16': storage = Float32Array.from({ length: n }, (_, i) => halfToFloat(dv.getUint16(2 * i, true))); break;
    case 'BF16': {
      const u = new Uint32Array(n);
      for (let i = 0; i < n; i++) u[i] = dv.getUint16(2 * i, true) << 16;
      storage = new Float32Array(u.buffer); break;
    }
    case 'I8': storage = Int32Array.from({ length: n }, (_, i) => dv.getInt8(i)); break;
    case 'U8': storage = Int32Array.from({ length: n }, (_, i) => dv.getUint8(i)); break;
    case 'BOOL': storage = Int32Array.from({ length: n }, (_, i) => (dv.getUint8(i) ? 1 : 0)); break;
    case 'I16': storage = Int32Array.from({ length: n }, (_, i) => dv.getInt16(2 * i, true)); break;
    case 'U16': storage = Int32Array.from({ length: n }, (_, i) => dv.getUint16(2 * i, true)); break;
    case 'U32': storage = Int32Array.from({ length: n }, (_, i) => fits(dv.getUint32(4 * i, true), i)); break;
    case 'I64': storage = Int32Array.from({ length: n }, (_, i) => fits(dv.getBigInt64(8 * i, true), i)); break;
    case 'U64': storage = Int32Array.from({ length: n }, (_, i) => fits(dv.getBigUint64(8 * i, true), i)); break;
  }
  return fromArray(storage, shape);
}

/**
 * Options of the readers (deserialize, deserializeAsync, deserializeWith): the name errors give the file,
 * and whether a file without a checksum is refused. convnet's own.
 * @example
 * ```ts
 * await safetensors.deserializeAsync(bytes, { source: 'lenet.safetensors', requireChecksum: true });
 * ```
 */
export interface DeserializeOptions {
  /** Names the file in error messages. */
  source?: string;
  /** Refuse a file without a checksum (checkpoints always have one: a byte flipped in the key's own name
   *  would otherwise turn the check off). */
  requireChecksum?: boolean;
}

/** What remains to be verified once the structure is: which checksum, over which bytes. */
type PendingCheck = { key: typeof CHECKSUM_KEY | typeof DATA_CHECKSUM_KEY; expected: string; input: Uint8Array[] } | null;

interface Parsed {
  src: string;
  metadata: Record<string, string>;
  specs: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[];
  data: Uint8Array;
  check: PendingCheck;
}

/** Every structural rule (see the top of this file), the checksum found but not yet computed. */
function parseStructure(bytes: Uint8Array, opts: DeserializeOptions): Parsed {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError(opts.source ?? '<bytes>', `expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  const src = opts.source ?? '<bytes>';
  if (bytes.length < 8) {
    throw new SafetensorsError(src, `the file has ${bytes.length} bytes, too few for the 8-byte header length (truncated or empty file)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  const rest = bytes.length - 8;
  if (n64 > BigInt(MAX_HEADER)) {
    throw new SafetensorsError(src, `bad header length ${n64} (more than the ${MAX_HEADER}-byte limit): not a safetensors file, or its first 8 bytes are corrupted`);
  }
  const n = Number(n64);
  if (n > rest) {
    throw new SafetensorsError(src, `bad header length ${n}: only ${rest} bytes follow the 8-byte length (truncated file, or not a safetensors file)`);
  }
  if (n < 2) throw new SafetensorsError(src, `bad header length ${n}: a header is a JSON object of at least 2 bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(src, `the ${n}-byte header is not valid UTF-8 (corrupted file)`);
  }
  if (!text.startsWith('{')) throw new SafetensorsError(src, `the header is not JSON: it should start with '{', it starts with ${JSON.stringify(text.slice(0, 16))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(src, `the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError(src, 'the header is not a JSON object');
  }
  const dataLen = rest - n;
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const specs: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SafetensorsError(src, '"__metadata__" must be an object of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(src, `"__metadata__" value for '${k}' must be a string, got ${JSON.stringify(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof info !== 'object' || info === null) throw new SafetensorsError(src, `tensor '${name}': expected {dtype, shape, data_offsets}, got ${JSON.stringify(value)}`);
    const dtype = info.dtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_SIZE, dtype)) { // 'constructor' is `in` every object
      const what = dtype === undefined ? 'no dtype' : `unknown dtype ${JSON.stringify(dtype)}`;
      throw new SafetensorsError(src, `tensor '${name}': ${what} (known: ${Object.keys(ITEM_SIZE).join(', ')})`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
      throw new SafetensorsError(src, `tensor '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const offs = info.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isNonNegInt) || offs[0] > offs[1]) {
      throw new SafetensorsError(src, `tensor '${name}': data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const need = numel * ITEM_SIZE[dtype as SafetensorsDType];
    if (end - begin !== need) {
      throw new SafetensorsError(src, `tensor '${name}': size mismatch: shape [${shape.join(', ')}] of ${dtype} needs ${need} bytes, data_offsets [${begin}, ${end}] give ${end - begin}`);
    }
    if (end > dataLen) {
      throw new SafetensorsError(src, `tensor '${name}': data_offsets [${begin}, ${end}] are out of range: the data section has ${dataLen} bytes (truncated file?)`);
    }
    specs.push({ name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end });
  }
  // The tensors must tile the data section exactly: no holes, no overlap, nothing after the last one.
  const sorted = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of sorted) {
    if (s.begin !== at) {
      throw new SafetensorsError(src, s.begin < at
        ? `tensor '${s.name}': data_offsets [${s.begin}, ${s.end}] overlap the previous tensor, which ends at ${at}`
        : `tensor '${s.name}': data_offsets [${s.begin}, ${s.end}] leave a hole: the previous tensor ends at ${at}`);
    }
    at = s.end;
  }
  if (at !== dataLen) {
    throw new SafetensorsError(src, `the data section has ${dataLen} bytes but the tensors cover ${at}: ${dataLen - at} unexpected trailing bytes (corrupted header or file)`);
  }
  const sum = metadata[CHECKSUM_KEY];
  let check: PendingCheck = null;
  if (sum !== undefined) {
    const at = checksumAt(bytes, 8 + n);
    if (!HEX64.test(sum) || at < 0) {
      throw new SafetensorsError(src, `the checksum ${CHECKSUM_KEY} is damaged (${at === -2 ? 'found twice' : `expected 64 hex digits in the header, got ${JSON.stringify(sum.slice(0, 80))}`})`);
    }
    check = { key: CHECKSUM_KEY, expected: sum, input: fileHashInput(bytes, at) };
  } else if (opts.requireChecksum && metadata[DATA_CHECKSUM_KEY] === undefined) {
    throw new SafetensorsError(src, `the file has no checksum (metadata ${CHECKSUM_KEY}), which every convnet checkpoint has: it is damaged, or not a checkpoint`);
  } else if (metadata[DATA_CHECKSUM_KEY] !== undefined) {
    check = { key: DATA_CHECKSUM_KEY, expected: metadata[DATA_CHECKSUM_KEY], input: [data] };
  }
  return { src, metadata, specs, data, check };
}

/** Throws unless `actual` (the SHA-256 of check.input) is the checksum the file carries. */
function verify(src: string, check: NonNullable<PendingCheck>, actual: string): void {
  if (actual === check.expected) return;
  if (check.key === CHECKSUM_KEY) {
    throw new SafetensorsError(src, `the file does not match its SHA-256 checksum (${CHECKSUM_KEY}): its bytes are corrupted or were edited ` +
      `(after an edit on purpose, delete the key ${CHECKSUM_KEY} from "__metadata__" to load it without the check)`);
  }
  throw new SafetensorsError(src, `the data section does not match its SHA-256 checksum (${DATA_CHECKSUM_KEY}): the tensor bytes are corrupted`);
}

function decodeAll(p: Parsed): SafetensorsContents {
  const tensors = new Map<string, Tensor>();
  for (const s of p.specs) tensors.set(s.name, decodeTensor(p.src, s.name, s.dtype, s.shape, p.data.subarray(s.begin, s.end)));
  return { tensors, metadata: p.metadata };
}

/**
 * Parses safetensors bytes, verifying a checksum with a synchronous SHA-256 (io/safetensors.ts's
 * deserialize passes Node's). PyTorch: `safetensors.torch.load`, with the hash given.
 * @example
 * ```ts
 * const sha: safetensors.SyncSha256 = (chunks) => chunks.reduce((h, c) => h.update(c), createHash('sha256')).digest('hex');
 * const { tensors } = safetensors.deserializeWith(bytes, { source: 'lenet.safetensors' }, sha);
 * ```
 */
export function deserializeWith(bytes: Uint8Array, opts: DeserializeOptions, sha256: SyncSha256): SafetensorsContents {
  const p = parseStructure(bytes, opts);
  if (p.check) verify(p.src, p.check, sha256(p.check.input));
  return decodeAll(p);
}

/**
 * Parses safetensors bytes, verifying a checksum with `sha256` (WebCrypto's by default): the reader for
 * browsers, where no synchronous SHA-256 is built in. Same checks and errors as deserialize. PyTorch:
 * `safetensors.torch.load` (and `safe_open(…).metadata()` for the metadata).
 * @example
 * ```ts
 * const { tensors, metadata } = await safetensors.deserializeAsync(bytes, { source: 'lenet.safetensors' });
 * model.loadStateDict(tensors);
 * ```
 */
export async function deserializeAsync(bytes: Uint8Array, opts: DeserializeOptions = {}, sha256: Sha256 = webCryptoSha256): Promise<SafetensorsContents> {
  const p = parseStructure(bytes, opts);
  if (p.check) verify(p.src, p.check, await sha256(p.check.input));
  return decodeAll(p);
}

/**
 * Safetensors bytes of tensors, with optional string metadata. Async, as serialize. PyTorch:
 * `safetensors.torch.save`.
 * @example
 * ```ts
 * const bytes = await safetensors.save(model.stateDict(), { epoch: '3' });
 * ```
 */
export function save(tensors: TensorMap, metadata?: Record<string, string>): Promise<Uint8Array> {
  return serialize(tensors, { metadata });
}
