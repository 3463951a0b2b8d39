// train/fit.ts — the training loop, written once, with evaluation after every epoch:
//
//   const history = await fit(model, trainLoader, {
//     epochs: 5, optimizer: new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
//     lossFn: new nn.CrossEntropyLoss(), testLoader,
//   });
//
// Each step is exactly the PyTorch loop (examples/train-lenet.ts spells it out):
//   optimizer.zeroGrad(); const loss = lossFn(model(x), y); loss.backward(); optimizer.step();
// Evaluation runs under noGrad() with model.eval() (BatchNorm uses its running statistics, dropout is
// off) and restores train() afterwards. With `earlyStopping` (train/early-stopping.ts) fit trains no
// further epoch once the monitored metric has not improved for `patience` epochs, and says so.
//
// Between batches fit yields to the event loop, so that other work (signals, output, the garbage
// collector's callbacks that return tensor memory) goes on. When nothing but fit can hold a step's
// tensors, fit frees them itself once the step is done, so training needs neither dispose() nor the
// collector: the input x when the model is made of convnet's own layers (Module.keepsNoTensors) and the
// batch came fresh from a DataLoader over one of convnet's datasets (DataLoader.freshBatches); the
// targets y when the loss is a convnet loss and the batch is fresh; the output and the loss when both the
// model and the loss are convnet's. Anything a user's code sees (a loss function, a hook, a subclass's
// getBatch) is left to the collector. evaluate does the same.

import { Tensor } from '../tensor/tensor.js';
import { internalScope } from '../tensor/lifetime.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import { noGrad } from '../autograd/tape.js';
import { argmax } from '../ops/reduce.js';
import { toDtype } from '../ops/shape.js';
import { Module } from '../nn/module.js';
import { DataLoader } from '../data/dataloader.js';
import { Progress, formatDuration, type ProgressOptions } from './progress.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';

/**
 * What fit needs of an optimizer (optim.SGD, Adam, AdamW all have it). convnet's own.
 * @example
 * ```ts
 * const opt: train.OptimizerLike = new optim.SGD(model.parameters(), { lr: 0.1 });
 * ```
 */
export interface OptimizerLike {
  /**
   * Clears the parameters' gradients before a step's backward.
   * @example
   * ```ts
   * opt.zeroGrad();
   * ```
   */
  zeroGrad(): void;
  /**
   * Updates the parameters from their gradients.
   * @example
   * ```ts
   * opt.step();
   * ```
   */
  step(): void;
}

/**
 * What fit needs of a learning-rate scheduler (optim.StepLR, CosineAnnealingLR): step() once per epoch. convnet's own.
 * @example
 * ```ts
 * const sched: train.SchedulerLike = new optim.StepLR(opt, 5);
 * ```
 */
export interface SchedulerLike {
  /**
   * Advances the schedule by one epoch.
   * @example
   * ```ts
   * sched.step();
   * ```
   */
  step(): void;
}

/**
 * What fit and evaluate use as the loss: a function of the model's output and the batch's targets that returns a
 * scalar tensor (a loss module such as `new nn.CrossEntropyLoss()` is one). PyTorch: a `criterion`.
 * @example
 * ```ts
 * const lossFn: train.LossFn = (out, y) => F.crossEntropy(out, y, { labelSmoothing: 0.1 });
 * ```
 */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/**
 * One epoch of {@link fit}'s history: the epoch, its train loss and accuracy, the test loss and accuracy
 * when there is a test loader, the times, the throughput, the steps and the learning rate. convnet's own
 * (Keras: the `History` of `fit`).
 * @example
 * ```ts
 * const history = await fit(model, loader, opts);
 * history.at(-1)!.testAccuracy;
 * ```
 */
