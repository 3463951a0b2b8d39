// examples/feature-maps.ts — a conv layer's output channels are feature maps: each kernel highlights
// something different. A hand-made bank of 6 kernels as one Conv2d(1, 6, 5) on a photo, its maps as a grid,
// and the maps of its first pooling stage.

import { stack, F, nn, kernels, readImage, writeImage, vis, noGrad } from '../src/index.js';
import { heading, outDir, photo } from './_common.js';

const dir = outDir('feature-maps');
const img = readImage(photo('camera.png'));
const to5 = (k: ReturnType<typeof kernels.gaussianKernel>) => F.pad(k.reshape([1, 1, ...k.shape]), [1, 1, 1, 1]).reshape([5, 5]);
const names = ['identity', 'gaussian', 'sobel-x', 'sobel-y', 'laplacian', 'sharpen'];
const bank = stack([to5(kernels.identity), kernels.gaussian, to5(kernels.sobelX), to5(kernels.sobelY), to5(kernels.laplacian), to5(kernels.sharpen)], 0);

heading('Six kernels as one Conv2d(1, 6, 5, padding 2, reflect)');
const conv = new nn.Conv2d(1, 6, 5, { padding: 2, paddingMode: 'reflect', bias: false });
// The bank [6, 5, 5] becomes the weight [6, 1, 5, 5] (6 output channels, 1 input channel).
noGrad(() => conv.weight.copy_(bank.unsqueeze(1)));
const maps = noGrad(() => conv(img.unsqueeze(0)));
console.log('input', `[1, ${img.shape.join(', ')}]`, '→ feature maps', `[${maps.shape.join(', ')}]`);
names.forEach((n, c) => {
  const m = maps.select(1, c);
  console.log(`  ${String(c).padStart(2)} ${n.padEnd(9)} min ${m.min().item().toFixed(4).padStart(7)}  max ${m.max().item().toFixed(4).padStart(7)}  mean ${m.mean().item().toFixed(4).padStart(7)}`);
});
await writeImage(`${dir}/maps.png`, vis.featureMapGrid(maps, { ncol: 3, padding: 8 }));
await writeImage(`${dir}/kernels.png`, vis.kernelGrid(conv.weight, { ncol: 6, scale: 12 }), { cmap: 'diverging', normalize: 'fixed', range: [-1, 1] });

heading('After ReLU and 2×2 max pooling');
const pooled = F.maxPool2d(F.relu(maps), 2);
console.log('pooled', `[${pooled.shape.join(', ')}]`);
await writeImage(`${dir}/pooled.png`, vis.featureMapGrid(pooled, { ncol: 3, padding: 4 }));
console.log(`wrote ${dir}/maps.png, kernels.png, pooled.png`);
