// test/helpers/webgpu.ts — calls a kernel on the webgpu backend and on ref (the oracle) with the same
// inputs, and compares what comes back. Used by the test/webgpu-*.test.ts files, one per kernel family.
//
//   const gpu = useWebgpu();                     // starts webgpu before the file's tests (fails if it can't)
//   test('relu n=1000', async () => {
//     await gpu.compare('relu', (b, S) => b.unary('relu', S(rnd(1000))));
//   });
//
// Without a GPU the backend runs on Dawn's OpenGL ES backend over Mesa's llvmpipe (libegl-mesa0, libgles2;
// .ci/run installs them). A machine without them fails these tests rather than skipping them; set
// CONVNET_TEST_WEBGPU=0 to leave webgpu out knowingly (testBackends and these files then say so).

import '../../bench/dawn.js'; // Dawn lives in bench/node_modules (issue 13: a light root install)
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, Storage } from '../../src/backend/backend.js';
import { backend, getBackend, setBackend } from '../../src/backend/index.js';
import { dtypeOf, type DataArray } from '../../src/tensor/dtype.js';
import { webgpuRuntime } from '../../src/backend/webgpu/index.js';

/** Whether this run tests the webgpu backend (everything but CONVNET_TEST_WEBGPU=0). */
export const webgpuWanted = process.env.CONVNET_TEST_WEBGPU !== '0';

/** What a kernel call returns: a storage, several, an object of them (nulls allowed), or nothing (in place). */
type Result = Storage | null | undefined | void | Result[] | { [k: string]: Result };

export interface GpuHarness {
  /** The two backends (valid inside tests). */
  readonly R: Backend;
  readonly G: Backend;
  /**
   * Runs `k` on both backends (rnd/rndInt draw the same values in both runs; S makes a storage of the given values on the backend at hand), reads every
   * storage it returns (and, for in-place kernels, every storage listed by `inPlace`), and compares them
   * element by element: |gpu − ref| ≤ atol + rtol·|ref|, with atol scaled by the mean |ref| (sums run in
   * another order). NaN must match NaN; ±∞ must match exactly.
   */
  compare(name: string, k: (b: Backend, S: (a: DataArray) => Storage) => Result,
    opts?: { rtol?: number; atol?: number; inPlace?: boolean }): Promise<void>;
  /** A storage on the webgpu backend holding the values. */
  onGpu(a: DataArray): Storage;
  /** Reads a webgpu storage (await). */
  read(s: Storage): Promise<DataArray>;
}

export function useWebgpu(): GpuHarness {
  let R: Backend | null = null, G: Backend | null = null, previous = '';
  before(async () => {
    previous = getBackend();
    await setBackend('ref'); R = backend();
    await setBackend('webgpu'); G = backend();
    await setBackend(previous);
  });
  after(async () => { await setBackend(previous); });

  const storages = (r: Result, out: Storage[] = []): Storage[] => {
    if (r === null || r === undefined) return out;
    if (Array.isArray(r)) { for (const x of r) storages(x, out); return out; }
    if (typeof r === 'object' && 'dtype' in r && 'size' in r) { out.push(r as Storage); return out; }
    for (const v of Object.values(r as Record<string, Result>)) storages(v, out);
    return out;
  };

  const h: GpuHarness = {
    get R() { assert.ok(R, 'webgpu harness: ref not started'); return R; },
    get G() { assert.ok(G, 'webgpu harness: webgpu not started'); return G; },
    onGpu(a: DataArray): Storage { const s = h.G.alloc(dtypeOf(a), a.length); h.G.write(s, a); return s; },
    read(s: Storage): Promise<DataArray> { return h.G.read(s); },
    async compare(name, k, opts = {}) {
      const { rtol = 1e-4, atol = 1e-4, inPlace = false } = opts;
      const made: Record<'R' | 'G', Storage[]> = { R: [], G: [] };
      const run = (which: 'R' | 'G'): Storage[] => {
        const b = which === 'R' ? h.R : h.G;
        const S = (a: DataArray): Storage => { const s = b.alloc(dtypeOf(a), a.length); b.write(s, a); made[which].push(s); return s; };
        const r = k(b, S);
        return inPlace ? [...storages(r), ...made[which]] : storages(r);
      };
      // k may draw its inputs with rnd(): both runs draw the same values.
      const start = seed;
      const want = run('R').map((s) => h.R.readSync(s));
      seed = start;
      const gotS = run('G');
      const got = await Promise.all(gotS.map((s) => h.G.read(s)));
      assert.equal(got.length, want.length, `${name}: ${got.length} results from webgpu, ${want.length} from ref`);
      got.forEach((g, j) => close(`${name}${want.length > 1 ? ` [result ${j}]` : ''}`, g, want[j], rtol, atol));
    },
  };
  return h;
}

/** |got − want| ≤ atol·(mean |want| + 1) + rtol·|want|, elementwise; NaN matches NaN, ±∞ must match exactly. */
export function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-4, atol = 1e-4): void {
  assert.equal(got.length, want.length, `${name}: length`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale += Math.abs(want[i]);
  const tol = atol * (scale / Math.max(1, want.length) + 1);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= tol + rtol * Math.abs(w))) assert.fail(`${name}: element ${i} of ${want.length}: webgpu ${g} vs ref ${w}`);
  }
}

/**
 * Runs f with the webgpu runtime's serialSteps (the steps of a long walk one shader invocation takes per
 * dispatch) set to `steps`, then restores it; null leaves it alone. Small inputs then take the path of
 * long rows and large pooling windows, split over several dispatches.
 */
export async function withSerialSteps<T>(steps: number | null, f: () => Promise<T>): Promise<T> {
  if (steps === null) return f();
  const rt = webgpuRuntime();
  assert.ok(rt, 'withSerialSteps: webgpu not started');
  const saved = rt.serialSteps;
  rt.serialSteps = steps;
  try {
    return await f();
  } finally {
    rt.serialSteps = saved;
  }
}

let seed = 12345;
/** Deterministic uniform values in [lo, hi). */
export function rnd(n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    a[i] = lo + (hi - lo) * (seed / 2 ** 32);
  }
  return a;
}

/** Deterministic integers in [lo, hi). */
export function rndInt(n: number, lo: number, hi: number): Int32Array {
  return Int32Array.from(rnd(n, 0, 1), (u) => lo + Math.min(hi - lo - 1, Math.floor(u * (hi - lo))));
}