export interface EpochResult {
  /** 1-based epoch number. */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss?: number;
  testAccuracy?: number;
  /** Wall time of the epoch's training part, and of its evaluation. */
  seconds: number;
  evalSeconds: number;
  imagesPerSecond: number;
  steps: number;
  /** The learning rate the epoch trained with (the optimizer's first parameter group, read before the
   *  scheduler's step); undefined for an optimizer without paramGroups. */
  lr?: number;
}

/**
 * Options of {@link fit}: `epochs`, `optimizer` and `lossFn` (required), a `testLoader`, a `scheduler`, where
 * to start and stop, the `onEpoch` and `onBatch` callbacks, an abort `signal`, the progress display and early
 * stopping. PyTorch: none (the loop people write; Keras: the arguments of `fit`).
 * @example
 * ```ts
 * await fit(model, trainLoader, {
 *   epochs: 15, optimizer, lossFn: new nn.CrossEntropyLoss(), testLoader, scheduler,
 *   onEpoch: async (r) => { await saveCheckpoint('runs/a', { model, optimizer, epoch: r.epoch }); },
 *   earlyStopping: { patience: 3 },
 * });
 * ```
 */
export interface FitOptions {
  epochs: number;
  optimizer: OptimizerLike;
  lossFn: LossFn;
  testLoader?: Iterable<Tensor[]>;
  scheduler?: SchedulerLike;
  /** Epochs already done (a resumed run starts at startEpoch + 1); default 0. */
  startEpoch?: number;
  /** Stop after this many optimizer steps in all (the epoch in progress is then evaluated). */
  maxSteps?: number;
  /** Called after each epoch's evaluation (e.g. to save a checkpoint). May be async. */
  onEpoch?: (result: EpochResult) => void | Promise<void>;
  /** Called after each optimizer step with that batch's loss and accuracy and the epoch's running means
   *  (Keras's on_train_batch_end). May be async: fit awaits it before the next batch. */
  onBatch?: (result: TrainBatchResult) => void | Promise<void>;
  /** Stops training between batches: fit then rejects with `signal.reason` (by default a DOMException
   *  named 'AbortError'), as fetch does. The model keeps the weights of the last finished step; the
   *  finished epochs have been passed to onEpoch. Already aborted: fit rejects before the first batch. */
  signal?: AbortSignal;
  /** true (default): a Progress on stderr in Node, nothing where there is no process (a browser, a Web
   *  Worker); false: nothing; or options (e.g. { onLine: (line) => … }) / your own Progress. */
  progress?: boolean | ProgressOptions | Progress;
  /** Stop when the monitored metric (default testAccuracy) has not improved for `patience` epochs
   *  (train/early-stopping.ts). Pass your own EarlyStopping to read its state (best, stoppedEpoch) after. */
  earlyStopping?: EarlyStoppingOptions | EarlyStopping;
}

/**
 * What onBatch receives from evaluate: one batch's numbers, and the running means so far. convnet's own.
 * @example
 * ```ts
 * await evaluate(model, testLoader, { onBatch: ({ batch, batches, runningAccuracy }) => console.log(batch, batches, runningAccuracy) });
 * ```
 */
export interface BatchResult {
  /** 1-based batch number (within the epoch, for fit). */
  batch: number;
  /** Batches per pass over the loader (NaN when the loader has no length). */
  batches: number;
  /** Examples in this batch. */
  size: number;
  /** This batch's mean loss (NaN when evaluate has no lossFn). */
  loss: number;
  /** This batch's accuracy, in [0, 1]. */
  accuracy: number;
  /** Mean loss and accuracy over the batches so far (this epoch's, for fit): what the progress line shows. */
  runningLoss: number;
  runningAccuracy: number;
}

/**
 * What onBatch receives from fit: a BatchResult with the epoch and the step count. convnet's own (Keras: `on_train_batch_end`).
 * @example
 * ```ts
 * await fit(model, loader, { epochs: 1, optimizer, lossFn, onBatch: (r) => console.log(r.step, r.loss) });
 * ```
 */
