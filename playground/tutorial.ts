// playground/tutorial.ts — the tutorial's sections in the page: the worked examples' numbers (as the
// examples/ files print them) and the same operations on a photo and a kernel the reader picks.
// window.ready is set once every section has rendered; a section's numbers are <table data-name=…>.

import { tensor, F, fft, arange, round, filter2d, kernels, vis, noGrad, type Tensor } from '../src/browser.js';
import {
  el, byId, fill, fmt, navBar, matrixTable, tensorTable, figureCanvas, imageCanvas, parseMatrix, imagePicker,
  kernelPicker, showError, startThreads,
} from './_common.js';

declare global { interface Window { ready?: boolean; busy?: number; rendered?: string } }

navBar('tutorial.html');

/** The tutorial's 5×5 input (padding and stride sections) and its 3×3 kernel 1…9. */
const X5 = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]];
const x5 = () => tensor(X5).reshape([1, 1, 5, 5]);
const k19 = () => arange(1, 10).reshape([1, 1, 3, 3]).float();

let image: Tensor | null = null;
let kernel: Tensor | null = null;
let kernelRows: number[][] = [];
let imageName = '';
let generation = 0;

// ---- sections that depend on nothing the reader picks ----

async function renderCorr(): Promise<void> {
  const out = byId('corr-out');
  try {
    const Xr = parseMatrix(byId<HTMLTextAreaElement>('corr-x').value), Kr = parseMatrix(byId<HTMLTextAreaElement>('corr-k').value);
    if (Kr.length > Xr.length || Kr[0].length > Xr[0].length) throw new Error('K must fit inside X');
    const X = tensor(Xr), K = tensor(Kr);
    const Y = F.corr2d(X, K);
    const y = Array.from(await Y.dataAsync());
    // Y[0, 0] written out: the window's products.
    const terms = Kr.flatMap((r, a) => r.map((k, b) => `${fmt(Xr[a][b])}·${fmt(k)}`));
    const hi = Kr.flatMap((r, a) => r.map((_, b) => [a, b] as [number, number]));
    fill(out,
      matrixTable('corr-X', Xr, { caption: 'X', highlight: hi }),
      matrixTable('corr-K', Kr, { caption: 'K' }),
      await tensorTable('corr2d', Y, { caption: 'corr2d(X, K)' }),
      await tensorTable('convolve2d', F.convolve2d(X, K), { caption: 'convolve2d(X, K): K rotated 180°' }),
      await tensorTable('convolve2d-full', F.convolve2d(X, K, { mode: 'full' }), { caption: "convolve2d(X, K, { mode: 'full' })" }),
      el('p', { class: 'eq', 'data-name': 'corr-y00' }, `Y[0, 0] = ${terms.join(' + ')} = ${fmt(y[0])}`));
  } catch (e) {
    showError(out, e);
  }
}

async function renderPaddingNumbers(): Promise<void> {
  const X = x5();
  const tables: HTMLElement[] = [await tensorTable('padding-input', X.reshape([5, 5]), { caption: 'X (5×5)' })];
  for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
    tables.push(await tensorTable(`pad-${mode}`, F.pad(X, [1, 1, 1, 1], { mode }).reshape([7, 7]), { caption: `${mode}${mode === 'constant' ? ' (zeros)' : ''}` }));
  }
  tables.push(await tensorTable('padding-conv', F.conv2d(X, k19(), { padding: 1 }).reshape([5, 5]), { caption: 'conv2d(X, 1…9, padding 1)' }));
  fill(byId('padding-numbers'), ...tables);
}

