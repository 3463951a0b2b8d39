// playground/learn-kernel.ts — learning the [1, −1] edge detector back by gradient descent, one step per
// click (Step) or until it converges (Run), with the loss curve drawn by uPlot. The loop is the tutorial's
// (examples/learn-kernel.ts): manualSeed(seed), a Conv2d(1, 1, [1, 2]) with a bias, the summed squared
// error, backward, p -= lr · grad under noGrad, gradients zeroed.
//
// For tests: #status carries data-steps and data-converged; the kernel and the bias are the tables
// data-name="kernel" and "bias"; #log has the tutorial's lines "step N, loss L" every 5 steps.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ones, tensor, nn, F, noGrad, manualSeed, type Tensor } from '../src/browser.js';
import { el, byId, fill, navBar, matrixTable, rowsOf, startThreads } from './_common.js';

declare global { interface Window { ready?: boolean } }

navBar('learn-kernel.html');

/** Run stops once the kernel and the bias are this close to [1, −1] and 0 (max abs difference). */
const TOLERANCE = 1e-4;
/** …or after this many steps. */
const MAX_STEPS = 5000;

const X = ones(6, 8); // X[:, 2:6] = 0: columns 2–5 black
X.indexPut_(':, 2:6', 0);
const Y = F.corr2d(X, tensor([[1, -1]]));
const X4 = X.reshape([1, 1, 6, 8]), Y4 = Y.reshape([1, 1, 6, 7]);

let conv: nn.Conv2d;
let steps: number[] = [];
let losses: number[] = [];
let running = false;
let distance = Infinity;

const lrInput = byId<HTMLInputElement>('lr'), seedInput = byId<HTMLInputElement>('seed');
const status = byId('status'), log = byId('log');
const runButton = byId<HTMLButtonElement>('run'), stepButton = byId<HTMLButtonElement>('step'), resetButton = byId<HTMLButtonElement>('reset');

const chart = new uPlot({
  width: 560, height: 320, title: 'loss (summed squared error)',
  scales: { x: { time: false }, y: { distr: 3 } },
  axes: [{ label: 'step' }, { label: 'loss (log scale)', size: 60, values: (_u, vals) => vals.map((v) => (v == null ? '' : v.toExponential(0))) }],
  series: [{ label: 'step' }, { label: 'loss', stroke: '#0b63c5', width: 2, points: { show: false } }],
}, [[], []], byId('chart'));

function reset(): void {
  const seed = Number(seedInput.value);
  manualSeed(Number.isInteger(seed) && seed >= 0 ? seed : 0);
  conv = new nn.Conv2d(1, 1, [1, 2]);
  steps = []; losses = []; distance = Infinity;
  log.textContent = '';
}

/** One gradient-descent step; the loss before the update (as the tutorial prints it). */
async function step(): Promise<number> {
  const lr = Number(lrInput.value);
  if (!(lr > 0 && lr <= 0.05)) throw new Error('the learning rate must be in (0, 0.05]: larger ones diverge');
  const Yhat = conv(X4);
  const l = Yhat.sub(Y4).pow(2).sum();
  conv.zeroGrad();
  l.backward();
  noGrad(() => {
    for (const p of conv.parameters()) p.sub_(p.grad!.mul(lr));
  });
  const loss = (await l.dataAsync())[0];
  steps.push(steps.length + 1);
  losses.push(loss);
  if (steps.length % 5 === 0) log.textContent += `step ${steps.length}, loss ${loss.toFixed(3)}\n`;
  return loss;
}

async function render(): Promise<void> {
  const w = Array.from(await conv.weight.dataAsync()), b = (await conv.bias!.dataAsync())[0];
  distance = Math.max(Math.abs(w[0] - 1), Math.abs(w[1] + 1), Math.abs(b));
  const converged = distance < TOLERANCE;
  const Yhat = noGrad(() => conv(X4)).reshape([6, 7]);
  fill(byId('params'),
    matrixTable('kernel', [w], { caption: 'kernel (learned)', digits: 6 }),
    matrixTable('bias', [[b]], { caption: 'bias', digits: 6 }),
    el('p', { class: 'eq' }, `step ${steps.length}, loss ${losses.length ? losses[losses.length - 1].toExponential(3) : '—'}, distance to [1, −1] and 0: ${distance.toExponential(2)}`));
  fill(byId('data'),
    matrixTable('X', await rowsOf(X), { caption: 'X (6×8)' }),
    matrixTable('Y', await rowsOf(Y), { caption: 'Y = corr2d(X, [1, −1])' }),
    matrixTable('Yhat', await rowsOf(Yhat), { caption: 'the layer\'s output now', digits: 3 }));
  chart.setData([steps, losses]);
  status.textContent = converged ? `converged after ${steps.length} steps` : running ? 'running…' : `${steps.length} steps`;
  status.dataset.steps = String(steps.length);
  status.dataset.converged = String(converged);
}

async function runUntilConverged(): Promise<void> {
  running = true;
  runButton.textContent = 'Stop';
  stepButton.disabled = resetButton.disabled = true;
  try {
    while (running && distance >= TOLERANCE && steps.length < MAX_STEPS) {
      const t0 = performance.now();
      while (performance.now() - t0 < 12 && steps.length < MAX_STEPS) await step(); // a frame's worth
      await render();
      await new Promise((r) => requestAnimationFrame(r));
    }
  } finally {
    running = false;
    runButton.textContent = 'Run';
    stepButton.disabled = resetButton.disabled = false;
    await render();
  }
}

const guard = (f: () => Promise<void>) => () => {
  f().catch((e) => { status.textContent = e instanceof Error ? e.message : String(e); });
};

stepButton.addEventListener('click', guard(async () => { await step(); await render(); }));
runButton.addEventListener('click', guard(async () => {
  if (running) running = false;
  else await runUntilConverged();
}));
resetButton.addEventListener('click', guard(async () => { reset(); await render(); }));
seedInput.addEventListener('change', guard(async () => { if (!running) { reset(); await render(); } }));

async function main(): Promise<void> {
  await startThreads();
  reset();
  await render();
  window.ready = true;
}

main().catch((e) => {
  document.querySelector('main')?.prepend(el('p', { class: 'error' }, `The page failed: ${e instanceof Error ? e.message : String(e)}`));
  throw e;
});
