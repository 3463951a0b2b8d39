// train — the training loop (fit, evaluate), the progress display, checkpoints and the model zoo.

export { fit, evaluate, formatEpoch, formatConfusion } from './fit.js';
export type { FitOptions, EpochResult, EvalResult, LossFn, OptimizerLike, SchedulerLike } from './fit.js';
export { Progress, formatDuration } from './progress.js';
export { EarlyStopping, MONITORS } from './early-stopping.js';
export type { EarlyStoppingOptions, Monitor, MonitoredEpoch } from './early-stopping.js';
export { METRICS_FILE, readMetrics, writeMetrics, parseMetrics, formatMetrics, toRecord, bestRecord } from './metrics.js';
export type { EpochRecord } from './metrics.js';
export type { ProgressOptions, BatchStats } from './progress.js';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, MODEL_FILE, TRAIN_STATE_FILE, MANIFEST_FILE } from './checkpoint.js';
export type { SaveCheckpointOptions, LoadedCheckpoint, Stateful } from './checkpoint.js';
export { lenet5, cnnBn, buildModel, MODELS } from './models.js';
