// bench/gpu.ts — the GPU benchmark of the issue's targets, on convnet's webgpu backend, with
// @tensorflow/tfjs-backend-webgpu and PyTorch CUDA beside it:
//
//   node --import tsx bench/gpu.ts [--quick] [--ns 8,64] [--images 60000] [--no-tfjs] [--no-torch]
//                                  [--torch-json FILE] [--python PATH] [--json FILE]
//
// Prints the adapter; W3 (conv 64→64, 56×56, 3×3, pad 1) forward and backward (dX + dW, the gradient
// kernels) at N = 8 and 64 in ms and TFLOP/s (median of several samples after warm-up, see
// bench/gpu/common.ts for how asynchronous GPU work is timed); one epoch of LeNet-5 at batch 256 over
// 60,000 synthetic 28×28 images (the real Fashion-MNIST files are not on the GPU machine: random bytes with
// a fixed seed, written as IDX files and read by convnet's FashionMNIST dataset, so each batch is scaled,
// normalised and uploaded as `convnet train` does) through `fit`, the loop the README and `convnet train`
// use, in seconds per epoch and steps/s; the same W3 numbers for tfjs-webgpu (same Dawn, same flags); and
// PyTorch CUDA's (bench/gpu_torch.py, fp32 with TF32 off, and PyTorch's defaults). Then the ratios and
// whether each target is met:
//   W3 forward at N=64 ≥ 12 TFLOP/s; W3 backward at N=64 ≥ 8 TFLOP/s; LeNet-5 epoch < 1.5 s.
// --quick: N = 1, 2 and 256 images (one step an epoch), for a software adapter (llvmpipe) in about a
// minute; targets are then not judged. --torch-json reads PyTorch's results from a file that
// bench/gpu_torch.py wrote (bench/gpu/run.sh runs it first, so its numbers survive a failure here);
// otherwise python3 is asked directly.
// The one-command run on a lent GPU machine is bench/gpu/run.sh (see bench/gpu/README.md).

import './dawn.js'; // the webgpu backend finds Dawn in bench/node_modules
import { firstTouchLine } from './first-touch.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend } from '../src/backend/index.js';
import {
  F, noGrad, tensor, manualSeed, nn, optim, fit, models, DataLoader, FashionMNIST, transforms, encodeIdx,
  FASHION_MNIST_MEAN, FASHION_MNIST_STD, webgpuSync, webgpuTrim, webgpuInfo, fallbackCounts,
} from '../src/index.js';
import type { Conv2dAttrs } from '../src/backend/backend.js';
import { CONV_WORKLOADS, convFlops, randomF32 } from './workloads.js';
import { dawnFlagsOf, firstLine, startConvnetWebgpu, startTfjsWebgpu, tfjsSync, timeGpu, type GpuTimingOptions } from './gpu/common.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
};
const QUICK = flag('quick');
const NS = (option('ns') ?? (QUICK ? '1,2' : '8,64')).split(',').map(Number);
const IMAGES = Number(option('images') ?? (QUICK ? 256 : 60000));
const BATCH = 256;
const TIMING: GpuTimingOptions = QUICK ? { runs: 3, budgetMs: 1500, minSamples: 1 } : { runs: 9, budgetMs: 4000 };
const here = dirname(fileURLToPath(import.meta.url));

const TARGETS = { fwdTflops: 12, bwdTflops: 8, epochSeconds: 1.5, targetN: 64 };

const log = (s = ''): void => { process.stdout.write(`${s}\n`); };
const W3 = CONV_WORKLOADS.find((w) => w.id === 'W3')!.attrs;
const w3 = (N: number): Conv2dAttrs => ({ ...W3, N });
const tflops = (flops: number, ms: number | null): number | null => (ms ? flops / ms / 1e9 : null);
const fmt = (v: number | null | undefined, d = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
/** A ratio: 2 decimals, or 2 significant digits below 0.1 (a software adapter against a GPU). */
const fmtR = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2));
/** TFLOP/s, with 3 significant digits below 1 (a software adapter's are thousandths). */
const fmtT = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

/** One measurement: key ('W3 fwd N64'), ms or null with the reason. */
interface Row { key: string; ms: number | null; tflops: number | null; note?: string; firstMs?: number; iters?: number; samples?: number }
const results: Record<string, unknown> = {
  date: new Date().toISOString(), node: process.version, quick: QUICK, ns: NS, images: IMAGES, batch: BATCH,
  env: { CONVNET_WEBGPU_FLAGS: process.env.CONVNET_WEBGPU_FLAGS ?? null, VK_DRIVER_FILES: process.env.VK_DRIVER_FILES ?? null },
};

