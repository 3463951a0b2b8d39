// bench/epoch.ts — one epoch of LeNet-5 on the full Fashion-MNIST training set (60,000 images), training
// only, as `convnet train --model lenet5` runs it (fit: SGD lr 0.05 momentum 0.9, batch 64, shuffled,
// seed 0), and the share of it spent in garbage collection (from node:perf_hooks 'gc' entries).
//
//   node --import tsx bench/epoch.ts [DATA_DIR]     (default /usr/share/datasets/fashion-mnist, Debian's
//                                                    dataset-fashion-mnist; EPOCHS=n for more epochs)
import { existsSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { DataLoader, FashionMNIST, fit, manualSeed, models, nn, optim, transforms, FASHION_MNIST_MEAN, FASHION_MNIST_STD, getBackend, getNumThreads } from '../src/index.js';
import { firstTouchLine } from './first-touch.js';

const dir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
if (!existsSync(dir)) {
  console.error(`epoch bench: no Fashion-MNIST at ${dir} (apt-get install dataset-fashion-mnist, or pass the directory)`);
  process.exit(2);
}
const EPOCHS = Number(process.env.EPOCHS ?? 1);
console.log(`epoch: LeNet-5, full Fashion-MNIST, batch 64, convnet-${getBackend()} ${getNumThreads()} threads; ${firstTouchLine()}`);
manualSeed(0);
const train = new FashionMNIST(dir, { train: true, transform: new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD) });
const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
const model = models.lenet5();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });

let gcMs = 0;
const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
obs.observe({ entryTypes: ['gc'] });
await fit(model, loader, {
  epochs: EPOCHS, optimizer, lossFn: new nn.CrossEntropyLoss(), progress: false,
  onEpoch: (r) => {
    console.log(`epoch ${r.epoch}: ${r.seconds.toFixed(2)} s training (${r.imagesPerSecond.toFixed(0)} images/s), ` +
      `train loss ${r.trainLoss.toFixed(4)}, acc ${(100 * r.trainAccuracy).toFixed(2)} %, GC ${gcMs.toFixed(0)} ms ` +
      `(${(gcMs / 10 / r.seconds).toFixed(1)} % of the epoch)`);
    gcMs = 0;
  },
});
obs.disconnect();
