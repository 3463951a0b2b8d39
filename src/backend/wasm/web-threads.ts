// backend/wasm/web-threads.ts — the worker pool in a browser: Web Workers over the one shared
// WebAssembly.Memory, running the same worker loop as Node's (threads.ts), started by initWasmThreads.
//
// Why asynchronous: a page's Web Workers only start once its main thread returns to the event loop, and
// the backend API is synchronous, so a pool created on first use would spin forever waiting for workers
// that cannot start. initWasmThreads starts the workers, waits for each to answer 'ready' (it has its
// module, memory and control block and enters the loop) and only then hands the pool to the runtime; until
// it resolves the backend runs on one thread. A cross-origin-isolated page can post the WebAssembly.Module
// and the shared memory to a worker; without isolation there is no shared memory and the backend stays on
// one thread. In a page's main thread Pool.run spins instead of Atomics.wait (which throws there); the
// workers still sleep in Atomics.wait between calls.
//
// In Node, threads start synchronously on the first multi-threaded run, so initWasmThreads only applies n.

import { rt } from './runtime.js';
import { Pool, WORKER_SOURCE, nodeThreads, type WorkerData } from './threads.js';
import { noExtraArgs } from '../../tensor/keys.js';

// The worker: threads.ts's source as is, with require('node:worker_threads').workerData being the first
// message. 'ready' goes out before the loop, which never returns to the worker's event loop; after close()
// ends the loop the worker closes itself.
const WEB_WORKER_SOURCE = `
self.onmessage = (e) => {
  self.onmessage = null;
  self.postMessage('ready');
  ((require) => {${WORKER_SOURCE}})(() => ({ workerData: e.data }));
  self.close();
};
`;

let queue: Promise<unknown> = Promise.resolve();

/**
 * Starts the wasm backend's worker threads and resolves to the number of threads it then uses.
 *
 * In a cross-origin-isolated page (COOP same-origin + COEP require-corp) it starts n − 1 Web Workers
 * (n defaults to navigator.hardwareConcurrency); after that setNumThreads may choose any count up to n.
 * Without isolation (no SharedArrayBuffer) it resolves to 1. In Node it sets n if given (threads start by
 * themselves there) and resolves to the count in use. Calls run one after another; a call for at most the
 * threads already started starts nothing. Rejects, leaving the runtime as it was, if a worker fails to start.
 * PyTorch: `torch.set_num_threads` (which needs no start-up).
 * @example
 * ```ts
 * const n = await initWasmThreads();  // in a page: before training
 * ```
 */
export function initWasmThreads(n?: number, ...extra: never[]): Promise<number> {
  noExtraArgs('initWasmThreads', [n, ...extra], ['n']);
  const next = queue.then(() => start(n));
  queue = next.catch(() => undefined);
  return next;
}

async function start(n: number | undefined): Promise<number> {
  const r = rt();
  if (nodeThreads.Worker) {
    if (n !== undefined) r.setNumThreads(n);
    return r.numThreads;
  }
  n ??= (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`initWasmThreads: expected a positive integer, got ${n}`);
  if (n > r.poolThreads && r.shared && typeof Worker !== 'undefined') r.usePool(await startWebPool(r.module, r.memory, n - 1));
  r.setNumThreads(n);
  return r.numThreads;
}

async function startWebPool(module: WebAssembly.Module, memory: WebAssembly.Memory, size: number): Promise<Pool> {
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  const spawn = (data: WorkerData): Worker => {
    const w = new Worker(url, { name: `convnet-wasm-${data.tid}` });
    workers.push(w);
    ready.push(new Promise<void>((resolve, reject) => {
      const fail = (why: string): void => reject(new Error(`wasm backend: worker ${data.tid} did not start: ${why}`));
      w.onmessage = (e) => { if (e.data === 'ready') resolve(); else fail(String(e.data)); };
      w.onmessageerror = () => fail('it could not receive the module and memory');
      w.onerror = (e) => { e.preventDefault(); fail(e.message || 'error'); };
    }));
    w.postMessage(data);
    return w;
  };
  try {
    const pool = new Pool(module, memory, size, spawn);
    await Promise.all(ready);
    for (const w of workers) w.onmessage = w.onmessageerror = w.onerror = null;
    return pool;
  } catch (e) {
    for (const w of workers) w.terminate();
    throw e;
  } finally {
    URL.revokeObjectURL(url);
  }
}
