// bench/w6.ts — W6 alone (max-pool 2×2 s2 on N8 64×112×112), convnet-wasm against tfjs-wasm in one run,
// alternating rounds so both see the same machine state: `node --import tsx bench/w6.ts` (ROUNDS=5).
// convnet: inference (no arg-max, as tfjs) and with the arg-max a training forward keeps; 1 and 2 threads.
// tfjs-wasm: one thread (its threaded build needs Web Workers). Both compute on data resident in their
// heaps and leave the result there (disposed), as bench/peers.ts times them.
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { setNumThreads } from '../src/backend/wasm/index.js';
import { F, tensor, noGrad, setBackend } from '../src/index.js';
import { randomF32, timeMedian } from './workloads.js';
import { firstTouchLine } from './first-touch.js';

const N = 8, C = 64, H = 112, W = 112, ROUNDS = Number(process.env.ROUNDS ?? 5), RUNS = 15;
const x = randomF32(N * C * H * W, 5);
await setBackend('wasm');
const px = tensor(x).reshape([N, C, H, W]);
const pg = px.detach().requiresGrad_(true); // a training forward: the arg-max is kept for the backward
console.log(firstTouchLine());

const require = createRequire(import.meta.url);
const tf = await import('@tensorflow/tfjs-core');
const tfw = await import('@tensorflow/tfjs-backend-wasm');
tfw.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
await tf.setBackend('wasm');
await tf.ready();
const nhwc = new Float32Array(x.length);
for (let c = 0; c < C; c++) for (let n = 0; n < N; n++) for (let i = 0; i < H * W; i++) nhwc[(n * H * W + i) * C + c] = x[(n * C + c) * H * W + i];
const tx = tf.tensor4d(nhwc, [N, H, W, C]);

const res = new Map<string, number[]>();
const add = (k: string, ms: number): void => { if (!res.has(k)) res.set(k, []); res.get(k)!.push(ms); };
for (let r = 0; r < ROUNDS; r++) {
  for (const t of [1, 2]) {
    setNumThreads(t);
    add(`convnet-wasm ${t}T inference`, timeMedian(() => noGrad(() => F.maxPool2d(px, 2).dispose()), RUNS));
    add(`convnet-wasm ${t}T with argmax`, timeMedian(() => F.maxPool2d(pg, 2).dispose(), RUNS));
  }
  add('tfjs-wasm 1T', timeMedian(() => { tf.maxPool(tx, 2, 2, 0).dispose(); }, RUNS));
}
const med = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1];
const tfjs = med(res.get('tfjs-wasm 1T')!);
console.log(`W6 max-pool 2x2 s2 N${N} ${C}x${H}x${W}: median over ${ROUNDS} rounds of the median of ${RUNS} calls`);
for (const [k, v] of res) console.log(`${k.padEnd(30)} ${med(v).toFixed(2).padStart(6)} ms   tfjs-wasm/this ${(tfjs / med(v)).toFixed(2)}`);
