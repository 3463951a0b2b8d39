// The browser build in a real browser: Debian's Chromium, driven by playwright-core (never a browser
// download). The bundle is built from src/browser.ts in memory with the options of `npm run build:browser`,
// served with test/browser/ from a static server on 127.0.0.1, and loaded twice:
//   /coi/   with COOP/COEP headers: a cross-origin-isolated page, so the wasm backend gets shared memory,
//           and initWasmThreads(2) starts its Web Worker pool;
//   /plain/ without them: no SharedArrayBuffer, so the backend falls back to its unshared one-thread build.
// The page (test/browser/checks.js) computes; this file judges what it returns.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { getNumThreads, initWasmThreads, setNumThreads } from '../src/index.js';
import { closeWasm } from '../src/backend/wasm/index.js';
import { buildBrowserBundle, launchChromium, pageResult, servePages, type PageServer } from './helpers/chromium.js';

const PAGE_DIR = new URL('./browser/', import.meta.url);

interface ConvResult { shape: number[]; y: number[]; dx: number[]; dw: number[]; db: number[] }
type WasmInfo = { relaxedSimd: boolean; sharedMemory: boolean; threads: number; heapBytes: number };
interface ThreadsResult {
  beforeInit: number;
  init: number;
  initDefault?: number;
  wasmInfo: WasmInfo;
  setNumThreads?: number[];
  grow?: { heapBefore: number; heapAfter: number; mismatches: number };
  conv?: Record<string, Record<string, ConvResult>>;
  train?: { backend: string; losses: number[] };
  convMs?: Record<string, number>;
  threadsAfter?: number;
}
interface PageResult {
  error?: string;
  crossOriginIsolated: boolean;
  userAgent: string;
  hardwareConcurrency: number;
  defaultBackend: string;
  backends: string[];
  wasmInfo: WasmInfo;
  corr2d: { value: number[][]; printed: string };
  conv: Record<string, ConvResult>;
  train: { backend: string; losses: number[] };
  threads: ThreadsResult;
}

/** Serves test/browser/ and the bundle under /coi/ (isolated), /plain/ and /gpu/ (webgpu.html). */
async function serve(): Promise<PageServer> {
  return servePages({ bundle: await buildBrowserBundle(), dir: PAGE_DIR, index: (mode) => (mode === 'gpu' ? 'webgpu.html' : 'index.html') });
}

function maxRelDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

function assertConvAgrees({ ref, wasm }: Record<string, ConvResult>, what: string): void {
  assert.deepEqual(wasm.shape, ref.shape, what);
  for (const k of ['y', 'dx', 'dw', 'db'] as const) {
    assert.ok(ref[k].length > 0 && ref[k].every(Number.isFinite), `${what}: ref ${k} is empty or has a non-finite value`);
    const d = maxRelDiff(wasm[k], ref[k]);
    assert.ok(d <= 1e-4, `${what} ${k}: wasm differs from ref by ${d} (relative)`);
  }
}