export interface TrainBatchResult extends BatchResult {
  /** 1-based epoch number. */
  epoch: number;
  /** Optimizer steps taken so far in this call of fit, this one included. */
  step: number;
}

/**
 * Options of {@link evaluate}: the `lossFn` (without one the loss is NaN), `numClasses` for the confusion matrix, an
 * `onBatch` callback and an abort `signal`. convnet's own.
 * @example
 * ```ts
 * await evaluate(model, testLoader, { numClasses: 10, onBatch: (b) => console.log(b.runningAccuracy) });
 * ```
 */
export interface EvaluateOptions {
  lossFn?: LossFn;
  numClasses?: number;
  /** Called after each batch. May be async: evaluate awaits it before the next batch. */
  onBatch?: (result: BatchResult) => void | Promise<void>;
  /** Stops between batches: evaluate then rejects with `signal.reason`, as fit does (and fetch). */
  signal?: AbortSignal;
}

/**
 * What {@link evaluate} returns: mean loss, accuracy, the correct and total counts, and the confusion matrix
 * (rows: true class). convnet's own.
 * @example
 * ```ts
 * const { accuracy, confusion } = await evaluate(model, testLoader);
 * console.log(train.formatConfusion(confusion, FashionMNIST.classNames));
 * ```
 */
export interface EvalResult {
  loss: number;
  accuracy: number;
  correct: number;
  total: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

/** Throws unless `y` (a batch's targets from the loader named `arg`) holds one class index per sample [B],
 *  or class probabilities / one-hot rows [B, K] (as CrossEntropyLoss takes; their argmax is the class). */
function checkTargets(op: string, arg: string, y: unknown): asserts y is Tensor {
  if (!(y instanceof Tensor) || (y.ndim !== 1 && y.ndim !== 2)) {
    const got = y instanceof Tensor ? `a tensor of shape [${y.shape.join(', ')}]` : String(y);
    throw new Error(`${op}: the targets (y) of a batch from ${arg} must be class indices [B] or class probabilities [B, K], got ${got}`);
  }
}

/** Throws unless the model's output for a batch is logits [B, K] that fit the targets. */
function checkLogits(op: string, arg: string, out: unknown, y: Tensor): asserts out is Tensor {
  const fits = out instanceof Tensor && out.ndim === 2 && out.shape[0] === y.shape[0] &&
    (y.ndim === 1 || y.shape[1] === out.shape[1]);
  if (!fits) {
    const got = out instanceof Tensor ? `shape [${out.shape.join(', ')}]` : String(out);
    const want = y.ndim === 1 ? `[B, K] with B = ${y.shape[0]} (the targets' length)` : `[${y.shape.join(', ')}] (the targets' shape)`;
    throw new Error(`${op}: the model's output for a batch from ${arg} must be logits ${want}, got ${got}`);
  }
}

/** The predicted and the true class of each example, as int32 tensors (argmax of the logits; the targets,
 *  or their argmax when they are class probabilities), for `tally` to read. */
function predictions(logits: Tensor, y: Tensor): [Tensor, Tensor] {
  return noGrad(() => internalScope(() => [argmax(logits, -1), y.ndim === 2 ? argmax(y, -1) : toDtype(y, 'int32')]));
}

/** Reads a step's numbers in one go — the loss (if any) and the predicted and true classes — with
 *  `await t.dataAsync()`, the read every backend supports (a GPU backend submits the step's work here). */
async function readStep(loss: Tensor | undefined, pred: Tensor, truth: Tensor): Promise<{ loss: number; pred: ArrayLike<number>; truth: ArrayLike<number> }> {
  const [l, p, t] = await Promise.all([loss ? loss.dataAsync() : Promise.resolve([NaN]), pred.dataAsync(), truth.dataAsync()]);
  return { loss: l[0], pred: p, truth: t };
}

/** Counts the correct predictions, adding each (true, predicted) pair to `confusion` if given. */
function tally(pred: ArrayLike<number>, truth: ArrayLike<number>, confusion?: number[][]): number {
  let correct = 0;
  for (let i = 0; i < pred.length; i++) {
    const t = truth[i], p = pred[i];
    if (t === p) correct++;
    if (confusion) {
      const row = confusion[t] ?? (confusion[t] = []);
      row[p] = (row[p] ?? 0) + 1;
    }
  }
  return correct;
}

/**
 * Frees a step's tensors that nothing but the training loop can hold (see the top). Each tensor is freed
 * only when every party that sees it keeps none: x — the model, and the loader made it fresh; y — the
 * loss, and fresh; the output and the loss tensor — the model and the loss. Purity is checked at the start
 * and at the end of every step (a hook may be added at any time, e.g. in onEpoch): call the returned
 * function before the forward, and the release function it returns once the step is done. A missing
 * lossFn sees nothing. Freshness is the DataLoader's (DataLoader.freshBatches, by exact class).
 */
function batchReleaser(model: Module, lossFn: LossFn | undefined, loader: Iterable<Tensor[]>):
  () => (x: Tensor, y: Tensor, out: unknown, loss?: Tensor) => void {
  const purity = () => ({
    model: model.keepsNoTensors(),
    loss: lossFn === undefined || (lossFn instanceof Module && lossFn.keepsNoTensors()),
  });
  return () => {
    const before = purity();
    return (x, y, out, loss) => {
      const after = purity();
      const pureModel = before.model && after.model, pureLoss = before.loss && after.loss;
      const fresh = loader instanceof DataLoader && loader.freshBatches;
      // A tensor may play two parts (a model that returns its input, a loss that returns the output): it
      // is freed only when every part allows it.
      const verdict = new Map<Tensor, boolean>();
      const allow = (t: unknown, ok: boolean) => { if (t instanceof Tensor) verdict.set(t, (verdict.get(t) ?? true) && ok); };
      allow(x, pureModel && fresh);
      allow(y, pureLoss && fresh);
      allow(out, pureModel && pureLoss);
      allow(loss, pureModel && pureLoss);
      for (const [t, ok] of verdict) if (ok) t.dispose();
    };
  };
}

/**
 * Loss and accuracy of `model` over `loader` (noGrad, eval mode; the mode is restored afterwards). Async,
 *  since results are read with `await t.dataAsync()` (on a GPU the only read there is), and it yields to the
 *  event loop between batches. PyTorch: none (the evaluation loop people write under `torch.no_grad()`).
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluate(model, testLoader);
 * ```
 */
export function evaluate(model: Module, loader: Iterable<Tensor[]>, opts: EvaluateOptions = {}): Promise<EvalResult> {
  noExtraArgs('evaluate', arguments, ['model', 'loader', 'opts']);
  checkKeys('evaluate', opts, ['lossFn', 'numClasses', 'onBatch', 'signal']);
  return evaluateOn('evaluate', 'loader', model, loader, opts);
}

/** evaluate, with the caller and the loader's name for errors (fit evaluates its testLoader). */
async function evaluateOn(op: string, arg: string, model: Module, loader: Iterable<Tensor[]>, opts: EvaluateOptions): Promise<EvalResult> {
  const { signal } = opts;
  checkSignal(op, signal);
  signal?.throwIfAborted();
  const wasTraining = model.training;
  const batches = lengthOf(loader);
  let batch = 0;
  model.eval();
  let lossSum = 0, correct = 0, total = 0;
  const confusion: number[][] = [];
  // As in fit: tensors only this loop can hold are freed as soon as they are used.
  const step = batchReleaser(model, opts.lossFn, loader);
  try {
    for (const [x, y] of loader) {
      checkTargets(op, arg, y);
      const release = step();
      const { out, loss } = noGrad(() => {
        const out: unknown = model(x);
        checkLogits(op, arg, out, y);
        return { out, loss: opts.lossFn ? opts.lossFn(out, y) : undefined };
      });
      const [pred, truth] = predictions(out, y);
      const r = await readStep(loss, pred, truth);
      const B = y.shape[0];
      if (loss) lossSum += r.loss * B;
      const right = tally(r.pred, r.truth, confusion);
      correct += right;
      total += B;
      batch++;
      pred.dispose();
      if (truth !== y) truth.dispose();
      release(x, y, out, loss);
      await opts.onBatch?.({
        batch, batches, size: B, loss: loss ? r.loss : NaN, accuracy: right / B,
        runningLoss: loss ? lossSum / total : NaN, runningAccuracy: correct / total,
      });
      await yieldToEventLoop();
      signal?.throwIfAborted();
    }
  } finally {
    model.train(wasTraining);
  }
  const K = Math.max(opts.numClasses ?? 0, confusion.length);
  const square = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => confusion[i]?.[j] ?? 0));
  return { loss: total ? lossSum / total : NaN, accuracy: total ? correct / total : NaN, correct, total, confusion: square };
}

