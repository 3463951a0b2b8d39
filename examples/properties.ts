// examples/properties.ts — two properties that make convolutions fit images, shown rather than claimed:
// translation equivariance (shift the input, the output shifts the same way) and local connectivity with
// weight sharing (a conv layer has a handful of parameters where a dense layer needs millions).

import { nn, randn, manualSeed, readImage, narrow, roll, kernels, filter2d, noGrad, type Tensor } from '../src/index.js';
import { heading, photo } from './_common.js';

manualSeed(0);
noGrad(() => {
heading('Translation equivariance: conv(shift(x)) = shift(conv(x))');
const conv = new nn.Conv2d(3, 8, 5, { padding: 2, paddingMode: 'circular' });
const x = randn([1, 3, 32, 32]);
// roll: a circular shift, here by (5, 7) along the last two dims; what falls off one edge comes back at the other.
const a = conv(roll(x, [5, 7], [-2, -1])), b = roll(conv(x), [5, 7], [-2, -1]);
console.log(`circular padding, shift (5, 7): max |conv(shift x) − shift(conv x)| = ${a.sub(b).abs().max().item().toExponential(1)}`);
const convZ = new nn.Conv2d(3, 8, 5, { padding: 2 });
const az = convZ(roll(x, [5, 7], [-2, -1])), bz = roll(convZ(x), [5, 7], [-2, -1]);
const inner = (t: Tensor) => narrow(narrow(t, 2, 7, 18), 3, 9, 18);
console.log(`zero padding: equal away from the borders (max diff ${inner(az).sub(inner(bz)).abs().max().item().toExponential(1)}), not at them (max diff ${az.sub(bz).abs().max().item().toFixed(2)})`);

const img = readImage(photo('camera.png'));
const crop = (t: Tensor, i: number, j: number) => narrow(narrow(t, 1, i, 200), 2, j, 200);
const shifted = filter2d(narrow(narrow(img, 1, 10, 490), 2, 20, 480), kernels.sobelX);
const d = crop(filter2d(img, kernels.sobelX), 150, 150).sub(crop(shifted, 140, 130)).abs().max().item();
console.log(`sobel-x of the photo moved by (10, 20) pixels: the edge map moves by (10, 20), max difference ${d.toExponential(1)}`);

});

heading('Local connectivity and weight sharing: parameters for a 1×28×28 input → 6×28×28');
const c = new nn.Conv2d(1, 6, 5, { padding: 2 });
const count = (m: { parameters(): { numel(): number }[] }) => m.parameters().reduce((s, p) => s + p.numel(), 0);
const nConv = count(c);
const nDense = 28 * 28 * (6 * 28 * 28) + 6 * 28 * 28;
console.log(`Conv2d(1, 6, 5, padding 2): ${nConv} parameters (6 kernels of 5×5 + 6 biases), each output sees 25 inputs`);
console.log(`Linear(784, 4704) for the same shapes: ${nDense.toLocaleString('en-US')} parameters, each output sees all 784 inputs`);
console.log(`ratio ${Math.round(nDense / nConv).toLocaleString('en-US')}×`);
