// bench/ops.ts — `npm run bench:ops`: GFLOP/s of conv2d forward, grad input (dX) and grad weight (dW)
// on the conv workloads (bench/workloads.ts), and of a 1024³ matmul, for each CPU backend, calling the
// kernels directly on resident storages (no tensors, no autograd; each output freed). Median of several
// runs after a warm-up. Not a test.
//
//   node --import tsx bench/ops.ts [--threads N] [--only W3] [--no-ref]

import { backend, setBackend, type Backend, type Storage } from '../src/backend/index.js';
import { setNumThreads, getNumThreads, wasmInfo } from '../src/backend/wasm/index.js';
import { CONV_WORKLOADS, convFlops, randomF32, timeMedian } from './workloads.js';
import { firstTouchLine } from './first-touch.js';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
if (opt('--threads')) setNumThreads(Number(opt('--threads')));
const only = opt('--only');
const started = async (name: string): Promise<Backend> => { await setBackend(name); return backend(); };
const backends: Backend[] = argv.includes('--no-ref') ? [await started('wasm')] : [await started('ref'), await started('wasm')];
const put = (b: Backend, a: Float32Array): Storage => { const s = b.alloc('float32', a.length); b.write(s, a); return s; };

const info = wasmInfo();
console.log(`convnet bench:ops — node ${process.version}, wasm threads ${getNumThreads()}, relaxed-simd ${info.relaxedSimd}`);
console.log(firstTouchLine());
const fmt = (ms: number, flops: number): string => `${ms.toFixed(2).padStart(9)} ms ${(flops / ms / 1e6).toFixed(1).padStart(7)} GFLOP/s`;

for (const w of CONV_WORKLOADS) {
  if (only && !only.split(',').includes(w.id)) continue;
  const a = w.attrs;
  const x = randomF32(a.N * a.C * a.H * a.W, 1), wt = randomF32(a.OC * (a.C / a.groups) * a.KH * a.KW, 2);
  const bias = randomF32(a.OC, 3), dy = randomF32(a.N * a.OC * a.OH * a.OW, 4);
  const f = convFlops(a);
  for (const b of backends) {
    const runs = b.name === 'ref' ? 3 : 15;
    const sx = put(b, x), sw = put(b, wt), sb = put(b, bias), sdy = put(b, dy);
    const fwd = timeMedian(() => b.free(b.conv2d(sx, sw, sb, a)), runs, 1);
    const dx = timeMedian(() => b.free(b.conv2dGradInput(sdy, sw, a)), runs, 1);
    const dw = timeMedian(() => b.free(b.conv2dGradWeight(sx, sdy, a)), runs, 1);
    console.log(`${w.id} ${w.label.padEnd(30)} ${b.name.padEnd(4)} fwd ${fmt(fwd, f)} | dX ${fmt(dx, f)} | dW ${fmt(dw, f)} | bwd ${fmt(dx + dw, 2 * f)}`);
  }
}

if (!only || only.split(',').includes('W7')) {
  const n = 1024, A = randomF32(n * n, 5), B = randomF32(n * n, 6), f = 2 * n * n * n;
  for (const b of backends) {
    const sA = put(b, A), sB = put(b, B);
    const ms = timeMedian(() => b.free(b.matmul(sA, sB, 1, n, n, n)), b.name === 'ref' ? 3 : 10, 1);
    console.log(`W7 matmul 1024³${' '.repeat(16)} ${b.name.padEnd(4)}     ${fmt(ms, f)}`);
  }
}
