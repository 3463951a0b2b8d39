// playground/lenet.ts — the page of the LeNet-5 playground (site/lenet.html). The tensor work happens in
// playground/lenet-worker.ts (site/lenet-worker.js); this page only sends it requests and draws what comes
// back: the loss and accuracy curves (uPlot), conv1's kernels and feature maps (RGBA figures the worker
// draws with vis.kernelFigure / vis.featureMapFigure), the confusion matrix, and the class probabilities.
// So the page stays responsive however hard the worker trains. window.lenet exposes its state for tests.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import * as common from './_common.js';

type Figure = { width: number; height: number; data: Uint8Array };
type Msg = { type: string; id?: number; [k: string]: unknown };

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const button = (id: string) => $<HTMLButtonElement>(id);

let classes: string[] = [];
let testImages: Uint8Array = new Uint8Array(0), testLabels: Uint8Array = new Uint8Array(0);

/** What the tests read: counts and the latest results. */
const state = {
  ready: false, running: false, paused: false, batches: 0, lastStep: 0,
  epochs: [] as Record<string, unknown>[], done: null as Record<string, unknown> | null, source: '',
  errors: [] as string[], clicks: 0,
  request,
};
(window as unknown as { lenet: typeof state }).lenet = state;

// The site's nav bar, when playground/_common.ts provides one (the page works without it).
(common as { navBar?: (page: string) => unknown }).navBar?.('lenet.html');

// ---- the worker and its requests -------------------------------------------------------------------------

const worker = new Worker('./lenet-worker.js', { type: 'module' });
let nextId = 1;
const pending = new Map<number, { resolve: (m: Msg) => void; reject: (e: Error) => void }>();

/** Sends a request to the worker and resolves with its answer. */
function request(type: string, payload: Record<string, unknown> = {}, transfer: Transferable[] = []): Promise<Msg> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type, id, ...payload }, transfer);
  });
}

worker.onmessage = (e: MessageEvent<Msg>) => {
  const m = e.data;
  const waiter = m.id !== undefined ? pending.get(m.id) : undefined;
  if (m.type === 'error') {
    state.errors.push(`${m.request}: ${m.error}`);
    setStatus(`Error (${m.request}): ${m.error}`);
    if (m.request === 'train') trainingEnded();
    if (waiter) { pending.delete(m.id!); waiter.reject(new Error(String(m.error))); }
    return;
  }
  if (waiter && (m.type === 'result' || m.type === 'ready')) { pending.delete(m.id!); waiter.resolve(m); }
  on[m.type]?.(m);
};
worker.onerror = (e) => { state.errors.push(e.message); setStatus(`The worker failed: ${e.message}`); };

const setStatus = (s: string) => { $('status').textContent = s; };
const setSource = (s: string) => { state.source = s; $('model-source').textContent = `Model in use: ${s}.`; };

// ---- charts ----------------------------------------------------------------------------------------------

/** x: epochs done (fractional); the test series hold a value only at epoch ends. */
const series = { x: [] as number[], loss: [] as number[], runLoss: [] as number[], testLoss: [] as (number | null)[],
  acc: [] as number[], testAcc: [] as (number | null)[] };

function chart(el: HTMLElement, yLabel: string, lines: uPlot.Series[], range?: [number, number]): uPlot {
  const opts: uPlot.Options = {
    width: Math.max(300, el.clientWidth), height: 220,
    scales: { x: { time: false }, ...(range ? { y: { range } } : {}) },
    axes: [{ label: 'epoch' }, { label: yLabel, size: 56 }],
    series: [{ label: 'epoch', value: (_u, v) => (v == null ? '–' : v.toFixed(2)) }, ...lines],
    legend: { live: true },
  };
  const u = new uPlot(opts, [[], ...lines.map(() => [])], el);
  new ResizeObserver(() => u.setSize({ width: Math.max(300, el.clientWidth), height: 220 })).observe(el);
  return u;
}
const fmt = (d: number) => (_u: uPlot, v: number | null) => (v == null ? '–' : v.toFixed(d));
const pct = (_u: uPlot, v: number | null) => (v == null ? '–' : `${(100 * v).toFixed(1)} %`);
const testPoints = { show: true, size: 7 };
const lossChart = chart($('loss-chart'), 'cross-entropy', [
  { label: 'batch loss', stroke: 'rgba(47,111,219,0.35)', width: 1, value: fmt(3) },
  { label: 'train (running)', stroke: '#2f6fdb', width: 2, value: fmt(3) },
  { label: 'test', stroke: '#d9822b', width: 2, spanGaps: true, points: testPoints, value: fmt(3) },
]);
const accChart = chart($('acc-chart'), 'accuracy', [
  { label: 'train (running)', stroke: '#2f6fdb', width: 2, value: pct },
  { label: 'test', stroke: '#d9822b', width: 2, spanGaps: true, points: testPoints, value: pct },
], [0, 1]);

