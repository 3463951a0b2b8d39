// examples/padding.ts — padding: the four modes on the tutorial's 5×5 input, the output-size rule, and the
// artifact zero padding leaves on a photo (a dark frame) that reflect padding avoids, measured.

import { tensor, F, readImage, writeImage, vis, kernels } from '../src/index.js';
import { heading, outDir, photo } from './_common.js';

const X = tensor([[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]).reshape([1, 1, 5, 5]);
heading('F.pad by 1 on every side of the 5×5 input');
for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
  console.log(`${mode}:`, String(F.pad(X, [1, 1, 1, 1], { mode }).reshape([7, 7])));
}

heading('Padding p on each side keeps an n×n input n×n when p = (k − 1)/2');
for (const k of [3, 5, 7]) {
  const y = F.conv2d(X, F.pad(tensor([[[[1]]]]), [0, k - 1, 0, k - 1]), { padding: (k - 1) / 2 });
  console.log(`k=${k} p=${(k - 1) / 2}: 5×5 → ${y.shape[2]}×${y.shape[3]}`);
}

heading('Padding artifacts on a photo: 9×9 box blur with each padding mode');
const dir = outDir('padding');
const res = await vis.paddingDemo(readImage(photo('camera.png')), kernels.boxKernel(9));
console.log(vis.formatPaddingTable(res));
const zeros = res.rows.find((r) => r.mode === 'zeros')!, reflect = res.rows.find((r) => r.mode === 'reflect')!;
console.log(`zero padding darkens the border by ${(-zeros.borderBias * 255).toFixed(1)} grey levels on average; reflect by ${(-reflect.borderBias * 255).toFixed(1)}`);
await writeImage(`${dir}/side-by-side.png`, vis.makeGrid(vis.paddingDemoStrip(res), { ncol: 5, padding: 6, normalize: 'none', padValue: 1 }));
await writeImage(`${dir}/border-error.png`, vis.makeGrid(vis.paddingDeviationStrip(res), { ncol: 4, padding: 6, normalize: 'global', padValue: 0 }), { cmap: 'viridis' });
console.log(`wrote ${dir}/side-by-side.png (original, zeros, reflect, replicate, circular) and border-error.png`);
