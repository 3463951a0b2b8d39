// src/io/onnx-schema.ts describes ONNX's messages by hand (for protobufjs's reflection). Each field's name,
// number, type and repetition is checked here against the onnx package's own compiled descriptors (Debian's
// python3-onnx, generated from onnx.proto by protoc): an independent source, so a wrong number fails here
// instead of writing files other tools misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ONNX_DESCRIPTOR } from '../src/io/onnx-schema.js';

interface PyField { number: number; type: number; repeated: boolean; message: string | null }

/** onnx.<message>'s fields as python3-onnx describes them: snake_case name → number, type, label. */
function pythonDescriptors(messages: string[]): Record<string, Record<string, PyField>> {
  const script = `
import json, sys, onnx
out = {}
for path in sys.argv[1:]:
    d = onnx
    for part in path.split('.'):
        d = getattr(d, part)
    out[path] = {f.name: {'number': f.number, 'type': f.type, 'repeated': f.label == 3,
                          'message': f.message_type.full_name if f.message_type else None}
                 for f in d.DESCRIPTOR.fields}
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...messages], { encoding: 'utf8' });
  assert.ok(!r.error, `needs /usr/bin/python3 with python3-onnx (apt-get install python3-onnx): ${r.error?.message}`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** protobuf's FieldDescriptor type numbers for the scalar types the schema uses. */
const PROTO_TYPE: Record<string, number> = { double: 1, float: 2, int64: 3, uint64: 4, int32: 5, string: 9, bytes: 12 };
const ENUM = 14, MESSAGE = 11;

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

type Spec = { fields: Record<string, { type: string; id: number; rule?: string }>; nested?: Record<string, Spec> };

/** Every message of the descriptor with its dotted path under onnx (TensorShapeProto.Dimension, …). */
function messages(nested: Record<string, Spec>, prefix = ''): [string, Spec, Record<string, Spec>][] {
  return Object.entries(nested).flatMap(([name, spec]) => [
    [`${prefix}${name}`, spec, nested] as [string, Spec, Record<string, Spec>],
    ...messages(spec.nested ?? {}, `${prefix}${name}.`),
  ]);
}

test('every field of the ONNX schema has onnx.proto\'s number, type and repetition (python3-onnx)', () => {
  const all = messages(ONNX_DESCRIPTOR.nested.onnx.nested as unknown as Record<string, Spec>);
  const py = pythonDescriptors(all.map(([path]) => path));
  let checked = 0;
  for (const [path, spec] of all) {
    for (const [name, f] of Object.entries(spec.fields)) {
      const want = py[path][snake(name)];
      assert.ok(want, `onnx.${path} has no field ${snake(name)} (the schema's ${name})`);
      assert.equal(f.id, want.number, `onnx.${path}.${snake(name)}: number`);
      assert.equal(f.rule === 'repeated', want.repeated, `onnx.${path}.${snake(name)}: repeated`);
      if (want.type === MESSAGE) {
        assert.ok(want.message!.endsWith(`.${f.type}`), `onnx.${path}.${snake(name)}: message ${want.message}, schema says ${f.type}`);
      } else if (want.type === ENUM) {
        assert.equal(f.type, 'int32', `onnx.${path}.${snake(name)}: an enum is written as its int32 value`);
      } else {
        assert.equal(PROTO_TYPE[f.type], want.type, `onnx.${path}.${snake(name)}: type ${f.type}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 60, `only ${checked} fields checked`);
});