async function renderStrideNumbers(): Promise<void> {
  const X = x5(), K = k19();
  const sizes = el('table', { class: 'data', 'data-name': 'stride-sizes' },
    el('caption', {}, 'n = 8, k = 3'), el('tr', {}, el('th', {}, 's, p'), el('th', {}, 'formula'), el('th', {}, 'conv2d')));
  const x8 = F.pad(X, [0, 3, 0, 3]);
  for (const [s, p] of [[1, 0], [1, 1], [2, 0], [2, 1], [3, 1], [4, 0]]) {
    const y = F.conv2d(x8, K, { stride: s, padding: p });
    sizes.append(el('tr', {}, el('td', {}, `s=${s}, p=${p}`), el('td', {}, String(Math.floor((8 + 2 * p - 3) / s) + 1)), el('td', {}, String(y.shape[2]))));
  }
  fill(byId('stride-numbers'),
    await tensorTable('stride-2-0', F.conv2d(X, K, { stride: 2 }).reshape([2, 2]), { caption: 'stride 2, padding 0' }),
    await tensorTable('stride-2-1', F.conv2d(X, K, { stride: 2, padding: 1 }).reshape([3, 3]), { caption: 'stride 2, padding 1' }),
    await tensorTable('stride-3x1', F.conv2d(X, K, { stride: [3, 1], padding: [0, 1] }).reshape([1, 5]), { caption: 'stride (3, 1), padding (0, 1)' }),
    sizes);
}

async function renderPoolNumbers(): Promise<void> {
  const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]).reshape([1, 1, 3, 3]);
  const X4 = arange(0, 16).float().reshape([1, 1, 4, 4]);
  fill(byId('pool-numbers'),
    await tensorTable('pool-input', X.reshape([3, 3]), { caption: 'X' }),
    await tensorTable('pool-max', F.maxPool2d(X, 2, { stride: 1 }).reshape([2, 2]), { caption: 'max, 2×2, stride 1' }),
    await tensorTable('pool-avg', F.avgPool2d(X, 2, { stride: 1 }).reshape([2, 2]), { caption: 'average, 2×2, stride 1' }),
    await tensorTable('pool-input4', X4.reshape([4, 4]), { caption: 'X (4×4)' }),
    await tensorTable('pool-max4', F.maxPool2d(X4, 3, { padding: 1, stride: 2 }).reshape([2, 2]), { caption: 'max, 3×3, padding 1, stride 2' }));
}

async function renderFftNumbers(): Promise<void> {
  const a = tensor([1, 2, 3, 4]), v = tensor([1, 0, -1]);
  const n = 4 + 3 - 1;
  const viaFft = round(fft.irfft(fft.rfft(a, { n }).mul(fft.rfft(v, { n })), { n }).mul(1e4)).div(1e4);
  const spec = fft.fft(a);
  fill(byId('fft-numbers'),
    await tensorTable('conv1d-direct', F.convolve1d(a, v), { caption: 'convolve1d([1, 2, 3, 4], [1, 0, −1])' }),
    await tensorTable('conv1d-fft', viaFft, { caption: 'irfft(rfft(a, 6) · rfft(v, 6), 6)' }),
    await tensorTable('fft-re', spec.re, { caption: 'fft([1, 2, 3, 4]): real part' }),
    await tensorTable('fft-im', spec.im, { caption: 'imaginary part' }));
}

// ---- sections on the reader's photo and kernel ----

function kernel4(k: Tensor): Tensor {
  return k.reshape([1, 1, k.shape[0], k.shape[1]]);
}

async function renderFilter(img: Tensor, k: Tensor): Promise<void> {
  const y = filter2d(img, k);
  fill(byId('filter-out'),
    await imageCanvas(img, 'input', 'input'),
    figureCanvas(await vis.kernelFigure(kernel4(k), { title: `kernel ${k.shape[0]}×${k.shape[1]}`, labels: false, tileSize: 160 }), 'kernel'),
    figureCanvas(await vis.featureMapFigure(y, { title: 'filter2d(image, kernel)', tileSize: 256 }), 'filtered'));
}

