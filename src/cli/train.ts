// cli/train.ts — `convnet train`: trains a zoo model on an MNIST-format directory, evaluates after every
// epoch and saves a checkpoint (a model + train-state pair named by checkpoint.json; train/checkpoint.ts)
// after every epoch, with the random streams (dropout's, augmentation's) so that --resume is bit-identical.
// Beside it, the run's record (cli/run-record.ts): metrics.jsonl, the best checkpoint in best/, curves.svg.

import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { removeOrphanedTemporaries } from '../io/atomic.js';
import { getRngState, manualSeed, setRngState, type RngState } from '../tensor/random.js';
import { CosineAnnealingLR, StepLR } from '../optim/lr_scheduler.js';
import { CrossEntropyLoss } from '../nn/loss.js';
import { fit, evaluate, formatEpoch } from '../train/fit.js';
import { EarlyStopping } from '../train/early-stopping.js';
import { RunRecord } from './run-record.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, MODEL_FILE, MANIFEST_FILE, type SaveCheckpointOptions } from '../train/checkpoint.js';
import { buildModel, MODELS } from '../train/models.js';
import { formatDuration } from '../train/progress.js';
import {
  BACKEND_CHOICES, BACKEND_HELP, OPTIMIZERS, buildOptimizer, defaultLr, describeResult, makeLoaders, resolveDataDir, selectBackend,
  type OptimizerName,
} from './common.js';
import { choiceFlag, intFlag, numberFlag, registerCommand, stringFlag, UsageError, type CommandContext } from './registry.js';

const SCHEDULERS = ['cosine', 'step', 'none'] as const;

const usage = `convnet train [--model lenet5|cnn-bn] [--data DIR] [--epochs N] [--batch-size B] [--lr X]
                     [--optimizer sgd|adam|adamw] [--out DIR] [--resume] [--limit N] [--early-stopping N]

  --model NAME        ${Object.entries(MODELS).map(([k, v]) => `${k}: ${v.description}`).join('\n                      ')}
                      (default lenet5)
  --data DIR          directory with the Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, …);
                      default /usr/share/datasets/fashion-mnist, else the shipped subset
  --epochs N          total number of epochs (default 10)
  --batch-size B      (default 64)
  --lr X              learning rate (default 0.05 for sgd, 0.001 for adam/adamw)
  --optimizer NAME    sgd (momentum 0.9), adam or adamw (default sgd)
  --momentum X        SGD momentum (default 0.9)
  --weight-decay X    (default 0)
  --scheduler NAME    cosine (annealed over the epochs), step (x0.1 every third of them) or none (default cosine)
  --out DIR           where checkpoints go, after every epoch: the latest, the best by test accuracy
                      in DIR/best, and the run's metrics.jsonl and curves.svg (default runs/MODEL)
  --resume            continue from the checkpoint in --out (settings not given come from it)
  --limit N           train on the first N training images only (default: all)
  --test-limit N      evaluate on the first N test images only (default: all)
  --early-stopping N  stop when test accuracy has not improved for N epochs (default 0: off)
  --augment           random crops (padding 2) and horizontal flips
  --seed S            seed for initialisation and shuffling (default 0)
  --backend NAME      ${BACKEND_HELP} (default auto)
  --quiet             no progress display`;

const options = {
  model: { type: 'string' }, data: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' },
  lr: { type: 'string' }, optimizer: { type: 'string' }, momentum: { type: 'string' }, 'weight-decay': { type: 'string' },
  scheduler: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, limit: { type: 'string' },
  'test-limit': { type: 'string' }, augment: { type: 'boolean' }, seed: { type: 'string' }, backend: { type: 'string' },
  quiet: { type: 'boolean' }, 'early-stopping': { type: 'string' },
} as const;

/** The settings of a run, as stored in its checkpoint's convnet.config. */
interface RunConfig {
  model: string;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  weightDecay: number;
  scheduler: (typeof SCHEDULERS)[number];
  batchSize: number;
  epochs: number;
  seed: number;
  augment: boolean;
  limit?: number;
  /** Patience of early stopping on test accuracy, in epochs; 0: off. */
  earlyStopping?: number;
}

