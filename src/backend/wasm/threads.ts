// backend/wasm/threads.ts — worker threads that run the same kernel call as the main thread, each on its
// share of the work (the kernels split the work themselves from (tid, nt)).
//
// The backend API is synchronous, so the main thread cannot await messages: hand-off goes through a
// small SharedArrayBuffer. The main thread writes the kernel index and arguments, bumps a generation
// counter and wakes the workers (Atomics.notify); each worker runs kernel(tid, nt, ...args) on its own
// instance of the module over the one shared WebAssembly.Memory, then counts itself done. Both sides
// spin briefly before sleeping in Atomics.wait, because a futex wake-up costs tens of microseconds and
// the kernels of a small CNN layer take about that long.
//
// Shutdown: workers are unref'd, so they never keep Node alive; at exit Node terminates them (this
// interrupts Atomics.wait). close() asks them to leave their loop first, for a clean early stop.
// In a browser, web-threads.ts runs this same worker source in Web Workers (started asynchronously by
// initWasmThreads) and hands them to a Pool through its `spawn` argument. The page's main thread may not
// Atomics.wait, so there run() only spins.

import { envVar, nodeBuiltin } from '../env.js';

type WorkerCtor = typeof import('node:worker_threads').Worker;

// Without Node's worker_threads (a browser: see web-threads.ts) the backend runs on one thread here.
const wt = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
const os = nodeBuiltin<typeof import('node:os')>('node:os');

export const nodeThreads: { Worker: WorkerCtor | null; available: number } = {
  Worker: wt ? wt.Worker : null,
  available: wt && os ? (os.availableParallelism?.() ?? os.cpus().length) : 1,
};

// Control block layout (Int32 slots), then arguments as Float64 from byte 128.
const GEN = 0, DONE = 1, KERNEL = 2, NT = 3, ARGC = 4, ERROR = 5;
const ARGS = 16, MAX_ARGS = 24;
const SPIN = 20000;
/** How long a worker keeps spinning after its last kernel call before it sleeps in Atomics.wait. A training
 *  step is a run of kernel calls separated by tens to hundreds of microseconds of JS (autograd, copies),
 *  and waking a sleeping worker costs 25–100 µs each time, so the worker stays awake across those gaps;
 *  an idle process burns at most this much of one core per worker after its last call. 0.3 ms: 1 ms was
 *  faster for T1 but not for a whole epoch in noisy same-run A/B tests here; CONVNET_SPIN_MS overrides. */
const WORKER_SPIN_MS = ((v: number): number => (Number.isFinite(v) && v >= 0 ? Math.min(v, 10) : 0.3))(
  Number(envVar('CONVNET_SPIN_MS') ?? 0.3));

export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl, tid, names } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => ex[n]);
const i32 = new Int32Array(ctl), f64 = new Float64Array(ctl, ${ARGS * 8});
let seen = 0;
for (;;) {
  let g, spin = 0, since = performance.now();
  while ((g = Atomics.load(i32, ${GEN})) === seen) {
    if ((++spin & 255) === 0 && performance.now() - since > ${WORKER_SPIN_MS}) {
      Atomics.wait(i32, ${GEN}, seen);
      since = performance.now();
    }
  }
  seen = g;
  const k = i32[${KERNEL}];
  if (k < 0) break;
  const nt = i32[${NT}];
  if (tid < nt) {
    const a = [tid, nt];
    for (let i = 0, n = i32[${ARGC}]; i < n; i++) a.push(f64[i]);
    try { fns[k].apply(null, a); } catch (e) { Atomics.store(i32, ${ERROR}, 1); }
  }
  if (Atomics.add(i32, ${DONE}, 1) + 1 === workerData.size) Atomics.notify(i32, ${DONE});
}
`;

/** What each worker receives (as workerData in Node, in a message in the browser). */
export interface WorkerData {
  module: WebAssembly.Module; memory: WebAssembly.Memory; ctl: SharedArrayBuffer; tid: number; names: string[]; size: number;
}

/** Whether this thread may block in Atomics.wait (not on a page's main thread, nor without SharedArrayBuffer). */
const canWait = ((): boolean => {
  try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); return true; } catch { return false; }
})();

function spawnNode(data: WorkerData): unknown {
  if (!nodeThreads.Worker) throw new Error('wasm backend: worker threads are not available here');
  const w = new nodeThreads.Worker(WORKER_SOURCE, { eval: true, workerData: data });
  w.unref();
  return w;
}

export class Pool {
  readonly size: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly names: string[];
  private readonly index = new Map<string, number>();
  private workers: unknown[] = [];

  /** Starts `size` workers with `spawn` (default: Node's worker_threads, unref'd). */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, size: number,
    spawn: (data: WorkerData) => unknown = spawnNode) {
    this.size = size;
    const ctl = new SharedArrayBuffer(ARGS * 8 + MAX_ARGS * 8);
    this.i32 = new Int32Array(ctl);
    this.f64 = new Float64Array(ctl, ARGS * 8);
    this.names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    this.names.forEach((n, i) => this.index.set(n, i));
    for (let t = 1; t <= size; t++) this.workers.push(spawn({ module, memory, ctl, tid: t, names: this.names, size }));
  }

  run(exports: Record<string, (...a: number[]) => number>, kernel: string, args: number[], nt: number): void {
    const k = this.index.get(kernel);
    if (k === undefined) throw new Error(`wasm backend: no kernel '${kernel}'`);
    if (args.length > MAX_ARGS) throw new Error(`wasm backend: too many arguments for '${kernel}'`);
    const { i32, f64 } = this;
    for (let i = 0; i < args.length; i++) f64[i] = args[i];
    i32[ARGC] = args.length;
    i32[KERNEL] = k;
    i32[NT] = nt;
    Atomics.store(i32, DONE, 0);
    Atomics.add(i32, GEN, 1);
    Atomics.notify(i32, GEN);
    let err: unknown = null;
    try { exports[kernel](0, nt, ...args); } catch (e) { err = e; }
    let d: number, spin = 0;
    while ((d = Atomics.load(i32, DONE)) !== this.size) {
      if (++spin > SPIN && canWait) Atomics.wait(i32, DONE, d);
    }
    if (err) throw err;
    if (Atomics.exchange(i32, ERROR, 0)) throw new Error(`wasm backend: kernel '${kernel}' failed in a worker`);
  }

  close(): void {
    const { i32 } = this;
    i32[KERNEL] = -1;
    Atomics.add(i32, GEN, 1);
    Atomics.notify(i32, GEN);
    this.workers = [];
  }
}
