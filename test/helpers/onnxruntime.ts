// test/helpers/onnxruntime.ts — onnxruntime-node for the ONNX tests, from bench/node_modules (bench/'s own
// package: issue 13 keeps it out of the root's dependencies; `npm test`'s pretest, scripts/test-deps.mjs,
// installs it there). Missing, it fails the test that asks for it, saying how to install it; never a skip.
// Also: onnx.checker through Debian's python3-onnx.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The subset of onnxruntime-node's API the tests use. */
export interface Ort {
  InferenceSession: { create(model: string | Uint8Array, opts?: object): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> }> };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => unknown;
}

let ort: Ort | null = null;

/** onnxruntime-node, loaded from bench/node_modules; an assertion failure naming the fix when it is missing. */
export function onnxruntime(): Ort {
  if (ort) return ort;
  const require = createRequire(join(root, 'bench', 'package.json'));
  try {
    ort = require('onnxruntime-node') as Ort;
  } catch (e) {
    assert.fail(`onnxruntime-node is not installed in bench/node_modules (${(e as Error).message.split('\n')[0]}); ` +
      'run `npm run bench:deps` (npm test runs it as part of pretest)');
  }
  return ort;
}

/** Runs an ONNX model in onnxruntime-node on one float32 (or int64 indices) input; returns the first output's values and dims. */
export async function runOrt(model: string | Uint8Array, input: Float32Array | BigInt64Array, dims: readonly number[], name = 'input'): Promise<{ data: Float32Array; dims: number[] }> {
  const o = onnxruntime();
  const session = await o.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const feed = input instanceof BigInt64Array ? new o.Tensor('int64', input, dims) : new o.Tensor('float32', input, dims);
  const out = await session.run({ [name]: feed });
  const first = Object.values(out)[0];
  return { data: first.data, dims: [...first.dims] };
}

/** Runs onnx.checker (full check, shape inference included) on model files with Debian's python3-onnx. */
export function onnxChecker(files: readonly string[]): void {
  const script = 'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok", len(sys.argv) - 1)';
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' });
  assert.ok(!r.error, `onnx.checker needs /usr/bin/python3 with python3-onnx (apt-get install python3-onnx): ${r.error?.message}`);
  assert.equal(r.status, 0, `onnx.checker refused a model:\n${r.stderr}`);
  assert.match(r.stdout, new RegExp(`^ok ${files.length}`));
}

/** max |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, `lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
