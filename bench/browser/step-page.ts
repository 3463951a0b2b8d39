// bench/browser/step-page.ts — the page side of bench/browser-step.ts: starts the wasm backend's worker
// pool (the page is cross-origin isolated), times T1 (bench/lenet-step.ts) and sets window.result.
// ?threads=N&steps=S

import * as lib from '../../src/browser.js';
import { lenetStep, medianMs } from '../lenet-step.js';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') ?? 2), steps = Number(params.get('steps') ?? 100);
(async () => {
  try {
    const started = await lib.initWasmThreads(threads);
    const ms = medianMs(lenetStep(lib), steps);
    (window as unknown as { result: unknown }).result = { ms, threads: started, isolated: crossOriginIsolated, backend: lib.getBackend(), userAgent: navigator.userAgent };
  } catch (e) {
    (window as unknown as { result: unknown }).result = { error: String((e as Error).stack ?? e) };
  }
})();
