// bench/t1.ts — T1: one LeNet-5 training step at batch 64 (forward, cross-entropy, backward, SGD with
// momentum), the whole step as a user runs it, autograd and optimizer included.
//   node --import tsx bench/t1.ts            convnet-wasm on 1 and 2 threads (THREADS=1,2 to choose),
//                                            convnet-webgpu (WEBGPU=0 leaves it out), then PyTorch
//                                            (2 threads) when /usr/bin/python3 has torch
// Prints median ms/step (and the mean, which includes GC pauses) and images/s per configuration, and the ratio PyTorch / convnet (> 1: convnet
// is faster). BACKEND=ref times the reference backend instead. STEPS sets the timed steps (default 200).
// The webgpu row names its adapter ("software adapter" for llvmpipe: CPU emulation, not GPU speed); its
// steps only queue GPU work, so it is timed as k steps then one webgpuSync(), per step (bench/gpu/common.ts),
// and compared with PyTorch on its own line, not counted in the CPU ratio.
import './dawn.js'; // the webgpu backend finds Dawn in bench/node_modules
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randn, randint, nn, optim, F, manualSeed, setBackend, setNumThreads, getBackend, webgpuSync } from '../src/index.js';
import * as lib from '../src/index.js';
import { firstTouchLine } from './first-touch.js';
import { lenet as lenetOf } from './lenet-step.js';
import { firstLine, startConvnetWebgpu, timeGpu } from './gpu/common.js';

const STEPS = Number(process.env.STEPS ?? 200);
const THREADS = (process.env.THREADS ?? '1,2').split(',').map(Number);
const BATCH = 64;

/** LeNet-5 as the tutorial builds it (bench/lenet-step.ts: the page bench runs the same). */
const lenet = (): nn.Sequential => lenetOf(lib);

/** Mean step time per thread count: unlike the median it includes garbage-collection pauses. */
const means = new Map<number, number>();

function timeConvnet(threads: number): number {
  manualSeed(0);
  setNumThreads(threads);
  const model = lenet();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([BATCH, 1, 28, 28]), y = randint(0, 10, [BATCH]);
  const step = (): void => { opt.zeroGrad(); F.crossEntropy(model(x), y).backward(); opt.step(); };
  for (let i = 0; i < 30; i++) step();
  const t: number[] = [];
  for (let i = 0; i < STEPS; i++) { const t0 = performance.now(); step(); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b);
  means.set(threads, t.reduce((a, b) => a + b, 0) / t.length);
  return t[t.length >> 1];
}

/** T1 on the webgpu backend: median and mean ms per step, or why it did not run. */
async function timeConvnetWebgpu(): Promise<{ ms: number; mean: number; software: boolean } | string> {
  const st = await startConvnetWebgpu();
  console.log(st.line);
  if (!st.ok) return st.reason;
  try {
    manualSeed(0);
    const model = lenet();
    const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = randn([BATCH, 1, 28, 28]), y = randint(0, 10, [BATCH]);
    const step = (): void => { opt.zeroGrad(); F.crossEntropy(model(x), y).backward(); opt.step(); };
    // A software adapter takes a second or more a step here: fewer samples, within a budget.
    const t = await timeGpu(step, webgpuSync, st.info.software ? { runs: 5, budgetMs: 8000, minSamples: 1 } : { runs: Math.max(3, Math.ceil(STEPS / 20)), budgetMs: 10000 });
    return { ms: t.ms, mean: t.meanMs, software: st.info.software };
  } catch (e) {
    return firstLine(e);
  }
}

const TORCH = `
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
m = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(${BATCH}, 1, 28, 28); y = torch.randint(0, 10, (${BATCH},))
def step():
    opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
for _ in range(30): step()
t = []
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter(); step(); t.append((time.perf_counter() - t0) * 1e3)
t.sort(); print(t[len(t) // 2], torch.__version__, sum(t) / len(t))
`;

// As the design notes ask: PyTorch as Debian runs it, and with OpenBLAS's AVX-512 kernels and glibc's
// allocator tuned to keep freed memory (the settings that make it fastest here).
const SKYLAKEX = { OPENBLAS_CORETYPE: 'SkylakeX', MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '4294967296' };

function timeTorch(threads: number, env: Record<string, string> = {}): { ms: number; version: string; mean: number } | string {
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH, String(threads), String(STEPS)], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').pop()!;
  const [ms, version, mean] = r.stdout.trim().split(' ');
  return { ms: Number(ms), version, mean: Number(mean) };
}

if (process.env.BACKEND) await setBackend(process.env.BACKEND);
const line = (name: string, ms: number, extra = '', mean?: number): void =>
  console.log(`${name.padEnd(30)} ${ms.toFixed(2).padStart(7)} ms/step  ${(BATCH * 1000 / ms).toFixed(0).padStart(6)} images/s` +
    `${mean === undefined ? '' : `  (mean ${mean.toFixed(2)} ms)`}${extra}`);
const touch = firstTouchLine();
console.log(`T1: LeNet-5 training step, batch ${BATCH}, median of ${STEPS} steps; ${touch}`);
const record: { lib: string; threads: number; median: number; mean: number }[] = [];
const ours = new Map<number, number>();
for (const t of THREADS) {
  const ms = timeConvnet(t);
  ours.set(t, ms);
  line(`convnet-${getBackend()} ${t} thread${t > 1 ? 's' : ''}`, ms, '', means.get(t));
  record.push({ lib: `convnet-${getBackend()}`, threads: t, median: ms, mean: means.get(t)! });
}
const gpu = process.env.WEBGPU === '0' ? 'left out (WEBGPU=0)' : await timeConvnetWebgpu();
if (typeof gpu === 'string') console.log(`convnet-webgpu: not run (${gpu})`);
else {
  line(`convnet-webgpu${gpu.software ? ' (software)' : ''}`, gpu.ms, '', gpu.mean);
  record.push({ lib: 'convnet-webgpu', threads: 0, median: gpu.ms, mean: gpu.mean });
}
const torch = timeTorch(2), torch1 = timeTorch(1), torchSkx = timeTorch(2, SKYLAKEX);
if (typeof torch === 'string') console.log(`pytorch: not run (${torch})`);
else {
  const best = Math.min(...ours.values());
  const ratio = (ms: number) => `   ratio pytorch/convnet ${(ms / best).toFixed(2)}`;
  line(`pytorch ${torch.version} 2 threads`, torch.ms, ratio(torch.ms), torch.mean);
  if (typeof torch1 !== 'string') line(`pytorch ${torch1.version} 1 thread`, torch1.ms, ratio(torch1.ms), torch1.mean);
  if (typeof torchSkx !== 'string') line(`pytorch ${torchSkx.version} 2 thr SkylakeX`, torchSkx.ms, ratio(torchSkx.ms), torchSkx.mean);
  if (typeof gpu !== 'string') {
    console.log(`ratio pytorch (2 threads) / convnet-webgpu ${(torch.ms / gpu.ms).toFixed(2)}${gpu.software ? ' (convnet on a software adapter)' : ''}`);
  }
  record.push({ lib: 'pytorch', threads: 2, median: torch.ms, mean: torch.mean });
  if (typeof torch1 !== 'string') record.push({ lib: 'pytorch', threads: 1, median: torch1.ms, mean: torch1.mean });
  if (typeof torchSkx !== 'string') record.push({ lib: 'pytorch-skx', threads: 2, median: torchSkx.ms, mean: torchSkx.mean });
}
const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `t1-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ node: process.version, firstTouch: touch, steps: STEPS, rows: record }, null, 2));