let drawScheduled = false;
/** Redraws the charts at the next frame (at most once a frame, however many batches arrive). */
function drawCharts(): void {
  if (drawScheduled) return;
  drawScheduled = true;
  requestAnimationFrame(() => {
    drawScheduled = false;
    lossChart.setData([series.x, series.loss, series.runLoss, series.testLoss] as uPlot.AlignedData);
    accChart.setData([series.x, series.acc, series.testAcc] as uPlot.AlignedData);
  });
}

// ---- figures, the confusion matrix, predictions ---------------------------------------------------------

function drawFigure(canvas: HTMLCanvasElement, f: Figure, scale = 1): void {
  canvas.width = f.width;
  canvas.height = f.height;
  canvas.style.width = `${f.width * scale}px`;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(f.data.buffer as ArrayBuffer, f.data.byteOffset, f.data.byteLength), f.width, f.height), 0, 0);
}

function greyImage(canvas: HTMLCanvasElement, values: ArrayLike<number>, max: number): void {
  const img = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round((255 * values[i]) / max);
    img.data.set([v, v, v, 255], 4 * i);
  }
  canvas.width = 28;
  canvas.height = 28;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

function drawConfusion(confusion: number[][], note: string): void {
  const table = document.createElement('table');
  table.className = 'confusion';
  const head = table.insertRow();
  head.append(Object.assign(document.createElement('th'), { textContent: 'true \\ pred.', className: 'rowhead' }));
  confusion.forEach((_, j) => head.append(Object.assign(document.createElement('th'), { textContent: String(j), title: classes[j] })));
  confusion.forEach((row, i) => {
    const tr = table.insertRow();
    tr.append(Object.assign(document.createElement('th'), { textContent: `${i} ${classes[i]}`, className: 'rowhead' }));
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, j) => {
      const td = tr.insertCell();
      td.textContent = String(v);
      const share = v / total;
      td.style.background = i === j ? `rgba(30,158,90,${share})` : `rgba(214,69,69,${Math.min(1, 3 * share)})`;
      if (share > 0.55) td.style.color = '#fff';
      td.title = `${classes[i]} predicted as ${classes[j]}: ${v}`;
    });
  });
  $('confusion').replaceChildren(table);
  $('confusion-note').textContent = note;
}

function showPrediction(r: Msg): void {
  greyImage($<HTMLCanvasElement>('input-view'), r.pixels as Float32Array, 1);
  const probs = r.probs as number[];
  const top = probs.indexOf(Math.max(...probs));
  const label = r.label as number | undefined;
  const rows = probs.map((p, k) => {
    const div = document.createElement('div');
    div.className = `bar${k === top ? ' top' : ''}${k === label ? ' truth' : ''}`;
    div.innerHTML = `<span></span><span><span class="fill" style="width:${(100 * p).toFixed(1)}%"></span></span><span>${(100 * p).toFixed(1)}%</span>`;
    (div.firstChild as HTMLElement).textContent = classes[k] + (k === label ? ' ✓' : '');
    return div;
  });
  $('bars').replaceChildren(...rows);
  $('bars').dataset.predicted = String(top);
  if (r.maps) drawFigure($<HTMLCanvasElement>('maps'), r.maps as Figure);
}

// ---- the gallery -----------------------------------------------------------------------------------------

const GALLERY = 50;
let selected = 0;
function buildGallery(): void {
  const cells = Array.from({ length: GALLERY }, (_, i) => {
    const c = document.createElement('canvas');
    greyImage(c, testImages.subarray(i * 784, (i + 1) * 784), 255);
    c.title = `test image ${i}: ${classes[testLabels[i]]}`;
    c.dataset.index = String(i);
    c.addEventListener('click', () => void pick(i));
    return c;
  });
  $('gallery').replaceChildren(...cells);
}