log(`convnet GPU bench — ${new Date().toISOString()}, node ${process.version}, ${process.platform}-${process.arch}` +
  `${QUICK ? ', --quick (small sizes: targets not judged)' : ''}`);
log(firstTouchLine()); // the host's: batches are made in fresh CPU memory before they are uploaded
log(`W3 = conv2d ${W3.C}→${W3.OC} ${W3.H}×${W3.W} ${W3.KH}×${W3.KW} pad ${W3.padTop}, fp32; N = ${NS.join(', ')}; ` +
  `LeNet-5 epoch: ${IMAGES.toLocaleString('en-US')} images, batch ${BATCH}`);

// ---- convnet on webgpu --------------------------------------------------------------------------

const cw = await startConvnetWebgpu();
log(cw.line);
if (cw.ok) log(`  subgroups: ${cw.info.subgroups ? 'yes' : 'no'}; CONVNET_WEBGPU_FLAGS=${process.env.CONVNET_WEBGPU_FLAGS ?? '(unset)'}; VK_DRIVER_FILES=${process.env.VK_DRIVER_FILES ?? '(unset)'}`);
results.convnetAdapter = cw.ok ? cw.info : { error: cw.reason };
const software = cw.ok && cw.info.software;
const convnetRows: Row[] = [];

async function convnetW3(N: number): Promise<void> {
  const a = w3(N);
  const flops = convFlops(a);
  const x = tensor(randomF32(a.N * a.C * a.H * a.W, 1)).reshape([a.N, a.C, a.H, a.W]);
  const w = tensor(randomF32(a.OC * a.C * a.KH * a.KW, 2)).reshape([a.OC, a.C, a.KH, a.KW]);
  const b = tensor(randomF32(a.OC, 3));
  const dy = tensor(randomF32(a.N * a.OC * a.OH * a.OW, 4)).reshape([a.N, a.OC, a.OH, a.OW]);
  const bk = backend();
  const measure = async (key: string, f: number, step: () => void): Promise<void> => {
    try {
      const t = await timeGpu(step, webgpuSync, TIMING);
      convnetRows.push({ key, ms: t.ms, tflops: tflops(f, t.ms), firstMs: t.firstMs, iters: t.iters, samples: t.samples });
    } catch (e) {
      convnetRows.push({ key, ms: null, tflops: null, note: firstLine(e) });
    }
    const r = convnetRows[convnetRows.length - 1];
    log(`  convnet-webgpu ${key.padEnd(11)} ${r.ms === null ? `failed: ${r.note}` : `${fmt(r.ms, 3)} ms  ${fmtT(r.tflops)} TFLOP/s  (${r.samples}×${r.iters} iterations; first call ${fmt(r.firstMs, 0)} ms)`}`);
  };
  await measure(`W3 fwd N${N}`, flops, () => noGrad(() => F.conv2d(x, w, b, { padding: 1 }).dispose()));
  await measure(`W3 bwd N${N}`, 2 * flops, () => {
    bk.free(bk.conv2dGradInput(dy.storage, w.storage, a));
    bk.free(bk.conv2dGradWeight(x.storage, dy.storage, a));
  });
  for (const t of [x, w, b, dy]) t.dispose();
  webgpuTrim();
}

/** Random Fashion-MNIST-shaped IDX files (fixed seed) in a temporary folder, for convnet's own reader. */
function syntheticFashionMnist(n: number): string {
  const dir = join(tmpdir(), `convnet-gpu-bench-fmnist-${n}`);
  const images = join(dir, 'train-images-idx3-ubyte'), labels = join(dir, 'train-labels-idx1-ubyte');
  // Reused from an earlier run only when complete (IDX headers: 16 and 8 bytes).
  if (existsSync(images) && existsSync(labels) && statSync(images).size === 16 + n * 784 && statSync(labels).size === 8 + n) return dir;
  mkdirSync(dir, { recursive: true });
  const px = new Uint8Array(n * 28 * 28), y = new Uint8Array(n);
  let s = 12345;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < px.length; i++) px[i] = next() >>> 24;
  for (let i = 0; i < n; i++) y[i] = (next() >>> 16) % 10;
  writeFileSync(images, encodeIdx({ type: 'uint8', shape: [n, 28, 28], data: px }));
  writeFileSync(labels, encodeIdx({ type: 'uint8', shape: [n], data: y }));
  return dir;
}

interface EpochNumbers { firstEpochSeconds: number; epochSeconds: number; stepsPerSecond: number; imagesPerSecond: number; steps: number; plainLoopSeconds?: number; note?: string }
let lenet: EpochNumbers | { error: string } | null = null;

