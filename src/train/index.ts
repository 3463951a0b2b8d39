// train — the training loop (fit, evaluate), the progress display, checkpoints and the model zoo.

/**
 * `train`: the training loop (`fit`, `evaluate`), the progress display, early stopping, a run's
 * metrics.jsonl, checkpoints and the model zoo. PyTorch: none (the loop people write by hand; Keras' `fit`).
 * @example
 * ```ts
 * import { train } from 'convnet-ts';
 * const history = await train.fit(model, loader, { epochs: 5, optimizer, lossFn: new nn.CrossEntropyLoss(), testLoader });
 * ```
 * @module
 */

export { fit, evaluate, formatEpoch, formatConfusion } from './fit.js';
export type { FitOptions, EvaluateOptions, EpochResult, EvalResult, BatchResult, TrainBatchResult, LossFn, OptimizerLike, SchedulerLike } from './fit.js';
export { Progress, formatDuration } from './progress.js';
export { EarlyStopping, MONITORS } from './early-stopping.js';
export type { EarlyStoppingOptions, Monitor, MonitoredEpoch } from './early-stopping.js';
export { METRICS_FILE, readMetrics, writeMetrics, parseMetrics, formatMetrics, toRecord, bestRecord } from './metrics.js';
export type { EpochRecord } from './metrics.js';
export type { ProgressOptions, ProgressStream, BatchStats } from './progress.js';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, MODEL_FILE, TRAIN_STATE_FILE, MANIFEST_FILE } from './checkpoint.js';
export type { SaveCheckpointOptions, LoadedCheckpoint, Stateful } from './checkpoint.js';
export { lenet5, cnnBn, buildModel, MODELS } from './models.js';