async function run({ values }: CommandContext): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const given = (k: string) => values[k] !== undefined;
  const outFlag = stringFlag(values, 'out');
  const modelFlag = choiceFlag(values, 'model', Object.keys(MODELS), 'lenet5');
  const outDir = outFlag ?? join('runs', modelFlag);
  checkWritable(outDir);
  const record = new RunRecord(outDir);
  const orphans = [...removeOrphanedTemporaries(outDir), ...removeOrphanedTemporaries(record.bestDir)];
  if (orphans.length) out(`removed ${orphans.length} temporary file(s) an interrupted save left in ${outDir}`);

  let saved: Partial<RunConfig> = {};
  let ckpt: ReturnType<typeof loadCheckpoint> | undefined;
  if (values.resume) {
    if (!hasCheckpoint(outDir)) throw new UsageError(`--resume: no checkpoint in ${outDir} (expected ${join(outDir, MANIFEST_FILE)}); pass the --out of the run to resume`);
    ckpt = loadCheckpoint(outDir);
    saved = checkSavedConfig(ckpt.config ?? {}, ckpt.files.model);
    if (ckpt.optimizerState === undefined) throw new Error(`--resume: ${outDir} has no train-state.safetensors (optimizer state); it holds weights only`);
  }
  const optimizer = given('optimizer') || !saved.optimizer ? choiceFlag(values, 'optimizer', OPTIMIZERS, 'sgd') : saved.optimizer;
  const cfg: RunConfig = {
    model: given('model') || !saved.model ? modelFlag : saved.model,
    optimizer,
    lr: given('lr') || saved.lr === undefined ? numberFlag(values, 'lr', defaultLr(optimizer))! : saved.lr,
    momentum: given('momentum') || saved.momentum === undefined ? numberFlag(values, 'momentum', 0.9, (x) => x >= 0 && x < 1, 'in [0, 1)')! : saved.momentum,
    weightDecay: given('weight-decay') || saved.weightDecay === undefined ? numberFlag(values, 'weight-decay', 0, (x) => x >= 0, 'a non-negative number')! : saved.weightDecay,
    scheduler: given('scheduler') || !saved.scheduler ? choiceFlag(values, 'scheduler', SCHEDULERS, 'cosine') : saved.scheduler,
    batchSize: given('batch-size') || !saved.batchSize ? intFlag(values, 'batch-size', 64) : saved.batchSize,
    epochs: given('epochs') || !saved.epochs ? intFlag(values, 'epochs', 10) : saved.epochs,
    seed: given('seed') || saved.seed === undefined ? intFlag(values, 'seed', 0, 0) : saved.seed,
    augment: given('augment') ? true : saved.augment ?? false,
    limit: given('limit') ? intFlag(values, 'limit', 0) : saved.limit,
    earlyStopping: given('early-stopping') ? intFlag(values, 'early-stopping', 0, 0) : saved.earlyStopping ?? 0,
  };
  if (ckpt && ckpt.modelName && ckpt.modelName !== cfg.model) {
    throw new UsageError(`--resume: the checkpoint in ${outDir} is a ${ckpt.modelName}, not a ${cfg.model}`);
  }
  if (ckpt && saved.optimizer && saved.optimizer !== cfg.optimizer) {
    throw new UsageError(`--resume: the checkpoint's optimizer is ${saved.optimizer}; it cannot continue with ${cfg.optimizer}`);
  }
  const testLimit = given('test-limit') ? intFlag(values, 'test-limit', 0) : undefined;
  const backendName = await selectBackend(choiceFlag(values, 'backend', BACKEND_CHOICES, 'auto'));
  const dataDir = resolveDataDir(stringFlag(values, 'data'), out);

  manualSeed(cfg.seed);
  const { trainSet, testSet, trainLoader, testLoader, augmentRng } = makeLoaders({ dataDir, batchSize: cfg.batchSize, seed: cfg.seed, limit: cfg.limit, testLimit, augment: cfg.augment });
  const model = buildModel(cfg.model, { numClasses: trainSet.classes.length });
  const opt = buildOptimizer(cfg.optimizer, model, cfg.lr, cfg.momentum, cfg.weightDecay);
  const scheduler = cfg.scheduler === 'cosine' ? new CosineAnnealingLR(opt, cfg.epochs)
    : cfg.scheduler === 'step' ? new StepLR(opt, Math.max(1, Math.round(cfg.epochs / 3)), { gamma: 0.1 }) : undefined;
  let startEpoch = 0;
  if (ckpt) {
    model.loadStateDict(ckpt.modelState);
    (opt as { loadStateDict(s: unknown): void }).loadStateDict(ckpt.optimizerState);
    if (scheduler && ckpt.schedulerState !== undefined) scheduler.loadStateDict(ckpt.schedulerState as Parameters<typeof scheduler.loadStateDict>[0]);
    if (scheduler instanceof CosineAnnealingLR && cfg.epochs > scheduler.TMax) {
      // The saved schedule anneals over the first run's epochs: past its end the lr would sit at 0 and
      // then climb again. Extend it when it has not ended yet; after its end, nothing useful can follow.
      if (ckpt.epoch >= scheduler.TMax) {
        throw new UsageError(`--resume --epochs ${cfg.epochs}: the run's cosine schedule ended after epoch ${scheduler.TMax} (lr ${scheduler.etaMin}), ` +
          `so the epochs after it would not train. Start a new run in another --out (from this checkpoint's weights: ` +
          `convnet eval and PyTorch read ${join(outDir, MODEL_FILE)}), or use --scheduler step or none`);
      }
      out(`note: the cosine schedule now anneals over ${cfg.epochs} epochs instead of ${scheduler.TMax}, from the current lr`);
      scheduler.TMax = cfg.epochs;
    }
    // The random streams as they were after the saved epoch: dropout (global) and augmentation. A
    // checkpoint from before they were saved resumes with fresh ones (not bit-identical, but valid).
    const rng = ckpt.rngState;
    try {
      if (rng?.global !== undefined) setRngState(rng.global as RngState);
      if (rng?.augment !== undefined) augmentRng.setState(rng.augment as number);
    } catch (e) {
      throw new Error(`--resume: ${ckpt.files.trainState}: convnet.rng: ${(e as Error).message}`);
    }
    startEpoch = ckpt.epoch;
    trainLoader.setEpoch(startEpoch);
    out(`resuming ${outDir} after epoch ${startEpoch} of ${cfg.epochs}`);
  }
  // What a checkpoint of this run holds at the end of `epoch`: the latest's and best/'s are the same.
  const state = (epoch: number): SaveCheckpointOptions => ({
    model, optimizer: opt, scheduler, epoch, modelName: cfg.model, config: { ...cfg },
    rng: { global: getRngState(), augment: augmentRng.getState() },
  });
  if (ckpt) {
    const dropped = record.resume(startEpoch);
    if (dropped) out(`dropped ${dropped} line(s) of ${record.metricsFile} for epochs after the checkpoint's (they are trained again)`);
    if (record.records.length === 0) out(`note: no metrics for this run in ${record.metricsFile}; the record starts at epoch ${startEpoch + 1}`);
    const best = record.best(), onDisk = record.savedBestEpoch();
    if (best && onDisk !== best.epoch) {
      // A kill between the latest checkpoint and best/: the resumed model is that epoch's, so save it now.
      if (best.epoch === startEpoch) await saveCheckpoint(record.bestDir, state(startEpoch));
      else out(`note: ${record.bestDir} holds ${onDisk === undefined ? 'no checkpoint' : `epoch ${onDisk}`}, but the best epoch so far is ${best.epoch}; it is replaced when a later epoch does better`);
    }
  }
  // On resume, the epochs so far are replayed, so the run stops where an uninterrupted one would.
  const early = cfg.earlyStopping ? new EarlyStopping({ patience: cfg.earlyStopping, monitor: 'testAccuracy', history: record.records }) : undefined;
  const title = `${cfg.model}: ${trainSet.length} training / ${testSet.length} test images, ${cfg.optimizer} lr ${cfg.lr} (${outDir})`;
  const nParams = model.parameters().reduce((a, p) => a + p.numel(), 0);
  out(`training ${cfg.model} (${nParams.toLocaleString('en-US')} parameters) on ${dataDir}: ${trainSet.length} training / ${testSet.length} test images`);
  out(`backend ${backendName}, ${cfg.optimizer} lr ${cfg.lr}${cfg.optimizer === 'sgd' ? ` momentum ${cfg.momentum}` : ''}${cfg.weightDecay ? ` weight decay ${cfg.weightDecay}` : ''}, ` +
    `${cfg.scheduler} schedule, batch ${cfg.batchSize}, ${cfg.epochs} epochs${cfg.augment ? ', augmented' : ''}` +
    `${cfg.earlyStopping ? `, early stopping after ${cfg.earlyStopping} epochs without improvement` : ''}, checkpoints in ${outDir}`);

  const lossFn = new CrossEntropyLoss();
  const history = await fit(model, trainLoader, {
    epochs: cfg.epochs, optimizer: opt, lossFn, testLoader, scheduler, startEpoch, earlyStopping: early,
    progress: values.quiet ? false : { stream: process.stderr, summaryStream: process.stdout },
    onEpoch: async (r) => {
      // The order matters for a kill between two writes (see cli/run-record.ts): metrics, latest, best.
      const isBest = record.add(r);
      await saveCheckpoint(outDir, state(r.epoch));
      if (isBest) await saveCheckpoint(record.bestDir, state(r.epoch));
      record.plot(title);
      if (values.quiet) out(formatEpoch(r, cfg.epochs));
    },
  });
  // fit says it on its progress output; --quiet has none.
  const stoppedEarly = early?.stoppedEpoch !== undefined && early.stoppedEpoch < cfg.epochs;
  if (stoppedEarly && values.quiet) out(early!.summary(cfg.epochs));
  if (history.length === 0) {
    out(stoppedEarly ? `evaluating the checkpoint of epoch ${startEpoch} (--early-stopping 0, or a larger N, trains on)`
      : `already trained for ${startEpoch} epochs (--epochs ${cfg.epochs}); evaluating the checkpoint`);
  }
  const ev = await evaluate(model, testLoader, { lossFn, numClasses: trainSet.classes.length });
  out('');
  out(describeResult(ev, trainSet.classes));
  out('');
  if (history.length) {
    const secs = history.reduce((a, r) => a + r.seconds, 0) / history.length;
    const ips = history.reduce((a, r) => a + r.imagesPerSecond, 0) / history.length;
    out(`time per epoch ${formatDuration(secs)} (${secs.toFixed(1)} s, ${ips.toFixed(0)} images/s on ${backendName})`);
  }
  out(`test accuracy ${(100 * ev.accuracy).toFixed(2)}% (${ev.correct}/${ev.total}), test loss ${ev.loss.toFixed(4)}`);
  out(`checkpoint: ${join(outDir, MODEL_FILE)}`);
  const best = record.best();
  if (best) out(`best: ${record.bestDir} (epoch ${best.epoch}, test accuracy ${(100 * best.testAccuracy!).toFixed(2)}%)`);
  if (record.records.length) out(`metrics: ${record.metricsFile}, curves: ${record.curvesFile}`);
  return 0;
}

