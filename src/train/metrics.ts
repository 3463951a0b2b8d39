// train/metrics.ts — a run's per-epoch record, metrics.jsonl: one JSON object per line and epoch,
//
//   {"epoch":3,"trainLoss":0.4123,"trainAccuracy":0.851,"testLoss":0.441,"testAccuracy":0.84,"lr":0.05,"seconds":12.3,"imagesPerSecond":4870}
//
// readable by anything that reads JSON Lines (pandas.read_json(f, lines=True), jq, a loop over lines).
//
// The file is rewritten whole, atomically (io/atomic.ts), after every epoch, rather than appended to:
// a reader (or a kill) then never meets half a line, and a resumed run, which must drop the lines of
// epochs after its checkpoint, does so in the same single write. The cost is nothing next to an epoch
// (~150 bytes a line). So the reader is strict: a line that does not parse is damage, and an error naming
// the file and the line, not something to skip. (`tail -f` follows the old file after a rename; use
// `tail -F`.) JSON has no NaN: a non-finite number (the loss of an empty test set) is written as null and
// read back as NaN.

import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { checkKeys, isOptionsObject, noExtraArgs } from '../tensor/signature.js';
import { maximises, type Monitor } from './early-stopping.js';

/**
 * The name of a run's per-epoch record in its output directory: 'metrics.jsonl'. convnet's own.
 * @example
 * ```ts
 * readMetrics(join('runs/lenet5', train.METRICS_FILE));
 * ```
 */
export const METRICS_FILE = 'metrics.jsonl';

/**
 * One epoch of a run, as metrics.jsonl holds it.
 * convnet's own (one line of a JSON Lines file).
 * @example
 * ```ts
 * const r: EpochRecord = { epoch: 1, trainLoss: 0.61, trainAccuracy: 0.78, testLoss: 0.5, testAccuracy: 0.82, lr: 0.05, seconds: 7, imagesPerSecond: 8600 };
 * ```
 */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss?: number;
  testAccuracy?: number;
  /** The learning rate the epoch trained with. */
  lr?: number;
  /** Wall time of the epoch's training part, and the images it trained on per second. */
  seconds: number;
  imagesPerSecond: number;
}

/** The fields in file order; the optional ones are left out of a line when absent. */
const FIELDS = ['epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'lr', 'seconds', 'imagesPerSecond'] as const;
const OPTIONAL = new Set<string>(['testLoss', 'testAccuracy', 'lr']);

/**
 * The record of one of fit's epoch results (the fields metrics.jsonl keeps).
 * convnet's own.
 * @example
 * ```ts
 * records.push(train.toRecord(epochResult));
 * ```
 */
export function toRecord(r: EpochRecord): EpochRecord {
  const out: Record<string, number> = {};
  for (const k of FIELDS) if (r[k] !== undefined) out[k] = r[k]!;
  return out as unknown as EpochRecord;
}

/**
 * The text of a metrics.jsonl holding `records`: one line each, every line ending in a newline.
 * convnet's own.
 * @example
 * ```ts
 * train.formatMetrics(records);  // '{"epoch":1,…}\n{"epoch":2,…}\n'
 * ```
 */
export function formatMetrics(records: readonly EpochRecord[]): string {
  return records.map((r) => {
    const line: Record<string, number | null> = {};
    for (const k of FIELDS) {
      const v = r[k];
      if (v === undefined) continue;
      line[k] = Number.isFinite(v) ? v : null;
    }
    return `${JSON.stringify(line)}\n`;
  }).join('');
}

/**
 * The records of a metrics.jsonl's text; `source` names it in errors. Throws on a line that is not a
 *  record (see the top: the writer never leaves a partial line) and on epochs that do not increase.
 * convnet's own.
 * @example
 * ```ts
 * const records = train.parseMetrics(await (await fetch('metrics.jsonl')).text());
 * ```
 */
export function parseMetrics(text: string, source = 'metrics.jsonl'): EpochRecord[] {
  const records: EpochRecord[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const bad = (why: string) => new Error(`parseMetrics: ${source} line ${i + 1}: ${why}`);
    let obj: unknown;
    try { obj = JSON.parse(line); } catch (e) { throw bad(`not valid JSON (${(e as Error).message})`); }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw bad(`not a JSON object: ${line.slice(0, 80)}`);
    const o = obj as Record<string, unknown>;
    const rec: Record<string, number> = {};
    for (const k of FIELDS) {
      const v = o[k];
      if (v === undefined && OPTIONAL.has(k)) continue;
      if (v === null && k !== 'epoch') { rec[k] = NaN; continue; }
      if (typeof v !== 'number') throw bad(`${k} must be a number, got ${JSON.stringify(v) ?? 'nothing'}`);
      rec[k] = v;
    }
    // Fields of another convnet version are left out (not an error): the record is what this one reads.
    if (!Number.isSafeInteger(rec.epoch) || rec.epoch < 1) throw bad(`epoch must be an integer >= 1, got ${rec.epoch}`);
    const prev = records[records.length - 1];
    if (prev && rec.epoch <= prev.epoch) throw bad(`epoch ${rec.epoch} comes after epoch ${prev.epoch}; epochs must increase`);
    records.push(rec as unknown as EpochRecord);
  });
  return records;
}

/**
 * The records in `file`; none when it does not exist.
 * Node only. convnet's own (pandas: `read_json(f, lines=True)`).
 * @example
 * ```ts
 * const records = readMetrics('runs/lenet5/metrics.jsonl');
 * ```
 */
export function readMetrics(file: string): EpochRecord[] {
  noExtraArgs('readMetrics', arguments, ['file']);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`readMetrics: cannot read ${file} (${(e as Error).message})`);
  }
  return parseMetrics(text, file);
}

/**
 * Replaces `file` by `records`, atomically (see the top).
 * Node only. convnet's own.
 * @example
 * ```ts
 * writeMetrics('runs/lenet5/metrics.jsonl', records);
 * ```
 */
export function writeMetrics(file: string, records: readonly EpochRecord[]): void {
  noExtraArgs('writeMetrics', arguments, ['file', 'records']);
  writeFileAtomic(file, formatMetrics(records));
}

/**
 * The record with the best `monitor` (highest accuracy, lowest loss); the earliest of equals, since a
 *  later epoch must beat the best to replace it. Records without the metric (or NaN) never count.
 * convnet's own.
 * @example
 * ```ts
 * bestRecord(readMetrics('runs/lenet5/metrics.jsonl'))?.epoch;           // the epoch with the best test accuracy
 * bestRecord(records, 'testLoss');
 * ```
 */
export function bestRecord<R extends EpochRecord>(records: readonly R[], monitor: Monitor = 'testAccuracy'): R | undefined {
  noExtraArgs('bestRecord', arguments, ['records', 'monitor']);
  if (isOptionsObject(monitor)) { // bestRecord(records, { monitor })
    checkKeys('bestRecord', monitor, ['monitor']);
    monitor = (monitor as { monitor?: Monitor }).monitor ?? 'testAccuracy';
  }
  let best: R | undefined;
  for (const r of records) {
    const v = r[monitor];
    if (v === undefined || Number.isNaN(v)) continue;
    if (best === undefined || (maximises(monitor) ? v > best[monitor]! : v < best[monitor]!)) best = r;
  }
  return best;
}