async function pick(i: number): Promise<void> {
  selected = i;
  for (const c of $('gallery').children) c.classList.toggle('selected', Number((c as HTMLElement).dataset.index) === i);
  worker.postMessage({ type: 'probe', index: i });
  showPrediction(await request('classify', { index: i }));
}

/** Marks the gallery's misclassified images, from a predictAll answer. */
function markWrong(predictions: number[]): void {
  for (const c of $('gallery').children) {
    const i = Number((c as HTMLElement).dataset.index);
    c.classList.toggle('wrong', predictions[i] !== testLabels[i]);
  }
}

async function evaluateModel(): Promise<void> {
  const r = await request('predictAll');
  const acc = r.accuracy as number;
  drawConfusion(r.confusion as number[][], `${(r.source as string)}: ${(100 * acc).toFixed(1)} % of the ${testLabels.length} test images right.`);
  markWrong(r.predictions as number[]);
}

// ---- messages from the worker ----------------------------------------------------------------------------

let totalEpochs = 0;
const on: Record<string, (m: Msg) => void> = {
  ready(m) {
    classes = m.classes as string[];
    testImages = m.testImages as Uint8Array;
    testLabels = m.testLabels as Uint8Array;
    buildGallery();
    setSource(m.source as string);
    setStatus(`Ready: ${m.trainSize} training and ${m.testSize} test images on ${m.backend}. The pretrained model is loaded; train your own or classify.`);
    setIdle();
  },
  vis(m) {
    drawFigure($<HTMLCanvasElement>('kernels'), m.kernels as Figure, 1);
    drawFigure($<HTMLCanvasElement>('maps'), m.maps as Figure, 1);
    const probs = m.probs as number[];
    const top = probs.indexOf(Math.max(...probs)), i = m.probe as number;
    $('probe-note').textContent = `Feature maps of test image ${i} (${classes[testLabels[i]]}); the model says ${classes[top]} (${(100 * probs[top]).toFixed(0)} %).`;
  },
  started(m) {
    totalEpochs = m.epochs as number;
    for (const k of Object.keys(series) as (keyof typeof series)[]) series[k].length = 0;
    state.epochs = [];
    state.done = null;
    drawCharts();
    setSource('training…');
  },
  batch(m) {
    state.batches++;
    state.lastStep = m.step as number;
    const epoch = m.epoch as number, batch = m.batch as number, batches = m.batches as number;
    series.x.push(epoch - 1 + batch / batches);
    series.loss.push(m.loss as number);
    series.runLoss.push(m.runningLoss as number);
    series.acc.push(m.runningAccuracy as number);
    series.testLoss.push(null);
    series.testAcc.push(null);
    drawCharts();
    ($('progress') as HTMLProgressElement).value = (epoch - 1 + batch / batches) / totalEpochs;
    if (!state.paused) {
      setStatus(`Epoch ${epoch}/${totalEpochs}, batch ${batch}/${batches}: loss ${(m.runningLoss as number).toFixed(3)}, ` +
        `train accuracy ${(100 * (m.runningAccuracy as number)).toFixed(1)} % (${(m.time as number).toFixed(1)} s)`);
    }
  },
  epoch(m) {
    state.epochs.push(m);
    const last = series.x.length - 1;
    if (last >= 0) { series.testLoss[last] = m.testLoss as number; series.testAcc[last] = m.testAccuracy as number; }
    drawCharts();
    drawConfusion(m.confusion as number[][], `After epoch ${m.epoch}: ${(100 * (m.testAccuracy as number)).toFixed(1)} % of the test images right.`);
  },
  paused(m) {
    state.paused = true;
    setStatus(`Paused after epoch ${m.epoch}, batch ${m.batch} (step ${m.step}). Classify, save, or resume.`);
    button('pause').disabled = true;
    button('resume').disabled = false;
    for (const id of ['save', 'download', 'evaluate']) button(id).disabled = false;
  },
  resumed() {
    state.paused = false;
    button('pause').disabled = false;
    button('resume').disabled = true;
    for (const id of ['save', 'download', 'evaluate']) button(id).disabled = true;
  },
  done(m) {
    state.done = m;
    const last = state.epochs.at(-1);
    setStatus(`Done in ${(m.time as number).toFixed(1)} s: test accuracy ${(100 * (last?.testAccuracy as number)).toFixed(1)} %.`);
    setSource(m.source as string);
    trainingEnded();
    void evaluateModel().then(() => pick(selected));
  },
  stopped(m) {
    setStatus('Stopped. The model keeps the weights of its last step.');
    setSource(m.source as string);
    trainingEnded();
    void evaluateModel().then(() => pick(selected));
  },
};

