// playground/_common.ts — what the playground's pages share: the nav bar, small DOM helpers, matrices shown
// as tables of numbers, figures drawn on canvases, the image picker (a shipped photo or an upload) and the
// kernel picker (a named kernel, a typed matrix, or cells edited one by one). Bundled into each page that
// imports it (scripts/build-playground.mjs); it uses only the library's browser API.

import { tensor, kernels, decodeImageBlob, fromPixels, initWasmThreads, vis, type Tensor } from '../src/browser.js';

/** The playground's pages, in the nav bar's order. */
export const PAGES: readonly { file: string; title: string; blurb: string }[] = [
  { file: 'tutorial.html', title: 'The tutorial, interactive', blurb: 'cross-correlation, padding, stride, pooling and the convolution theorem on your image and kernel' },
  { file: 'learn-kernel.html', title: 'Learning [1, −1]', blurb: 'gradient descent finds the edge detector back, step by step, with its loss curve' },
  { file: 'lenet.html', title: 'LeNet-5, live', blurb: 'train LeNet-5 on Fashion-MNIST in the page' },
];

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** document.createElement with attributes (on* as listeners, `class`, `data-*`, …) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in e) (e as HTMLInputElement).value = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** The element with this id (an error naming it when it is missing). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: no element #${id}`);
  return e as T;
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** The nav bar at the top of the page, the current page marked. */
export function navBar(current: string): HTMLElement {
  const nav = el('nav', { class: 'topnav' },
    el('a', { href: 'index.html', class: 'brand' }, 'convnet playground'),
    ...PAGES.map((p) => el('a', { href: p.file, class: p.file === current ? 'current' : undefined }, p.title)),
    el('a', { href: 'reference/index.html' }, 'API reference'));
  document.body.prepend(nav);
  return nav;
}

/** A number as the pages show it: whole numbers plainly, others with up to `digits` decimals. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const r = Math.round(v);
  if (Math.abs(v - r) < 0.5 * 10 ** -digits) return String(Object.is(r, -0) ? 0 : r).replace('-', '−');
  return v.toFixed(digits).replace(/0+$/, '').replace('-', '−');
}

/** Parses what fmt wrote (the tests read the pages' numbers back with it). */
export function parseShown(s: string): number {
  return Number(s.trim().replace('−', '-'));
}

/** A table of numbers (rows of a matrix), `data-name` for the tests, and an optional caption. */
export function matrixTable(name: string, rows: readonly (readonly number[])[], opts: { caption?: string; digits?: number; highlight?: [number, number][] } = {}): HTMLTableElement {
  const hi = new Set((opts.highlight ?? []).map(([i, j]) => `${i},${j}`));
  return el('table', { class: 'matrix', 'data-name': name },
    opts.caption ? el('caption', {}, opts.caption) : null,
    el('tbody', {}, ...rows.map((row, i) => el('tr', {}, ...row.map((v, j) => el('td', { class: hi.has(`${i},${j}`) ? 'hi' : undefined }, fmt(v, opts.digits)))))));
}

/** A tensor's values as rows: a 2-D tensor's rows, a 1-D tensor as one row, more dims flattened to [-1, last]. */
export async function rowsOf(t: Tensor): Promise<number[][]> {
  const v = Array.from(await t.dataAsync());
  const w = t.ndim === 0 ? 1 : t.shape[t.ndim - 1];
  const rows: number[][] = [];
  for (let i = 0; i < v.length; i += w) rows.push(v.slice(i, i + w));
  return rows;
}

/** A tensor as a matrixTable. */
export async function tensorTable(name: string, t: Tensor, opts: { caption?: string; digits?: number } = {}): Promise<HTMLTableElement> {
  return matrixTable(name, await rowsOf(t), opts);
}

/** A figure (vis.*Figure / vis.drawFigure: an RGBA raster) on a new canvas. */
export function figureCanvas(fig: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }, name?: string): HTMLCanvasElement {
  const c = el('canvas', { width: fig.width, height: fig.height, class: 'figure', 'data-name': name });
  c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(fig.data), fig.width, fig.height), 0, 0);
  return c;
}

