// bench/gpu/common.ts — what bench/peers.ts, bench/t1.ts and bench/gpu.ts share to time WebGPU work:
//
// - startConvnetWebgpu(): `await setBackend('webgpu')` and the adapter line for a bench header (it says
//   "software adapter" when the adapter is llvmpipe/SwiftShader/…, whose numbers are CPU emulation);
// - startTfjsWebgpu(): @tensorflow/tfjs-backend-webgpu in this Node process, through the same npm package
//   `webgpu` (Dawn) and the same Dawn flags as convnet's device, with `navigator.gpu` provided for it;
// - timeGpu(): per-iteration time of asynchronous GPU work.
//
// Why timeGpu and not workloads.ts's timeMedian: a WebGPU call only records work and returns; the GPU
// runs it later. So a sample is k calls followed by one wait for the GPU (convnet: webgpuSync(); tfjs:
// a read of one element of the last output, which waits for everything queued before it), divided by k,
// with k chosen so that a sample lasts ≥ sampleMs and the wait's fixed cost is spread thin. The first
// call (shader compilation, buffer creation) is never timed.

import { setBackend, webgpuInfo, type WebgpuInfo } from '../../src/index.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;

// ---- convnet ----------------------------------------------------------------------------------

export type ConvnetWebgpu = { ok: true; info: WebgpuInfo; line: string } | { ok: false; reason: string; line: string };

/** One line for a bench header: the adapter, and whether it is a software one (CPU emulation). */
export function adapterLine(lib: string, adapter: string, software: boolean, route: string): string {
  return `${lib}: adapter '${adapter}' via ${route}` +
    (software ? ' — SOFTWARE ADAPTER (a CPU emulating a GPU): its numbers say nothing about GPU speed' : ' (hardware GPU)');
}

/** Starts convnet's webgpu backend (and leaves it active); never throws. */
export async function startConvnetWebgpu(): Promise<ConvnetWebgpu> {
  try {
    await setBackend('webgpu');
    const info = webgpuInfo()!;
    return { ok: true, info, line: adapterLine('convnet-webgpu', info.adapter, info.software, info.route) };
  } catch (e) {
    const reason = firstLine(e);
    return { ok: false, reason, line: `convnet-webgpu: cannot start (${reason})` };
  }
}

/** The Dawn flags of a convnet route ('dawn(backend=opengles)' → ['backend=opengles'], 'dawn(default)' → []). */
export function dawnFlagsOf(route: string | undefined): string[] {
  const m = route ? /^dawn\((.*)\)$/.exec(route) : null;
  if (m) return m[1] === 'default' ? [] : m[1].split(',').filter(Boolean);
  // convnet did not start: the flags it would have tried first.
  const forced = process.env.CONVNET_WEBGPU_FLAGS;
  return forced !== undefined ? forced.split(',').filter(Boolean) : [];
}

// ---- tfjs-backend-webgpu ----------------------------------------------------------------------

export type TfjsWebgpu = { ok: true; adapter: string; software: boolean; compat: boolean; line: string } | { ok: false; reason: string; line: string };

const SOFTWARE = /llvmpipe|swiftshader|lavapipe|softpipe|warp|basic render/i;
/** Dawn objects live only while JS holds them: keep the GPU instance made for tfjs. */
const keepAlive: unknown[] = [];

/**
 * Makes tfjs's webgpu backend start on Dawn with `flags` and selects it on `tf`. tfjs looks for
 * `navigator.gpu` when its module is imported, so this sets it first (Node 20 has no navigator) and then
 * imports the backend. tfjs asks for an adapter with only a powerPreference; Dawn's OpenGL ES backend
 * (llvmpipe, no GPU) exists only in compatibility mode, so with 'backend=opengles' the navigator.gpu given
 * to tfjs adds featureLevel 'compatibility' to that request — tfjs itself has no option for it. Never throws.
 */
