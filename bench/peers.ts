// bench/peers.ts — `npm run bench`: convnet (ref, wasm, webgpu) against the libraries a user would pick
// instead, in one run, on the same inputs: @tensorflow/tfjs-backend-cpu, @tensorflow/tfjs-backend-wasm,
// @tensorflow/tfjs-backend-webgpu, onnxruntime-node (inference only, on one-operator ONNX models built by
// bench/onnx.ts) and PyTorch when /usr/bin/python3 has torch (bench/torch_bench.py, run in a child
// process, twice: with this machine's default OpenBLAS core type and with OPENBLAS_CORETYPE=SkylakeX +
// glibc malloc tuning).
//
// The webgpu columns: convnet's webgpu backend and tfjs-backend-webgpu, both on Dawn (the npm package
// `webgpu`) with the same flags (bench/gpu/common.ts), in this process. The header names the adapter and
// says when it is a software one (llvmpipe on a machine without a GPU: CPU emulation, not GPU speed). GPU
// work is asynchronous, so these are timed as k calls then one wait for the GPU, per call (timeGpu). When
// no adapter starts, the header says why and the other columns go on. bench/gpu.ts is the GPU-sized bench.
//
// Workloads: W1–W5 conv2d forward, W3 backward (dX + dW), W6 max-pool 2×2 s2 on N8 64×112×112, W7 1024³
// matmul. T1 (the LeNet-5 training step) is bench/t1.ts, which `npm run bench` runs next.
// What is timed: each library's public call on inputs already where it computes (convnet and tfjs:
// tensors resident in their backend; the result stays there and is disposed; tfjs's cpu and wasm
// backends run synchronously, so the work is done when the call returns), W3 backward on the
// gradient kernels. Prints median ms, GFLOP/s and each library's time as a multiple of convnet-wasm's
// (ratio > 1: slower than convnet-wasm), with this machine's first-touch cost per page in the header;
// writes bench/results/peers-<date>.json (bench/summary.ts gives min and median over runs).
// Options: --quick (fewer runs), --no-ref, --slow (also tfjs-cpu's W3 backward, ~2 minutes a call),
// --no-webgpu (leave out both webgpu columns), --webgpu-only (only those; a software adapter needs minutes).
// Layouts: each library gets its native layout (tfjs NHWC, the others NCHW); conversion is not timed.

import './dawn.js'; // the webgpu backend finds Dawn in bench/node_modules
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend } from '../src/backend/index.js';
import { getNumThreads, wasmInfo } from '../src/backend/wasm/index.js';
import { F, tensor, matmul, noGrad, setBackend, webgpuSync, webgpuTrim, type Tensor } from '../src/index.js';
import { oneOpModel } from './onnx.js';
import { CONV_WORKLOADS, convFlops, randomF32, timeMedian, timeMedianAsync } from './workloads.js';
import { firstTouchLine } from './first-touch.js';
import { dawnFlagsOf, firstLine, startConvnetWebgpu, startTfjsWebgpu, tfjsSync, timeGpu, type GpuTimingOptions } from './gpu/common.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const RUNS = argv.includes('--quick') ? 5 : 15;
const THREADS = 2;
const WEBGPU = !argv.includes('--no-webgpu');
const ONLY_WEBGPU = argv.includes('--webgpu-only');
/** Timing of the webgpu columns; set once the adapter is known (a software one takes seconds a call). */
let gpuTiming: GpuTimingOptions = { runs: RUNS, budgetMs: 4000 };

interface Row { lib: string; threads: number | string; key: string; ms: number | null; note?: string }
const rows: Row[] = [];
const add = (lib: string, threads: number | string, key: string, ms: number | null, note?: string): void => {
  rows.push({ lib, threads, key, ms, note });
  process.stderr.write(`  ${lib.padEnd(22)} ${key.padEnd(7)} ${ms === null ? 'n/a' : ms.toFixed(2) + ' ms'}${note ? ' (' + note + ')' : ''}\n`);
};

// ---- the work ---------------------------------------------------------------------------------

const POOL = { N: 8, C: 64, H: 112, W: 112 };
const MM = 1024;
const FLOPS: Record<string, number> = { 'W6 fwd': 0, 'W7 fwd': 2 * MM ** 3 };
for (const w of CONV_WORKLOADS) {
  FLOPS[`${w.id} fwd`] = convFlops(w.attrs);
  if (w.id === 'W3') FLOPS['W3 bwd'] = 2 * convFlops(w.attrs);
}
const data = CONV_WORKLOADS.map((w) => {
  const a = w.attrs;
  return {
    w, x: randomF32(a.N * a.C * a.H * a.W, 1), wt: randomF32(a.OC * (a.C / a.groups) * a.KH * a.KW, 2),
    bias: randomF32(a.OC, 3), dy: randomF32(a.N * a.OC * a.OH * a.OW, 4),
  };
});
const poolX = randomF32(POOL.N * POOL.C * POOL.H * POOL.W, 5);
const mmA = randomF32(MM * MM, 6), mmB = randomF32(MM * MM, 7);