// ---- controls --------------------------------------------------------------------------------------------

const MODEL_BUTTONS = ['save', 'load', 'pretrained', 'download', 'evaluate', 'import', 'photo'];
function setIdle(): void {
  state.ready = true;
  button('train').disabled = false;
  for (const id of ['pause', 'resume', 'stop']) button(id).disabled = true;
  for (const id of MODEL_BUTTONS) ($(id) as HTMLButtonElement | HTMLInputElement).disabled = false;
}
function trainingEnded(): void {
  state.running = false;
  state.paused = false;
  setIdle();
}

const num = (id: string, fallback: number) => { const v = Number(($(id) as HTMLInputElement).value); return Number.isFinite(v) && v > 0 ? v : fallback; };

button('train').addEventListener('click', () => {
  state.running = true;
  state.paused = false;
  button('train').disabled = true;
  button('pause').disabled = false;
  button('resume').disabled = true;
  button('stop').disabled = false;
  for (const id of MODEL_BUTTONS) ($(id) as HTMLButtonElement | HTMLInputElement).disabled = !['photo'].includes(id);
  setStatus('Starting…');
  worker.postMessage({ type: 'train', epochs: Math.round(num('epochs', 4)), lr: num('lr', 0.05), batchSize: Math.round(num('batch-size', 64)), seed: 0 });
  worker.postMessage({ type: 'probe', index: selected });
});
button('pause').addEventListener('click', () => { button('pause').disabled = true; worker.postMessage({ type: 'pause' }); });
button('resume').addEventListener('click', () => { button('resume').disabled = true; worker.postMessage({ type: 'resume' }); });
button('stop').addEventListener('click', () => { button('stop').disabled = true; worker.postMessage({ type: 'stop' }); });

/** Runs a model request with its button disabled, and reports the outcome in the status line. */
function modelAction(id: string, run: () => Promise<string>): void {
  $(id).addEventListener(id === 'import' || id === 'photo' ? 'change' : 'click', () => {
    const el = $(id) as HTMLButtonElement;
    el.disabled = true;
    run().then((s) => setStatus(s), (e: Error) => setStatus(`Failed: ${e.message}`))
      .finally(() => { el.disabled = state.running && !state.paused && !['photo'].includes(id); });
  });
}
modelAction('save', async () => { const r = await request('save'); return `Saved in this browser (IndexedDB): ${r.source}.`; });
modelAction('load', async () => {
  const r = await request('load');
  setSource(r.source as string);
  await evaluateModel();
  if (selected >= 0) await pick(selected);
  return 'Loaded the model saved in this browser.';
});
modelAction('pretrained', async () => {
  const r = await request('loadPretrained');
  setSource(r.source as string);
  await evaluateModel();
  await pick(selected);
  return 'Loaded the pretrained model.';
});
modelAction('download', async () => {
  const r = await request('export');
  const url = URL.createObjectURL(new Blob([r.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'lenet5.safetensors' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return 'Offered lenet5.safetensors as a download.';
});
modelAction('evaluate', async () => { await evaluateModel(); return 'Evaluated on the test images.'; });
modelAction('import', async () => {
  const file = ($('import') as HTMLInputElement).files?.[0];
  if (!file) return 'No file chosen.';
  const r = await request('import', { file });
  setSource(r.source as string);
  await evaluateModel();
  return `Loaded ${file.name}.`;
});
modelAction('photo', async () => {
  const file = ($('photo') as HTMLInputElement).files?.[0];
  if (!file) return 'No photo chosen.';
  const r = await request('classify', { file });
  showPrediction(r);
  const probs = r.probs as number[];
  const top = probs.indexOf(Math.max(...probs));
  return `${file.name}: ${classes[top]} (${(100 * probs[top]).toFixed(0)} %). Photos work best of one garment on a plain background.`;
});

document.addEventListener('click', () => { state.clicks++; });

// ---- start -----------------------------------------------------------------------------------------------

request('init').then(async () => {
  await evaluateModel();
  await pick(0);
  (window as unknown as { ready: boolean }).ready = true;
}, (e: Error) => setStatus(`Could not start: ${e.message}`));
