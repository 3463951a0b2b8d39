// train/progress.ts — the training progress display:
//
//   epoch 2/5 [██████████░░░░░░░░░░] 40/79  812 img/s  loss 0.5123  acc 81.2%  ETA 0:42
//
// On a terminal the line is redrawn in place (at most ~10 times a second, so drawing costs nothing next
// to a batch); when the output is a file or a pipe (CI logs, `| tee`), it prints a plain line every
// `logEvery` of an epoch instead, since carriage returns would make a log unreadable. Hand-written
// rather than `cli-progress`: ~100 lines, no dependency, and it knows what a training run needs
// (images/s, running loss and accuracy, ETA across epochs, the epoch summary line).

import { checkKeys, noExtraArgs } from '../tensor/signature.js';

/**
 * What Progress writes to: process.stderr, a file stream, or any object with write(text). A structural
 *  type rather than NodeJS.WritableStream, so that the browser build's types need no @types/node. convnet's own.
 * @example
 * ```ts
 * new Progress({ stream: { write: (t) => { out += t; }, isTTY: false } });
 * ```
 */
export interface ProgressStream {
  /**
   * Writes `text` (which may hold newlines and terminal control codes).
   * @example
   * ```ts
   * const stream: ProgressStream = { write: (t) => { log += t; } };
   * ```
   */
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Options of {@link Progress}: where it draws (`stream`, `summaryStream` or `onLine`), terminal or
 * plain-line mode, how often plain mode prints, or `silent`. PyTorch: none (tqdm's arguments).
 * @example
 * ```ts
 * new Progress({ onLine: (line) => { status.textContent = line; } });
 * ```
 */
export interface ProgressOptions {
  /** Where to draw (default in Node: process.stderr, as tqdm). Where there is no `process` (a browser, a
   *  Web Worker) there is no default: without a stream or onLine the display is silent. */
  stream?: ProgressStream;
  /** Where the permanent lines (epoch summaries, log()) go (default: stream). The CLI sends them to
   *  stdout and the live line to stderr, so `convnet train > log.txt` keeps the summaries. */
  summaryStream?: ProgressStream;
  /** Each line as plain text, without its newline (the periodic batch lines, epoch summaries, log()); for
   *  a page's status element or console.log. Takes the place of stream and summaryStream, in plain mode. */
  onLine?: (line: string) => void;
  /** Force the terminal (true) or plain-line (false) mode; default: the stream's isTTY. */
  tty?: boolean;
  /** Plain mode: print a line every this fraction of an epoch (default 0.25). */
  logEvery?: number;
  /** Draw nothing at all (epoch summaries included). */
  silent?: boolean;
}

/**
 * What {@link Progress.update} shows after a batch: the epoch's running mean loss and accuracy and the images
 * seen so far. convnet's own.
 * @example
 * ```ts
 * progress.update(batch, { loss: 0.42, accuracy: 0.87, images: batch * 64 });
 * ```
 */
export interface BatchStats {
  loss: number;       // running mean loss of this epoch
  accuracy: number;   // running accuracy of this epoch, in [0, 1]
  images: number;     // images seen this epoch
}

/**
 * Seconds as m:ss, or h:mm:ss from an hour; '--:--' for a time that is not known. convnet's own.
 * @example
 * ```ts
 * train.formatDuration(75);    // '1:15'
 * train.formatDuration(3725);  // '1:02:05'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/**
 * The training display `fit` draws: a live line per epoch on a terminal (bar, batches, loss, accuracy,
 * images/s, time left), periodic plain lines elsewhere, and a permanent summary line per epoch. In a browser
 * it is silent unless given a stream or `onLine`. PyTorch: none (tqdm).
 * @example
 * ```ts
 * await fit(model, loader, { epochs: 5, optimizer, lossFn, progress: new Progress({ logEvery: 0.5 }) });
 * ```
 */
export class Progress {
  readonly tty: boolean;
  private readonly stream: ProgressStream;
  private readonly summaryStream: ProgressStream;
  private readonly logEvery: number;
  private readonly silent: boolean;
  private epoch = 0;
  private epochs = 0;
  private batches = 0;
  private epochStart = 0;
  private lastDraw = 0;
  private nextLog = 0;
  private drawn = false;

  constructor(opts: ProgressOptions = {}) {
    noExtraArgs('Progress', arguments, ['opts']);
    checkKeys('Progress', opts, ['stream', 'summaryStream', 'onLine', 'tty', 'logEvery', 'silent']);
    // process is read through globalThis: a bare `process` is a ReferenceError in a browser, even when
    // the display is silent or has a stream of its own.
    const stderr = (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;
    const { onLine } = opts;
    const lines: ProgressStream | undefined = onLine && { write: (text: string) => { for (const l of text.split('\n').slice(0, -1)) onLine(l); } };
    const stream = lines ?? opts.stream ?? stderr;
    this.stream = stream ?? { write: () => undefined };
    this.summaryStream = lines ?? opts.summaryStream ?? this.stream;
    this.tty = lines ? false : opts.tty ?? Boolean(this.stream.isTTY);
    this.logEvery = opts.logEvery ?? 0.25;
    this.silent = (opts.silent ?? false) || stream === undefined;
  }

  /**
   * Starts epoch `epoch` of `epochs`, which has `batches` batches. convnet's own.
   * @example
   * ```ts
   * progress.startEpoch(1, 10, loader.length);
   * ```
   */
  startEpoch(epoch: number, epochs: number, batches: number): void {
    this.epoch = epoch;
    this.epochs = epochs;
    this.batches = batches;
    this.epochStart = performance.now();
    this.lastDraw = 0;
    this.nextLog = this.logEvery;
  }

  /**
   * After batch `batch` (1-based) of the current epoch. convnet's own.
   * @example
   * ```ts
   * progress.update(b, { loss: runningLoss, accuracy: runningAcc, images: seen });
   * ```
   */
  update(batch: number, stats: BatchStats): void {
    if (this.silent) return;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw < 100 && batch < this.batches) return;
      this.lastDraw = now;
      this.redraw(this.line(batch, stats, now, true));
    } else if (batch / this.batches >= this.nextLog - 1e-9 && batch < this.batches) {
      while (batch / this.batches >= this.nextLog - 1e-9) this.nextLog += this.logEvery;
      this.stream.write(`${this.line(batch, stats, now, false)}\n`);
    }
  }

  /**
   * Ends the epoch's live line and prints `summary` as a permanent line. convnet's own.
   * @example
   * ```ts
   * progress.endEpoch('epoch 1/10  loss 0.52  acc 81.3%');
   * ```
   */
  endEpoch(summary: string): void {
    if (this.silent) return;
    this.clear();
    this.summaryStream.write(`${summary}\n`);
  }

  /**
   * Prints a permanent line (above the live line on a terminal). convnet's own.
   * @example
   * ```ts
   * progress.log('checkpoint saved');
   * ```
   */
  log(text: string): void {
    if (this.silent) return;
    this.clear();
    this.summaryStream.write(`${text}\n`);
  }

  private line(batch: number, s: BatchStats, now: number, bar: boolean): string {
    const secs = (now - this.epochStart) / 1000;
    const ips = secs > 0 ? s.images / secs : 0;
    const perBatch = batch > 0 ? secs / batch : NaN;
    const left = perBatch * ((this.batches - batch) + (this.epochs - this.epoch) * this.batches);
    const w = String(this.batches).length;
    const parts = [
      `epoch ${this.epoch}/${this.epochs}`,
      bar ? `${this.bar(batch / this.batches)} ${String(batch).padStart(w)}/${this.batches}` : `batch ${batch}/${this.batches}`,
      `${ips.toFixed(0)} img/s`,
      `loss ${s.loss.toFixed(4)}`,
      `acc ${(100 * s.accuracy).toFixed(1)}%`,
      `ETA ${formatDuration(left)}`,
    ];
    return parts.join('  ');
  }

  private bar(frac: number, width = 20): string {
    const full = Math.max(0, Math.min(width, Math.round(frac * width)));
    return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
  }

  private redraw(text: string): void {
    const cols = this.stream.columns ?? 120;
    this.stream.write(`\r\x1b[2K${text.length > cols - 1 ? text.slice(0, cols - 1) : text}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