export async function startTfjsWebgpu(tf: Tf, flags: string[]): Promise<TfjsWebgpu> {
  const fail = (reason: string): TfjsWebgpu => ({ ok: false, reason, line: `tfjs-webgpu: cannot start (${reason})` });
  let dawn: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    const name = 'webgpu'; // not followed by bundlers: the kit carries the package beside the bundle
    dawn = (await import(/* @vite-ignore */ name)) as typeof dawn;
  } catch (e) {
    return fail(`the npm package 'webgpu' did not load: ${firstLine(e)}`);
  }
  process.env.EGL_PLATFORM ??= 'surfaceless'; // as convnet: Mesa's EGL with no display server
  const compat = flags.includes('backend=opengles');
  let gpu: GPU;
  try {
    gpu = dawn.create(flags);
  } catch (e) {
    return fail(`Dawn create(${flags.join(',')}): ${firstLine(e)}`);
  }
  keepAlive.push(gpu);
  for (const [k, v] of Object.entries(dawn.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v; // GPUBufferUsage, GPUMapMode, … as in a browser
  }
  let adapterText = '', software = false, asked = false, got = false;
  const shim = {
    async requestAdapter(opts: GPURequestAdapterOptions = {}): Promise<GPUAdapter | null> {
      asked = true;
      const a = await gpu.requestAdapter(compat ? { ...opts, featureLevel: 'compatibility' } as GPURequestAdapterOptions : opts);
      if (a) {
        got = true;
        const info = (a as { info?: GPUAdapterInfo }).info;
        adapterText = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim() : '';
        software = SOFTWARE.test(adapterText) || Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
      }
      return a;
    },
    getPreferredCanvasFormat: () => 'rgba8unorm',
    get wgslLanguageFeatures() { return (gpu as { wgslLanguageFeatures?: unknown }).wgslLanguageFeatures; },
  };
  const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator;
  if (nav && typeof nav === 'object') {
    try { Object.defineProperty(nav, 'gpu', { value: shim, configurable: true }); } catch { /* replaced below */ }
  }
  if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: shim }, configurable: true, writable: true });
  }
  const noAdapter = (): string | null => (asked && !got ? `Dawn gave tfjs no adapter (${flags.join(',') || 'default flags'}${compat ? ', compatibility mode' : ''})` : null);
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!tf.findBackendFactory('webgpu')) return fail('tfjs-backend-webgpu did not register (it saw no navigator.gpu)');
    const ok = await tf.setBackend('webgpu');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'webgpu') return fail(noAdapter() ?? 'tfjs.setBackend(\'webgpu\') failed');
  } catch (e) {
    return fail(noAdapter() ?? firstLine(e));
  }
  // A command the GPU rejects (out of memory, a limit) is reported only as an event: without this, a
  // skipped dispatch would time as a fast one. tfjsSync throws the first such error.
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (device) device.onuncapturederror = (e: GPUUncapturedErrorEvent) => { tfjsGpuError ??= e.error.message; };
  const route = `dawn(${flags.join(',') || 'default'})${compat ? ', compatibility mode' : ''}`;
  return { ok: true, adapter: adapterText || 'unknown adapter', software, compat, line: adapterLine('tfjs-webgpu', adapterText || 'unknown adapter', software, route) };
}

let tfjsGpuError: string | null = null;

/** Waits for tfjs's queued GPU work: reads one element of `t` (a read waits for everything before it).
 *  Throws if the GPU rejected a command since the last call. */
export async function tfjsSync(tf: Tf, t: TfTensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1));
  await one.data();
  one.dispose();
  const err = tfjsGpuError;
  tfjsGpuError = null;
  if (err !== null) throw new Error(`the GPU rejected a tfjs command (results wrong, time meaningless): ${err.split('\n')[0]}`);
}

// ---- timing -----------------------------------------------------------------------------------

export interface GpuTiming {
  /** Median per-iteration time of the timed samples, and their mean (pauses included), ms. */
  ms: number;
  meanMs: number;
  /** Iterations per sample, and samples taken. */
  iters: number;
  samples: number;
  /** The first call, waited for (shader compilation and buffer creation included), ms. */
  firstMs: number;
}

export interface GpuTimingOptions {
  /** Samples to take (default 7); fewer once budgetMs is spent (at least minSamples, default 3, or 1
   *  when one call alone outlasts the budget: then the second call, already warm, is the sample). */
  runs?: number;
  budgetMs?: number;
  minSamples?: number;
  /** Target length of one sample (default 50 ms), and the most iterations in one (default 100). */
  sampleMs?: number;
  maxIters?: number;
}

/** Per-iteration time of `step` (which records GPU work), waiting with `sync` once per sample. */
export async function timeGpu(step: () => void, sync: () => Promise<void>, opts: GpuTimingOptions = {}): Promise<GpuTiming> {
  const runs = opts.runs ?? 7, budget = opts.budgetMs ?? 4000, sampleMs = opts.sampleMs ?? 50, maxIters = opts.maxIters ?? 100;
  const minSamples = opts.minSamples ?? 3;
  let t0 = performance.now();
  step();
  await sync();
  const firstMs = performance.now() - t0;
  t0 = performance.now();
  step();
  await sync();
  const est = performance.now() - t0;
  if (est > budget) return { ms: est, meanMs: est, iters: 1, samples: 1, firstMs };
  const iters = Math.max(1, Math.min(maxIters, Math.ceil(sampleMs / Math.max(est, 0.01))));
  const t: number[] = [];
  const start = performance.now();
  for (let r = 0; r < runs; r++) {
    t0 = performance.now();
    for (let i = 0; i < iters; i++) step();
    await sync();
    t.push((performance.now() - t0) / iters);
    if (performance.now() - start > budget && t.length >= minSamples) break;
  }
  const meanMs = t.reduce((x, y) => x + y, 0) / t.length;
  t.sort((a, b) => a - b);
  return { ms: t[t.length >> 1], meanMs, iters, samples: t.length, firstMs };
}

export function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);
}
