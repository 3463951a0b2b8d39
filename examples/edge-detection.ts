// examples/edge-detection.ts — object edge detection: the kernel [[1, −1]] responds where neighbouring
// pixels differ. Then Sobel and Laplacian edges of a real photo.

import { tensor, ones, F, kernels, filter2d, readImage, writeImage } from '../src/index.js';
import { heading, outDir, photo } from './_common.js';

heading('A 6×8 image: ones, with columns 2–5 black');
// PyTorch: X = torch.ones(6, 8); X[:, 2:6] = 0
const X = ones(6, 8);
X.indexPut_(':, 2:6', 0);
console.log('X =', String(X));
const K = tensor([[1, -1]]);
const Y = F.corr2d(X, K);
console.log('corr2d(X, [[1, -1]]) =', String(Y));
console.log('1 marks the white→black edge, −1 the black→white edge');
console.log('corr2d(X.T, K) =', String(F.corr2d(X.t(), K)));
console.log('the transposed image has only horizontal edges: this kernel sees none');

heading('Sobel and Laplacian edges of a photo');
const dir = outDir('edge-detection');
const img = readImage(photo('camera.png'));
const gx = filter2d(img, kernels.sobelX), gy = filter2d(img, kernels.sobelY);
const mag = filter2d(img, 'sobel'), lap = filter2d(img, kernels.laplacian);
console.log('sobelX =', String(kernels.sobelX));
for (const [name, t] of [['sobel-x', gx], ['sobel-y', gy], ['sobel', mag], ['laplacian', lap]] as const) {
  console.log(`${name.padEnd(9)} [${t.shape.join(', ')}] min ${t.min().item().toFixed(4)} max ${t.max().item().toFixed(4)} mean |x| ${t.abs().mean().item().toFixed(4)}`);
}
await writeImage(`${dir}/camera.png`, img);
await writeImage(`${dir}/sobel-x.png`, gx, { cmap: 'diverging' });
await writeImage(`${dir}/sobel-y.png`, gy, { cmap: 'diverging' });
await writeImage(`${dir}/sobel.png`, mag, { normalize: 'minmax' });
await writeImage(`${dir}/laplacian.png`, lap, { cmap: 'diverging' });
console.log(`wrote ${dir}/{camera,sobel-x,sobel-y,sobel,laplacian}.png`);
