// The pretrained models shipped in data/pretrained/ (LeNet-5 and the BN CNN, trained by convnet on the full
// Fashion-MNIST): they load by name, their files pass their checksums, and they classify the shipped
// subset's 1,000 test images (held out from training: they come from the official test file) about as well
// as they scored on the full 10,000-image test set when trained.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { models, PRETRAINED, pretrainedFile, FashionMNIST, DataLoader, evaluate, loadCheckpoint, FASHION_MNIST_MEAN, FASHION_MNIST_STD, transforms } from '../src/index.js';
import { convnet } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUBSET = join(root, 'data/fashion-mnist-subset');

for (const [name, build] of [['lenet5', models.lenet5], ['cnn-bn', models.cnnBn]] as const) {
  test(`models.${name}({ pretrained: true }) classifies the held-out subset within 3 points of its full test accuracy`, async () => {
    const entry = PRETRAINED[name];
    const ck = loadCheckpoint(pretrainedFile(name)); // verifies convnet.file-sha256
    assert.equal(ck.modelName, name);
    const model = build({ pretrained: true });
    model.eval();
    const testSet = new FashionMNIST(SUBSET, { train: false, transform: new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD) });
    const ev = await evaluate(model, new DataLoader(testSet, { batchSize: 500 }), { numClasses: 10 });
    assert.equal(ev.total, 1000);
    assert.ok(Math.abs(ev.accuracy - entry.accuracy) <= 0.03, `${name}: ${ev.accuracy} on the subset vs ${entry.accuracy} on the full test set`);
    // without pretrained weights the same network is at chance
    const fresh = build();
    fresh.eval();
    const ev0 = await evaluate(fresh, new DataLoader(testSet, { batchSize: 500 }), { numClasses: 10 });
    assert.ok(ev0.accuracy < 0.3, `untrained ${name}: ${ev0.accuracy}`);
  });
}

test('pretrained options are checked', () => {
  assert.throws(() => models.lenet5({ pretrained: true, numClasses: 5 }), /models\.lenet5: the pretrained weights have 10 classes \(Fashion-MNIST\), not numClasses=5/);
  assert.throws(() => models.lenet5({ pretrianed: true } as never), /models\.lenet5: unknown option 'pretrianed': did you mean pretrained\?/);
  assert.throws(() => models.cnnBn({ pretrained: 'yes' } as never), /models\.cnnBn: pretrained must be a boolean, got "yes"/);
  assert.throws(() => pretrainedFile('resnet18'), /pretrained: no pretrained model 'resnet18'; available: lenet5, cnn-bn$/);
});

test('convnet eval --checkpoint lenet5 takes the pretrained model by name', async () => {
  const r = await convnet(['eval', '--checkpoint', 'lenet5', '--data', SUBSET, '--limit', '200', '--backend', 'ref']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^lenet5 from lenet5 \(epoch 10\) on 200 test images/m);
  const acc = Number(/test accuracy ([\d.]+)%/.exec(r.out)?.[1]);
  assert.ok(acc > 85, r.out);
});
