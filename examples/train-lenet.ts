// examples/train-lenet.ts — training LeNet-5 on Fashion-MNIST with the explicit PyTorch-style loop.
//
//   node --import tsx examples/train-lenet.ts [DATA_DIR] [EPOCHS]
//
// DATA_DIR defaults to the subset shipped in data/fashion-mnist-subset (5,000 training / 1,000 test
// images); pass /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist) for the full 60,000.
// This is the loop that `fit` (src/train/fit.ts) and `convnet train` run, written out line by line.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  manualSeed, nn, optim, noGrad, FashionMNIST, DataLoader, transforms, saveCheckpoint, FASHION_MNIST_MEAN, FASHION_MNIST_STD,
  type Tensor,
} from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : join(root, 'data/fashion-mnist-subset');
const epochs = Number(process.argv[3] ?? 4);
manualSeed(0);

// 1. Data: images as float32 [1, 28, 28] in [0, 1], normalised; labels 0..9.
const transform = new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD);
const trainSet = new FashionMNIST(dataDir, { train: true, transform });
const testSet = new FashionMNIST(dataDir, { train: false, transform });
const trainLoader = new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: 0 });
const testLoader = new DataLoader(testSet, { batchSize: 500 });

// 2. The network: LeNet-5 with ReLU and max pooling (d2l.ai §7.6, modernised).
const model = new nn.Sequential(
  new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(16 * 5 * 5, 120), new nn.ReLU(),
  new nn.Linear(120, 84), new nn.ReLU(),
  new nn.Linear(84, 10),
);
console.log(String(model));

// 3. Loss, optimizer, learning-rate schedule.
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const scheduler = new optim.CosineAnnealingLR(optimizer, epochs);

for (let epoch = 1; epoch <= epochs; epoch++) {
  // 4. Train: forward, loss, backward, step, for every batch.
  model.train();
  let lossSum = 0, seen = 0;
  const t0 = performance.now();
  for (const [x, y] of trainLoader) {
    optimizer.zeroGrad();
    const logits = model(x);
    const loss = lossFn(logits, y);
    loss.backward();
    optimizer.step();
    lossSum += loss.item() * y.shape[0];
    seen += y.shape[0];
  }
  scheduler.step();
  const secs = (performance.now() - t0) / 1000;

  // 5. Evaluate without recording gradients, in eval mode.
  model.eval();
  let correct = 0, total = 0;
  noGrad(() => {
    for (const [x, y] of testLoader) {
      const pred = model(x).argmax(1);
      correct += pred.eq(y).sum().item();
      total += y.shape[0];
    }
  });
  console.log(`epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, test accuracy ${(100 * correct / total).toFixed(2)}%, ` +
    `${secs.toFixed(1)} s (${(seen / secs).toFixed(0)} images/s)`);
}

// 6. Save: model.safetensors loads into the same network in PyTorch (safetensors.torch.load_file).
const out = join(root, 'out', 'train-lenet');
await saveCheckpoint(out, { model, optimizer, scheduler, epoch: epochs });
console.log(`saved ${join(out, 'model.safetensors')}`);
