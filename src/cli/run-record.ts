// cli/run-record.ts — what `convnet train` keeps of a run beside its latest checkpoint, in --out:
//
//   metrics.jsonl   one line per epoch (train/metrics.ts), rewritten atomically after every epoch
//   best/           the checkpoint of the epoch with the highest test accuracy so far (the earliest of
//                   equals), model and train state, so `convnet eval --checkpoint OUT/best` reads it
//   curves.svg      loss and accuracy against the epoch (vis/curves.ts), redrawn after every epoch
//
// After an epoch, train.ts writes metrics.jsonl first, then the latest checkpoint, then best/, then the
// picture. A kill between any two leaves something --resume mends: a line for an epoch after the
// checkpoint's is dropped (that epoch is trained again); a best epoch that is the checkpoint's own but
// did not reach best/ is saved there from the resumed model, which is that epoch's.

import { join } from 'node:path';
import { hasCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { METRICS_FILE, bestRecord, readMetrics, toRecord, writeMetrics, type EpochRecord } from '../train/metrics.js';
import { plotCurves } from '../vis/curves.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { EpochResult } from '../train/fit.js';

export const BEST_DIR = 'best';
export const CURVES_FILE = 'curves.svg';

export class RunRecord {
  readonly metricsFile: string;
  readonly bestDir: string;
  readonly curvesFile: string;
  /** The run's epochs so far, in order. */
  records: EpochRecord[] = [];

  constructor(outDir: string) {
    this.metricsFile = join(outDir, METRICS_FILE);
    this.bestDir = join(outDir, BEST_DIR);
    this.curvesFile = join(outDir, CURVES_FILE);
  }

  /** A resumed run's record: the lines of metrics.jsonl up to the checkpoint's epoch. Lines after it
   *  (epochs whose checkpoint a kill prevented; they are trained again) are dropped from the file at
   *  once, so it never holds an epoch twice. Returns how many were dropped. */
  resume(epoch: number): number {
    const all = readMetrics(this.metricsFile);
    this.records = all.filter((r) => r.epoch <= epoch);
    const dropped = all.length - this.records.length;
    if (dropped) writeMetrics(this.metricsFile, this.records);
    return dropped;
  }

  /** The best epoch so far by test accuracy. */
  best(): EpochRecord | undefined {
    return bestRecord(this.records, 'testAccuracy');
  }

  /** The epoch of the checkpoint in best/, if there is a readable one. */
  savedBestEpoch(): number | undefined {
    if (!hasCheckpoint(this.bestDir)) return undefined;
    try {
      return loadCheckpoint(this.bestDir).epoch;
    } catch {
      return undefined; // damaged: the next best epoch replaces it
    }
  }

  /** Adds an epoch and rewrites metrics.jsonl; returns whether the epoch is the new best (its test
   *  accuracy beats every earlier one), i.e. whether best/ should now hold it. */
  add(r: EpochResult): boolean {
    const before = this.best();
    this.records.push(toRecord(r));
    writeMetrics(this.metricsFile, this.records);
    return this.best() !== before;
  }

  /** Redraws curves.svg from the records. */
  plot(title: string): void {
    writeFileAtomic(this.curvesFile, plotCurves(this.records, { title }));
  }
}
