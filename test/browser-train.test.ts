// test/browser-train.test.ts — training in the browser: the bundle reads no Node global, and fit and
// evaluate run in a page and in a Web Worker (test/browser/train.html, train-checks.js, train-worker.js)
// in Debian's Chromium, with per-batch and per-epoch callbacks, an AbortSignal, and a page that keeps
// drawing frames and answering clicks while it trains.
//
// The scan: TypeScript's binder resolves every name the bundle's text reads, with no declarations at all;
// what no scope declares is a free reference to a global. Each must be one that the browser's
// declarations (lib.es2022 with lib.dom, then with lib.webworker; no @types/node) declare, so none is a
// global those runtimes do not have: `process`, `Buffer`, `setImmediate`, `require`, `__dirname`… (Name
// resolution only, no type check: 2 s where checking the bundle took 15.) A name tested with `typeof X` earlier in the same function is allowed (the guard). What it
// cannot see is a read through globalThis (`globalThis.process?.env`), which is undefined, never a
// ReferenceError, where the global is missing; whether the code then copes is what running fit and
// evaluate in the page and in the worker checks.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
// @ts-expect-error — a plain .mjs build script, no type declarations
import { browserBuildOptions } from '../scripts/build-browser.mjs';
import { buildBrowserBundle, servePages, launchChromium, type PageServer } from './helpers/chromium.js';

const NODE_GLOBALS = ['process', 'Buffer', 'setImmediate', 'clearImmediate', 'require', 'module', 'exports', '__dirname', '__filename', 'global'];

/** The innermost function (or the file) around position `pos`. */
function enclosingFunction(sf: ts.SourceFile, pos: number): ts.Node {
  let found: ts.Node = sf;
  const visit = (n: ts.Node): void => {
    if (pos < n.getStart(sf) || pos >= n.end) return;
    if (ts.isFunctionLike(n)) found = n;
    n.forEachChild(visit);
  };
  sf.forEachChild(visit);
  return found;
}

/** Whether identifier `id` names a binding (a variable, function, class…) rather than a property, a
 *  label or an export's outside name, which no scope resolves. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAccessExpression(p) || ts.isQualifiedName(p)) && (ts.isPropertyAccessExpression(p) ? p.name : p.right) === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) ||
    ts.isSetAccessor(p) || ts.isEnumMember(p) || ts.isPropertySignature(p)) && p.name === id) return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if ((ts.isExportSpecifier(p) || ts.isImportSpecifier(p)) && (p.propertyName === id || p.name === id)) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p) || ts.isMetaProperty(p)) return false;
  return true;
}

/** The free references of `js` (names no scope of the file declares): name → how many, and the names seen
 *  only behind a guard: a `typeof X` test earlier in the same function (`typeof document !== 'undefined' &&
 *  document…`, `if (typeof document === 'undefined') throw …`). Scope resolution only (the binder, through
 *  getSymbolAtLocation), no type check: a few seconds for the whole bundle. */
function freeNames(js: string): { unguarded: Map<string, number>; guarded: Set<string> } {
  const file = '/bundle/convnet.js';
  const options: ts.CompilerOptions = { allowJs: true, noEmit: true, noLib: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };
  const host = ts.createCompilerHost(options);
  host.getSourceFile = (f, v) => (f === file ? ts.createSourceFile(f, js, v, true, ts.ScriptKind.JS) : undefined);
  host.fileExists = (f) => f === file;
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file)!;
  const unguarded = new Map<string, number>(), guarded = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && isReference(n) && !checker.getSymbolAtLocation(n)) {
      const name = n.text;
      const fn = enclosingFunction(sf, n.getStart(sf));
      const before = js.slice(fn.getStart(sf), n.getStart(sf) + name.length);
      if (new RegExp(`typeof\\s*\\(?\\s*${name}\\b`).test(before)) guarded.add(name);
      else unguarded.set(name, (unguarded.get(name) ?? 0) + 1);
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return { unguarded, guarded };
}