async function convnetLenet(): Promise<void> {
  const dir = syntheticFashionMnist(IMAGES);
  manualSeed(0);
  const norm = new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD);
  const trainSet = new FashionMNIST(dir, { train: true, transform: norm });
  const loader = new DataLoader(trainSet, { batchSize: BATCH, shuffle: true, seed: 0 });
  const model = models.lenet5();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  // Two epochs: the first compiles every shader and fills the buffer pool; the second is the steady state.
  const history = await fit(model, loader, { epochs: 2, optimizer, lossFn, progress: false });
  const [e1, e2] = history;
  const out: EpochNumbers = {
    firstEpochSeconds: e1.seconds, epochSeconds: e2.seconds, steps: e2.steps,
    stepsPerSecond: e2.steps / e2.seconds, imagesPerSecond: e2.imagesPerSecond,
  };
  log(`  convnet-webgpu LeNet-5 fit, epoch 1 (shader compilation included): ${fmt(e1.seconds, 3)} s`);
  log(`  convnet-webgpu LeNet-5 fit, epoch 2: ${fmt(e2.seconds, 3)} s, ${e2.steps} steps, ${fmt(out.stepsPerSecond, 1)} steps/s, ` +
    `${e2.imagesPerSecond.toFixed(0)} images/s (train loss ${e2.trainLoss.toFixed(3)})`);
  // The same epoch as the bare PyTorch-style loop with no read per step (fit reads the loss and the
  // predictions after every backward): how much those per-step waits cost.
  if (e2.seconds < (QUICK ? 2 : 60)) { // a software adapter's --quick run has no time for it
    const t0 = performance.now();
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = lossFn(model(x), y);
      loss.backward();
      optimizer.step();
      loss.dispose(); x.dispose(); y.dispose();
    }
    await webgpuSync();
    out.plainLoopSeconds = (performance.now() - t0) / 1000;
    log(`  convnet-webgpu LeNet-5 plain loop (no per-step read), epoch 3: ${fmt(out.plainLoopSeconds, 3)} s`);
  }
  lenet = out;
}

if (cw.ok) {
  for (const N of NS) await convnetW3(N);
  try {
    await convnetLenet();
  } catch (e) {
    lenet = { error: firstLine(e) };
    log(`  convnet-webgpu LeNet-5 epoch failed: ${firstLine(e)}`);
  }
  const fb = fallbackCounts();
  if (Object.keys(fb).length) log(`  kernels that ran on ref through the fallback (copies each call): ${JSON.stringify(fb)}`);
  results.convnetFallbacks = fb;
  results.convnetStats = webgpuInfo();
}
results.convnet = convnetRows;
results.lenet = lenet;

// ---- tfjs-backend-webgpu ------------------------------------------------------------------------

const tfjsRows: Row[] = [];
if (flag('no-tfjs')) {
  log('tfjs-webgpu: skipped (--no-tfjs)');
} else {
  const tf = await import('@tensorflow/tfjs-core');
  const flags = dawnFlagsOf(cw.ok ? cw.info.route : undefined);
  const st = await startTfjsWebgpu(tf, flags);
  log(st.line);
  results.tfjsAdapter = st.ok ? { adapter: st.adapter, software: st.software, compat: st.compat } : { error: st.reason };
  if (st.ok) {
    for (const N of NS) {
      const a = w3(N);
      const flops = convFlops(a);
      // Random data, so tfjs's NHWC / HWIO layouts need no conversion.
      const x = tf.tensor4d(randomF32(a.N * a.H * a.W * a.C, 1), [a.N, a.H, a.W, a.C]);
      const w = tf.tensor4d(randomF32(a.KH * a.KW * a.C * a.OC, 2), [a.KH, a.KW, a.C, a.OC]);
      const b = tf.tensor1d(randomF32(a.OC, 3));
      const dy = tf.tensor4d(randomF32(a.N * a.OH * a.OW * a.OC, 4), [a.N, a.OH, a.OW, a.OC]);
      const attrs = { strides: [1, 1], pad: a.padTop, dataFormat: 'NHWC', dimRoundingMode: undefined };
      const measure = async (key: string, f: number, call: () => import('@tensorflow/tfjs-core').Tensor[]): Promise<void> => {
        let last: import('@tensorflow/tfjs-core').Tensor[] = [];
        const step = (): void => { const r = call(); for (const t of last) t.dispose(); last = r; };
        try {
          const t = await timeGpu(step, () => tfjsSync(tf, last[last.length - 1]), TIMING);
          tfjsRows.push({ key, ms: t.ms, tflops: tflops(f, t.ms), firstMs: t.firstMs, iters: t.iters, samples: t.samples });
        } catch (e) {
          tfjsRows.push({ key, ms: null, tflops: null, note: firstLine(e) });
        }
        for (const t of last) t.dispose();
        const r = tfjsRows[tfjsRows.length - 1];
        log(`  tfjs-webgpu    ${key.padEnd(11)} ${r.ms === null ? `failed: ${r.note}` : `${fmt(r.ms, 3)} ms  ${fmtT(r.tflops)} TFLOP/s  (${r.samples}×${r.iters} iterations; first call ${fmt(r.firstMs, 0)} ms)`}`);
      };
      await measure(`W3 fwd N${N}`, flops, () => [tf.tidy(() => tf.add(tf.conv2d(x, w, 1, a.padTop), b))]);
      await measure(`W3 bwd N${N}`, 2 * flops, () => [
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as never) as import('@tensorflow/tfjs-core').Tensor,
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as never) as import('@tensorflow/tfjs-core').Tensor,
      ]);
      for (const t of [x, w, b, dy]) t.dispose();
    }
  }
}
results.tfjs = tfjsRows;

