// test/helpers/backends.ts — runs a test file's cases on every registered backend, and reads results the
// way that works on all of them (await t.dataAsync()).
//
//   forEachBackend('conv2d', (backend) => {
//     test('x=[1,1,3,3] k=2', async () => { await assertClose(F.conv2d(x, w), [[19, 25], [37, 43]]); });
//   });
//
// Each backend gets its own describe block ('conv2d [wasm]'); the backend is selected before its tests
// and the previous one restored after them, so no file leaves the backend switched. `ref` is the
// oracle: its block runs first, and tests that compare a backend with ref do so explicitly.

import '../../bench/dawn.js'; // Dawn lives in bench/node_modules (issue 13: a light root install)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, getBackend, listBackends, setBackend, tensor, type NestedArray } from '../../src/index.js';
import { setHeapPoisoning } from '../../src/backend/wasm/heap.js';

// Every block the wasm heap hands out starts as NaN here, so a kernel that leaves part of its output
// unwritten (reused memory is not zeroed) fails its test instead of passing on leftover zeros.
setHeapPoisoning(true);

/** The backends CONVNET_TEST_BACKENDS lists (comma-separated), or null when it is unset. */
function listedBackends(): string[] | null {
  const listed = process.env.CONVNET_TEST_BACKENDS;
  return listed ? listed.split(',').map((s) => s.trim()).filter(Boolean) : null;
}

/** Whether CONVNET_TEST_BACKENDS asks for `backend` by name (`npm run test:webgpu` does for webgpu). */
export function requested(backend: string): boolean {
  return listedBackends()?.includes(backend) ?? false;
}

/**
 * The backends every op test runs on: ref first (the oracle), then the others registered here — webgpu
 * too, unless CONVNET_TEST_WEBGPU=0 (on a machine without a GPU it runs on a software adapter: Mesa's
 * llvmpipe) — or those CONVNET_TEST_BACKENDS lists (ref is always added first).
 */
export function testBackends(): string[] {
  const names = listedBackends() ?? listBackends().filter((n) => n !== 'webgpu' || process.env.CONVNET_TEST_WEBGPU !== '0');
  return ['ref', ...names.filter((n) => n !== 'ref')];
}

/** Whether a backend holds float64 data (webgpu does not: WGSL has no 64-bit float, as PyTorch's MPS). */
export function hasFloat64(backend: string): boolean {
  return backend !== 'webgpu';
}

/** The most precise float dtype a backend has, for tests that compare with float64 references. */
export function widestFloat(backend: string): 'float64' | 'float32' {
  return hasFloat64(backend) ? 'float64' : 'float32';
}

/** Whether a backend reads computed data synchronously (item(), dataSync(), toArray(), printing). webgpu does
 *  not: only data JS wrote, until a kernel writes it; the rest is read with `await t.dataAsync()`. */
export function readsSync(backend: string): boolean {
  return backend !== 'webgpu';
}

/** The backend whose block forEachBackend is registering now, and how many float64 cases it left out. */
let registering: { backend: string; float64Cases: number } | null = null;

/** float64 refused the way a backend without it must refuse it: at once, saying so. */
function assertFloat64Refused(backend: string): void {
  assert.throws(() => tensor([1, 2], { dtype: 'float64' }), new RegExp(`${backend} backend: float64 tensors are not supported`));
  assert.throws(() => tensor([1, 2]).to('float64'), /float64 tensors are not supported/);
}

/**
 * Registers `body` once per backend inside describe(`${title} [${backend}]`) (`webgpu: 'on request'`: see
 * below). With `float64: true` the whole
 * block needs float64 (gradcheck, say): on a backend without it, one test checks that float64 is refused
 * instead. Cases registered with test64 inside body are handled the same way, one by one.
 */
export function forEachBackend(title: string, body: (backend: string) => void, opts: { float64?: boolean; webgpu?: 'on request' } = {}): void {
  // A block too slow for the software adapter (training to an accuracy bar) runs on webgpu when asked by
  // name (npm run test:webgpu), not in the default suite.
  const names = testBackends().filter((n) => n !== 'webgpu' || opts.webgpu !== 'on request' || requested('webgpu'));
  for (const name of names) {
    describe(`${title} [${name}]`, () => {
      let previous = '';
      before(async () => { previous = getBackend(); await setBackend(name); });
      after(async () => { await setBackend(previous); });
      if (opts.float64 && !hasFloat64(name)) {
        test(`every case here needs float64, which ${name} does not have: it refuses float64 at once, saying so`, () => assertFloat64Refused(name));
        return;
      }
      registering = { backend: name, float64Cases: 0 };
      try {
        body(name);
      } finally {
        const r = registering;
        registering = null;
        if (r.float64Cases) {
          test(`${r.float64Cases} case(s) here need float64, which ${name} does not have: it refuses float64 at once, saying so`,
            () => assertFloat64Refused(name));
        }
      }
    });
  }
}

/** `test`, for a case that needs float64 (inside forEachBackend): left out on a backend without float64,
 *  where the block checks the refusal instead (see forEachBackend). */
export function test64(name: string, fn: () => unknown): void {
  if (registering && !hasFloat64(registering.backend)) { registering.float64Cases++; return; }
  test(name, fn as () => void);
}

/** A tensor's values as a plain array, read through data() (the read every backend supports). */
export async function values(t: Tensor): Promise<number[]> {
  assert.ok(t instanceof Tensor, `expected a Tensor, got ${typeof t}`);
  return Array.from(await t.dataAsync());
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

/** Whether the graph behind `t` saved a float64 tensor for its backward (ref's statistics do). */
function savesFloat64(t: Tensor): boolean {
  const seen = new Set<unknown>();
  const walk = (node: unknown): boolean => {
    if (!node || seen.has(node)) return false;
    seen.add(node);
    const n = node as { saved?: unknown[]; inputs?: unknown[] };
    if ((n.saved ?? []).some((v) => v instanceof Tensor && v.dtype === 'float64')) return true;
    return (n.inputs ?? []).some((x) => x instanceof Tensor && walk(x.gradFn));
  };
  return walk(t.gradFn);
}

/**
 * Builds a graph on ref and runs its backward after switching to each other backend under test (the data
 * moves there on first use), then compares every leaf's gradient, dtype included, with an all-ref run:
 * each backward must look the backend up when it runs, not when its node was recorded. `leaves` is told
 * which backend the backward will run on (for a dtype it may not have: see widestFloat).
 */
export async function assertBackwardAfterSwitch<L extends Record<string, Tensor>>(leaves: (other: string) => L, lossOf: (l: L) => Tensor,
  opts: { keys?: (keyof L & string)[]; tol?: number } = {}): Promise<void> {
  const previous = getBackend();
  try {
    for (const other of testBackends().filter((b) => b !== 'ref')) {
      await setBackend('ref');
      const a = leaves(other);
      lossOf(a).backward();
      const b = leaves(other);
      const loss = lossOf(b);
      await setBackend(other);
      if (!hasFloat64(other) && savesFloat64(loss)) {
        // ref keeps some statistics for the backward in float64 (batch norm's mean and invstd, a loss's
        // weight sum), whatever the inputs' dtype. They cannot move to a backend without float64: the
        // backward must say so rather than go on with less precision than the graph was recorded with.
        assert.throws(() => loss.backward(), new RegExp(`${other} backend: float64 tensors are not supported`));
        continue;
      }
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