function assertLossFalls({ backend, losses }: { backend: string; losses: number[] }): void {
  assert.equal(backend, 'wasm');
  assert.ok(losses.every(Number.isFinite), `losses: ${losses}`);
  assert.ok(losses.at(-1)! < 0.5 * losses[0], `loss did not halve: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
}

describe('browser build in Chromium', { timeout: 120_000 }, () => {
  let server: PageServer;
  let browser: Browser;
  const results: Record<string, PageResult> = {};
  // A failure while loading is kept and rethrown by every test (a failing hook would only cancel them).
  let setupError: unknown = null;
  const result = (kind: string): PageResult => {
    if (setupError) throw setupError;
    return results[kind];
  };

  before(async () => {
    try { await load(); } catch (e) { setupError = e; }
  });

  async function load(): Promise<void> {
    server = await serve();
    browser = await launchChromium(['--disable-gpu']);
    for (const kind of ['coi', 'plain']) results[kind] = await pageResult<PageResult>(browser, `${server.url}/${kind}/`);
    const r = results.coi;
    const t = r.threads;
    console.log(`# ${r.userAgent}; default backend ${r.defaultBackend}; wasmInfo ${JSON.stringify(r.wasmInfo)}; ` +
      `isolated page: ${r.crossOriginIsolated}; plain page: wasmInfo ${JSON.stringify(results.plain.wasmInfo)}; ` +
      `training loss ${r.train.losses[0].toFixed(3)} → ${r.train.losses.at(-1)!.toFixed(3)}`);
    if (t.convMs && t.train) {
      console.log(`# isolated page after initWasmThreads(2): conv2d N2 64→64 56×56 3×3 forward ` +
        `${t.convMs[1].toFixed(1)} ms on 1 thread, ${t.convMs[2].toFixed(1)} ms on 2; ` +
        `training on 2 threads: loss ${t.train.losses[0].toFixed(3)} → ${t.train.losses.at(-1)!.toFixed(3)}`);
    }
  }

  after(async () => {
    await browser?.close();
    server?.close();
  });

  for (const kind of ['coi', 'plain'] as const) {
    describe(kind === 'coi' ? 'cross-origin-isolated page' : 'page without isolation', () => {
      it('isolation is as served, and the wasm backend is the default', () => {
        const r = result(kind);
        assert.equal(r.crossOriginIsolated, kind === 'coi');
        assert.deepEqual([...r.backends].sort(), ['ref', 'wasm', 'webgpu']);
        assert.equal(r.defaultBackend, 'wasm');
        // shared memory exactly when the page may have it; before initWasmThreads: one thread
        assert.equal(r.wasmInfo.sharedMemory, kind === 'coi');
        assert.equal(r.wasmInfo.threads, 1);
      });

      it('corr2d([[0,1,2],[3,4,5],[6,7,8]], [[0,1],[2,3]]) = [[19,25],[37,43]]', () => {
        assert.deepEqual(result(kind).corr2d.value, [[19, 25], [37, 43]]);
        assert.equal(result(kind).corr2d.printed, 'tensor([[19., 25.],\n        [37., 43.]])');
      });

      it('conv2d x=[2,4,11,9] w=[6,2,3,3] s=[2,1] p=1 d=[1,2] g=2: wasm agrees with ref (forward, dX, dW, db) to 1e-4', () => {
        const { conv } = result(kind);
        assert.deepEqual(conv.ref.shape, [2, 6, 6, 7]);
        assertConvAgrees(conv, 'conv2d');
      });

      it('a tiny CNN trains: the loss falls', () => assertLossFalls(result(kind).train));

      it('setNumThreads starts no pool: still one thread before initWasmThreads', () => {
        assert.equal(result(kind).threads.beforeInit, 1);
      });
    });
  }

  describe('cross-origin-isolated page: Web Worker pool', () => {
    it('initWasmThreads(2) resolves to 2 and wasmInfo().threads is 2', () => {
      const t = result('coi').threads;
      assert.equal(t.init, 2);
      assert.equal(t.wasmInfo.threads, 2);
      assert.equal(t.wasmInfo.sharedMemory, true);
    });

    it('the heap grows under the running workers: relu of 2^23 floats on 2 threads is exact', () => {
      const g = result('coi').threads.grow!;
      assert.ok(g.heapBefore < 64 * 2 ** 20 && g.heapAfter >= 64 * 2 ** 20, `heap ${g.heapBefore} → ${g.heapAfter} bytes: did not grow`);
      assert.equal(g.mismatches, 0);
    });

    it('setNumThreads chooses within the pool: 1, 2, then 4 gives 2', () => {
      assert.deepEqual(result('coi').threads.setNumThreads, [1, 2, 2, 2]);
      assert.equal(result('coi').threads.threadsAfter, 2);
    });

    for (const [name, what] of [
      ['gemm', 'x=[2,16,20,16] w=[48,8,5,5] s=[2,1] p=2 d=[1,2] g=2'],
      ['direct', 'x=[2,4,28,28] w=[16,4,5,5]'],
      ['depthwise', 'x=[2,32,20,20] w=[32,1,7,7] p=3 g=32'],
    ] as const) {
      it(`conv2d on 2 threads, ${name} ${what}: wasm agrees with ref (forward, dX, dW, db) to 1e-4`, () => {
        const conv = result('coi').threads.conv![name];
        assertConvAgrees(conv, `${name} conv2d on 2 threads`);
      });
    }

    it('a tiny CNN trains on 2 threads (16×16, 8 channels): the loss falls', () => assertLossFalls(result('coi').threads.train!));
  });

  it('page without isolation: initWasmThreads() and initWasmThreads(2) resolve to 1 thread', () => {
    const t = result('plain').threads;
    assert.equal(t.initDefault, 1);
    assert.equal(t.init, 1);
    assert.equal(t.wasmInfo.threads, 1);
    assert.equal(t.wasmInfo.sharedMemory, false);
  });
});

