// test/records.test.ts — what a training run leaves behind besides its checkpoint: metrics.jsonl (format,
// strict reading, the best record), early stopping (the decision on scripted sequences worked out by hand,
// replay for a resumed run, and fit stopping at exactly that epoch on every backend) and the SVG curves
// (well-formed XML by a strict parser, and by Python's expat where python3 is present; one marker and
// one polyline vertex per epoch, placed where the axes' tick labels say; labels, legend, title, escaping).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { nn, optim, fit, tensor, plotCurves, readMetrics, writeMetrics, bestRecord, type EpochRecord, type EpochResult, type Tensor } from '../src/index.js';
import { EarlyStopping, type MonitoredEpoch } from '../src/train/early-stopping.js';
import { formatMetrics, parseMetrics, toRecord } from '../src/train/metrics.js';
import { niceTicks, type CurveRecord } from '../src/vis/curves.js';
import { fromArray } from '../src/tensor/creation.js';
import { forEachBackend } from './helpers/backends.js';
import { findAll, parseXml, textOf, type XmlElement } from './helpers/xml.js';

let tmp = '';
before(() => { tmp = mkdtempSync(join(tmpdir(), 'convnet-records-')); });
after(() => { rmSync(tmp, { recursive: true, force: true }); });

describe('metrics.jsonl', () => {
  const rec = (epoch: number, testAccuracy: number, more: Partial<EpochRecord> = {}): EpochRecord =>
    ({ epoch, trainLoss: 1 / epoch, trainAccuracy: 0.5, testLoss: 2 / epoch, testAccuracy, lr: 0.1, seconds: 2, imagesPerSecond: 64, ...more });

  test('one JSON object per line in a fixed field order; NaN is written as null and read back as NaN; absent fields stay absent', () => {
    const text = formatMetrics([rec(1, 0.25), { epoch: 2, trainLoss: 0.5, trainAccuracy: 0.75, testLoss: NaN, seconds: 1.5, imagesPerSecond: 100 }]);
    assert.equal(text,
      '{"epoch":1,"trainLoss":1,"trainAccuracy":0.5,"testLoss":2,"testAccuracy":0.25,"lr":0.1,"seconds":2,"imagesPerSecond":64}\n' +
      '{"epoch":2,"trainLoss":0.5,"trainAccuracy":0.75,"testLoss":null,"seconds":1.5,"imagesPerSecond":100}\n');
    const back = parseMetrics(text);
    assert.deepEqual(back[0], rec(1, 0.25));
    assert.ok(Number.isNaN(back[1].testLoss));
    assert.ok(!('testAccuracy' in back[1]) && !('lr' in back[1]));
  });

  test('toRecord keeps the fields metrics.jsonl holds of an epoch result, and no others', () => {
    const r: EpochResult = { epoch: 3, trainLoss: 0.4, trainAccuracy: 0.8, testLoss: 0.5, testAccuracy: 0.7, seconds: 3, evalSeconds: 1, imagesPerSecond: 10, steps: 7, lr: 0.01 };
    assert.deepEqual(Object.keys(toRecord(r)), ['epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'lr', 'seconds', 'imagesPerSecond']);
  });

  test('reading is strict: a damaged or torn line, a missing field and epochs out of order are errors naming the file and line', () => {
    const good = formatMetrics([rec(1, 0.5), rec(2, 0.6)]);
    assert.throws(() => parseMetrics(`${good}{"epoch":3,"trainLo`, 'run/metrics.jsonl'), /parseMetrics: run\/metrics\.jsonl line 3: not valid JSON/);
    assert.throws(() => parseMetrics(`${good}[1]\n`, 'm'), /parseMetrics: m line 3: not a JSON object/);
    assert.throws(() => parseMetrics('{"epoch":1,"trainLoss":1,"trainAccuracy":0.5,"seconds":1}\n', 'm'), /line 1: imagesPerSecond must be a number, got nothing/);
    assert.throws(() => parseMetrics(formatMetrics([rec(2, 0.5), rec(1, 0.6)]), 'm'), /line 2: epoch 1 comes after epoch 2; epochs must increase/);
    assert.throws(() => parseMetrics(formatMetrics([rec(1, 0.5)]).replace('"epoch":1', '"epoch":0'), 'm'), /line 1: epoch must be an integer >= 1, got 0/);
  });

  test('writeMetrics replaces the file whole (no temporary left); readMetrics of a missing file is no records', () => {
    const dir = join(tmp, 'metrics');
    const file = join(dir, 'metrics.jsonl');
    assert.deepEqual(readMetrics(file), []);
    writeMetrics(file, [rec(1, 0.5), rec(2, 0.6), rec(3, 0.55)]);
    writeMetrics(file, [rec(1, 0.5), rec(2, 0.6)]);
    assert.deepEqual(readMetrics(file), [rec(1, 0.5), rec(2, 0.6)]);
    assert.deepEqual(readdirSync(dir), ['metrics.jsonl']);
    writeFileSync(file, '{"epoch":1}\n');
    assert.throws(() => readMetrics(file), new RegExp(`parseMetrics: ${file.replace(/[.\\/]/g, '\\$&')} line 1: trainLoss must be a number`));
  });

  test('bestRecord: highest accuracy or lowest loss, the earliest of equals, NaN and absent values never count', () => {
    const rs = [rec(1, NaN), rec(2, 0.6), rec(3, 0.7, { testLoss: 0.3 }), rec(4, 0.7, { testLoss: 0.2 }), rec(5, 0.65, { testLoss: NaN })];
    assert.equal(bestRecord(rs)!.epoch, 3);
    assert.equal(bestRecord(rs, 'testLoss')!.epoch, 4);
    assert.equal(bestRecord(rs, 'trainLoss')!.epoch, 5); // trainLoss 1/epoch
    assert.equal(bestRecord([rec(1, NaN)]), undefined);
    assert.equal(bestRecord([]), undefined);
  });
});

describe('early stopping: the decision', () => {
  const accs = (values: number[]): MonitoredEpoch[] => values.map((v, i) => ({ epoch: i + 1, testAccuracy: v }));
  /** The epoch after which EarlyStopping stops a run of these epochs, or undefined when it never does. */
  const stopEpoch = (es: EarlyStopping, epochs: MonitoredEpoch[]) => epochs.find((r) => es.observe(r))?.epoch;
  const seq = accs([0.5, 0.6, 0.6, 0.59, 0.61, 0.61, 0.60, 0.58, 0.7]);

  // Worked by hand. patience 2: best 0.5 (1), 0.6 (2); 3 and 4 do not beat 0.6 → stop after 4.
  // patience 3: 3, 4 wait 1, 2; 0.61 at 5 beats 0.6 → 0; 6, 7, 8 wait 1, 2, 3 → stop after 8.
  // patience 3, minDelta 0.015: 0.6 - 0.015 > 0.5 at 2; 3, 4 wait 1, 2; 0.61 - 0.015 = 0.595 ≯ 0.6 at 5 → stop after 5.
  // patience 4, minDelta 0.015: 6, 7, 8 → wait 4 at 6 → stop after 6.
  for (const [opts, want] of [
    [{ patience: 2 }, 4], [{ patience: 3 }, 8], [{ patience: 3, minDelta: 0.015 }, 5], [{ patience: 4, minDelta: 0.015 }, 6], [{ patience: 9 }, undefined],
  ] as const) {
    test(`testAccuracy ${seq.map((r) => r.testAccuracy).join(', ')} with ${JSON.stringify(opts)}: stops after epoch ${want ?? 'none'}`, () => {
      const es = new EarlyStopping(opts);
      assert.equal(stopEpoch(es, seq), want);
      assert.equal(es.stoppedEpoch, want);
    });
  }

  test('testLoss is minimised: best 0.9, 0.8, 0.7 at 1–3; 0.75, 0.7 (not below 0.7), 0.71 → stops after epoch 6 with patience 3', () => {
    const losses = [0.9, 0.8, 0.7, 0.75, 0.7, 0.71, 0.5].map((v, i) => ({ epoch: i + 1, testLoss: v }));
    const es = new EarlyStopping({ patience: 3, monitor: 'testLoss' });
    assert.equal(stopEpoch(es, losses), 6);
    assert.equal(es.best, 0.7);
    assert.equal(es.bestEpoch, 3);
    assert.match(es.summary(10), /^stopped early after epoch 6 of 10: test loss has not improved for 3 epochs \(best 0\.7000 at epoch 3; patience 3\)$/);
  });

  test('a replayed history (a resumed run) reaches the same state and stops at the same epoch as one run straight through', () => {
    for (let k = 0; k <= 3; k++) {
      const es = new EarlyStopping({ patience: 2, history: seq.slice(0, k) });
      assert.equal(stopEpoch(es, seq.slice(k)), 4, `resumed after epoch ${k}`);
    }
    // A history that already ran out of patience stops at once, after its last epoch.
    const done = new EarlyStopping({ patience: 2, history: seq.slice(0, 4) });
    assert.equal(done.stoppedEpoch, 4);
    // …also when it went on past that point (a run resumed once with early stopping off): what counts is
    // the state after the last epoch. 0.61 at 5 improved, 6 and 7 did not → stopped after 7 with patience 2.
    assert.equal(new EarlyStopping({ patience: 2, history: seq.slice(0, 7) }).stoppedEpoch, 7);
    assert.equal(new EarlyStopping({ patience: 2, history: seq.slice(0, 6) }).stoppedEpoch, undefined);
  });

  test('NaN never improves; bad options and bad epochs are errors naming the argument', () => {
    const es = new EarlyStopping({ patience: 1 });
    assert.equal(es.observe({ epoch: 1, testAccuracy: NaN }), true);
    assert.throws(() => new EarlyStopping({ patience: 0 }), /EarlyStopping: patience must be an integer >= 1 .*got 0/);
    assert.throws(() => new EarlyStopping({ patience: 2.5 }), /EarlyStopping: patience must be an integer >= 1 .*got 2\.5/);
    assert.throws(() => new EarlyStopping({ patience: 2, minDelta: -0.1 }), /EarlyStopping: minDelta must be a finite number >= 0, got -0\.1/);
    assert.throws(() => new EarlyStopping({ patience: 2, monitor: 'valAccuracy' as never }), /EarlyStopping: monitor must be one of testAccuracy, testLoss, trainAccuracy, trainLoss, got "valAccuracy"/);
    const e2 = new EarlyStopping({ patience: 2 });
    e2.observe({ epoch: 3, testAccuracy: 0.5 });
    assert.throws(() => e2.observe({ epoch: 3, testAccuracy: 0.6 }), /EarlyStopping\.observe: epochs must come in increasing order, got epoch 3 after epoch 3/);
    assert.throws(() => e2.observe({ epoch: 4, trainLoss: 1 }), /EarlyStopping\.observe: epoch 4 has no testAccuracy \(is there a test loader\?\)/);
  });
});

forEachBackend('fit with earlyStopping', () => {
  // A model whose predictions never change: Linear(2, 2) with identity weights and an optimizer that does
  // nothing, on inputs [1, 0] (class 0 for every row). Epoch k's test batch has round(10 · acc[k]) targets
  // 0 and the rest 1, so the test accuracy of epoch k is acc[k] exactly: a scripted sequence.
  const x = () => fromArray(Float32Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0)), [10, 2]);
  const model = () => {
    const m = new nn.Linear(2, 2);
    m.loadStateDict({ weight: tensor([[1, 0], [0, 1]]), bias: tensor([0, 0]) });
    return m;
  };
  const still = { zeroGrad() {}, step() {} };
  function scripted(accs: readonly number[], from = 0): Iterable<Tensor[]> {
    let k = from;
    return {
      *[Symbol.iterator]() {
        const right = Math.round(10 * accs[k++]);
        yield [x(), fromArray(Int32Array.from({ length: 10 }, (_, i) => (i < right ? 0 : 1)), [10])];
      },
    };
  }
  const sink = () => {
    let text = '';
    return { stream: new Writable({ write(c, _e, cb) { text += String(c); cb(); } }), get text() { return text; } };
  };
  // By hand, patience 2: best 0.5 (1), 0.6 (2), 0.7 (3); 0.7 at 4 and 0.6 at 5 do not beat it → stop after 5.
  const accs = [0.5, 0.6, 0.7, 0.7, 0.6, 0.9, 1.0, 1.0];

  test('stops after exactly the epoch worked out by hand, says so once on the progress output, and returns the epochs it trained', async () => {
    const out = sink();
    const seen: number[] = [];
    const history = await fit(model(), [[x(), fromArray(Int32Array.from({ length: 10 }, () => 0), [10])]], {
      epochs: 8, optimizer: still, lossFn: new nn.CrossEntropyLoss(), testLoader: scripted(accs),
      earlyStopping: { patience: 2 }, progress: { stream: out.stream, tty: false }, onEpoch: (r) => { seen.push(r.epoch); },
    });
    assert.deepEqual(history.map((r) => r.testAccuracy), [0.5, 0.6, 0.7, 0.7, 0.6]);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(out.text.match(/stopped early/g)?.length, 1, out.text);
    assert.match(out.text, /epoch 5\/8 .*\nstopped early after epoch 5 of 8: test accuracy has not improved for 2 epochs \(best 70\.00% at epoch 3; patience 2\)\n$/);
  });

  test('resumed after epoch 4 with the earlier epochs as history, it stops after epoch 5 too; with a history that has run out of patience it trains nothing', async () => {
    const past = accs.slice(0, 4).map((a, i) => ({ epoch: i + 1, testAccuracy: a }));
    const trainLoader = [[x(), fromArray(Int32Array.from({ length: 10 }, () => 0), [10])]];
    const es = new EarlyStopping({ patience: 2, history: past });
    const resumed = await fit(model(), trainLoader, {
      epochs: 8, startEpoch: 4, optimizer: still, lossFn: new nn.CrossEntropyLoss(), testLoader: scripted(accs, 4), earlyStopping: es, progress: false,
    });
    assert.deepEqual(resumed.map((r) => r.epoch), [5]);
    assert.equal(es.stoppedEpoch, 5);
    const out = sink();
    const none = await fit(model(), trainLoader, {
      epochs: 8, startEpoch: 5, optimizer: still, lossFn: new nn.CrossEntropyLoss(), testLoader: scripted(accs, 5),
      earlyStopping: { patience: 2, history: [...past, { epoch: 5, testAccuracy: 0.6 }] }, progress: { stream: out.stream, tty: false },
    });
    assert.deepEqual(none, []);
    assert.match(out.text, /^stopped early after epoch 5 of 8: test accuracy has not improved for 2 epochs/);
  });

  test('a test metric without a testLoader, and a history past startEpoch, are errors before any step', async () => {
    const trainLoader = [[x(), fromArray(Int32Array.from({ length: 10 }, () => 0), [10])]];
    await assert.rejects(fit(model(), trainLoader, { epochs: 2, optimizer: still, lossFn: new nn.CrossEntropyLoss(), earlyStopping: { patience: 1 }, progress: false }),
      /fit: earlyStopping monitors testAccuracy, which needs a testLoader/);
    await assert.rejects(fit(model(), trainLoader, {
      epochs: 4, startEpoch: 1, optimizer: still, lossFn: new nn.CrossEntropyLoss(), testLoader: scripted(accs), progress: false,
      earlyStopping: { patience: 3, history: [{ epoch: 1, testAccuracy: 0.5 }, { epoch: 2, testAccuracy: 0.5 }] },
    }), /fit: earlyStopping has seen epoch 2, after startEpoch 1/);
  });

  test('each epoch reports the learning rate it trained with (StepLR halving it: 0.1, 0.05, 0.025)', async () => {
    const m = model();
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    const history = await fit(m, [[x(), fromArray(Int32Array.from({ length: 10 }, () => 0), [10])]], {
      epochs: 3, optimizer: opt, scheduler: new optim.StepLR(opt, 1, { gamma: 0.5 }), lossFn: new nn.CrossEntropyLoss(), progress: false,
    });
    assert.deepEqual(history.map((r) => r.lr), [0.1, 0.05, 0.025]);
    const stub = await fit(model(), [[x(), fromArray(Int32Array.from({ length: 10 }, () => 0), [10])]], { epochs: 1, optimizer: still, lossFn: new nn.CrossEntropyLoss(), progress: false });
    assert.equal(stub[0].lr, undefined);
  });
});

