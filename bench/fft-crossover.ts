// bench/fft-crossover.ts — where the FFT convolution overtakes the direct (im2col) one: conv2d forward on
// the active backend with the FFT path off, against F.fftConv2d, for square kernels of growing size on a
// few layer shapes ('same' padding). Prints the times, the ratio, the crossover kernel size per shape,
// and what conv2d's automatic choice (ops/fft-conv.ts prefersFft) picks for each, so the cost model can be
// checked against the measurement. Not a test.
//
//   node --import tsx bench/fft-crossover.ts [--backend ref|wasm] [--quick]

import { randn, F, setBackend, getBackend, listBackends, setFftConvPolicy, getFftConvPolicy, manualSeed } from '../src/index.js';
import { prefersFft } from '../src/ops/fft-conv.js';

const args = process.argv.slice(2);
const bi = args.indexOf('--backend');
if (bi >= 0) setBackend(args[bi + 1]);
const quick = args.includes('--quick');

function time(fn: () => unknown, minMs = quick ? 60 : 300): number {
  fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs || n < 2) { fn(); n++; t = performance.now(); }
  return (t - t0) / n;
}

const shapes: [string, number, number, number, number][] = [
  // name, N, C, OC, H (=W)
  ['1→1 256×256', 1, 1, 1, 256],
  ['3→8 128×128', 1, 3, 8, 128],
  ['16→16 64×64', 1, 16, 16, 64],
];
const ks = quick ? [3, 7, 11, 15, 21] : [3, 5, 7, 9, 11, 13, 15, 19, 23, 31];

manualSeed(0);
console.log(`backend ${getBackend()} (registered: ${listBackends().join(', ')}), ${quick ? 'quick' : 'full'} run`);
const saved = getFftConvPolicy();
for (const [name, N, C, OC, H] of shapes) {
  console.log(`\n${name}, N=${N}, padding 'same'`);
  console.log('  k   direct ms   fft ms   direct/fft   auto picks');
  const x = randn([N, C, H, H]);
  let crossover: number | null = null;
  for (const k of ks) {
    const w = randn([OC, C, k, k]);
    setFftConvPolicy({ mode: 'never' });
    const td = time(() => F.conv2d(x, w, null, { padding: 'same' }));
    const tf = time(() => F.fftConv2d(x, w, null, { padding: 'same' }));
    setFftConvPolicy(saved);
    const a = { N, C, H, W: H, OC, KH: k, KW: k, OH: H, OW: H, strideH: 1, strideW: 1, padTop: (k - 1) >> 1, padLeft: (k - 1) >> 1, dilationH: 1, dilationW: 1, groups: 1 };
    const auto = prefersFft(a) ? 'fft' : 'direct';
    if (crossover === null && tf < td) crossover = k;
    console.log(`${String(k).padStart(3)} ${td.toFixed(2).padStart(11)} ${tf.toFixed(2).padStart(8)} ${(td / tf).toFixed(2).padStart(12)}   ${auto}`);
  }
  console.log(`  crossover kernel size: ${crossover === null ? `> ${ks[ks.length - 1]}` : `${crossover}×${crossover}`}`);
}