// ---- convnet ----------------------------------------------------------------------------------

async function benchConvnet(name: 'wasm' | 'ref', threads: number): Promise<void> {
  await setBackend(name);
  const runs = name === 'ref' ? 3 : RUNS;
  const lib = `convnet-${name}`;
  const on = (a: Float32Array, shape: number[]): Tensor => tensor(a).reshape(shape);
  const bk = backend();
  for (const { w, x, wt, bias, dy } of data) {
    const a = w.attrs;
    const tx = on(x, [a.N, a.C, a.H, a.W]), tw = on(wt, [a.OC, a.C / a.groups, a.KH, a.KW]), tb = on(bias, [a.OC]);
    const opts = { stride: a.strideH, padding: a.padTop, groups: a.groups };
    add(lib, threads, `${w.id} fwd`, timeMedian(() => noGrad(() => F.conv2d(tx, tw, tb, opts).dispose()), runs));
    if (w.id === 'W3') {
      const tdy = on(dy, [a.N, a.OC, a.OH, a.OW]);
      add(lib, threads, 'W3 bwd', timeMedian(() => {
        bk.free(bk.conv2dGradInput(tdy.storage, tw.storage, a));
        bk.free(bk.conv2dGradWeight(tx.storage, tdy.storage, a));
      }, runs));
    }
  }
  // Inference, as for the peers: no arg-max (a training forward pays for it; see bench/w6.ts).
  const px = on(poolX, [POOL.N, POOL.C, POOL.H, POOL.W]);
  add(lib, threads, 'W6 fwd', timeMedian(() => noGrad(() => F.maxPool2d(px, 2).dispose()), runs));
  const A = on(mmA, [MM, MM]), B = on(mmB, [MM, MM]);
  add(lib, threads, 'W7 fwd', timeMedian(() => noGrad(() => matmul(A, B).dispose()), runs));
}

/** convnet on its webgpu backend: the same calls, each sample k calls then one webgpuSync(). */
async function benchConvnetWebgpu(): Promise<void> {
  await setBackend('webgpu');
  const lib = 'convnet-webgpu';
  const on = (a: Float32Array, shape: number[]): Tensor => tensor(a).reshape(shape);
  const bk = backend();
  const timed = async (key: string, step: () => void): Promise<void> => {
    try {
      add(lib, 'gpu', key, (await timeGpu(step, webgpuSync, gpuTiming)).ms);
    } catch (e) {
      add(lib, 'gpu', key, null, `failed: ${firstLine(e)}`);
    }
  };
  for (const { w, x, wt, bias, dy } of data) {
    const a = w.attrs;
    const tx = on(x, [a.N, a.C, a.H, a.W]), tw = on(wt, [a.OC, a.C / a.groups, a.KH, a.KW]), tb = on(bias, [a.OC]);
    const opts = { stride: a.strideH, padding: a.padTop, groups: a.groups };
    await timed(`${w.id} fwd`, () => noGrad(() => F.conv2d(tx, tw, tb, opts).dispose()));
    if (w.id === 'W3') {
      const tdy = on(dy, [a.N, a.OC, a.OH, a.OW]);
      await timed('W3 bwd', () => {
        bk.free(bk.conv2dGradInput(tdy.storage, tw.storage, a));
        bk.free(bk.conv2dGradWeight(tx.storage, tdy.storage, a));
      });
      tdy.dispose();
    }
    tx.dispose(); tw.dispose(); tb.dispose();
  }
  const px = on(poolX, [POOL.N, POOL.C, POOL.H, POOL.W]);
  await timed('W6 fwd', () => noGrad(() => F.maxPool2d(px, 2).dispose()));
  const A = on(mmA, [MM, MM]), B = on(mmB, [MM, MM]);
  await timed('W7 fwd', () => noGrad(() => matmul(A, B).dispose()));
  px.dispose(); A.dispose(); B.dispose();
  webgpuTrim();
}

// ---- tfjs -------------------------------------------------------------------------------------

type Tf = typeof import('@tensorflow/tfjs-core');