async function renderPaddingDemo(img: Tensor, k: Tensor): Promise<void> {
  const out = byId('padding-demo');
  const which = byId<HTMLSelectElement>('padding-kernel').value;
  let kk = k;
  if (which === 'box9' || k.shape[0] !== k.shape[1] || k.shape[0] % 2 === 0) kk = kernels.boxKernel(9);
  const note = which === 'mine' && kk !== k ? el('p', { class: 'status' }, 'your kernel is not odd and square: the 9×9 box is used') : null;
  let res: Awaited<ReturnType<typeof vis.paddingDemo>>;
  try {
    res = await vis.paddingDemo(img, kk);
  } catch (e) { showError(out, e); return; }
  const table = el('table', { class: 'data', 'data-name': 'padding-demo' },
    el('tr', {}, el('th', {}, 'mode'), el('th', {}, 'border MAD'), el('th', {}, 'border bias'), el('th', {}, 'grey levels'), el('th', {}, 'interior MAD')),
    ...res.rows.map((r) => el('tr', { 'data-mode': r.mode },
      el('td', {}, r.mode), el('td', {}, r.borderMad.toFixed(4)), el('td', {}, (r.borderBias >= 0 ? '+' : '−') + Math.abs(r.borderBias).toFixed(4)),
      el('td', {}, (r.borderBias * 255).toFixed(1).replace('-', '−')), el('td', {}, r.interiorMad.toFixed(4)))));
  const zeros = res.rows.find((r) => r.mode === 'zeros')!, reflect = res.rows.find((r) => r.mode === 'reflect')!;
  const strip = await vis.gridFigure(noGrad(() => vis.paddingDemoStrip(res)), {
    title: `${kk.shape[0]}×${kk.shape[1]} filter, each padding mode`, labels: ['crop', 'zeros', 'reflect', 'replicate', 'circular'],
    normalize: 'fixed', range: [0, 1], ncol: 5, tileSize: 200, colorBar: false,
  });
  const dev = await vis.gridFigure(noGrad(() => vis.paddingDeviationStrip(res)), {
    title: '|filtered − truth|', labels: ['zeros', 'reflect', 'replicate', 'circular'], ncol: 4, tileSize: 200, cmap: 'viridis',
  });
  fill(out, note,
    el('p', { 'data-name': 'padding-summary' }, `Zero padding moves the border by ${(zeros.borderBias * 255).toFixed(1).replace('-', '−')} grey levels on average (of 255); reflect by ${(reflect.borderBias * 255).toFixed(1).replace('-', '−')}. The border band is the ${res.radius} pixels next to the edge; in the interior every mode agrees with the truth.`),
    table, figureCanvas(strip, 'padding-strip'), figureCanvas(dev, 'padding-deviation'));
}

async function renderStridePhoto(img: Tensor, k: Tensor): Promise<void> {
  const s2 = filter2d(img, k, { stride: 2 });
  const blur = filter2d(filter2d(img, 'gaussian', { stride: 2 }), 'gaussian', { stride: 2 });
  fill(byId('stride-photo'),
    el('p', { 'data-name': 'stride-shapes' }, `Your kernel with stride 2: [${img.shape.join(', ')}] → [${s2.shape.join(', ')}]; a Gaussian with stride 2, twice: → [${blur.shape.join(', ')}].`),
    figureCanvas(await vis.featureMapFigure(s2, { title: 'your kernel, stride 2', tileSize: 128 }), 'stride-2'),
    await imageCanvas(blur, 'Gaussian, stride 2, twice', 'stride-quarter'));
}

async function renderPoolPhoto(img: Tensor): Promise<void> {
  const x = img.unsqueeze(0);
  const mx = F.maxPool2d(x, 4), av = F.avgPool2d(x, 4);
  const means = await Promise.all([img.mean(), mx.mean(), av.mean()].map(async (t) => (await t.dataAsync())[0]));
  fill(byId('pool-photo'),
    el('p', { 'data-name': 'pool-means' }, `4×4 pooling: [${img.shape.join(', ')}] → [${mx.shape.slice(1).join(', ')}]. Mean brightness: input ${means[0].toFixed(4)}, max-pooled ${means[1].toFixed(4)}, average-pooled ${means[2].toFixed(4)} (average pooling keeps the mean).`),
    figureCanvas(await vis.gridFigure(mx, { title: 'max 4×4', normalize: 'fixed', range: [0, 1], colorBar: false, tileSize: 128 }), 'pool-max-photo'),
    figureCanvas(await vis.gridFigure(av, { title: 'average 4×4', normalize: 'fixed', range: [0, 1], colorBar: false, tileSize: 128 }), 'pool-avg-photo'));
}

