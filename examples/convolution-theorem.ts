// examples/convolution-theorem.ts — the convolution theorem: convolution in space is multiplication of
// spectra, a ∗ v = IFFT(FFT(a) · FFT(v)) (zero-padded to the full length). So a convolution with a large
// kernel costs O(n log n) by FFT instead of O(n·k) directly; F.fftConv2d is conv2d computed that way, and
// conv2d switches to it by itself for large kernels (bench/fft-crossover.ts measures where).

import { tensor, F, fft, round, randn, manualSeed, readImage, writeImage, kernels, filter2d } from '../src/index.js';
import { heading, outDir, photo } from './_common.js';

heading('1-D: convolve1d(a, v) = irfft(rfft(a, n) · rfft(v, n)), n = len(a) + len(v) − 1');
const a = tensor([1, 2, 3, 4]), v = tensor([1, 0, -1]);
const n = 4 + 3 - 1;
console.log('convolve1d(a, v)          =', String(F.convolve1d(a, v)));
console.log('irfft(rfft(a)·rfft(v), 6) =', String(round(fft.irfft(fft.rfft(a, { n }).mul(fft.rfft(v, { n })), { n }).mul(1e4)).div(1e4)));
console.log('fft([1, 2, 3, 4])         =', String(fft.fft(a)));

heading('2-D: F.fftConv2d equals F.conv2d');
manualSeed(0);
const x = randn([1, 3, 64, 64]), w = randn([4, 3, 15, 15]);
for (const opts of [{}, { padding: 7 }, { stride: 2, padding: 7 }, { padding: 'same' as const, paddingMode: 'reflect' as const }]) {
  const direct = F.conv2d(x, w, null, opts), viaFft = F.fftConv2d(x, w, null, opts);
  const rel = viaFft.sub(direct).abs().max().item() / direct.abs().max().item();
  console.log(`${JSON.stringify(opts).padEnd(40)} → [${direct.shape.join(', ')}], max relative difference ${rel < 1e-5 ? '< 1e-5' : rel.toExponential(1)}`);
}

heading('The spectrum of a photo, and blurring by multiplying spectra');
const dir = outDir('convolution-theorem');
const img = readImage(photo('camera.png'));
const spec = fft.fftshift(fft.fft2(img.squeeze(0)).abs().add(1).log());
console.log(`spectrum [${spec.shape.join(', ')}], DC term (centre) log|F| = ${spec.select(0, 256).select(0, 256).item().toFixed(2)}`);
await writeImage(`${dir}/spectrum.png`, spec, { normalize: 'minmax', cmap: 'viridis' });
const g = kernels.gaussianKernel(31, 5);
const blurFft = F.fftConv2d(img.unsqueeze(0), g.reshape([1, 1, 31, 31]), null, { padding: 15, paddingMode: 'reflect' }).squeeze(0);
const blurDirect = filter2d(img, g);
console.log(`31×31 Gaussian blur: FFT vs direct, max |difference| ${blurFft.sub(blurDirect).abs().max().item() < 1e-4 ? '< 1e-4' : 'LARGE'}`);
await writeImage(`${dir}/blur-fft.png`, blurFft);
console.log(`wrote ${dir}/spectrum.png, blur-fft.png`);