type YieldHost = { setImmediate?: (f: () => void) => void; MessageChannel?: typeof MessageChannel };

/** The resolvers waiting on `channel` (one message each, delivered in order). */
const waiting: (() => void)[] = [];
let channel: MessageChannel | null = null;

/**
 * Resolves on a later turn of the event loop (a macrotask), so that other work runs between batches: in
 * Node signals, I/O, timers and the collector's callbacks; in a page input events and rendering; in a Web
 * Worker the messages that carry an abort from the page. Node: setImmediate. Elsewhere a MessageChannel
 * message, which Chromium queues behind pending frames, timers and messages. Not scheduler.yield(): its
 * continuation runs ahead of them, and test/browser-train.test.ts measured frames and timers starved as
 * if fit never yielded, and a worker that never saw the page's abort message. Not setTimeout(0) either:
 * browsers clamp nested timers to 4 ms, a pause per batch longer than a small model's whole step. Every
 * global is read through globalThis, which a runtime lacking it answers with undefined, not a ReferenceError.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as YieldHost;
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  if (g.MessageChannel) {
    if (!channel) {
      channel = new g.MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    const c = channel;
    return new Promise((r) => { waiting.push(r); c.port2.postMessage(0); });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Throws unless `signal` is undefined or an AbortSignal (anything with `aborted` and throwIfAborted()). */
