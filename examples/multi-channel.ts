// examples/multi-channel.ts — several input channels (a kernel per channel, the results summed), several
// output channels (a stack of such kernels), and the 1×1 convolution as a matrix product over channels.

import { tensor, stack, F, randn, manualSeed, matmul } from '../src/index.js';
import { heading } from './_common.js';

const X = tensor([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]);
const K = tensor([[[0, 1], [2, 3]], [[1, 2], [3, 4]]]);

heading('Multiple input channels: corr2d per channel, summed');
const corr2dMultiIn = (x: typeof X, k: typeof K) =>
  Array.from({ length: x.shape[0] }, (_, c) => F.corr2d(x.select(0, c), k.select(0, c))).reduce((a, b) => a.add(b));
console.log('corr2d_multi_in(X, K) =', String(corr2dMultiIn(X, K)));
console.log('conv2d(X[None], K[None]) =', String(F.conv2d(X.unsqueeze(0), K.unsqueeze(0)).reshape([2, 2])));

heading('Multiple output channels: stack K, K + 1, K + 2');
const K3 = stack([K, K.add(1), K.add(2)], 0);
console.log('K.shape =', `[${K3.shape.join(', ')}]`);
const Y3 = F.conv2d(X.unsqueeze(0), K3).squeeze(0);
console.log('corr2d_multi_in_out(X, K) =', String(Y3));

heading('1×1 convolution = a fully connected layer over the channels at every pixel');
manualSeed(0);
const x = randn([3, 3, 3]), k = randn([2, 3, 1, 1]);
const viaConv = F.conv2d(x.unsqueeze(0), k).squeeze(0);
const viaMatmul = matmul(k.reshape([2, 3]), x.reshape([3, 9])).reshape([2, 3, 3]);
console.log('output shape', `[${viaConv.shape.join(', ')}]`, 'max |conv − matmul| =', viaConv.sub(viaMatmul).abs().max().item() < 1e-6 ? '< 1e-6' : viaConv.sub(viaMatmul).abs().max().item());
