// examples/conv2d-layer.ts — the Conv2D layer: a cross-correlation with a learned kernel and a bias, as
// nn.Conv2d; output size floor((H + 2p − d·(k − 1) − 1)/s) + 1 per axis.

import { nn, randn, manualSeed, tensor, noGrad } from '../src/index.js';
import { heading } from './_common.js';

manualSeed(0);
heading('nn.Conv2d(5, 10, 3) on a 1×5×100×100 input');
const conv = new nn.Conv2d(5, 10, 3);
const x = randn([1, 5, 100, 100]);
console.log(String(conv));
console.log('weight', `[${conv.weight.shape.join(', ')}]`, 'bias', `[${conv.bias!.shape.join(', ')}]`);
console.log('output', `[${conv(x).shape.join(', ')}]`);
console.log('parameters', conv.parameters().reduce((n: number, p: { numel(): number }) => n + p.numel(), 0));

heading('Padding keeps the size');
const same = new nn.Conv2d(5, 10, 3, { padding: 1, paddingMode: 'reflect' });
console.log(String(same), '→', `[${same(x).shape.join(', ')}]`);
const strided = new nn.Conv2d(5, 10, 3, { padding: 1, stride: 2 });
console.log(String(strided), '→', `[${strided(x).shape.join(', ')}]`);

heading('A layer with a fixed kernel is corr2d plus its bias');
const layer = new nn.Conv2d(1, 1, [1, 2]);
// Parameters set as in PyTorch: layer.weight.data = K; with torch.no_grad(): layer.bias.fill_(0.5)
layer.weight.data = tensor([[[[1, -1]]]]);
noGrad(() => layer.bias!.fill_(0.5));
console.log('Conv2d(1, 1, (1, 2)), weight [[1, -1]], bias 0.5 on [[1, 1, 0, 0]]:', String(noGrad(() => layer(tensor([[[[1, 1, 0, 0]]]])))));
