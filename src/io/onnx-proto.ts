// io/onnx-proto.ts — the ONNX protobuf messages (io/onnx-schema.ts, encoded and decoded by protobufjs's
// reflection), and the small conversions both directions need: a tensor's elements to and from a
// TensorProto (raw little-endian bytes, the typed repeated fields, or external data in a side file),
// attributes by name, and int64 fields (protobufjs hands them back as Long objects).
//
// Only the data types a CNN's graph holds are read: FLOAT, DOUBLE (read as float32), INT64, INT32, INT8,
// UINT8 and BOOL (integers as JS numbers). Any other data type is an error naming the tensor.

import protobuf from 'protobufjs/light.js';
import { ONNX_DESCRIPTOR, type AttributeProto, type Int64, type ModelProto, type NodeProto, type TensorProto } from './onnx-schema.js';

export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from './onnx-schema.js';

/** onnx.ModelProto's encoder and decoder, built from the descriptor on first use. */
let modelType: protobuf.Type | null = null;
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_DESCRIPTOR).lookupType('onnx.ModelProto');
  return modelType;
}

export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** A JS number from an int64 field. */
export function num(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** An attribute's value for the builder: a number (INT, or FLOAT when `floats` names it), a list of ints, a string. */
export type AttrValue = number | readonly number[] | string | { float: number } | { tensor: TensorProto };

/** Builds an AttributeProto: integers and int lists as INT/INTS, `{ float }` as FLOAT, strings as STRING, `{ tensor }` as TENSOR. */
export function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'string') return { name, type: ATTR.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: ATTR.INT, i: v };
  if (Array.isArray(v)) return { name, type: ATTR.INTS, ints: [...(v as number[])] };
  if (typeof v === 'object' && 'tensor' in v) return { name, type: ATTR.TENSOR, t: v.tensor };
  return { name, type: ATTR.FLOAT, f: (v as { float: number }).float };
}

/** A node's attributes by name, read as JS values (ints, floats, int lists, strings, tensors). */
export function attributes(node: NodeProto): Map<string, AttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
}

/** An INT attribute, or `fallback` when absent. */
export function attrInt(attrs: Map<string, AttributeProto>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a ? num(a.i) : fallback;
}

/** A FLOAT attribute, or `fallback` when absent. */
export function attrFloat(attrs: Map<string, AttributeProto>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a ? (a.f ?? 0) : fallback;
}

/** An INTS attribute, or `fallback` when absent. */
export function attrInts(attrs: Map<string, AttributeProto>, name: string, fallback: number[] | null): number[] | null {
  const a = attrs.get(name);
  return a ? (a.ints ?? []).map(num) : fallback;
}

/** A STRING attribute, or `fallback` when absent. */
export function attrString(attrs: Map<string, AttributeProto>, name: string, fallback: string): string {
  const a = attrs.get(name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

/** A float32 initializer: dims and raw little-endian bytes. */
export function floatTensorProto(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const f = Float32Array.from(values);
  return { name, dims: [...dims], dataType: DT.FLOAT, rawData: new Uint8Array(f.buffer) };
}

/** An int64 initializer (shapes, pads, axes): dims and int64Data. */
export function int64TensorProto(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  return { name, dims: [...dims], dataType: DT.INT64, int64Data: [...values] };
}

/** What a TensorProto holds: its dims, and its elements as float32 (float types) or JS numbers (integers). */
export interface TensorContents {
  dims: number[];
  float: boolean;
  values: Float32Array | number[];
}

/** Reads `location` of an external-data tensor (a side file named relative to the model). */
export type ExternalDataReader = (location: string) => Uint8Array;

function byteView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A TensorProto's elements. `externalData` reads the side files of tensors whose data_location is
 * EXTERNAL (`location`, `offset`, `length` keys); it is required only when such a tensor exists.
 * `op` names the caller in errors.
 */
export function readTensorProto(t: TensorProto, op: string, externalData?: ExternalDataReader): TensorContents {
  const name = t.name ?? '';
  const dims = (t.dims ?? []).map(num);
  const n = dims.reduce((a, b) => a * b, 1);
  const type = t.dataType ?? 0;
  let raw: Uint8Array | null = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  if (t.dataLocation === 1) {
    const info = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = info.get('location');
    if (!location) throw new Error(`${op}: tensor '${name}' has external data without a location`);
    if (!externalData) throw new Error(`${op}: tensor '${name}' keeps its data in the side file '${location}'; pass externalData (or load the model from its file) to read it`);
    const file = externalData(location);
    const offset = Number(info.get('offset') ?? 0);
    const length = info.has('length') ? Number(info.get('length')) : file.byteLength - offset;
    if (offset + length > file.byteLength) {
      throw new Error(`${op}: tensor '${name}' wants bytes ${offset}…${offset + length} of '${location}', which has ${file.byteLength}`);
    }
    raw = file.subarray(offset, offset + length);
  }
  const size = { [DT.FLOAT]: 4, [DT.DOUBLE]: 8, [DT.INT64]: 8, [DT.INT32]: 4, [DT.INT8]: 1, [DT.UINT8]: 1, [DT.BOOL]: 1 }[type];
  if (size === undefined) throw new Error(`${op}: tensor '${name}' has ONNX data type ${type}, which convnet does not read (float, double, int64, int32, int8, uint8, bool)`);
  if (raw && raw.byteLength !== n * size) {
    throw new Error(`${op}: tensor '${name}' of dims [${dims.join(', ')}] needs ${n * size} bytes, has ${raw.byteLength}`);
  }
  if (type === DT.FLOAT || type === DT.DOUBLE) {
    const out = new Float32Array(n);
    if (raw) {
      const v = byteView(raw);
      for (let i = 0; i < n; i++) out[i] = type === DT.FLOAT ? v.getFloat32(i * 4, true) : v.getFloat64(i * 8, true);
    } else {
      const src = type === DT.FLOAT ? t.floatData ?? [] : t.doubleData ?? [];
      if (src.length !== n) throw new Error(`${op}: tensor '${name}' of dims [${dims.join(', ')}] has ${src.length} values`);
      out.set(src);
    }
    return { dims, float: true, values: out };
  }
  const out: number[] = new Array(n);
  if (raw) {
    const v = byteView(raw);
    for (let i = 0; i < n; i++) {
      out[i] = type === DT.INT64 ? Number(v.getBigInt64(i * 8, true)) : type === DT.INT32 ? v.getInt32(i * 4, true)
        : type === DT.INT8 ? v.getInt8(i) : v.getUint8(i);
    }
  } else {
    const src = (type === DT.INT64 ? t.int64Data ?? [] : t.int32Data ?? []);
    if (src.length !== n) throw new Error(`${op}: tensor '${name}' of dims [${dims.join(', ')}] has ${src.length} values`);
    for (let i = 0; i < n; i++) out[i] = num(src[i]);
  }
  return { dims, float: false, values: out };
}

/** Serializes a ModelProto to bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProto();
  const b = type.encode(type.create(model)).finish();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // a plain Uint8Array, not Node's Buffer
}

/** Parses ModelProto bytes; a file that is not one is an error naming `op`. */
export function decodeModel(bytes: Uint8Array, op: string): ModelProto {
  try {
    return modelProto().decode(bytes) as ModelProto;
  } catch (e) {
    throw new Error(`${op}: the bytes are not an ONNX model (${(e as Error).message})`);
  }
}
