// test/helpers/backends.ts — runs a test file's cases on every registered backend, and reads results the
// way that works on all of them (await t.data()).
//
//   forEachBackend('conv2d', (backend) => {
//     test('x=[1,1,3,3] k=2', async () => { await assertClose(F.conv2d(x, w), [[19, 25], [37, 43]]); });
//   });
//
// Each backend gets its own describe block ('conv2d [wasm]'); the backend is selected before its tests
// and the previous one restored after them, so no file leaves the backend switched. `ref` is the
// oracle: its block runs first, and tests that compare a backend with ref do so explicitly.

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, getBackend, listBackends, setBackend, type NestedArray } from '../../src/index.js';
import { setHeapPoisoning } from '../../src/backend/wasm/heap.js';

// Every block the wasm heap hands out starts as NaN here, so a kernel that leaves part of its output
// unwritten (reused memory is not zeroed) fails its test instead of passing on leftover zeros.
setHeapPoisoning(true);

/** The backends every op test runs on: ref first (the oracle), then the others registered here, or those
 *  CONVNET_TEST_BACKENDS lists (comma-separated; ref is always added first). */
export function testBackends(): string[] {
  const listed = process.env.CONVNET_TEST_BACKENDS;
  const names = listed ? listed.split(',').map((s) => s.trim()).filter(Boolean) : listBackends().filter((n) => n !== 'webgpu');
  return ['ref', ...names.filter((n) => n !== 'ref')];
}

/** Registers `body` once per backend inside describe(`${title} [${backend}]`). */
export function forEachBackend(title: string, body: (backend: string) => void): void {
  for (const name of testBackends()) {
    describe(`${title} [${name}]`, () => {
      let previous = '';
      before(async () => { previous = getBackend(); await setBackend(name); });
      after(async () => { await setBackend(previous); });
      body(name);
    });
  }
}

/** A tensor's values as a plain array, read through data() (the read every backend supports). */
export async function values(t: Tensor): Promise<number[]> {
  assert.ok(t instanceof Tensor, `expected a Tensor, got ${typeof t}`);
  return Array.from(await t.data());
}

/** The tensor as nested arrays in its shape, read through data(). */
export async function nested(t: Tensor): Promise<NestedArray> {
  const v = await values(t);
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === t.ndim) return v[offset];
    let inner = 1;
    for (let d = dim + 1; d < t.ndim; d++) inner *= t.shape[d];
    return Array.from({ length: t.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
  };
  return build(0, 0);
}

/** The single value of a one-element tensor, read through data(). */
export async function scalar(t: Tensor): Promise<number> {
  const v = await values(t);
  assert.equal(v.length, 1, `expected one value, got shape [${t.shape.join(', ')}]`);
  return v[0];
}

export interface CloseOptions { atol?: number; rtol?: number; name?: string }

/** A tensor as the PyTorch fixture files store it. */
export interface FixtureTensor { shape: number[]; data: number[] }

const isFixture = (v: unknown): v is FixtureTensor =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'shape' in v && 'data' in v;

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| element by element (NaN matches NaN, ±∞ must
 * match exactly), and that the shapes agree when expected is nested, a Tensor or a fixture tensor (a flat
 * typed array gives values only). Reports the first bad index and the largest error.
 */
export async function assertClose(actual: Tensor | ArrayLike<number>, expected: Tensor | NestedArray | FixtureTensor | ArrayLike<number>,
  opts: CloseOptions = {}): Promise<void> {
  const { atol = 1e-5, rtol = 1e-5, name = 'value' } = opts;
  let exp: ArrayLike<number>;
  if (expected instanceof Tensor) {
    if (actual instanceof Tensor) assert.deepEqual(actual.shape, expected.shape, `${name}: shape`);
    exp = await values(expected);
  } else if (Array.isArray(expected)) {
    if (actual instanceof Tensor) assert.deepEqual(actual.shape, shapeOf(expected as NestedArray), `${name}: shape`);
    exp = (expected as unknown[]).flat(Infinity) as number[];
  } else if (isFixture(expected)) {
    if (actual instanceof Tensor) assert.deepEqual(actual.shape, expected.shape, `${name}: shape`);
    exp = expected.data;
  } else if (typeof expected === 'number') {
    exp = [expected];
  } else {
    exp = expected as ArrayLike<number>;
  }
  const act = actual instanceof Tensor ? await values(actual) : Array.from(actual);
  assert.equal(act.length, exp.length, `${name}: ${act.length} values, expected ${exp.length}`);
  let first = -1, bad = 0, maxErr = 0;
  for (let i = 0; i < exp.length; i++) {
    const a = act[i], e = exp[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) { bad++; if (first < 0) first = i; }
    if (Number.isFinite(a - e)) maxErr = Math.max(maxErr, Math.abs(a - e));
  }
  if (bad) {
    assert.fail(`${name}: ${bad} of ${exp.length} values differ (first at ${first}: ${act[first]} vs ${exp[first]}; max error ${maxErr})`);
  }
}

function shapeOf(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) { shape.push(cur.length); if (!cur.length) break; cur = cur[0]; }
  return shape;
}

/**
 * Builds a graph on ref and runs its backward after switching to each other registered backend (the data
 * moves there on first use), then compares every leaf's gradient, dtype included, with an all-ref run:
 * each backward must look the backend up when it runs, not when its node was recorded.
 */
export async function assertBackwardAfterSwitch<L extends Record<string, Tensor>>(leaves: () => L, lossOf: (l: L) => Tensor,
  opts: { keys?: (keyof L & string)[]; tol?: number } = {}): Promise<void> {
  const previous = getBackend();
  try {
    for (const other of listBackends().filter((b) => b !== 'ref')) {
      await setBackend('ref');
      const a = leaves();
      lossOf(a).backward();
      const b = leaves();
      const loss = lossOf(b);
      await setBackend(other);
      loss.backward();
      for (const k of opts.keys ?? (Object.keys(a) as (keyof L & string)[])) {
        assert.equal(b[k].grad!.dtype, a[k].dtype, `${k}: gradient dtype`);
        await assertClose(b[k].grad!, a[k].grad!, { atol: opts.tol ?? 1e-5, rtol: opts.tol ?? 1e-5, name: `${k}.grad, backward on ${other}` });
      }
    }
  } finally {
    await setBackend(previous);
  }
}
