// test/torch-fixtures.test.ts — checks convnet's conv, pad and pooling ops against PyTorch.
//
// The fixtures in test/fixtures/*.json are written by test/fixtures/gen_torch_fixtures.py (Debian's
// python3-torch, float64). Each case names an op of F, its tensor inputs in call order, extra positional
// args and the camelCase options; it holds PyTorch's output and the gradient of sum(output * gradOutput)
// with respect to every input. Here each case runs in float32 on every registered backend:
//
//   out = F[op](...inputs, ...args, options);  out.mul(gradOutput).sum().backward()
//
// and the output and every input's .grad must match within abs 1e-4 + rel 1e-4, read through
// `await t.dataAsync()` (forEachBackend: ref first, the oracle, then every other registered backend).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, type Tensor } from '../src/index.js';
import { fromArray } from '../src/tensor/creation.js';
import { assertClose, forEachBackend } from './helpers/backends.js';

import type { FixtureTensor } from './helpers/backends.js';
interface FixtureCase {
  name: string;
  op: string;
  inputs: Record<string, FixtureTensor>;
  args: unknown[];
  options: Record<string, unknown>;
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}
interface FixtureFile { generator: string; cases: FixtureCase[] }

const TOL = { atol: 1e-4, rtol: 1e-4 };

const here = dirname(fileURLToPath(import.meta.url));
const FILES = ['conv.json', 'pad.json', 'pool.json'];
const fixtures: [string, FixtureFile][] = FILES.map((f) => [
  f,
  JSON.parse(readFileSync(join(here, 'fixtures', f), 'utf8')) as FixtureFile,
]);

/** A float32 leaf tensor of the fixture's values and shape on the active backend, optionally requiring a gradient. */
function leaf(t: FixtureTensor, requiresGrad: boolean): Tensor {
  const x = fromArray(Float32Array.from(t.data), t.shape);
  return requiresGrad ? x.requiresGrad_() : x;
}

const CONV_OPS = new Set(['conv1d', 'conv2d']);

async function runCase(c: FixtureCase): Promise<void> {
  const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.op];
  assert.equal(typeof fn, 'function', `F.${c.op} is not a function`);

  const inputs: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) inputs[k] = leaf(v, true);

  const positional: unknown[] = [inputs.input];
  if (CONV_OPS.has(c.op)) positional.push(inputs.weight, inputs.bias ?? null);
  positional.push(...c.args, c.options);

  const out = fn.apply(F, positional);
  await assertClose(out, c.output, { ...TOL, name: `${c.op} output` });

  out.mul(leaf(c.gradOutput, false)).sum().backward();
  for (const [k, expected] of Object.entries(c.grads)) {
    const g = inputs[k].grad;
    assert.ok(g, `${c.op}: ${k}.grad is null after backward()`);
    await assertClose(g, expected, { ...TOL, name: `${c.op} grad ${k}` });
  }
}

// Every registered backend ('ref', 'wasm', and 'webgpu' once it registers) runs every case.
for (const [file, fixture] of fixtures) {
  forEachBackend(`${file} (${fixture.generator})`, () => {
    for (const c of fixture.cases) test(c.name, () => runCase(c));
  });
}
