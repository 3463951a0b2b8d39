// bench/profile-t1.ts — where a T1 step (LeNet-5, batch 64) spends its time on a backend (BACKEND, default wasm): every
// backend call timed and keyed by kernel and shape, the rest (autograd, ops, optimizer) as "JS".
//   node --import tsx bench/profile-t1.ts      THREADS=2 to profile with 2 threads; STEPS (default 200)
import { randn, randint, nn, optim, F, manualSeed, setNumThreads, setBackend } from '../src/index.js';
import { backend, Storage } from '../src/backend/index.js';

const STEPS = Number(process.env.STEPS ?? 200);
await setBackend(process.env.BACKEND ?? 'wasm');
const wasmBackend = backend();
setNumThreads(Number(process.env.THREADS ?? 1));
const acc = new Map<string, number[]>();
let on = false;
const sig = (v: unknown): string => (v instanceof Storage ? String(v.size)
  : Array.isArray(v) ? `[${v.join(',')}]` : typeof v === 'string' ? v : '');
for (const [name, fn] of Object.entries(wasmBackend)) {
  if (typeof fn !== 'function') continue;
  (wasmBackend as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    if (!on) return (fn as (...a: unknown[]) => unknown)(...args);
    const t0 = performance.now();
    const r = (fn as (...a: unknown[]) => unknown)(...args);
    const dt = performance.now() - t0;
    const attrs = args.find((a) => a && typeof a === 'object' && 'KH' in (a as object)) as Record<string, number> | undefined;
    const key = `${name} ${attrs ? `C${attrs.C}->${attrs.OC} ${attrs.H}x${attrs.W}` : args.slice(0, 3).map(sig).join(' ')}`;
    let a = acc.get(key); if (!a) acc.set(key, a = []);
    a.push(dt);
    return r;
  };
}
manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(),
  new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10));
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = randn([64, 1, 28, 28]), y = randint(0, 10, [64]);
const step = (): void => { opt.zeroGrad(); F.crossEntropy(model(x), y).backward(); opt.step(); };
for (let i = 0; i < 30; i++) step();
on = true;
const steps: number[] = [];
for (let i = 0; i < STEPS; i++) { const t0 = performance.now(); step(); steps.push(performance.now() - t0); }
const med = (a: number[]): number => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };
const perStep = [...acc].map(([k, v]) => [k, v.reduce((p, q) => p + q, 0) / STEPS, v.length / STEPS] as const)
  .sort((a, b) => b[1] - a[1]);
const kern = perStep.reduce((p, e) => p + e[1], 0);
const mean = steps.reduce((p, q) => p + q, 0) / STEPS;
console.log(`step median ${med(steps).toFixed(2)} ms, mean ${mean.toFixed(2)} ms; backend calls ${kern.toFixed(2)} ms, rest (JS) ${(mean - kern).toFixed(2)} ms`);
for (const [k, ms, n] of perStep) console.log(`${ms.toFixed(3).padStart(7)} ms  ×${n}  ${k}`);