/** NCHW → NHWC, OIHW → HWIO (or HWC1 for depthwise): tfjs's layouts. */
function nhwc(x: Float32Array, N: number, C: number, H: number, W: number): Float32Array {
  const o = new Float32Array(x.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    o[((n * H + h) * W + w) * C + c] = x[((n * C + c) * H + h) * W + w];
  }
  return o;
}
function hwio(wt: Float32Array, O: number, I: number, KH: number, KW: number): Float32Array {
  const o = new Float32Array(wt.length);
  for (let a = 0; a < O; a++) for (let i = 0; i < I; i++) for (let h = 0; h < KH; h++) for (let w = 0; w < KW; w++) {
    o[((h * KW + w) * I + i) * O + a] = wt[((a * I + i) * KH + h) * KW + w];
  }
  return o;
}

async function benchTfjs(tf: Tf, backend: 'cpu' | 'wasm' | 'webgpu', threads: number | string): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  const lib = `tfjs-${backend}`;
  const runs = backend === 'cpu' ? 3 : RUNS;
  type TfTensor = import('@tensorflow/tfjs-core').Tensor;
  // cpu and wasm finish within the call; webgpu only queues the work, so it is timed as k calls then a
  // read of one element of the last output (which waits for the GPU), keeping the last output until then.
  const timed = async (f: () => TfTensor | TfTensor[]): Promise<number> => {
    if (backend !== 'webgpu') return timeMedian(() => { const r = f(); for (const t of Array.isArray(r) ? r : [r]) t.dispose(); }, runs);
    let last: TfTensor[] = [];
    const step = (): void => { const r = f(); for (const t of last) t.dispose(); last = Array.isArray(r) ? r : [r]; };
    try {
      return (await timeGpu(step, () => tfjsSync(tf, last[last.length - 1]), gpuTiming)).ms;
    } finally {
      for (const t of last) t.dispose();
    }
  };
  for (const { w, x, wt, bias, dy } of data) {
    const a = w.attrs;
    const tx = tf.tensor4d(nhwc(x, a.N, a.C, a.H, a.W), [a.N, a.H, a.W, a.C]);
    const dw = a.groups === a.C && a.C === a.OC && a.C > 1;
    const tw = dw ? tf.tensor4d(hwio(wt, a.OC, 1, a.KH, a.KW), [a.KH, a.KW, a.C, 1])
      : tf.tensor4d(hwio(wt, a.OC, a.C, a.KH, a.KW), [a.KH, a.KW, a.C, a.OC]);
    const tb = tf.tensor1d(bias);
    const s: [number, number] = [a.strideH, a.strideW];
    add(lib, threads, `${w.id} fwd`, await timed(() => tf.tidy(() => tf.add(dw
      ? tf.depthwiseConv2d(tx, tw as import('@tensorflow/tfjs-core').Tensor4D, s, a.padTop)
      : tf.conv2d(tx, tw as import('@tensorflow/tfjs-core').Tensor4D, s, a.padTop), tb))));
    if (w.id === 'W3' && backend === 'cpu' && !argv.includes('--slow')) {
      add(lib, threads, 'W3 bwd', null, 'skipped: about 115 s a call here (run with --slow)');
    } else if (w.id === 'W3') {
      const tdy = tf.tensor4d(nhwc(dy, a.N, a.OC, a.OH, a.OW), [a.N, a.OH, a.OW, a.OC]);
      const attrs = { strides: s, pad: a.padTop, dataFormat: 'NHWC', dimRoundingMode: undefined };
      try {
        add(lib, threads, 'W3 bwd', await timed(() => [
          tf.engine().runKernel('Conv2DBackpropInput', { dy: tdy, filter: tw }, { ...attrs, inputShape: tx.shape } as never) as import('@tensorflow/tfjs-core').Tensor,
          tf.engine().runKernel('Conv2DBackpropFilter', { x: tx, dy: tdy }, { ...attrs, filterShape: tw.shape } as never) as import('@tensorflow/tfjs-core').Tensor,
        ]));
      } catch (e) {
        add(lib, threads, 'W3 bwd', null, `no kernel: ${(e as Error).message.split('\n')[0].slice(0, 60)}`);
      }
      tdy.dispose();
    }
    tx.dispose(); tw.dispose(); tb.dispose();
  }
  const tp = tf.tensor4d(nhwc(poolX, POOL.N, POOL.C, POOL.H, POOL.W), [POOL.N, POOL.H, POOL.W, POOL.C]);
  add(lib, threads, 'W6 fwd', await timed(() => tf.maxPool(tp, 2, 2, 0)));
  tp.dispose();
  const ta = tf.tensor2d(mmA, [MM, MM]), tb2 = tf.tensor2d(mmB, [MM, MM]);
  add(lib, threads, 'W7 fwd', await timed(() => tf.matMul(ta, tb2)));
  ta.dispose(); tb2.dispose();
}

