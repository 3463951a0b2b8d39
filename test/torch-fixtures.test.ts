// test/torch-fixtures.test.ts — checks convnet's conv, pad and pooling ops against PyTorch.
//
// The fixtures in test/fixtures/*.json are written by test/fixtures/gen_torch_fixtures.py (Debian's
// python3-torch, float64). Each case names an op of F, its tensor inputs in call order, extra positional
// args and the camelCase options; it holds PyTorch's output and the gradient of sum(output * gradOutput)
// with respect to every input. Here each case runs in float32 on every registered backend:
//
//   out = F[op](...inputs, ...args, options);  out.mul(gradOutput).sum().backward()
//
// and the output and every input's .grad must match within abs 1e-4 + rel 1e-4.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, F, setBackend, getBackend, listBackends } from '../src/index.js';

interface FixtureTensor { shape: number[]; data: number[] }
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

const ATOL = 1e-4;
const RTOL = 1e-4;

const here = dirname(fileURLToPath(import.meta.url));
const FILES = ['conv.json', 'pad.json', 'pool.json'];
const fixtures: [string, FixtureFile][] = FILES.map((f) => [
  f,
  JSON.parse(readFileSync(join(here, 'fixtures', f), 'utf8')) as FixtureFile,
]);

/** Asserts |actual - expected| <= ATOL + RTOL·|expected| everywhere; reports the first bad index and the max error. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, name: string): void {
  assert.equal(actual.length, expected.length, `${name}: ${actual.length} values, expected ${expected.length}`);
  let first = -1;
  let bad = 0;
  let maxErr = 0;
  let maxAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Number.isNaN(a) ? Infinity : Math.abs(a - e);
    const ok = err <= ATOL + RTOL * Math.abs(e);
    if (maxAt < 0 || err > maxErr) { maxErr = err; maxAt = i; }
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (first >= 0) {
    assert.fail(
      `${name}: ${bad} of ${expected.length} values differ; first at index ${first}: ` +
      `got ${actual[first]}, expected ${expected[first]}; max |error| ${maxErr} at index ${maxAt} ` +
      `(got ${actual[maxAt]}, expected ${expected[maxAt]})`,
    );
  }
}

type AnyTensor = ReturnType<typeof tensor>;

/** A float32 leaf tensor of the fixture's shape that requires a gradient. */
function leaf(t: FixtureTensor, requiresGrad: boolean): AnyTensor {
  const x = tensor(Float32Array.from(t.data)).reshape(t.shape).detach();
  return requiresGrad ? x.requiresGrad_() : x;
}

const CONV_OPS = new Set(['conv1d', 'conv2d']);

function runCase(c: FixtureCase): void {
  const fn = (F as unknown as Record<string, (...a: unknown[]) => AnyTensor>)[c.op];
  assert.equal(typeof fn, 'function', `F.${c.op} is not a function`);

  const inputs: Record<string, AnyTensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) inputs[k] = leaf(v, true);

  const positional: unknown[] = [inputs.input];
  if (CONV_OPS.has(c.op)) positional.push(inputs.weight, inputs.bias ?? null);
  positional.push(...c.args, c.options);

  const out = fn.apply(F, positional);
  assert.deepEqual(out.shape, c.output.shape, `${c.op}: output shape`);
  assertClose(out.dataSync(), c.output.data, `${c.op} output`);

  out.mul(leaf(c.gradOutput, false)).sum().backward();
  for (const [k, expected] of Object.entries(c.grads)) {
    const g = inputs[k].grad;
    assert.ok(g, `${c.op}: ${k}.grad is null after backward()`);
    assert.deepEqual(g.shape, expected.shape, `${c.op}: ${k}.grad shape`);
    assertClose(g.dataSync(), expected.data, `${c.op} grad ${k}`);
  }
}

// Every registered backend ('ref', and 'wasm'/'webgpu' once they register) runs every case.
for (const backendName of listBackends()) {
  describe(`backend ${backendName}`, () => {
    let previous = 'ref';
    before(() => {
      previous = getBackend();
      setBackend(backendName);
    });
    after(() => setBackend(previous));
    for (const [file, fixture] of fixtures) {
      describe(`${file} (${fixture.generator})`, () => {
        for (const c of fixture.cases) test(c.name, () => runCase(c));
      });
    }
  });
}
