// bench/onnx.ts — builds the one-operator ONNX models the peers bench runs in onnxruntime, by writing
// the protobuf bytes directly (a few fields of onnx.proto; no protobuf library needed).
//
// ModelProto{ir_version=1, graph=7, opset_import=8}; GraphProto{node=1, name=2, initializer=5, input=11,
// output=12}; NodeProto{input=1, output=2, op_type=4, attribute=5}; AttributeProto{name=1, i=3, ints=8,
// type=20 (INT=2, INTS=7)}; TensorProto{dims=1, data_type=2 (FLOAT=1), name=8, raw_data=9};
// ValueInfoProto{name=1, type=2}; TypeProto{tensor_type=1}; Tensor{elem_type=1, shape=2};
// TensorShapeProto{dim=1}; Dimension{dim_value=1}.

class Writer {
  private parts: number[] = [];
  varint(v: number): this {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    while (n >= 0x80n) { this.parts.push(Number(n & 0x7fn) | 0x80); n >>= 7n; }
    this.parts.push(Number(n));
    return this;
  }
  int(field: number, v: number): this { return this.varint(field << 3).varint(v); }
  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  str(field: number, s: string): this { return this.bytes(field, new TextEncoder().encode(s)); }
  msg(field: number, w: Writer): this { return this.bytes(field, w.done()); }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

export type Attr = number | number[];

function valueInfo(name: string, shape: number[]): Writer {
  const shp = new Writer();
  for (const d of shape) shp.msg(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, 1).msg(2, shp);
  return new Writer().str(1, name).msg(2, new Writer().msg(1, tensorType));
}

function initializer(name: string, shape: number[], data: Float32Array): Writer {
  const w = new Writer();
  for (const d of shape) w.int(1, d);
  return w.int(2, 1).str(8, name).bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** A model with one node: `op(inputs…) → y`; `consts` become initializers (weights), the rest inputs. */
export function oneOpModel(op: string, inputs: { name: string; shape: number[]; data?: Float32Array }[],
                           outShape: number[], attrs: Record<string, Attr>): Uint8Array {
  const node = new Writer();
  for (const i of inputs) node.str(1, i.name);
  node.str(2, 'y').str(4, op);
  for (const [k, v] of Object.entries(attrs)) {
    const a = new Writer().str(1, k);
    if (typeof v === 'number') a.int(3, v).int(20, 2);
    else { for (const x of v) a.int(8, x); a.int(20, 7); }
    node.msg(5, a);
  }
  const graph = new Writer().msg(1, node).str(2, `${op}_bench`);
  for (const i of inputs) if (i.data) graph.msg(5, initializer(i.name, i.shape, i.data));
  for (const i of inputs) if (!i.data) graph.msg(11, valueInfo(i.name, i.shape));
  graph.msg(12, valueInfo('y', outShape));
  return new Writer().int(1, 7).msg(7, graph).msg(8, new Writer().str(1, '').int(2, 13)).done();
}
