// examples/learn-kernel.ts — learning a kernel from data, the loop of d2l.ai §7.2 "Learning a Kernel".
//
//   node --import tsx examples/learn-kernel.ts
//
// X is a 6×8 image of ones whose columns 2–5 are zero; Y = corr2d(X, [[1, -1]]) marks its vertical
// edges (1 for white→black, −1 for black→white). A Conv2d with a 1×2 kernel (and a bias) starts from
// random values and is trained by the plain gradient-descent loop: squared error summed, backward,
// `w.data -= lr · w.grad` (outside autograd, through .data as in PyTorch), gradients zeroed. After 20 steps at lr 0.01 the printed loss has fallen;
// with more steps the kernel converges to [1, -1] and the bias to 0, the edge detector we started from.

import { fileURLToPath } from 'node:url';
import { ones, nn, F, manualSeed, tensor, type Tensor } from '../src/index.js';

export interface LearnKernelResult {
  /** The summed squared error after each step (losses[i] is step i + 1). */
  losses: number[];
  /** The learned kernel, shape [1, 2] (the layer's weight [1, 1, 1, 2] without its channel dims). */
  kernel: Tensor;
  /** The learned bias, shape [1]. */
  bias: Tensor;
}

export function edgeData(): { X: Tensor; Y: Tensor } {
  // PyTorch: X = torch.ones(6, 8); X[:, 2:6] = 0
  const X = ones(6, 8);
  X.indexPut_(':, 2:6', 0);
  const K = tensor([[1, -1]]);
  const Y = F.corr2d(X, K);
  return { X, Y };
}

/** Trains a Conv2d(1, 1, [1, 2]) to map X to Y; calls log(step, loss) after every `every` steps. */
export async function learnKernel(opts: { steps?: number; lr?: number; seed?: number; every?: number; log?: (step: number, loss: number) => void } = {}): Promise<LearnKernelResult> {
  const steps = opts.steps ?? 20, lr = opts.lr ?? 0.01, every = opts.every ?? 5;
  manualSeed(opts.seed ?? 0);
  // A two-dimensional convolutional layer with 1 output channel and a kernel of shape (1, 2).
  const conv2d = new nn.Conv2d(1, 1, [1, 2]);
  // The layer takes (batch, channel, height, width) input.
  const { X: X0, Y: Y0 } = edgeData();
  const X = X0.reshape([1, 1, 6, 8]);
  const Y = Y0.reshape([1, 1, 6, 7]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const Yhat = conv2d(X);
    const l = Yhat.sub(Y).pow(2).sum();
    l.backward();
    // Update the kernel (and the bias) by hand, as the tutorial: conv2d.weight.data -= lr * conv2d.weight.grad
    conv2d.weight.data.sub_(conv2d.weight.grad!.mul(lr));
    conv2d.bias!.data.sub_(conv2d.bias!.grad!.mul(lr));
    // and zero the gradients: conv2d.weight.grad.zero_()
    conv2d.weight.grad!.zero_();
    conv2d.bias!.grad!.zero_();
    const loss = (await l.dataAsync())[0]; // loss.item() in PyTorch; data() reads on every backend, a GPU's too
    losses.push(loss);
    if ((i + 1) % every === 0) opts.log?.(i + 1, loss);
  }
  return { losses, kernel: conv2d.weight.detach().reshape([1, 2]), bias: conv2d.bias!.detach() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fmt = (v: number) => v.toFixed(3);
  // The learned values, read out of the tensors (data() works on every backend).
  const show = async (t: Tensor) => Array.from(await t.dataAsync(), fmt).join(', ');
  console.log('The tutorial\'s loop: 20 steps, learning rate 0.01');
  const r = await learnKernel({ steps: 20, lr: 0.01, log: (step, loss) => console.log(`epoch ${step}, loss ${fmt(loss)}`) });
  console.log(`kernel after 20 steps: [${await show(r.kernel)}], bias ${await show(r.bias)}`);
  const long = await learnKernel({ steps: 100, lr: 0.01, every: 25, log: (step, loss) => console.log(`epoch ${step}, loss ${fmt(loss)}`) });
  console.log(`kernel after 100 steps: [${await show(long.kernel)}] (the edge detector is [1, -1]), bias ${await show(long.bias)}`);
}