// The webgpu backend in the page, on Chromium's SwiftShader adapter (a CPU implementation of WebGPU; the
// page must be a secure context, which http://127.0.0.1 is). The same WGSL as in Node.
interface GpuRun { shape: number[]; y: number[]; [grad: string]: number[] }
interface GpuPageResult {
  error?: string;
  info: { adapter: string; software: boolean; route: string; dispatches: number; submits: number };
  conv: Record<'ref' | 'webgpu', GpuRun>; depthwise: Record<'ref' | 'webgpu', GpuRun>; reflect: Record<'ref' | 'webgpu', GpuRun>;
  maxPool: Record<'ref' | 'webgpu', GpuRun>; avgPool: Record<'ref' | 'webgpu', GpuRun>;
  train: { backend: string; losses: number[] };
}

describe('browser build in Chromium: the webgpu backend', { timeout: 180_000 }, () => {
  let server: PageServer;
  let browser: Browser;
  let r: GpuPageResult | null = null;
  let setupError: unknown = null;
  const result = (): GpuPageResult => { if (setupError) throw setupError; return r!; };

  before(async () => {
    try {
      server = await serve();
      browser = await launchChromium(['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader']);
      r = await pageResult<GpuPageResult>(browser, `${server.url}/gpu/`, 150_000);
      console.log(`# webgpu in Chromium: ${r!.info.adapter} (software: ${r!.info.software}); training loss ` +
        `${r!.train.losses[0].toFixed(3)} → ${r!.train.losses.at(-1)!.toFixed(3)}`);
    } catch (e) { setupError = e; }
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('the page gets a WebGPU adapter through navigator.gpu (SwiftShader here: a software one)', () => {
    const { info } = result();
    assert.equal(info.route, 'navigator.gpu');
    assert.equal(info.software, true, `adapter ${info.adapter} should count as software`);
  });

  const agrees = (run: Record<'ref' | 'webgpu', GpuRun>, what: string) => {
    assert.deepEqual(run.webgpu.shape, run.ref.shape, what);
    for (const k of Object.keys(run.ref).filter((k) => k !== 'shape')) {
      assert.ok(run.ref[k].length > 0 && run.ref[k].every(Number.isFinite), `${what}: ref ${k} is empty or not finite`);
      const d = maxRelDiff(run.webgpu[k], run.ref[k]);
      assert.ok(d <= 1e-4, `${what} ${k}: webgpu differs from ref by ${d} (relative)`);
    }
  };
  it('conv2d x=[2,4,11,9] w=[6,2,3,3] s=[2,1] p=1 d=[1,2] g=2: webgpu agrees with ref (y, dx, dw, db) to 1e-4', () => agrees(result().conv, 'conv2d'));
  it('depthwise conv2d x=[2,8,10,10] w=[8,1,5,5] p=2 g=8 agrees with ref', () => agrees(result().depthwise, 'depthwise'));
  it('conv2d with paddingMode reflect agrees with ref', () => agrees(result().reflect, 'reflect conv2d'));
  it('maxPool2d k3 s2 p1 ceilMode agrees with ref (forward and backward)', () => agrees(result().maxPool, 'maxPool2d'));
  it('avgPool2d k3 s2 p1 ceilMode countIncludePad=false agrees with ref', () => agrees(result().avgPool, 'avgPool2d'));
  it('a small CNN with BatchNorm trains on webgpu with Adam: the loss falls', () => {
    const t = result().train;
    assert.equal(t.backend, 'webgpu');
    assert.ok(t.losses.every(Number.isFinite), `losses: ${t.losses}`);
    assert.ok(t.losses.at(-1)! < 0.5 * t.losses[0], `loss did not halve: ${t.losses.map((l) => l.toFixed(3)).join(' ')}`);
  });
});

// The same export in Node, where the pool starts by itself on the first multi-threaded run.
describe('initWasmThreads in Node', () => {
  it('resolves at once to the thread count: unchanged without n, n with n', async () => {
    const cores = getNumThreads();
    assert.equal(await initWasmThreads(), cores);
    assert.equal(await initWasmThreads(3), 3);
    assert.equal(getNumThreads(), 3);
    await assert.rejects(initWasmThreads(0), /positive integer/);
    setNumThreads(cores);
    closeWasm();
  });
});