function checkSignal(op: string, signal: unknown): asserts signal is AbortSignal | undefined {
  const s = signal as { aborted?: unknown; throwIfAborted?: unknown } | undefined;
  if (s !== undefined && (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.throwIfAborted !== 'function')) {
    throw new Error(`${op}: signal must be an AbortSignal (e.g. new AbortController().signal), got ${String(signal)}`);
  }
}

/** The learning rate of the optimizer's first parameter group, when it has them (optim.SGD, Adam, AdamW). */
function currentLr(optimizer: OptimizerLike): number | undefined {
  const lr = (optimizer as { paramGroups?: { lr?: unknown }[] }).paramGroups?.[0]?.lr;
  return typeof lr === 'number' ? lr : undefined;
}

function lengthOf(loader: unknown): number {
  const n = (loader as { length?: unknown }).length;
  return typeof n === 'number' ? n : NaN;
}

/**
 * Trains `model` for `epochs` epochs, evaluating on testLoader after each; returns the history.
 * Runs PyTorch's loop — zeroGrad, forward, loss, backward, step — per batch, with a progress display,
 * callbacks, an abort signal and early stopping (see {@link FitOptions}). PyTorch: none (Keras: `Model.fit`).
 * @example
 * ```ts
 * const model = models.lenet5();
 * const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
 * const history = await fit(model, new DataLoader(train, { batchSize: 64, shuffle: true }), {
 *   epochs: 5, optimizer, lossFn: new nn.CrossEntropyLoss(), testLoader: new DataLoader(test, { batchSize: 256 }),
 * });
 * ```
 */
