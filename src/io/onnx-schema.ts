// io/onnx-schema.ts — the ONNX messages convnet reads and writes, as a protobufjs schema (a JSON descriptor
// that protobufjs's reflection turns into encoders and decoders) and as TypeScript interfaces.
//
// Why not a package of generated code: the one on npm (onnx-proto) pins protobufjs 6, which brings 22 MB
// of command-line tooling into every project that installs convnet; protobufjs 7 alone is 3 MB. The field
// names and numbers below are ONNX's (onnx/onnx.proto, IR version 8); names are camelCase, as protobufjs
// gives them. Only the messages of a CNN's graph are described: a decoder skips fields it does not know
// (sparse initializers, functions, training info), which the importer would refuse anyway. Repeated
// numbers are written packed, as protobufjs's generated code for ONNX wrote them before.

/** An int64 field as protobufjs decodes it: a number, or a Long (protobufjs 7 depends on `long`). */
export type Int64 = number | { toNumber(): number };

export interface StringStringEntryProto { key?: string | null; value?: string | null }
export interface OperatorSetIdProto { domain?: string | null; version?: Int64 | null }

export interface TensorProto {
  dims?: Int64[] | null;
  dataType?: number | null;
  floatData?: number[] | null;
  int32Data?: number[] | null;
  stringData?: Uint8Array[] | null;
  int64Data?: Int64[] | null;
  name?: string | null;
  docString?: string | null;
  rawData?: Uint8Array | null;
  externalData?: StringStringEntryProto[] | null;
  /** 0 DEFAULT (data in this message), 1 EXTERNAL (in a side file named by externalData). */
  dataLocation?: number | null;
  doubleData?: number[] | null;
  uint64Data?: Int64[] | null;
}

export interface AttributeProto {
  name?: string | null;
  refAttrName?: string | null;
  docString?: string | null;
  /** AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, 8 STRINGS, … */
  type?: number | null;
  f?: number | null;
  i?: Int64 | null;
  s?: Uint8Array | null;
  t?: TensorProto | null;
  g?: GraphProto | null;
  floats?: number[] | null;
  ints?: Int64[] | null;
  strings?: Uint8Array[] | null;
  tensors?: TensorProto[] | null;
  graphs?: GraphProto[] | null;
}

export interface NodeProto {
  input?: string[] | null;
  output?: string[] | null;
  name?: string | null;
  opType?: string | null;
  domain?: string | null;
  attribute?: AttributeProto[] | null;
  docString?: string | null;
}

export interface TensorShapeDimension { dimValue?: Int64 | null; dimParam?: string | null; denotation?: string | null }
export interface TensorShapeProto { dim?: TensorShapeDimension[] | null }
export interface TypeProtoTensor { elemType?: number | null; shape?: TensorShapeProto | null }
export interface TypeProto { tensorType?: TypeProtoTensor | null; denotation?: string | null }
export interface ValueInfoProto { name?: string | null; type?: TypeProto | null; docString?: string | null }

export interface GraphProto {
  node?: NodeProto[] | null;
  name?: string | null;
  initializer?: TensorProto[] | null;
  docString?: string | null;
  input?: ValueInfoProto[] | null;
  output?: ValueInfoProto[] | null;
  valueInfo?: ValueInfoProto[] | null;
}

export interface ModelProto {
  irVersion?: Int64 | null;
  opsetImport?: OperatorSetIdProto[] | null;
  producerName?: string | null;
  producerVersion?: string | null;
  domain?: string | null;
  modelVersion?: Int64 | null;
  docString?: string | null;
  graph?: GraphProto | null;
  metadataProps?: StringStringEntryProto[] | null;
}

type FieldSpec = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };
const one = (type: string, id: number): FieldSpec => ({ type, id });
const many = (type: string, id: number): FieldSpec => ({ type, id, rule: 'repeated' });
/** A repeated number, written packed. */
const packed = (type: string, id: number): FieldSpec => ({ type, id, rule: 'repeated', options: { packed: true } });

/** protobufjs's JSON descriptor of the messages above (protobuf.Root.fromJSON), package `onnx`. */
export const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: one('string', 1), value: one('string', 2) } },
        OperatorSetIdProto: { fields: { domain: one('string', 1), version: one('int64', 2) } },
        TensorProto: {
          fields: {
            dims: packed('int64', 1), dataType: one('int32', 2), floatData: packed('float', 4),
            int32Data: packed('int32', 5), stringData: many('bytes', 6), int64Data: packed('int64', 7),
            name: one('string', 8), rawData: one('bytes', 9), doubleData: packed('double', 10),
            uint64Data: packed('uint64', 11), docString: one('string', 12),
            externalData: many('StringStringEntryProto', 13), dataLocation: one('int32', 14),
          },
        },
        AttributeProto: {
          fields: {
            name: one('string', 1), f: one('float', 2), i: one('int64', 3), s: one('bytes', 4),
            t: one('TensorProto', 5), g: one('GraphProto', 6), floats: packed('float', 7), ints: packed('int64', 8),
            strings: many('bytes', 9), tensors: many('TensorProto', 10), graphs: many('GraphProto', 11),
            docString: one('string', 13), type: one('int32', 20), refAttrName: one('string', 21),
          },
        },
        NodeProto: {
          fields: {
            input: many('string', 1), output: many('string', 2), name: one('string', 3), opType: one('string', 4),
            attribute: many('AttributeProto', 5), docString: one('string', 6), domain: one('string', 7),
          },
        },
        TensorShapeProto: {
          fields: { dim: many('Dimension', 1) },
          nested: { Dimension: { fields: { dimValue: one('int64', 1), dimParam: one('string', 2), denotation: one('string', 3) } } },
        },
        TypeProto: {
          fields: { tensorType: one('Tensor', 1), denotation: one('string', 6) },
          nested: { Tensor: { fields: { elemType: one('int32', 1), shape: one('TensorShapeProto', 2) } } },
        },
        ValueInfoProto: { fields: { name: one('string', 1), type: one('TypeProto', 2), docString: one('string', 3) } },
        GraphProto: {
          fields: {
            node: many('NodeProto', 1), name: one('string', 2), initializer: many('TensorProto', 5),
            docString: one('string', 10), input: many('ValueInfoProto', 11), output: many('ValueInfoProto', 12),
            valueInfo: many('ValueInfoProto', 13),
          },
        },
        ModelProto: {
          fields: {
            irVersion: one('int64', 1), producerName: one('string', 2), producerVersion: one('string', 3),
            domain: one('string', 4), modelVersion: one('int64', 5), docString: one('string', 6),
            graph: one('GraphProto', 7), opsetImport: many('OperatorSetIdProto', 8),
            metadataProps: many('StringStringEntryProto', 14),
          },
        },
      },
    },
  },
};