/** Parses a matrix typed as JSON ([[1, -1]] or [1, -1]); an Error that says what is wrong. */
export function parseMatrix(text: string): number[][] {
  let v: unknown;
  try { v = JSON.parse(text.replace(/−/g, '-')); } catch { throw new Error('not a matrix: write it as [[0, 1], [2, 3]]'); }
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) v = [v];
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r) && r.length > 0 && r.length === (v as unknown[][])[0].length && r.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new Error('a matrix must be rectangular, non-empty and all numbers, e.g. [[0, 1], [2, 3]]');
  }
  if ((v as number[][]).length > 31 || (v as number[][])[0].length > 31) throw new Error('at most 31×31');
  return v as number[][];
}

/** A matrix as compact JSON, one row per line. */
export function matrixText(rows: readonly (readonly number[])[]): string {
  return `[${rows.map((r) => `[${r.map((x) => Number(x.toPrecision(6))).join(', ')}]`).join(',\n ')}]`;
}

/** Starts the wasm backend's worker threads where the page is cross-origin isolated; the thread count. */
export async function startThreads(): Promise<number> {
  return initWasmThreads();
}

/** Shows an error in the page (and rethrows nothing: the page keeps working). */
export function showError(target: Element, e: unknown): void {
  fill(target, el('p', { class: 'error' }, e instanceof Error ? e.message : String(e)));
}

// ---- the image picker ----

/** The shipped photos (assets/images/, copied to static/images/ by the build). */
export const PHOTOS: readonly { file: string; title: string }[] = [
  { file: 'camera.png', title: 'camera (512×512)' },
  { file: 'coins.png', title: 'coins (384×303)' },
  { file: 'chelsea.png', title: 'chelsea the cat (451×300)' },
];

/** The largest side an uploaded image keeps (larger ones are scaled down by the browser). */
export const MAX_UPLOAD_SIDE = 512;

/** A shipped photo as a grey [1, H, W] tensor in [0, 1] (the browser's decoder, no colour conversion). */
export async function loadPhoto(file: string): Promise<Tensor> {
  const res = await fetch(`static/images/${file}`);
  if (!res.ok) throw new Error(`static/images/${file}: HTTP ${res.status}`);
  return decodeImageBlob(await res.blob(), { mode: 'grey' });
}

/** An uploaded image as a grey [1, H, W] tensor, scaled down to at most MAX_UPLOAD_SIDE on a side. */
export async function loadUpload(file: Blob): Promise<Tensor> {
  const probe = await createImageBitmap(file);
  const s = Math.min(1, MAX_UPLOAD_SIDE / Math.max(probe.width, probe.height));
  probe.close();
  if (s === 1) return decodeImageBlob(file, { mode: 'grey' });
  const bmp = await createImageBitmap(file, { resizeWidth: Math.max(1, Math.round(probe.width * s)), resizeHeight: Math.max(1, Math.round(probe.height * s)), resizeQuality: 'high' });
  try { return fromPixels(bmp, { channels: 1 }); } finally { bmp.close(); }
}

/** A select of the shipped photos and a file input; calls onImage(tensor, name) on every choice (and once
 *  at the start, with the first photo). */
