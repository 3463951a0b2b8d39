// bench/ops.ts — `npm run bench:ops`: GFLOP/s of conv2d forward, grad input (dX) and grad weight (dW)
// on the issue-2 workloads, and of a 1024³ matmul, for each CPU backend, calling the kernels directly
// (no tensors, no autograd). Median of several runs after a warm-up. Not a test.
//
//   node --import tsx bench/ops.ts [--threads N] [--only W3] [--no-ref]

import type { Backend } from '../src/backend/backend.js';
import { refBackend } from '../src/backend/ref/index.js';
import { setNumThreads, getNumThreads, wasmBackend, wasmInfo } from '../src/backend/wasm/index.js';
import { CONV_WORKLOADS, convFlops, randomF32, timeMedian } from './workloads.js';

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
if (opt('--threads')) setNumThreads(Number(opt('--threads')));
const only = opt('--only');
const backends: Backend[] = argv.includes('--no-ref') ? [wasmBackend] : [refBackend, wasmBackend];

const info = wasmInfo();
console.log(`convnet bench:ops — node ${process.version}, wasm threads ${getNumThreads()}, relaxed-simd ${info.relaxedSimd}`);
const fmt = (ms: number, flops: number): string => `${ms.toFixed(2).padStart(9)} ms ${(flops / ms / 1e6).toFixed(1).padStart(7)} GFLOP/s`;

for (const w of CONV_WORKLOADS) {
  if (only && !only.split(',').includes(w.id)) continue;
  const a = w.attrs;
  const x = randomF32(a.N * a.C * a.H * a.W, 1), wt = randomF32(a.OC * (a.C / a.groups) * a.KH * a.KW, 2);
  const bias = randomF32(a.OC, 3), dy = randomF32(a.N * a.OC * a.OH * a.OW, 4);
  const f = convFlops(a);
  for (const b of backends) {
    const runs = b === refBackend ? 3 : 15;
    const fwd = timeMedian(() => b.conv2d(x, wt, bias, a), runs, 1);
    const dx = timeMedian(() => b.conv2dGradInput(dy, wt, a), runs, 1);
    const dw = timeMedian(() => b.conv2dGradWeight(x, dy, a), runs, 1);
    console.log(`${w.id} ${w.label.padEnd(30)} ${b.name.padEnd(4)} fwd ${fmt(fwd, f)} | dX ${fmt(dx, f)} | dW ${fmt(dw, f)} | bwd ${fmt(dx + dw, 2 * f)}`);
  }
}

if (!only || only.split(',').includes('W7')) {
  const n = 1024, A = randomF32(n * n, 5), B = randomF32(n * n, 6), f = 2 * n * n * n;
  for (const b of backends) {
    const ms = timeMedian(() => b.matmul(A, B, 1, n, n, n), b === refBackend ? 3 : 10, 1);
    console.log(`W7 matmul 1024³${' '.repeat(16)} ${b.name.padEnd(4)}     ${fmt(ms, f)}`);
  }
}