// ---- PyTorch CUDA -------------------------------------------------------------------------------

interface TorchOut {
  ok: boolean; reason?: string; torch?: string; device?: string; cuda?: boolean;
  configs?: { key: string; label: string; results: Record<string, number | null> }[];
  lenet?: { epochSeconds: number; firstEpochSeconds: number; stepsPerSecond: number; steps: number; imagesPerSecond: number };
}

function runTorch(): TorchOut {
  const file = option('torch-json');
  if (file) {
    try { return JSON.parse(readFileSync(file, 'utf8')) as TorchOut; } catch (e) { return { ok: false, reason: `cannot read ${file}: ${firstLine(e)}` }; }
  }
  if (flag('no-torch')) return { ok: false, reason: 'skipped (--no-torch)' };
  const script = [join(here, 'gpu_torch.py'), join(process.cwd(), 'bench', 'gpu_torch.py')].find((p) => existsSync(p));
  if (!script) return { ok: false, reason: 'bench/gpu_torch.py not found' };
  const pythons = option('python') ? [option('python')!] : ['python3', '/usr/bin/python3'];
  const python = pythons.find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
  if (!python) return { ok: false, reason: `no python with torch (tried ${pythons.join(', ')})` };
  const args = [script, '--ns', NS.join(','), '--images', String(IMAGES), '--batch', String(BATCH), ...(QUICK ? ['--quick'] : [])];
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) return { ok: false, reason: `${python} ${script} failed (${r.error?.message ?? `exit ${r.status}`})` };
  try { return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchOut; } catch (e) { return { ok: false, reason: `unreadable output: ${firstLine(e)}` }; }
}

const torch = runTorch();
results.torch = torch;
if (!torch.ok) log(`pytorch-cuda: not measured (${torch.reason})`);
else log(`pytorch-cuda: torch ${torch.torch} on ${torch.device}${torch.cuda ? '' : ' (NOT CUDA: a CPU run, no ratios)'}`);
const torchRef = torch.ok && torch.cuda ? torch.configs?.find((c) => c.key === 'fp32') : undefined;

// ---- summary ------------------------------------------------------------------------------------

