// train/models.ts — the model zoo the CLI and the examples train, built from torch.nn-style layers so
// that their state-dict keys (features.0.weight, classifier.1.bias, …) are those of the same network
// written in PyTorch:
//
//   nn.Sequential(OrderedDict(features=nn.Sequential(...), classifier=nn.Sequential(...)))
//
// lenet5  LeNet-5 as in d2l.ai with ReLU and max pooling: conv 1→6 5×5 (pad 2), ReLU, max pool 2,
//         conv 6→16 5×5, ReLU, max pool 2, flatten, linear 400→120→84→10. 61,706 parameters.
// cnn-bn  three conv blocks (3×3 conv without bias, BatchNorm, ReLU, max pool 2) of 16, 32, 64 channels,
//         then linear 576→128, ReLU, dropout 0.25, linear 128→10. About 98k parameters.

import * as nn from '../nn/index.js';

export function lenet5(opts: { numClasses?: number } = {}): nn.Sequential {
  return new nn.Sequential({
    features: new nn.Sequential(
      new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    ),
    classifier: new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(16 * 5 * 5, 120), new nn.ReLU(),
      new nn.Linear(120, 84), new nn.ReLU(),
      new nn.Linear(84, opts.numClasses ?? 10),
    ),
  });
}

function block(cin: number, cout: number): nn.Module[] {
  return [new nn.Conv2d(cin, cout, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(cout), new nn.ReLU(), new nn.MaxPool2d(2)];
}

export function cnnBn(opts: { numClasses?: number } = {}): nn.Sequential {
  return new nn.Sequential({
    features: new nn.Sequential(...block(1, 16), ...block(16, 32), ...block(32, 64)),
    classifier: new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(64 * 3 * 3, 128), new nn.ReLU(), new nn.Dropout(0.25),
      new nn.Linear(128, opts.numClasses ?? 10),
    ),
  });
}

/** The models by their CLI names. */
export const MODELS: Readonly<Record<string, { build: (opts?: { numClasses?: number }) => nn.Module; description: string }>> = {
  lenet5: { build: lenet5, description: 'LeNet-5 (ReLU, max pooling), 61.7k parameters' },
  'cnn-bn': { build: cnnBn, description: '3 conv blocks with BatchNorm (16-32-64 channels) + MLP, 98k parameters' },
};

export function buildModel(name: string, opts: { numClasses?: number } = {}): nn.Module {
  const entry = Object.hasOwn(MODELS, name) ? MODELS[name] : undefined; // not '__proto__' or 'constructor'
  if (!entry) throw new Error(`unknown model '${name}'; available: ${Object.keys(MODELS).join(', ')}`);
  return entry.build(opts);
}
