// cli/eval.ts — `convnet eval`: test accuracy of a saved model (a checkpoint directory or a
// .safetensors file, also one written by PyTorch with the same key names) on an MNIST-format directory.

import { CrossEntropyLoss } from '../nn/loss.js';
import { evaluate } from '../train/fit.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { buildModel, MODELS } from '../train/models.js';
import { FashionMNIST, FASHION_MNIST_MEAN, FASHION_MNIST_STD } from '../data/mnist.js';
import { DataLoader } from '../data/dataloader.js';
import { Normalize } from '../data/transforms.js';
import { BACKEND_CHOICES, BACKEND_HELP, checkpointPath, describeResult, PRETRAINED_HELP, resolveDataDir, selectBackend } from './common.js';
import { choiceFlag, intFlag, registerCommand, stringFlag, UsageError, type CommandContext } from './registry.js';

const usage = `convnet eval --checkpoint F [--data DIR] [--model NAME] [--batch-size B] [--limit N]

  --checkpoint F      a checkpoint directory (from convnet train --out) or a model .safetensors file,
                      ${PRETRAINED_HELP} (required)
  --data DIR          directory with the Fashion-MNIST IDX files; the test split is used
                      (default /usr/share/datasets/fashion-mnist, else the shipped subset)
  --model NAME        ${Object.keys(MODELS).join(' or ')}: needed only when the file does not say (e.g. saved by PyTorch)
                      (default: the file's)
  --batch-size B      (default 500)
  --limit N           evaluate on the first N test images only (default: all)
  --backend NAME      ${BACKEND_HELP} (default auto)`;

const options = {
  checkpoint: { type: 'string' }, data: { type: 'string' }, model: { type: 'string' }, 'batch-size': { type: 'string' },
  limit: { type: 'string' }, backend: { type: 'string' },
} as const;

async function run({ values }: CommandContext): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const file = stringFlag(values, 'checkpoint');
  if (!file) throw new UsageError('--checkpoint is required');
  const modelFlag = values.model !== undefined ? choiceFlag(values, 'model', Object.keys(MODELS), 'lenet5') : undefined;
  const batchSize = intFlag(values, 'batch-size', 500);
  const limit = values.limit !== undefined ? intFlag(values, 'limit', 1) : undefined;
  const backendName = await selectBackend(choiceFlag(values, 'backend', BACKEND_CHOICES, 'auto'));
  const dataDir = resolveDataDir(stringFlag(values, 'data'), out);

  const ckpt = loadCheckpoint(checkpointPath(file));
  const name = modelFlag ?? ckpt.modelName;
  if (!name) throw new UsageError(`${file} does not record which model it holds; pass --model (${Object.keys(MODELS).join(', ')})`);
  const testSet = new FashionMNIST(dataDir, { train: false, transform: new Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD), limit });
  const model = buildModel(name, { numClasses: testSet.classes.length });
  model.loadStateDict(ckpt.modelState);
  const ev = await evaluate(model, new DataLoader(testSet, { batchSize }), { lossFn: new CrossEntropyLoss(), numClasses: testSet.classes.length });
  out(`${name} from ${file}${ckpt.metadata['convnet.epoch'] ? ` (epoch ${ckpt.epoch})` : ''} on ${testSet.length} test images of ${dataDir} (backend ${backendName})`);
  out('');
  out(describeResult(ev, testSet.classes));
  out('');
  out(`test accuracy ${(100 * ev.accuracy).toFixed(2)}% (${ev.correct}/${ev.total}), test loss ${ev.loss.toFixed(4)}`);
  return 0;
}

registerCommand({ name: 'eval', summary: 'test accuracy of a saved model, with a confusion matrix', usage, options, run });