/** The global values `libs` declare (lib.dom.d.ts's `document`, lib.es2022's `Promise`, …). */
function declaredGlobals(libs: string[]): Set<string> {
  const file = '/empty.js';
  const options: ts.CompilerOptions = { allowJs: true, noEmit: true, lib: libs, types: [], target: ts.ScriptTarget.ES2022 };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host), fileExists = host.fileExists.bind(host);
  host.getSourceFile = (f, v, ...rest) => (f === file ? ts.createSourceFile(f, '', v, true, ts.ScriptKind.JS) : getSourceFile(f, v, ...rest));
  host.fileExists = (f) => f === file || fileExists(f);
  const program = ts.createProgram([file], options, host);
  const symbols = program.getTypeChecker().getSymbolsInScope(program.getSourceFile(file)!, ts.SymbolFlags.Value);
  return new Set(symbols.map((s) => s.name));
}

describe('the browser bundle reads no Node global', () => {
  let js = '';
  let free: ReturnType<typeof freeNames>;
  let meta: { inputs: Record<string, unknown>; outputs: Record<string, { imports: { path: string; external?: boolean }[] }> };
  before(async () => {
    const out = await build({ ...browserBuildOptions, write: false, metafile: true });
    js = out.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
    meta = out.metafile!;
    free = freeNames(js);
  });

  it('esbuild\'s metafile: no module outside src/ and node_modules, and no import left in the output (a node: built-in would be one)', () => {
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.some((p) => p === 'src/browser.ts'));
    assert.deepEqual(inputs.filter((p) => !p.startsWith('src/') && !p.startsWith('node_modules/')), []);
    assert.deepEqual(inputs.filter((p) => /^node:|(^|\/)node_modules\/(buffer|process|events|stream|util|path|fs)\//.test(p)), []);
    for (const [name, o] of Object.entries(meta.outputs)) assert.deepEqual(o.imports, [], `${name} imports`);
  });

  it('no free reference to process, Buffer, setImmediate, require, __dirname, global… unless behind typeof', () => {
    const { unguarded, guarded } = free;
    console.log(`# globals the bundle reads: ${[...unguarded.keys()].sort().join(' ')}; only behind typeof: ${[...guarded].filter((n) => !unguarded.has(n)).sort().join(' ')}`);
    assert.deepEqual(NODE_GLOBALS.filter((n) => unguarded.has(n)), []);
  });

  for (const libs of [['lib.es2022.d.ts', 'lib.dom.d.ts'], ['lib.es2022.d.ts', 'lib.webworker.d.ts']]) {
    it(`every global it reads without typeof is declared for a ${libs[1] === 'lib.dom.d.ts' ? 'page' : 'Web Worker'} (${libs.join(' + ')})`, () => {
      const declared = declaredGlobals(libs);
      assert.deepEqual([...free.unguarded.keys()].filter((n) => !declared.has(n)), []);
    });
  }
});

interface RunResult {
  batches: { epoch: number; batch: number; batches: number; step: number; loss: number }[];
  epochs: { epoch: number; trainLoss: number; steps: number }[];
  history?: { epoch: number; trainLoss: number; trainAccuracy: number }[];
  rejected?: { name: string; isReason: boolean };
  evaluate: { accuracy: number; total: number; batches: number };
  evaluateAbort: { name?: string; resolved?: boolean; calls: number };
  hasProcess?: boolean;
}
interface Gaps { ms: number; maxFrameGap: number; maxTimerGap: number; p90FrameGap: number; p90TimerGap: number; frames: number; ticks: number; steps: number }
interface TrainPageResult {
  error?: string;
  hasProcess: boolean;
  scheduler: boolean;
  page: RunResult; pageAbort: RunResult; worker: RunResult; workerAbort: RunResult;
  workerAbortByMessage: { batches: number; total: number; rejected?: string; sentAt: number; hasProcess: boolean };
  gaps: Record<string, Gaps>;
  interactive: Gaps & { clicks: number[]; clickBatches: number[]; stops: number[]; batches: number; atStop: number; total: number; stopMs: number; rejected?: string };
}

/** A 4-epoch run of 8 batches each: every callback once, in order, and the loss falls; evaluate likewise. */
function assertTrained(r: RunResult, where: string): void {
  assert.equal(r.rejected, undefined, `${where}: fit rejected`);
  assert.equal(r.batches.length, 32, `${where}: onBatch calls`);
  assert.deepEqual(r.batches.map((b) => [b.epoch, b.batch, b.step]),
    Array.from({ length: 32 }, (_, i) => [Math.floor(i / 8) + 1, (i % 8) + 1, i + 1]), `${where}: onBatch order`);
  assert.ok(r.batches.every((b) => b.batches === 8 && Number.isFinite(b.loss)));
  assert.deepEqual(r.epochs.map((e) => [e.epoch, e.steps]), [[1, 8], [2, 8], [3, 8], [4, 8]], `${where}: onEpoch calls`);
  const losses = r.history!.map((h) => h.trainLoss);
  assert.ok(losses[3] < 0.5 * losses[0], `${where}: the epoch loss did not halve: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  assert.deepEqual([r.evaluate.total, r.evaluate.batches], [64, 8], `${where}: evaluate saw 64 images in 8 batches`);
  assert.deepEqual(r.evaluateAbort, { name: 'AbortError', calls: 2 }, `${where}: evaluate aborted at its second batch`);
}

/** Aborted from onBatch at epoch 2, batch 3: 11 batches, one epoch, a rejection with the signal's reason. */
function assertAborted(r: RunResult, where: string): void {
  assert.deepEqual(r.rejected, { name: 'AbortError', isReason: true }, `${where}: how fit ended`);
  assert.equal(r.history, undefined);
  assert.equal(r.batches.length, 11, `${where}: batches run`);
  assert.deepEqual(r.epochs.map((e) => e.epoch), [1], `${where}: onEpoch calls`);
}

describe('fit and evaluate in Chromium: a page and a Web Worker', { timeout: 300_000 }, () => {
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let r: TrainPageResult | null = null;
  let setupError: unknown = null;
  const result = (): TrainPageResult => { if (setupError) throw setupError; return r!; };

  before(async () => {
    try {
      server = await servePages({ bundle: await buildBrowserBundle(), dir: new URL('./browser/', import.meta.url), index: () => 'train.html' });
      browser = await launchChromium();
      r = await interactively(await browser.newPage(), `${server.url}/plain/train.html`);
      const g = r.gaps;
      console.log(`# ${Object.entries(g).map(([k, v]) => `${k}: ${v.steps} steps in ${v.ms.toFixed(0)} ms, max frame gap ` +
        `${v.maxFrameGap.toFixed(0)} ms (90 % under ${v.p90FrameGap.toFixed(0)}), max 10 ms-timer gap ${v.maxTimerGap.toFixed(0)} ms (90 % under ${v.p90TimerGap.toFixed(0)})`).join('; ')}`);
      const i = r.interactive;
      console.log(`# clicking while fit trains: click latencies ${i.clicks.map((c) => c.toFixed(1)).join(', ')} ms; max frame gap ` +
        `${i.maxFrameGap.toFixed(0)} ms; stop after batch ${i.atStop}, rejected ${i.stopMs.toFixed(1)} ms later at batch ${i.batches}; ` +
        `a worker told to stop after batch ${r.workerAbortByMessage.sentAt} stopped after batch ${r.workerAbortByMessage.batches}`);
    } catch (e) { setupError = e; }
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** Loads the page, waits for its interactive phase, clicks #ping five times and #stop once, and returns
   *  window.result; page errors fail it. */
  async function interactively(page: Page, url: string): Promise<TrainPageResult> {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    try {
      await page.goto(url);
      const ready = () => (window as { phase?: string; result?: unknown }).phase === 'interactive' || (window as { result?: unknown }).result !== undefined;
      await page.waitForFunction(ready, null, { timeout: 240_000 })
        .catch((e) => { throw new Error(`${url}: the page did not start training (${e.message}); page errors: ${errors.join('; ')}`); });
      if (await page.evaluate(() => (window as { result?: unknown }).result === undefined)) {
        for (let k = 0; k < 5; k++) { await page.click('#ping'); await new Promise((res) => setTimeout(res, 60)); }
        await page.click('#stop');
      }
      await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, null, { timeout: 60_000 });
      const out = await page.evaluate(() => (window as unknown as { result: TrainPageResult }).result);
      if (out.error !== undefined) throw new Error(`${url}: the page's checks threw:\n${out.error}`);
      assert.deepEqual(errors, [], `${url}: errors in the page`);
      return out;
    } finally {
      await page.close();
    }
  }

  it('the page and the worker have no process (so the scan above is what matters there)', () => {
    assert.equal(result().hasProcess, false);
    assert.equal(result().worker.hasProcess, false);
  });

  it('in the page: fit trains a tiny CNN for 4 epochs (loss halves), onBatch 32 times and onEpoch 4 times in order; evaluate runs and aborts', () => {
    assertTrained(result().page, 'page');
  });

  it('in a Web Worker: the same', () => assertTrained(result().worker, 'worker'));

  it('an abort in onBatch at epoch 2, batch 3 stops fit after 11 batches with an AbortError, in the page and in the worker', () => {
    assertAborted(result().pageAbort, 'page');
    assertAborted(result().workerAbort, 'worker');
  });

  it('the page aborts a worker\'s fit by message: fit yields, so the message gets through mid-run', () => {
    const w = result().workerAbortByMessage;
    assert.equal(w.rejected, 'AbortError');
    assert.equal(w.sentAt, 5);
    // The worker goes on while the message travels; a worker that never yielded would run all 4000.
    assert.ok(w.batches >= 5 && w.batches < 100, `the worker ran ${w.batches} of ${w.total} batches`);
  });

  // Counted, not timed (a timed assertion fails on a loaded 2-core machine): fit yields after every batch,
  // so frames and timer ticks run during it, while the same steps without yielding let none run at all.
  // The gaps themselves are printed above, for a reader, and not judged.
  it('the page keeps drawing while fit trains: animation frames and 10 ms timer ticks run during fit, and at most one during the same steps without yielding', () => {
    const { fit: g, none } = result().gaps;
    assert.equal(g.steps, none.steps);
    // Without yielding, at most the frame (and tick) already due when the loop starts gets in.
    assert.ok(none.frames <= 1, `without yielding ${none.frames} frames ran during ${none.steps} steps`);
    assert.ok(none.ticks <= 1, `without yielding ${none.ticks} timer ticks ran during ${none.steps} steps`);
    assert.ok(g.frames >= 5, `only ${g.frames} frames during ${g.steps} steps of fit (${g.ms.toFixed(0)} ms)`);
    assert.ok(g.ticks >= 5, `only ${g.ticks} timer ticks during ${g.steps} steps of fit (${g.ms.toFixed(0)} ms)`);
  });

  it('clicks during fit are handled mid-run, between batches, and #stop aborts it within a batch', () => {
    const i = result().interactive;
    assert.equal(i.clicks.length, 6);
    assert.equal(i.clickBatches.length, 6);
    // Each click was handled while fit was running (after its first batch, before its last), and fit went
    // on between the first click and the last: the clicks did not wait for fit to end.
    for (const b of i.clickBatches) assert.ok(b >= 1 && b <= i.batches, `a click handled at batch ${b} of ${i.batches}`);
    assert.ok(i.clickBatches[5] > i.clickBatches[0], `fit made no progress between the clicks (batches ${i.clickBatches.join(', ')})`);
    assert.equal(i.rejected, 'AbortError');
    assert.ok(i.atStop >= 1 && i.batches < i.total, `stopped at batch ${i.batches} of ${i.total}`);
    assert.ok(i.batches - i.atStop <= 1, `${i.batches - i.atStop} batches ran after the click`);
  });
});
