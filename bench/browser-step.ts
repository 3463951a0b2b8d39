// bench/browser-step.ts — issue 10's speed target: T1 (one LeNet-5 training step at batch 64, forward,
// backward and SGD) in Chromium against the same step in Node, in the same run, on the wasm backend with
// the same number of threads. The page is served cross-origin isolated (COOP/COEP), so the wasm backend
// gets shared memory and initWasmThreads starts its Web Worker pool.
//
//   node --import tsx bench/browser-step.ts        ROUNDS=3 STEPS=100 THREADS=2
//
// Each round times the page (a fresh page in Debian's headless Chromium) and then Node, and prints the
// median ms per step of each and the ratio page / Node (the target: at most 1.3). At the end: the min
// and the median of the ratios over the rounds. The header prints the first-touch cost of fresh memory.

import { build } from 'esbuild';
import * as lib from '../src/index.js';
import { firstTouchLine } from './first-touch.js';
import { lenetStep, medianMs } from './lenet-step.js';
import { launchChromium, pageResult, servePages } from '../test/helpers/chromium.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3), STEPS = Number(process.env.STEPS ?? 100), THREADS = Number(process.env.THREADS ?? 2);

const page = await build({
  entryPoints: [new URL('./browser/step-page.ts', import.meta.url).pathname], bundle: true, format: 'esm',
  platform: 'browser', target: 'es2022', write: false, logLevel: 'warning',
});
const html = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>T1 in the page</title><script type="module" src="step.js"></script>`;
const server = await servePages({
  bundle: new Map([['step.js', page.outputFiles[0].contents], ['index.html', new TextEncoder().encode(html)]]),
  dir: new URL('./browser/', import.meta.url),
});
const browser = await launchChromium(['--disable-gpu']);
await lib.setBackend('wasm');
lib.setNumThreads(THREADS);
console.log(`T1 in the page vs in Node: LeNet-5 step, batch 64, wasm, ${THREADS} threads, median of ${STEPS} steps per round`);
console.log(firstTouchLine());
const ratios: number[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const r = await pageResult<{ ms: number; threads: number; isolated: boolean; backend: string; userAgent: string }>(
      browser, `${server.url}/coi/index.html?threads=${THREADS}&steps=${STEPS}`, 120_000);
    if (round === 1) console.log(`page: ${r.userAgent}; cross-origin isolated ${r.isolated}; backend ${r.backend}, ${r.threads} threads`);
    const node = medianMs(lenetStep(lib), STEPS);
    if (round === 1) console.log(`Node ${process.version}: backend ${lib.getBackend()}, ${lib.getNumThreads()} threads`);
    ratios.push(r.ms / node);
    console.log(`round ${round}: page ${r.ms.toFixed(2)} ms/step, Node ${node.toFixed(2)} ms/step, page / Node ${(r.ms / node).toFixed(2)}`);
  }
} finally {
  await browser.close();
  server.close();
}
const sorted = [...ratios].sort((a, b) => a - b);
console.log(`page / Node over ${ROUNDS} rounds: min ${sorted[0].toFixed(2)}, median ${sorted[sorted.length >> 1].toFixed(2)} (target: at most 1.3)`);
process.exit(0);