export async function fit(model: Module, trainLoader: Iterable<Tensor[]>, opts: FitOptions): Promise<EpochResult[]> {
  noExtraArgs('fit', arguments, ['model', 'trainLoader', 'opts']);
  checkKeys('fit', opts ?? {}, ['epochs', 'optimizer', 'lossFn', 'testLoader', 'scheduler', 'startEpoch', 'maxSteps', 'onEpoch', 'onBatch', 'signal', 'progress', 'earlyStopping']);
  const { epochs, optimizer, lossFn } = opts;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  if (!optimizer || typeof optimizer.step !== 'function') throw new Error('fit: optimizer must have zeroGrad() and step() (e.g. new optim.SGD(model.parameters(), { lr: 0.1 }))');
  if (typeof lossFn !== 'function') throw new Error('fit: lossFn must be a function or a loss module (e.g. new nn.CrossEntropyLoss())');
  const { signal } = opts;
  checkSignal('fit', signal);
  signal?.throwIfAborted();
  const startEpoch = opts.startEpoch ?? 0;
  const early = opts.earlyStopping === undefined || opts.earlyStopping instanceof EarlyStopping ? opts.earlyStopping
    : new EarlyStopping(opts.earlyStopping);
  if (early?.monitor.startsWith('test') && !opts.testLoader) {
    throw new Error(`fit: earlyStopping monitors ${early.monitor}, which needs a testLoader`);
  }
  if (early?.lastEpoch !== undefined && early.lastEpoch > startEpoch) {
    throw new Error(`fit: earlyStopping has seen epoch ${early.lastEpoch}, after startEpoch ${startEpoch}; its history must end at the epoch training resumes from`);
  }
  const progress = opts.progress instanceof Progress ? opts.progress
    : new Progress(opts.progress === false ? { silent: true } : opts.progress === true || opts.progress === undefined ? {} : opts.progress);
  const history: EpochResult[] = [];
  let steps = 0;
  const batches = lengthOf(trainLoader);
  // Whose tensors are these? Only fit's, when every party that sees them keeps none (see the top).
  const step = batchReleaser(model, lossFn, trainLoader);

  for (let epoch = startEpoch + 1; epoch <= epochs; epoch++) {
    if (opts.maxSteps !== undefined && steps >= opts.maxSteps) break;
    // Checked here rather than after the epoch, so that it is said only when epochs are left out (and at
    // once for a resumed run whose history had already run out of patience).
    if (early?.stopped) {
      progress.log(early.summary(epochs));
      break;
    }
    model.train();
    const lr = currentLr(optimizer);
    progress.startEpoch(epoch, epochs, Number.isFinite(batches) ? batches : 0);
    const t0 = performance.now();
    let lossSum = 0, correct = 0, seen = 0, batch = 0, epochSteps = 0;
    const stopIfAborted = () => {
      if (!signal?.aborted) return;
      progress.log(`fit: aborted at epoch ${epoch}, after batch ${batch}`);
      signal.throwIfAborted();
    };
    for (const [x, y] of trainLoader) {
      checkTargets('fit', 'trainLoader', y);
      const release = step();
      optimizer.zeroGrad();
      const out: unknown = model(x);
      checkLogits('fit', 'trainLoader', out, y);
      const loss = lossFn(out, y);
      const [pred, truth] = predictions(out, y);
      loss.backward();
      // The one read of the step, after the backward (so a GPU runs forward and backward as one submit)
      // and before the update.
      const r = await readStep(loss, pred, truth);
      pred.dispose();
      if (truth !== y) truth.dispose(); // toDtype returns int32 targets themselves
      if (!Number.isFinite(r.loss)) { // checked before the step, so the model keeps its last finite weights
        throw new Error(`fit: the loss became ${r.loss} at epoch ${epoch}, batch ${batch + 1}; lower the learning rate or check the data`);
      }
      optimizer.step();
      const B = y.shape[0];
      lossSum += r.loss * B;
      const right = tally(r.pred, r.truth);
      correct += right;
      seen += B;
      batch++; epochSteps++; steps++;
      release(x, y, out, loss);
      progress.update(batch, { loss: lossSum / seen, accuracy: correct / seen, images: seen });
      await opts.onBatch?.({
        epoch, batch, batches, step: steps, size: B, loss: r.loss, accuracy: right / B,
        runningLoss: lossSum / seen, runningAccuracy: correct / seen,
      });
      if (opts.maxSteps !== undefined && steps >= opts.maxSteps) break;
      // Input, rendering and the abort itself (a click handler, a worker's message) run here; a stop is
      // seen before the next batch is drawn from the loader, so the weights are the last step's.
      await yieldToEventLoop();
      stopIfAborted();
    }
    const seconds = (performance.now() - t0) / 1000;
    opts.scheduler?.step();
    const t1 = performance.now();
    stopIfAborted(); // after a maxSteps break, or an abort in the last onBatch
    const ev = opts.testLoader ? await evaluateOn('fit', 'testLoader', model, opts.testLoader, { lossFn, signal }) : undefined;
    const evalSeconds = (performance.now() - t1) / 1000;
    const result: EpochResult = {
      epoch, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testLoss: ev?.loss, testAccuracy: ev?.accuracy,
      seconds, evalSeconds, imagesPerSecond: seen / seconds, steps: epochSteps, lr,
    };
    history.push(result);
    progress.endEpoch(formatEpoch(result, epochs));
    await opts.onEpoch?.(result);
    early?.observe(result);
    await yieldToEventLoop();
    stopIfAborted();
  }
  return history;
}