// ---- onnxruntime ------------------------------------------------------------------------------

async function benchOrt(): Promise<void> {
  const ort = await import('onnxruntime-node');
  const opts = { intraOpNumThreads: THREADS, interOpNumThreads: 1, executionProviders: ['cpu'], graphOptimizationLevel: 'all' as const };
  const lib = 'onnxruntime-node';
  const run = async (model: Uint8Array, feeds: Record<string, import('onnxruntime-node').Tensor>, key: string): Promise<void> => {
    const session = await ort.InferenceSession.create(model, opts);
    add(lib, THREADS, key, await timeMedianAsync(() => session.run(feeds), RUNS));
    await session.release();
  };
  for (const { w, x, wt, bias } of data) {
    const a = w.attrs;
    const model = oneOpModel('Conv', [
      { name: 'x', shape: [a.N, a.C, a.H, a.W] },
      { name: 'w', shape: [a.OC, a.C / a.groups, a.KH, a.KW], data: wt },
      { name: 'b', shape: [a.OC], data: bias },
    ], [a.N, a.OC, a.OH, a.OW], {
      kernel_shape: [a.KH, a.KW], strides: [a.strideH, a.strideW], dilations: [1, 1], group: a.groups,
      pads: [a.padTop, a.padLeft, a.padTop, a.padLeft],
    });
    await run(model, { x: new ort.Tensor('float32', x, [a.N, a.C, a.H, a.W]) }, `${w.id} fwd`);
    if (w.id === 'W3') add(lib, THREADS, 'W3 bwd', null, 'inference only');
  }
  const OH = POOL.H >> 1;
  await run(oneOpModel('MaxPool', [{ name: 'x', shape: [POOL.N, POOL.C, POOL.H, POOL.W] }], [POOL.N, POOL.C, OH, OH],
    { kernel_shape: [2, 2], strides: [2, 2] }), { x: new ort.Tensor('float32', poolX, [POOL.N, POOL.C, POOL.H, POOL.W]) }, 'W6 fwd');
  await run(oneOpModel('MatMul', [{ name: 'a', shape: [MM, MM] }, { name: 'b', shape: [MM, MM], data: mmB }], [MM, MM], {}),
    { a: new ort.Tensor('float32', mmA, [MM, MM]) }, 'W7 fwd');
}

// ---- PyTorch ----------------------------------------------------------------------------------

function benchTorch(label: string, env: Record<string, string>): void {
  const spec = {
    runs: RUNS, pool: POOL, matmul: MM,
    convs: CONV_WORKLOADS.map((w) => ({ id: w.id, attrs: w.attrs, backward: w.id === 'W3' })),
  };
  const r = spawnSync('/usr/bin/python3', [join(here, 'torch_bench.py'), String(THREADS)], {
    input: JSON.stringify(spec), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000,
  });
  if (r.status !== 0) { add(label, '-', 'all', null, `python3 failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`); return; }
  const out = JSON.parse(r.stdout) as { threads: number; version: string; results: Record<string, number> };
  for (const [k, ms] of Object.entries(out.results)) add(`${label} ${out.version}`, out.threads, k, ms);
}

function hasTorch(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

// ---- run and report ---------------------------------------------------------------------------

const info = wasmInfo();
const touch = firstTouchLine();
process.stderr.write(`convnet peers bench — node ${process.version}, convnet-wasm ${getNumThreads()} threads, relaxed-simd ${info.relaxedSimd}\n${touch}\n`);
// The adapter first, so the header says what the webgpu columns will run on.
const gpu = WEBGPU ? await startConvnetWebgpu() : null;
const gpuLines: string[] = [gpu ? gpu.line : 'webgpu: left out (--no-webgpu)'];
process.stderr.write(`${gpuLines[0]}\n`);
// A software adapter (llvmpipe) takes seconds for a call at these sizes: one warm-up, then samples until
// the budget is spent, one sample if need be.
if (gpu?.ok && gpu.info.software) gpuTiming = { runs: RUNS, budgetMs: 3000, minSamples: 1 };
if (!ONLY_WEBGPU) {
  await benchConvnet('wasm', getNumThreads());
  if (!argv.includes('--no-ref')) await benchConvnet('ref', 1);
}
if (gpu?.ok) await benchConvnetWebgpu();
else if (gpu) add('convnet-webgpu', '-', 'all', null, `not run: ${gpu.reason}`);

if (!ONLY_WEBGPU) try {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(wasmDir + '/');
  // tfjs-wasm picks its threaded build only where it can start Web Workers (not in Node): one thread.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await benchTfjs(tf, 'wasm', 1);
  const tfjsWasmThreads = wasm.getThreadsCount?.() ?? 1;
  for (const r of rows) if (r.lib === 'tfjs-wasm') r.threads = tfjsWasmThreads;
  await benchTfjs(tf, 'cpu', 1);
} catch (e) {
  add('tfjs', '-', 'all', null, `failed: ${(e as Error).message}`);
}

if (WEBGPU) {
  // Same Dawn flags as convnet's device (on a machine without a GPU: backend=opengles, compatibility mode).
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const st = await startTfjsWebgpu(tf, dawnFlagsOf(gpu?.ok ? gpu.info.route : undefined));
    gpuLines.push(st.line);
    process.stderr.write(`${st.line}\n`);
    if (st.ok) await benchTfjs(tf, 'webgpu', 'gpu');
    else add('tfjs-webgpu', '-', 'all', null, `not run: ${st.reason}`);
  } catch (e) {
    add('tfjs-webgpu', '-', 'all', null, `failed: ${firstLine(e)}`);
  }
}