log('');
log(`summary (ms per call; TFLOP/s; speed ratio = peer ms / convnet ms, > 1: convnet faster)${software ? ' — convnet on a SOFTWARE ADAPTER' : ''}`);
const head = `${'workload'.padEnd(12)} ${'convnet-webgpu'.padStart(20)} ${'tfjs-webgpu'.padStart(20)} ${'ratio'.padStart(6)}`;
const torchCols = torch.ok && torch.configs ? torch.configs : [];
log(head + torchCols.map((c) => ` ${c.label.padStart(28)}`).join('') + (torchRef ? ` ${'ratio fp32'.padStart(10)}` : ''));
const keys = NS.flatMap((N) => [`W3 fwd N${N}`, `W3 bwd N${N}`]);
const cell = (ms: number | null | undefined, f: number): string => (ms ? `${fmt(ms, 3)} ms ${fmtT(tflops(f, ms))}T` : 'n/a');
const ratios: Record<string, { tfjs: number | null; torchFp32: number | null }> = {};
for (const key of keys) {
  const N = Number(key.split('N')[1]);
  const f = (key.includes('bwd') ? 2 : 1) * convFlops(w3(N));
  const ours = convnetRows.find((r) => r.key === key)?.ms ?? null;
  const tj = tfjsRows.find((r) => r.key === key)?.ms ?? null;
  const tr = torchRef?.results[key] ?? null;
  ratios[key] = { tfjs: ours && tj ? tj / ours : null, torchFp32: ours && tr ? tr / ours : null };
  log(`${key.padEnd(12)} ${cell(ours, f).padStart(20)} ${cell(tj, f).padStart(20)} ${fmtR(ratios[key].tfjs).padStart(6)}` +
    torchCols.map((c) => ` ${cell(c.results[key], f).padStart(28)}`).join('') + (torchRef ? ` ${fmtR(ratios[key].torchFp32).padStart(10)}` : ''));
}
// (lenet is set inside async functions, which TypeScript's narrowing does not follow.)
const lenetResult = lenet as EpochNumbers | { error: string } | null;
const ln: EpochNumbers | null = lenetResult && 'epochSeconds' in lenetResult ? lenetResult : null;
const tl = torch.ok && torch.cuda ? torch.lenet : undefined;
log(`${'LeNet epoch'.padEnd(12)} ${(ln ? `${fmt(ln.epochSeconds, 3)} s ${fmt(ln.stepsPerSecond, 1)} st/s` : 'n/a').padStart(20)} ${'-'.padStart(20)} ${''.padStart(6)}` +
  // PyTorch's epoch ran under fp32 (TF32 off): its column, the other settings' left blank.
  torchCols.map((c, i) => ` ${(i === 0 && tl ? `${fmt(tl.epochSeconds, 3)} s ${fmt(tl.stepsPerSecond, 1)} st/s` : '').padStart(28)}`).join('') +
  (torchRef ? ` ${(tl && ln ? fmtR(tl.epochSeconds / ln.epochSeconds) : 'n/a').padStart(10)}` : ''));
results.ratios = ratios;

// ---- targets ------------------------------------------------------------------------------------

const judged = !QUICK && cw.ok && !software && NS.includes(TARGETS.targetN);
const why = QUICK ? 'not judged: --quick sizes' : !cw.ok ? 'not judged: no webgpu adapter' : software ? 'not judged: software adapter' :
  !NS.includes(TARGETS.targetN) ? `not judged: N=${TARGETS.targetN} not run` : '';
const verdict = (ok: boolean | null): string => (!judged ? `(${why})` : ok === null ? 'NOT MEASURED' : ok ? 'MET' : 'NOT MET');
const fwd = convnetRows.find((r) => r.key === `W3 fwd N${TARGETS.targetN}`)?.tflops ?? null;
const bwd = convnetRows.find((r) => r.key === `W3 bwd N${TARGETS.targetN}`)?.tflops ?? null;
const ep = ln ? ln.epochSeconds : null;
const targets = {
  w3Forward: { target: `≥ ${TARGETS.fwdTflops} TFLOP/s at N=${TARGETS.targetN}`, value: fwd, met: judged && fwd !== null ? fwd >= TARGETS.fwdTflops : null },
  w3Backward: { target: `≥ ${TARGETS.bwdTflops} TFLOP/s at N=${TARGETS.targetN}`, value: bwd, met: judged && bwd !== null ? bwd >= TARGETS.bwdTflops : null },
  lenetEpoch: { target: `< ${TARGETS.epochSeconds} s (batch ${BATCH}, 60,000 images, upload included)`, value: ep, met: judged && ep !== null && IMAGES === 60000 ? ep < TARGETS.epochSeconds : null },
};
results.targets = { judged, why, ...targets };
log('');
log('targets (on a hardware GPU, full sizes):');
log(`  W3 forward  ${targets.w3Forward.target.padEnd(50)} ${fmtT(fwd)} TFLOP/s  ${verdict(targets.w3Forward.met)}`);
log(`  W3 backward ${targets.w3Backward.target.padEnd(50)} ${fmtT(bwd)} TFLOP/s  ${verdict(targets.w3Backward.met)}`);
log(`  LeNet-5     ${targets.lenetEpoch.target.padEnd(50)} ${fmt(ep, 3)} s${IMAGES === 60000 ? '' : ` (${IMAGES} images)`}  ${verdict(targets.lenetEpoch.met)}`);
log('LeNet-5 data: synthetic uint8 images (fixed seed), not Fashion-MNIST; same shape and the same per-batch path ' +
  '(IDX bytes → scale, normalise → upload of each batch).');

const jsonFile = option('json');
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify(results, null, 2));
  log(`wrote ${jsonFile}`);
}
// Dawn keeps the event loop alive while devices exist: leave once the report is out.
process.exit(0);
