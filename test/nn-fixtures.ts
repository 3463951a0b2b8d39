// test/nn-fixtures.ts — shared by nn.test.ts, losses.test.ts and optim.test.ts: loading the PyTorch
// fixtures written by test/fixtures/gen_nn_fixtures.py, comparing tensors with them (read through
// `await t.dataAsync()`, so on every backend), building modules from specs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, nn } from '../src/index.js';
import { fromArray } from '../src/tensor/creation.js';
import { assertClose } from './helpers/backends.js';

export type { FixtureTensor } from './helpers/backends.js';
import type { FixtureTensor } from './helpers/backends.js';
export interface ModuleSpec { type: string; args: unknown[]; options: Record<string, unknown> }

const here = dirname(fileURLToPath(import.meta.url));

export function loadFixture<T>(file: string): T {
  return JSON.parse(readFileSync(join(here, 'fixtures', file), 'utf8')) as T;
}

/** A tensor of the fixture's values on the active backend: float32 (default), float64 or int32. */
export function fromFixture(t: FixtureTensor, dtype: 'float32' | 'float64' | 'int32' = 'float32'): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(t.data) : dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data);
  return fromArray(data, t.shape);
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere (and equal shapes when expected is a
 * fixture tensor); a tensor is read through `await t.dataAsync()`.
 */
export async function assertFixture(actual: Tensor | ArrayLike<number>, expected: FixtureTensor | ArrayLike<number>, name: string,
  atol = 1e-4, rtol = 1e-4): Promise<void> {
  // A flat list of values (not a fixture tensor) is compared by value only, whatever the actual shape.
  const e = Array.isArray(expected) ? Float64Array.from(expected) : expected;
  await assertClose(actual, e, { atol, rtol, name });
}

type Ctor = new (...args: unknown[]) => nn.Module;

/** new nn[type](...args, options) — options only when non-empty; Sequential's args are specs. */
export function buildModule(spec: ModuleSpec): nn.Module {
  const C = (nn as unknown as Record<string, Ctor>)[spec.type];
  assert.equal(typeof C, 'function', `nn.${spec.type} does not exist`);
  if (spec.type === 'Sequential') return new C(...(spec.args as ModuleSpec[]).map(buildModule));
  const args = [...spec.args];
  if (Object.keys(spec.options).length) args.push(spec.options);
  return new C(...args);
}

/** A state dict from fixture tensors (num_batches_tracked as int32), on the active backend. */
export function stateDictFrom(sd: Record<string, FixtureTensor>): Map<string, Tensor> {
  return new Map(Object.entries(sd).map(([k, v]) => [k, fromFixture(v, k.endsWith('num_batches_tracked') ? 'int32' : 'float32')]));
}

/** A module's state dict against a fixture's: PyTorch's keys in PyTorch's order, and the values. */
export async function checkState(m: nn.Module, expected: Record<string, FixtureTensor>, what: string): Promise<void> {
  const sd = m.stateDict();
  assert.deepEqual([...sd.keys()], Object.keys(expected), `${what}: state dict keys (PyTorch's names and order)`);
  for (const [k, v] of Object.entries(expected)) await assertFixture(sd.get(k)!, v, `${what} ${k}`);
}

/** One module case of a PyTorch fixture (nn.json, layers.json): the module built from its spec prints as
 *  PyTorch's repr, takes PyTorch's state dict, and gives PyTorch's output, input gradient, parameter
 *  gradients and state dict after the forward (running statistics). */
export interface ModuleCase {
  name: string; module: ModuleSpec; repr: string; training: boolean; forwardOptions?: Record<string, unknown>;
  stateDict: Record<string, FixtureTensor>; input: FixtureTensor; output: FixtureTensor; gradOutput: FixtureTensor;
  gradInput: FixtureTensor; grads: Record<string, FixtureTensor>; stateDictAfter: Record<string, FixtureTensor>;
}

/** Runs a ModuleCase and checks everything it records. */
export async function checkModuleCase(c: ModuleCase): Promise<void> {
  const m = buildModule(c.module);
  assert.equal(m.toString(), c.repr);
  m.loadStateDict(stateDictFrom(c.stateDict));
  m.train(c.training);
  const x = fromFixture(c.input).requiresGrad_();
  const out = (c.forwardOptions && Object.keys(c.forwardOptions).length ? m(x, c.forwardOptions) : m(x)) as Tensor;
  await assertFixture(out, c.output, 'output');
  out.mul(fromFixture(c.gradOutput)).sum().backward();
  await assertFixture(x.grad!, c.gradInput, 'input grad');
  const params = new Map(m.namedParameters());
  assert.deepEqual([...params.keys()].sort(), Object.keys(c.grads).sort(), 'parameters with gradients');
  for (const [k, g] of Object.entries(c.grads)) await assertFixture(params.get(k)!.grad!, g, `grad ${k}`);
  await checkState(m, c.stateDictAfter, 'after forward');
}