export function imagePicker(onImage: (img: Tensor, name: string) => void | Promise<void>): { element: HTMLElement; ready: Promise<void> } {
  const status = el('span', { class: 'status' });
  const choose = async (load: () => Promise<Tensor>, name: string): Promise<void> => {
    status.textContent = 'loading…';
    try {
      const img = await load();
      status.textContent = `${name}: ${img.shape[2]}×${img.shape[1]} grey`;
      await onImage(img, name);
    } catch (e) {
      status.textContent = `cannot use ${name}: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  const select = el('select', { id: 'photo' }, ...PHOTOS.map((p) => el('option', { value: p.file }, p.title)));
  select.addEventListener('change', () => void choose(() => loadPhoto(select.value), select.value));
  const upload = el('input', { type: 'file', id: 'upload', accept: 'image/*' });
  upload.addEventListener('change', () => {
    const f = upload.files?.[0];
    if (f) void choose(() => loadUpload(f), f.name);
  });
  const element = el('div', { class: 'picker' }, el('label', {}, 'Image ', select), el('label', {}, ' or your own ', upload), status);
  return { element, ready: choose(() => loadPhoto(PHOTOS[0].file), PHOTOS[0].file) };
}

// ---- the kernel picker ----

/** The named kernels the picker offers (the library's `kernels`). */
export const NAMED_KERNELS: readonly { key: string; title: string; make: () => Tensor }[] = [
  { key: 'sobel-x', title: 'Sobel x (vertical edges)', make: () => kernels.sobelX },
  { key: 'sobel-y', title: 'Sobel y (horizontal edges)', make: () => kernels.sobelY },
  { key: 'laplacian', title: 'Laplacian', make: () => kernels.laplacian },
  { key: 'gaussian', title: 'Gaussian 5×5, σ = 1', make: () => kernels.gaussian },
  { key: 'box', title: 'box 3×3', make: () => kernels.box },
  { key: 'box9', title: 'box 9×9', make: () => kernels.boxKernel(9) },
  { key: 'sharpen', title: 'sharpen', make: () => kernels.sharpen },
  { key: 'emboss', title: 'emboss', make: () => kernels.emboss },
  { key: 'identity', title: 'identity', make: () => kernels.identity },
  { key: 'edge', title: '[1, −1] (the tutorial\'s edge detector)', make: () => kernels.edgeX },
];

/**
 * A kernel chooser: a select of named kernels, a text box to type a matrix, and a grid of cells to edit
 * (draw) one value at a time; each edit calls onKernel with the kernel as a 2-D tensor.
 */
export function kernelPicker(onKernel: (k: Tensor, rows: number[][]) => void | Promise<void>, initial = 'sobel-x'): { element: HTMLElement; ready: Promise<void>; current: () => number[][] } {
  let rows: number[][] = [];
  const select = el('select', { id: 'kernel' }, ...NAMED_KERNELS.map((k) => el('option', { value: k.key }, k.title)), el('option', { value: 'custom' }, 'your own (type or edit below)'));
  const text = el('textarea', { id: 'kernel-text', rows: 4, cols: 28, spellcheck: 'false' });
  const grid = el('div', { class: 'kernel-grid' });
  const msg = el('span', { class: 'status' });
  const emit = async (): Promise<void> => {
    msg.textContent = `${rows.length}×${rows[0].length}`;
    await onKernel(tensor(rows), rows);
  };
  const drawGrid = (): void => {
    grid.style.gridTemplateColumns = `repeat(${rows[0].length}, 4.2em)`;
    fill(grid, ...rows.flatMap((r, i) => r.map((v, j) => {
      const cell = el('input', { type: 'number', step: 'any', value: Number(v.toPrecision(4)), title: `K[${i}, ${j}]` });
      cell.addEventListener('change', () => {
        const x = Number(cell.value);
        if (!Number.isFinite(x)) return;
        rows[i][j] = x;
        select.value = 'custom';
        text.value = matrixText(rows);
        void emit();
      });
      return cell;
    })));
  };
  const set = async (next: number[][], from: 'select' | 'text'): Promise<void> => {
    rows = next.map((r) => [...r]);
    if (from !== 'text') text.value = matrixText(rows);
    drawGrid();
    await emit();
  };
  const fromSelect = async (): Promise<void> => {
    const k = NAMED_KERNELS.find((n) => n.key === select.value);
    if (k) {
      const t = k.make();
      const v = Array.from(await t.dataAsync()), w = t.shape[1];
      await set(Array.from({ length: t.shape[0] }, (_, i) => v.slice(i * w, (i + 1) * w)), 'select');
    }
  };
  select.addEventListener('change', () => void fromSelect());
  text.addEventListener('input', () => {
    try {
      const m = parseMatrix(text.value);
      select.value = 'custom';
      void set(m, 'text');
    } catch (e) {
      msg.textContent = e instanceof Error ? e.message : String(e);
    }
  });
  select.value = initial;
  const element = el('div', { class: 'picker kernel-picker' },
    el('label', {}, 'Kernel ', select), msg,
    el('div', { class: 'kernel-edit' }, el('label', {}, 'type it', text), el('div', {}, el('div', { class: 'hint' }, 'or edit its cells'), grid)));
  return { element, ready: fromSelect(), current: () => rows.map((r) => [...r]) };
}

/** vis.gridFigure of a grey [1, H, W] image on the fixed scale 0…1 (no colour bar), as a canvas. */
export async function imageCanvas(img: Tensor, title: string, name?: string): Promise<HTMLCanvasElement> {
  return figureCanvas(await vis.gridFigure(img, { title, normalize: 'fixed', range: [0, 1], colorBar: false, tileSize: 256 }), name);
}