describe('plotCurves', () => {
  // Seven epochs, with a gap in the test loss at epoch 4 (NaN) and none of it at epoch 7 (absent).
  const records: CurveRecord[] = [
    { epoch: 1, trainLoss: 1.9, trainAccuracy: 0.42, testLoss: 1.6, testAccuracy: 0.5 },
    { epoch: 2, trainLoss: 1.2, trainAccuracy: 0.61, testLoss: 1.1, testAccuracy: 0.63 },
    { epoch: 3, trainLoss: 0.9, trainAccuracy: 0.7, testLoss: 0.95, testAccuracy: 0.68 },
    { epoch: 4, trainLoss: 0.75, trainAccuracy: 0.74, testLoss: NaN, testAccuracy: 0.7 },
    { epoch: 5, trainLoss: 0.66, trainAccuracy: 0.77, testLoss: 0.8, testAccuracy: 0.72 },
    { epoch: 6, trainLoss: 0.6, trainAccuracy: 0.79, testLoss: 0.78, testAccuracy: 0.725 },
    { epoch: 7, trainLoss: 0.55, trainAccuracy: 0.81 },
  ];
  const title = 'lenet5 <cnn> & "friends" \'run\'';
  const svg = plotCurves(records, { title });
  const doc = parseXml(svg);
  const num = (e: XmlElement, k: string) => Number(e.attrs[k]);

  /** The series group's markers (cx, cy) and its polyline's vertices. */
  function series(id: string) {
    const [g] = findAll(doc, (e) => e.attrs['data-series'] === id);
    assert.ok(g, `series ${id} missing`);
    const circles = findAll(g, (e) => e.name === 'circle').map((c) => [num(c, 'cx'), num(c, 'cy')]);
    const lines = findAll(g, (e) => e.name === 'polyline');
    const vertices = lines.flatMap((l) => l.attrs.points.trim().split(/\s+/).map((p) => p.split(',').map(Number)));
    return { g, circles, vertices, lines };
  }

  /** The tick labels of a panel's axis as (value, position) pairs. */
  function ticks(panel: string, axis: 'x' | 'y') {
    const [p] = findAll(doc, (e) => e.attrs['data-panel'] === panel);
    const [g] = findAll(p, (e) => e.attrs.class === `${axis}-ticks`);
    return findAll(g, (e) => e.name === 'text').map((t) => [Number(textOf(t)), num(t, axis)] as [number, number]);
  }

  test('is well-formed XML: an <svg> root in the SVG namespace, with a size', () => {
    assert.equal(doc.name, 'svg');
    assert.equal(doc.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(doc.attrs.viewBox, '0 0 720 600');
    assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg '));
  });

  test('the title (escaped: it comes from the caller) names the model, as text and as the document title', () => {
    assert.ok(!svg.includes('<cnn>') && svg.includes('&lt;cnn&gt; &amp; &quot;friends&quot; &apos;run&apos;'));
    const [heading] = findAll(doc, (e) => e.attrs.class === 'title');
    assert.equal(textOf(heading), title);
    assert.equal(textOf(doc.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'title')!), title);
  });

  test('axis labels, and a legend naming train and test', () => {
    const labels = findAll(doc, (e) => e.attrs.class === 'axis-label').map(textOf);
    assert.deepEqual(labels.sort(), ['accuracy (%)', 'epoch', 'epoch', 'loss']);
    const [legend] = findAll(doc, (e) => e.attrs.class === 'legend');
    assert.deepEqual(findAll(legend, (e) => e.name === 'text').map(textOf), ['train', 'test']);
  });

  test('one marker per epoch that has the value, and the polyline through them (a NaN or absent value leaves its point out)', () => {
    const want = { 'train-loss': 7, 'test-loss': 5, 'train-accuracy': 7, 'test-accuracy': 6 };
    for (const [id, n] of Object.entries(want)) {
      const s = series(id);
      assert.equal(s.circles.length, n, id);
      assert.deepEqual(s.vertices, s.circles, `${id}: the line goes through the markers`);
      assert.equal(s.lines.length, 1);
    }
    assert.equal(findAll(doc, (e) => e.attrs.class === 'series').length, 4);
  });

  test('every point sits where the tick labels put its epoch and its value (accuracy in %)', () => {
    for (const [panel, key, scale] of [['loss', 'trainLoss', 1], ['loss', 'testLoss', 1], ['accuracy', 'trainAccuracy', 100], ['accuracy', 'testAccuracy', 100]] as const) {
      const xt = ticks(panel, 'x'), yt = ticks(panel, 'y');
      // The axis as the labels define it: a linear map through the first and last tick.
      const at = (t: [number, number][], v: number) => t[0][1] + ((v - t[0][0]) / (t[t.length - 1][0] - t[0][0])) * (t[t.length - 1][1] - t[0][1]);
      const pts = records.filter((r) => Number.isFinite(r[key])).map((r) => [r.epoch, r[key]! * scale]);
      const vals = pts.map(([, v]) => v);
      assert.ok(yt[0][0] <= Math.min(...vals) && yt[yt.length - 1][0] >= Math.max(...vals), `${panel}: the ticks cover the values`);
      assert.deepEqual(xt.map(([v]) => v), [1, 2, 3, 4, 5, 6, 7]);
      const id = `${key.startsWith('train') ? 'train' : 'test'}-${panel}`;
      series(id).circles.forEach(([cx, cy], i) => {
        // The text's y is its baseline, 4 px below the grid line it labels.
        assert.ok(Math.abs(cx - at(xt, pts[i][0])) < 0.11, `${id} point ${i}: x ${cx} vs ${at(xt, pts[i][0])}`);
        assert.ok(Math.abs(cy - (at(yt, pts[i][1]) - 4)) < 0.11, `${id} point ${i}: y ${cy} vs ${at(yt, pts[i][1]) - 4}`);
      });
    }
  });

  test('tick values are round numbers: 1, 2 or 5 times a power of ten, covering the range', () => {
    assert.deepEqual(niceTicks(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(2.29, 2.315).ticks, [2.29, 2.295, 2.3, 2.305, 2.31, 2.315]);
    assert.deepEqual(niceTicks(42, 81).ticks, [40, 50, 60, 70, 80, 90]);
    assert.deepEqual(niceTicks(12, 12).ticks, [10.5, 11, 11.5, 12, 12.5, 13, 13.5]); // one value: ±10 % around it
    assert.deepEqual(ticks('accuracy', 'y').map(([v]) => v), [40, 50, 60, 70, 80, 90]);
  });

  test('no records: the frame and a note, still well-formed; records out of order are an error', () => {
    const empty = parseXml(plotCurves([]));
    assert.equal(findAll(empty, (e) => e.attrs.class === 'series').length, 0);
    assert.deepEqual(findAll(empty, (e) => e.attrs.class === 'note').map(textOf), ['no epochs yet']);
    assert.throws(() => plotCurves([{ epoch: 2 }, { epoch: 1 }]), /plotCurves: records must be in increasing epoch order; records\[1\] is epoch 1 after epoch 2/);
    assert.throws(() => plotCurves(records, { width: 50 }), /plotCurves: width and height must be at least 200, got 50 × 600/);
  });

  test('the strict parser used here rejects what is not well-formed (it is not vacuous)', () => {
    for (const bad of ['<svg><g></svg>', '<svg a="1" a="2"/>', '<svg a=1/>', '<svg>a & b</svg>', '<svg>a < b</svg>', '<svg/><svg/>', '<svg>&nbsp;</svg>', '<svg>\u0001</svg>']) {
      assert.throws(() => parseXml(bad), /xml: /, bad);
    }
  });

  const python = spawnSync('python3', ['-c', 'import xml.dom.minidom'], { encoding: 'utf8' });
  test('Python\'s expat parser reads it too, finding the same markers and title', { skip: python.status !== 0 && 'no python3 here' }, () => {
    const r = spawnSync('python3', ['-c', [
      'import sys, xml.dom.minidom',
      'd = xml.dom.minidom.parseString(sys.stdin.buffer.read())',
      'print(len(d.getElementsByTagName("circle")))',
      'print(d.documentElement.getElementsByTagName("title")[0].firstChild.data)',
    ].join('\n')], { input: svg, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // 25 series markers + 2 legend markers.
    assert.equal(r.stdout, `27\n${title}\n`);
  });
});
