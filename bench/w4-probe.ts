// bench/w4-probe.ts — W4 alone (3→64, 7×7, stride 2, padding 3 on 224², batch 1): convnet-wasm's forward,
// median and min of RUNS timed calls, for kernel work on the stem convolution without running every peer.
//   THREADS=2 node --import tsx bench/w4-probe.ts
import { randn, F, setBackend, setNumThreads, manualSeed } from '../src/index.js';

await setBackend('wasm');
setNumThreads(Number(process.env.THREADS ?? 2));
manualSeed(0);
const x = randn([1, 3, 224, 224]);
const w = randn([64, 3, 7, 7]);
const b = randn([64]);
const RUNS = Number(process.env.RUNS ?? 60);
for (let i = 0; i < 10; i++) F.conv2d(x, w, b, { stride: 2, padding: 3 });
const t: number[] = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  F.conv2d(x, w, b, { stride: 2, padding: 3 });
  t.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
t.sort((a, c) => a - c);
const gflop = (2 * 64 * 112 * 112 * 3 * 49) / 1e9;
console.log(`W4 forward: median ${t[RUNS >> 1].toFixed(2)} ms, min ${t[0].toFixed(2)} ms (${(gflop / (t[RUNS >> 1] / 1e3)).toFixed(1)} GFLOP/s at the median); this process's CPU per call ${((cpu.user + cpu.system) / 1e3 / RUNS).toFixed(2)} ms`);
