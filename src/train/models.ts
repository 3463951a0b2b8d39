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

/**
 * `models`: the small CNNs the CLI and the examples train (LeNet-5 and a BatchNorm CNN for 28×28
 * greyscale images), with PyTorch's state-dict keys. PyTorch: none (torchvision.models has larger ones).
 * @example
 * ```ts
 * import { models } from 'convnet-ts';
 * const model = models.buildModel('lenet5');
 * ```
 * @module
 */

import * as nn from '../nn/index.js';
import { checkKeys } from '../tensor/signature.js';
import { pretrainedState } from './pretrained-hook.js';

const MODEL_OPTIONS = ['numClasses', 'pretrained'];

/**
 * Options of the zoo's model functions: the number of classes (default 10), and whether to load the
 * weights convnet trained on the full Fashion-MNIST (shipped in the package; Node only). PyTorch: the
 * `num_classes=` and `pretrained=` (now `weights=`) arguments of torchvision's model functions.
 * @example
 * ```ts
 * const model = models.lenet5({ pretrained: true });
 * ```
 */
export interface ModelOptions {
  numClasses?: number;
  pretrained?: boolean;
}

/** `model` with the shipped weights of zoo model `name` loaded when opts.pretrained, checked first. */
function withWeights<M extends nn.Module>(name: string, model: M, opts: ModelOptions): M {
  const op = `models.${name === 'cnn-bn' ? 'cnnBn' : name}`;
  if (opts.pretrained === undefined || opts.pretrained === false) return model;
  if (opts.pretrained !== true) throw new Error(`${op}: pretrained must be a boolean, got ${JSON.stringify(opts.pretrained)}`);
  if (opts.numClasses !== undefined && opts.numClasses !== 10) {
    throw new Error(`${op}: the pretrained weights have 10 classes (Fashion-MNIST), not numClasses=${opts.numClasses}; load them with 10 and replace the last layer`);
  }
  model.loadStateDict(pretrainedState(name));
  return model;
}

/**
 * LeNet-5 as in Dive into Deep Learning, with ReLU and max pooling, for 1×28×28 inputs: 61,706 parameters,
 * with the state-dict keys (`features.0.weight`, …) of the same network written in PyTorch. PyTorch: none
 * (d2l's `LeNet`).
 * @example
 * ```ts
 * const model = models.lenet5();
 * model(randn([8, 1, 28, 28])).shape;  // [8, 10]
 * ```
 */
export function lenet5(opts: ModelOptions = {}): nn.Sequential {
  checkKeys('models.lenet5', opts, MODEL_OPTIONS);
  return withWeights('lenet5', new nn.Sequential({
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
  }), opts);
}

function block(cin: number, cout: number): nn.Module[] {
  return [new nn.Conv2d(cin, cout, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(cout), new nn.ReLU(), new nn.MaxPool2d(2)];
}

/**
 * Three conv blocks (3×3 conv without bias, BatchNorm, ReLU, max pool 2) of 16, 32 and 64 channels, then an
 * MLP with dropout, for 1×28×28 inputs: about 98k parameters. PyTorch: none (a network of `torch.nn` layers).
 * @example
 * ```ts
 * const model = models.cnnBn({ numClasses: 10 });
 * ```
 */
export function cnnBn(opts: ModelOptions = {}): nn.Sequential {
  checkKeys('models.cnnBn', opts, MODEL_OPTIONS);
  return withWeights('cnn-bn', new nn.Sequential({
    features: new nn.Sequential(...block(1, 16), ...block(16, 32), ...block(32, 64)),
    classifier: new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(64 * 3 * 3, 128), new nn.ReLU(), new nn.Dropout(0.25),
      new nn.Linear(128, opts.numClasses ?? 10),
    ),
  }), opts);
}

/**
 * The model zoo by the CLI's names ('lenet5', 'cnn-bn'): each entry's `build` function and a one-line
 * description. convnet's own.
 * @example
 * ```ts
 * Object.keys(models.MODELS);  // ['lenet5', 'cnn-bn']
 * ```
 */
export const MODELS: Readonly<Record<string, {
  /** Builds the network (`numClasses` outputs, default 10). */
  build: (opts?: ModelOptions) => nn.Module;
  /** One line about the network, for `convnet train --help`. */
  description: string;
}>> = {
  lenet5: { build: lenet5, description: 'LeNet-5 (ReLU, max pooling), 61.7k parameters' },
  'cnn-bn': { build: cnnBn, description: '3 conv blocks with BatchNorm (16-32-64 channels) + MLP, 98k parameters' },
};

/**
 * Builds a zoo model by its CLI name; an unknown name is an error listing the available ones. convnet's own.
 * @example
 * ```ts
 * const model = models.buildModel('cnn-bn');
 * ```
 */
export function buildModel(name: string, opts: ModelOptions = {}): nn.Module {
  const entry = Object.hasOwn(MODELS, name) ? MODELS[name] : undefined; // not '__proto__' or 'constructor'
  if (!entry) throw new Error(`unknown model '${name}'; available: ${Object.keys(MODELS).join(', ')}`);
  return entry.build(opts);
}