/**
 * One line per epoch: `epoch 3/10  train loss 0.4123 acc 85.1%  test loss 0.4410 acc 84.0%  12.3s (4870 img/s)`. convnet's own.
 * @example
 * ```ts
 * console.log(train.formatEpoch(history[0], 10));
 * ```
 */
export function formatEpoch(r: EpochResult, epochs?: number): string {
  const parts = [`epoch ${r.epoch}${epochs ? `/${epochs}` : ''}`, `train loss ${r.trainLoss.toFixed(4)} acc ${(100 * r.trainAccuracy).toFixed(1)}%`];
  if (r.testAccuracy !== undefined) parts.push(`test loss ${r.testLoss!.toFixed(4)} acc ${(100 * r.testAccuracy).toFixed(2)}%`);
  parts.push(`${formatDuration(r.seconds)} (${r.seconds.toFixed(1)}s, ${r.imagesPerSecond.toFixed(0)} img/s)`);
  return parts.join('  ');
}

/**
 * A confusion matrix and per-class accuracy as text, rows = true class. convnet's own.
 * @example
 * ```ts
 * console.log(train.formatConfusion((await evaluate(model, test)).confusion, test.classes));
 * ```
 */
export function formatConfusion(confusion: number[][], classes?: readonly string[]): string {
  const K = confusion.length;
  const names = Array.from({ length: K }, (_, i) => classes?.[i] ?? String(i));
  const labels = names.map((n, i) => `${i} ${n}`);
  const nameW = Math.max(...labels.map((n) => n.length), 'true \\ predicted'.length);
  const cellW = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = `${'true \\ predicted'.padEnd(nameW)} ${Array.from({ length: K }, (_, j) => String(j).padStart(cellW)).join('')}   accuracy`;
  const rows = confusion.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const acc = total ? `${(100 * row[i] / total).toFixed(1)}%` : '-';
    return `${labels[i].padEnd(nameW)} ${row.map((v) => String(v).padStart(cellW)).join('')}   ${acc.padStart(6)}`;
  });
  return [head, ...rows].join('\n');
}
