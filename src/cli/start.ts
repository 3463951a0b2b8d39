// cli/start.ts — `convnet start` (what `npm start` runs): trains LeNet-5 on the Fashion-MNIST subset that
// ships with convnet (5,000 training and 1,000 test images, no download) for a few epochs, then shows the
// test accuracy and what the network learned: per-class accuracy, the confusion matrix, the classes it
// mixes up. About half a minute on the reference backend.

import { manualSeed } from '../tensor/random.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import { SGD } from '../optim/sgd.js';
import { CrossEntropyLoss } from '../nn/loss.js';
import { fit, evaluate } from '../train/fit.js';
import { lenet5 } from '../train/models.js';
import { BACKEND_CHOICES, BACKEND_HELP, SHIPPED_SUBSET, describeResult, makeLoaders, selectBackend } from './common.js';
import { choiceFlag, intFlag, registerCommand, stringFlag, type CommandContext } from './registry.js';
import { join } from 'node:path';
import { featureMapFigure, gridFigure, kernelFigure } from '../vis/annotate.js';
import { captureActivations } from '../vis/hooks.js';
import { writeRgbaPng } from '../io/image-file.js';
import { reshape } from '../ops/shape.js';
import { FASHION_MNIST_MEAN, FASHION_MNIST_STD } from '../data/mnist.js';
import { PRETRAINED } from '../train/pretrained.js';

const usage = `convnet start [--epochs N] [--data DIR] [--backend NAME]

  Trains LeNet-5 on the shipped Fashion-MNIST subset (SGD, lr 0.05, momentum 0.9, cosine schedule,
  batch 64, 4 epochs, seed 0) and prints the test accuracy and what the network learned.

  --epochs N          (default 4)
  --data DIR          another MNIST-format directory (default the shipped subset)
  --backend NAME      ${BACKEND_HELP} (default auto)
  --out DIR           where the pictures of what it learned go (default out/start)`;

const options = { epochs: { type: 'string' }, data: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' } } as const;

async function run({ values }: CommandContext): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const epochs = intFlag(values, 'epochs', 4);
  const dataDir = stringFlag(values, 'data') ?? SHIPPED_SUBSET;
  const backendName = await selectBackend(choiceFlag(values, 'backend', BACKEND_CHOICES, 'auto'));
  manualSeed(0);
  const { trainSet, testSet, trainLoader, testLoader } = makeLoaders({ dataDir, batchSize: 64, seed: 0 });
  const model = lenet5();
  out('convnet: training LeNet-5 on Fashion-MNIST, the way PyTorch users do:');
  out('');
  out(String(model));
  out('');
  out(`${trainSet.length} training / ${testSet.length} test images from ${dataDir}, backend ${backendName}, ${epochs} epochs`);
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFn = new CrossEntropyLoss();
  const t0 = performance.now();
  const history = await fit(model, trainLoader, {
    epochs, optimizer, lossFn, testLoader, scheduler: new CosineAnnealingLR(optimizer, epochs),
    progress: { stream: process.stderr, summaryStream: process.stdout },
  });
  const secs = (performance.now() - t0) / 1000;
  const ev = await evaluate(model, testLoader, { numClasses: 10 });
  const first = history[0]?.testAccuracy ?? NaN;
  out('');
  out('What it learned (rows: true class, columns: predicted class):');
  out(describeResult(ev, testSet.classes));
  out('');
  const pictures = await drawWhatItLearned(model, testSet, stringFlag(values, 'out') ?? join('out', 'start'));
  out(`pictures: ${pictures.join(', ')}`);
  out(`test accuracy ${(100 * ev.accuracy).toFixed(2)}% on ${ev.total} held-out images (chance: 10%; after epoch 1: ${(100 * first).toFixed(1)}%), trained in ${secs.toFixed(1)} s`);
  out('next: convnet train --epochs 10 --data /usr/share/datasets/fashion-mnist (the full 60,000 images) for about 90%,');
  out(`      or convnet eval --checkpoint lenet5: the LeNet-5 that command trained, shipped (${(100 * PRETRAINED.lenet5.accuracy).toFixed(2)}% on the full test set)`);
  return 0;
}

/** The first layer's learned 5×5 kernels, and the feature maps both conv layers make of one test image,
 *  each a figure (vis/annotate.ts) with a title, a label per tile and a colour bar. */
async function drawWhatItLearned(model: ReturnType<typeof lenet5>, testSet: { classes: readonly string[]; getItem(i: number): [import('../tensor/tensor.js').Tensor, number] }, dir: string): Promise<string[]> {
  const conv1 = [...model.namedParameters()].find(([n]) => n === 'features.0.weight')![1];
  const [image, label] = testSet.getItem(0);
  const cls = testSet.classes[label] ?? `class ${label}`;
  const a = `${/^[aeiou]/i.test(cls) ? 'an' : 'a'} ${cls}`;
  const maps = captureActivations(model, ['features.1', 'features.4'], reshape(image, [1, ...image.shape]));
  const m1 = maps.get('features.1')!, m2 = maps.get('features.4')!;
  const [OC, , KH, KW] = conv1.shape;
  const side = (t: { shape: readonly number[] }) => `${t.shape[t.shape.length - 2]}×${t.shape[t.shape.length - 1]}`;
  const files = [join(dir, 'conv1-kernels.png'), join(dir, 'input.png'), join(dir, 'conv1-maps.png'), join(dir, 'conv2-maps.png')];
  writeRgbaPng(files[0], await kernelFigure(conv1, {
    title: `features.0 (conv1): ${OC} kernels ${KH}×${KW}`,
    notes: ['the first layer\'s learned weights; tile n: output channel n', 'one colour scale for all tiles: blue < 0 < red'],
  }));
  writeRgbaPng(files[1], await gridFigure(image, {
    title: `input: test image 0, ${a}`,
    notes: [`${side(image)}, as the network sees it: (pixel − ${FASHION_MNIST_MEAN}) / ${FASHION_MNIST_STD}, pixel in 0…1`],
  }));
  writeRgbaPng(files[2], await featureMapFigure(m1, {
    title: `conv1 feature maps of ${a}`,
    notes: [`features.1 = ReLU(conv1(input)): ${m1.shape[1]} maps ${side(m1)}`, 'tile n: channel n; one colour scale for all tiles'],
  }));
  writeRgbaPng(files[3], await featureMapFigure(m2, {
    title: `conv2 feature maps of ${a}`,
    notes: [`features.4 = ReLU(conv2(pool(features.1))): ${m2.shape[1]} maps ${side(m2)}`, 'tile n: channel n; one colour scale for all tiles'],
  }));
  return files;
}

registerCommand({ name: 'start', summary: 'train LeNet-5 on the shipped Fashion-MNIST subset and show what it learned', usage, options, run });
