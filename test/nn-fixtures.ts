// test/nn-fixtures.ts — shared by nn.test.ts, losses.test.ts and optim.test.ts: loading the PyTorch
// fixtures written by test/fixtures/gen_nn_fixtures.py, comparing arrays, building modules from specs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, nn } from '../src/index.js';

export interface FixtureTensor { shape: number[]; data: number[] }
export interface ModuleSpec { type: string; args: unknown[]; options: Record<string, unknown> }

const here = dirname(fileURLToPath(import.meta.url));

export function loadFixture<T>(file: string): T {
  return JSON.parse(readFileSync(join(here, 'fixtures', file), 'utf8')) as T;
}

/** A tensor of the fixture's values: float32 (default), float64 or int32. */
export function fromFixture(t: FixtureTensor, dtype: 'float32' | 'float64' | 'int32' = 'float32'): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(t.data) : dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data);
  return new Tensor(data, t.shape, dtype);
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere (and equal shapes when given). */
export function assertClose(actual: Tensor | ArrayLike<number>, expected: FixtureTensor | ArrayLike<number>, name: string, atol = 1e-4, rtol = 1e-4): void {
  if (actual instanceof Tensor && !Array.isArray(expected) && 'shape' in (expected as object)) {
    assert.deepEqual(actual.shape, (expected as FixtureTensor).shape, `${name}: shape`);
  }
  const a = actual instanceof Tensor ? actual.storage : actual;
  const e = 'data' in (expected as object) ? (expected as FixtureTensor).data : (expected as ArrayLike<number>);
  assert.equal(a.length, e.length, `${name}: ${a.length} values, expected ${e.length}`);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    const err = Number.isNaN(a[i]) !== Number.isNaN(e[i]) ? Infinity : Number.isNaN(e[i]) ? 0 : Math.abs(a[i] - e[i]);
    const excess = err - (atol + rtol * Math.abs(e[i]));
    if (excess > 0 && (worst < 0 || excess > worstErr)) { worst = i; worstErr = excess; }
  }
  if (worst >= 0) assert.fail(`${name}: index ${worst}: got ${a[worst]}, expected ${e[worst]} (atol ${atol}, rtol ${rtol})`);
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

/** A state dict from fixture tensors (num_batches_tracked as int32). */
export function stateDictFrom(sd: Record<string, FixtureTensor>): Map<string, Tensor> {
  return new Map(Object.entries(sd).map(([k, v]) => [k, fromFixture(v, k.endsWith('num_batches_tracked') ? 'int32' : 'float32')]));
}