async function renderFftPhoto(img: Tensor, k: Tensor): Promise<void> {
  const out = byId('fft-photo');
  const [, H, W] = img.shape;
  const spec = fft.fftshift(fft.fft2(img.squeeze(0)).abs().add(1).log());
  const dc = (await spec.dataAsync())[Math.floor(H / 2) * W + Math.floor(W / 2)];
  const x = img.unsqueeze(0), w = kernel4(k);
  let compare: HTMLElement;
  let viaFft: Tensor | null = null;
  try {
    const opts = { padding: 'same' as const, paddingMode: 'reflect' as const };
    const direct = F.conv2d(x, w, null, opts);
    viaFft = F.fftConv2d(x, w, null, opts);
    const diff = (await viaFft.sub(direct).abs().max().dataAsync())[0], scale = (await direct.abs().max().dataAsync())[0];
    const rel = scale > 0 ? diff / scale : diff;
    compare = el('p', { 'data-name': 'fft-compare', 'data-rel': String(rel) }, `F.fftConv2d (multiplying spectra) against F.conv2d (sliding the window) with your kernel on the photo: max relative difference ${rel.toExponential(1)}.`);
  } catch (e) {
    compare = el('p', { class: 'error' }, e instanceof Error ? e.message : String(e));
  }
  fill(out,
    el('p', { 'data-name': 'fft-dc' }, `Spectrum [${spec.shape.join(', ')}], log(1 + |F|), centred (fftshift): the DC term in the middle is ${dc.toFixed(2)}.`),
    figureCanvas(await vis.featureMapFigure(spec.unsqueeze(0), { title: 'log(1 + |fft2(image)|)', cmap: 'viridis', tileSize: 256 }), 'spectrum'),
    viaFft ? figureCanvas(await vis.featureMapFigure(viaFft.squeeze(0), { title: 'fftConv2d(image, kernel)', tileSize: 256 }), 'fft-conv') : null,
    compare);
}

/** Re-renders the sections that depend on the photo and the kernel (the newest choice wins). */
async function update(): Promise<void> {
  if (!image || !kernel) return;
  const g = ++generation;
  const img = image, k = kernel, key = JSON.stringify({ image: imageName, kernel: kernelRows });
  window.busy = (window.busy ?? 0) + 1;
  try {
    for (const render of [() => renderFilter(img, k), () => renderPaddingDemo(img, k), () => renderStridePhoto(img, k), () => renderPoolPhoto(img), () => renderFftPhoto(img, k)]) {
      if (g !== generation) return;
      await render();
      await new Promise((r) => setTimeout(r, 0)); // let the page paint between sections
    }
    window.rendered = key; // what the photo sections show now (the tests wait for it)
  } finally {
    window.busy!--;
  }
}

async function main(): Promise<void> {
  const threads = await startThreads();
  byId('threads').textContent = `(wasm backend, ${threads} thread${threads === 1 ? '' : 's'})`;
  const photo = imagePicker(async (img, name) => { image = img; imageName = name; await update(); });
  const kern = kernelPicker(async (k, rows) => { kernel = k; kernelRows = rows; await update(); });
  fill(byId('pickers'), photo.element, kern.element);
  byId('corr-x').addEventListener('input', () => void renderCorr());
  byId('corr-k').addEventListener('input', () => void renderCorr());
  byId('padding-kernel').addEventListener('change', () => void update());
  await renderCorr();
  await renderPaddingNumbers();
  await renderStrideNumbers();
  await renderPoolNumbers();
  await renderFftNumbers();
  await Promise.all([photo.ready, kern.ready]);
  await update();
  window.ready = true;
}

main().catch((e) => {
  document.querySelector('main')?.prepend(el('p', { class: 'error' }, `The page failed: ${e instanceof Error ? e.message : String(e)}`));
  throw e;
});