if (!ONLY_WEBGPU) {
  try { await benchOrt(); } catch (e) { add('onnxruntime-node', '-', 'all', null, `failed: ${(e as Error).message}`); }

  if (hasTorch()) {
    benchTorch('pytorch', {});
    benchTorch('pytorch-skx', { OPENBLAS_CORETYPE: 'SkylakeX', MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '4294967296' });
  } else {
    add('pytorch', '-', 'all', null, '/usr/bin/python3 has no torch');
  }
}

const keys = [...new Set(rows.filter((r) => r.key !== 'all').map((r) => r.key))].sort();
const base = new Map(rows.filter((r) => r.lib === 'convnet-wasm').map((r) => [r.key, r.ms]));
const table = rows.filter((r) => r.key !== 'all').map((r) => ({
  ...r,
  gflops: r.ms && FLOPS[r.key] ? FLOPS[r.key] / r.ms / 1e6 : null,
  ratioToConvnetWasm: r.ms && base.get(r.key) ? r.ms / base.get(r.key)! : null,
}));
console.log(`\n${touch}`);
for (const l of gpuLines) console.log(l);
console.log(`${'workload'.padEnd(8)} ${'library'.padEnd(24)} ${'thr'.padStart(3)} ${'median ms'.padStart(10)} ${'GFLOP/s'.padStart(8)} ${'× wasm'.padStart(7)}`);
for (const k of keys) {
  for (const r of table.filter((t) => t.key === k)) {
    console.log(`${k.padEnd(8)} ${r.lib.padEnd(24)} ${String(r.threads).padStart(3)} ${(r.ms === null ? 'n/a' : r.ms.toFixed(2)).padStart(10)} ` +
      `${(r.gflops === null ? '' : r.gflops.toFixed(1)).padStart(8)} ${(r.ratioToConvnetWasm === null ? '' : r.ratioToConvnetWasm.toFixed(2)).padStart(7)}` +
      `${r.note ? '  ' + r.note : ''}`);
  }
}
for (const r of rows.filter((x) => x.key === 'all')) console.log(`${r.lib}: ${r.note}`);
// The two webgpu libraries against each other (> 1: convnet-webgpu is faster).
const ours = new Map(rows.filter((r) => r.lib === 'convnet-webgpu').map((r) => [r.key, r.ms]));
const vsTfjs = rows.filter((r) => r.lib === 'tfjs-webgpu' && r.ms && ours.get(r.key))
  .map((r) => `${r.key} ${(r.ms! / ours.get(r.key)!).toFixed(2)}`);
if (vsTfjs.length) {
  console.log(`tfjs-webgpu / convnet-webgpu (> 1: convnet faster)${gpu?.ok && gpu.info.software ? ', on a SOFTWARE adapter' : ''}: ${vsTfjs.join(', ')}`);
}
const dir = join(here, 'results');
mkdirSync(dir, { recursive: true });
// A --webgpu-only run has no convnet-wasm rows: its file is named apart, so bench/summary.ts (which reads
// the latest peers-*.json) does not count it as a run.
const file = join(dir, `${ONLY_WEBGPU ? 'webgpu-only' : 'peers'}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const webgpu = gpu?.ok ? { adapter: gpu.info.adapter, software: gpu.info.software, route: gpu.info.route, lines: gpuLines } : { lines: gpuLines };
writeFileSync(file, JSON.stringify({ node: process.version, wasm: info, firstTouch: touch, webgpu, date: new Date().toISOString(), rows: table }, null, 2));
console.log(`wrote ${file}`);