registerCommand({ name: 'train', summary: 'train a CNN (LeNet-5, a BatchNorm CNN) on Fashion-MNIST, with checkpoints', usage, options, run });

/** The settings a checkpoint recorded, each checked for its type: a wrong one is an error naming it. */
function checkSavedConfig(config: Record<string, unknown>, file: string): Partial<RunConfig> {
  const kinds: Record<keyof RunConfig, (v: unknown) => boolean> = {
    model: (v) => typeof v === 'string' && Object.hasOwn(MODELS, v),
    optimizer: (v) => typeof v === 'string' && (OPTIMIZERS as readonly string[]).includes(v),
    scheduler: (v) => typeof v === 'string' && (SCHEDULERS as readonly string[]).includes(v),
    lr: (v) => typeof v === 'number' && v > 0 && Number.isFinite(v),
    momentum: (v) => typeof v === 'number' && v >= 0 && v < 1,
    weightDecay: (v) => typeof v === 'number' && v >= 0 && Number.isFinite(v),
    batchSize: (v) => Number.isSafeInteger(v) && (v as number) > 0,
    epochs: (v) => Number.isSafeInteger(v) && (v as number) > 0,
    seed: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
    augment: (v) => typeof v === 'boolean',
    limit: (v) => Number.isSafeInteger(v) && (v as number) > 0,
    earlyStopping: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  };
  for (const [k, v] of Object.entries(config)) {
    if (!Object.hasOwn(kinds, k)) continue; // settings of another convnet version: not used here
    if (v !== undefined && !kinds[k as keyof RunConfig](v)) {
      throw new Error(`--resume: ${file}: the saved setting ${k} = ${JSON.stringify(v)} is not valid (damaged or edited checkpoint)`);
    }
  }
  return config as Partial<RunConfig>;
}

/** Checkpoints go to `dir` after every epoch: find out now, not after an epoch of training, that they can. */
function checkWritable(dir: string): void {
  const probe = join(dir, `.write-test.${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`--out ${dir}: checkpoints cannot be written there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
