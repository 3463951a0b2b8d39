// vis/annotate.ts — figures: a grid of tiles (feature maps, kernels, images) as an RGBA raster that says
// what it shows — a title band, a label on every tile (its channel index), and a colour bar with the
// values at its two ends and the colour map's name. `npm start`, `convnet featuremaps` and
// `convnet kernels` draw their pictures with it; encodeRgbaPng / writeRgbaPng turn a figure into a PNG,
// and in the browser its `data` is a canvas's ImageData.
//
//   const fig = await vis.featureMapFigure(acts.get('features.1'), { title: 'conv1 feature maps' });
//   writeRgbaPng('maps.png', fig);       // fig.layout says where everything went
//
// Colour: one colour scale for all tiles by default, so the bar's numbers hold for every tile ('minmax':
// the data's min … max; 'symmetric': −m … m with m = max |x|, 0 in the middle, for weights; 'fixed':
// opts.range). 'tile' scales each tile to its own min … max (a weak channel as visible as a strong one);
// its bar then reads "min" … "max". Tiles with 3 channels are RGB, each channel on the same scale.
//
// Layout, in raster pixels (FIGURE_LAYOUT holds the constants; `layout` on the result, the positions):
// - a white background and a margin of 8 around everything; blocks stacked top to bottom, 6 apart:
//   the title (text scale 2, 18 high), the notes (one line each, scale 1, 9 high, 2 between lines),
//   the grid, the colour bar row (12 high);
// - the grid: tile i in row ⌊i / ncol⌋, column i mod ncol; each cell is the tile's label (9 high, then 2)
//   above the tile, as wide as the wider of the two; cells 6 apart both ways; a grey 1-pixel frame just
//   outside each tile (so a white tile stays visible);
// - the colour bar row: the low value, 4, the bar (256 × 12, framed), 4, the high value, 10, the caption
//   (the colour map's name); the text 2 below the bar's top;
// - the width is the widest block plus the margins; the height, the last block's bottom plus the margin;
// - tiles are scaled up by an integer factor, nearest neighbour: by default the largest that makes them
//   about `tileSize` pixels (96; a lone tile 224), then smaller while the figure is over 2048 pixels on
//   a side. No figure may exceed 64 megapixels.
//
// Values are read with `await t.dataAsync()` (any backend, the GPU's included); drawFigure takes values
// already read.

import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { colorAt, COLOR_MAPS, type ColorMap } from '../io/colormap.js';
import type { RgbaImage } from '../io/image.js';
import { drawText, textHeight, textWidth, CAP_HEIGHT } from './text.js';

/**
 * The fixed sizes of a figure's layout, in pixels: margins, gaps, text scales, the colour bar, the tile sizes
 * the automatic scale aims at and the largest figure allowed. convnet's own.
 * @example
 * ```ts
 * vis.FIGURE_LAYOUT.tileSize;  // 96
 * ```
 */
export const FIGURE_LAYOUT = Object.freeze({
  margin: 8,
  /** Space between the stacked blocks (title, notes, grid, colour bar). */
  gap: 6,
  titleScale: 2,
  textScale: 1,
  /** Space between two note lines. */
  lineGap: 2,
  /** Space between a tile's label and the tile. */
  labelGap: 2,
  /** Space between cells, both ways. */
  tileGap: 6,
  barWidth: 256,
  barHeight: 12,
  /** Space between the bar and its two values. */
  barTextGap: 4,
  /** Space between the high value and the caption. */
  captionGap: 10,
  /** The default tile size (pixels) the automatic scale aims at, and for a figure of one tile. */
  tileSize: 96,
  loneTileSize: 224,
  /** The automatic scale shrinks until the figure fits this many pixels on a side (or reaches 1). */
  maxAutoSide: 2048,
  maxPixels: 64_000_000,
});

const BACKGROUND: readonly [number, number, number] = [255, 255, 255];
const TITLE_INK: readonly [number, number, number] = [0, 0, 0];
const TEXT_INK: readonly [number, number, number] = [48, 48, 48];
const FRAME: readonly [number, number, number] = [160, 160, 160];

/**
 * How a figure maps values to colours: 'minmax' (one scale, the data's min … max), 'symmetric' (−m … m,
 * 0 in the middle, for weights), 'fixed' (`opts.range`) or 'tile' (each tile its own min … max). convnet's own.
 * @example
 * ```ts
 * await vis.featureMapFigure(maps, { normalize: 'tile' });
 * ```
 */
export type FigureNormalize = 'minmax' | 'symmetric' | 'fixed' | 'tile';

/**
 * Options of the figures: title, note lines, tile labels, columns, scale and tile size, normalisation and
 * range, colour map and whether to draw the colour bar. convnet's own.
 * @example
 * ```ts
 * await vis.kernelFigure(conv.weight, { title: 'conv1 kernels', cmap: 'diverging' });
 * ```
 */
export interface FigureOptions {
  /** The title band's text (text scale 2). */
  title?: string;
  /** Lines under the title (scale 1): what the tiles are, what the labels mean. */
  notes?: string | readonly string[];
  /** One label per tile (default: the tile's index, for more than one tile), or false for none. */
  labels?: readonly string[] | false;
  /** Tiles per row (default ⌈√count⌉). */
  ncol?: number;
  /** Integer nearest-neighbour upscaling of the tiles (default: automatic, see tileSize). */
  scale?: number;
  /** The tile size, in pixels, the automatic scale aims at (default 96; 224 for a single tile). */
  tileSize?: number;
  /** How values become colours (default 'minmax'; see the top of this file). */
  normalize?: FigureNormalize;
  /** [lo, hi] for normalize 'fixed' (default [0, 1]). */
  range?: readonly [number, number];
  /** Colour map of one-channel tiles (default 'grey'). */
  cmap?: ColorMap;
  /** Whether to draw the colour bar (default true). */
  colorBar?: boolean;
}

/**
 * Tiles as values already read: `count` tiles of `channels` (1, or 3 for RGB) × height × width, laid out
 *  [count, channels, height, width] row-major. convnet's own.
 * @example
 * ```ts
 * vis.drawFigure({ values: await maps.dataAsync(), count: 6, channels: 1, height: 28, width: 28 });
 * ```
 */
export interface FigureTiles {
  values: ArrayLike<number>;
  count: number;
  channels: number;
  height: number;
  width: number;
}

/**
 * Where a figure drew a piece of text: its top-left corner, the text and its scale. convnet's own.
 * @example
 * ```ts
 * const { title } = (await vis.gridFigure(x)).layout;  // TextPlacement | null
 * ```
 */
export interface TextPlacement { x: number; y: number; text: string; scale: number }

/**
 * Where every part of a figure is: its size, the tiles' scale and columns, the title, the notes, each tile's
 * rectangle and label, and the colour bar. convnet's own.
 * @example
 * ```ts
 * const fig = await vis.featureMapFigure(maps);
 * fig.layout.tiles[0];  // { x, y, width, height, label }
 * ```
 */
export interface FigureLayout {
  width: number;
  height: number;
  /** The tiles' upscaling factor. */
  scale: number;
  ncol: number;
  title: TextPlacement | null;
  notes: TextPlacement[];
  /** Each tile's rectangle (its pixels, frame excluded) and its label. */
  tiles: { x: number; y: number; width: number; height: number; label: TextPlacement | null }[];
  bar: {
    x: number; y: number; width: number; height: number;
    low: TextPlacement; high: TextPlacement; caption: TextPlacement;
  } | null;
}

/**
 * What figureLayout needs: the tile sizes and every text (the bar's come from the data). convnet's own.
 * @example
 * ```ts
 * vis.figureLayout({ count: 4, height: 28, width: 28, scale: 3, ncol: 2, labels: ['0', '1', '2', '3'] });
 * ```
 */
export interface FigureLayoutSpec {
  count: number;
  height: number;
  width: number;
  scale: number;
  ncol: number;
  title?: string | null;
  notes?: readonly string[];
  labels?: readonly string[] | null;
  bar?: { low: string; high: string; caption: string } | null;
}

/**
 * A figure: the RGBA raster and where its parts are. convnet's own.
 * @example
 * ```ts
 * const fig: vis.Figure = await vis.gridFigure(x);
 * fig.layout.tiles.length;
 * ```
 */
export interface Figure extends RgbaImage { layout: FigureLayout }

/**
 * Positions of every part of a figure (the rules at the top of this file).
 * convnet's own.
 * @example
 * ```ts
 * const layout = vis.figureLayout({ count: 6, height: 28, width: 28, scale: 2, ncol: 3, title: 'conv1' });
 * ```
 */
export function figureLayout(spec: FigureLayoutSpec): FigureLayout {
  const L = FIGURE_LAYOUT;
  const { count, scale } = spec;
  const ncol = Math.min(spec.ncol, count);
  const th = spec.height * scale, tw = spec.width * scale;
  const ts = L.textScale, lineH = textHeight(ts);
  let y = L.margin, right = 0;
  const block = (h: number) => { const top = y; y += h + L.gap; return top; };
  let title: TextPlacement | null = null;
  if (spec.title) {
    title = { x: L.margin, y: block(textHeight(L.titleScale)), text: spec.title, scale: L.titleScale };
    right = Math.max(right, textWidth(spec.title, L.titleScale));
  }
  const notes: TextPlacement[] = [];
  const noteLines = spec.notes ?? [];
  if (noteLines.length) {
    const top = block(noteLines.length * lineH + (noteLines.length - 1) * L.lineGap);
    noteLines.forEach((text, i) => {
      notes.push({ x: L.margin, y: top + i * (lineH + L.lineGap), text, scale: ts });
      right = Math.max(right, textWidth(text, ts));
    });
  }
  const labels = spec.labels ?? null;
  const labelH = labels ? lineH + L.labelGap : 0;
  const cellW = Math.max(tw, ...(labels ?? []).map((s) => textWidth(s, ts)));
  const cellH = labelH + th;
  const nrow = Math.ceil(count / ncol);
  const gridTop = block(nrow * cellH + (nrow - 1) * L.tileGap);
  right = Math.max(right, ncol * cellW + (ncol - 1) * L.tileGap);
  const tiles = Array.from({ length: count }, (_, i) => {
    const cx = L.margin + (i % ncol) * (cellW + L.tileGap), cy = gridTop + Math.floor(i / ncol) * (cellH + L.tileGap);
    return {
      x: cx, y: cy + labelH, width: tw, height: th,
      label: labels ? { x: cx, y: cy, text: labels[i], scale: ts } : null,
    };
  });
  let bar: FigureLayout['bar'] = null;
  if (spec.bar) {
    const top = block(L.barHeight);
    const textY = top + Math.floor((L.barHeight - CAP_HEIGHT * ts) / 2);
    const barX = L.margin + textWidth(spec.bar.low, ts) + L.barTextGap;
    const highX = barX + L.barWidth + L.barTextGap;
    const captionX = highX + textWidth(spec.bar.high, ts) + L.captionGap;
    bar = {
      x: barX, y: top, width: L.barWidth, height: L.barHeight,
      low: { x: L.margin, y: textY, text: spec.bar.low, scale: ts },
      high: { x: highX, y: textY, text: spec.bar.high, scale: ts },
      caption: { x: captionX, y: textY, text: spec.bar.caption, scale: ts },
    };
    right = Math.max(right, captionX + textWidth(spec.bar.caption, ts) - L.margin);
  }
  return { width: right + 2 * L.margin, height: y - L.gap + L.margin, scale, ncol, title, notes, tiles, bar };
}

/**
 * A value as a short label: 3 significant digits, exponent form below 0.001 and from 10,000.
 * convnet's own.
 * @example
 * ```ts
 * vis.formatValue(0.000123);  // '1.23e-4'
 * ```
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e4) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  const s = a >= 100 ? v.toFixed(0) : v.toPrecision(3);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function capName(cmap: ColorMap): string {
  return cmap === 'gray' ? 'grey' : cmap;
}

/**
 * Draws a figure from values already read (see FigureTiles; `await t.dataAsync()` gives them on any backend).
 * convnet's own.
 * @example
 * ```ts
 * const fig = vis.drawFigure({ values: await img.dataAsync(), count: 1, channels: 1, height: 28, width: 28 }, { title: 'x' });
 * ```
 */
export function drawFigure(tiles: FigureTiles, opts: FigureOptions = {}): Figure {
  const op = 'drawFigure';
  const { values, count, channels, height: h, width: w } = tiles ?? ({} as FigureTiles);
  for (const [name, v] of [['count', count], ['height', h], ['width', w]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`${op}: tiles must have 1 channel (a colour map) or 3 (RGB), got ${JSON.stringify(channels)}`);
  if (!values || values.length !== count * channels * h * w) {
    throw new Error(`${op}: ${values?.length} values given for ${count} tiles of ${channels}×${h}×${w}`);
  }
  const cmap: ColorMap = opts.cmap ?? 'grey';
  if (!COLOR_MAPS.includes(cmap)) throw new Error(`${op}: cmap must be 'grey', 'diverging' or 'viridis', got ${JSON.stringify(opts.cmap)}`);
  if (channels === 3 && cmap !== 'grey' && cmap !== 'gray') throw new Error(`${op}: cmap '${cmap}' needs one-channel tiles, got RGB tiles`);
  const normalize: FigureNormalize = opts.normalize ?? 'minmax';
  if (!['minmax', 'symmetric', 'fixed', 'tile'].includes(normalize)) {
    throw new Error(`${op}: normalize must be 'minmax', 'symmetric', 'fixed' or 'tile', got ${JSON.stringify(opts.normalize)}`);
  }
  const ncol = opts.ncol ?? Math.ceil(Math.sqrt(count));
  if (!Number.isInteger(ncol) || ncol < 1) throw new Error(`${op}: ncol must be an integer ≥ 1, got ${JSON.stringify(opts.ncol)}`);
  if (opts.scale !== undefined && (!Number.isInteger(opts.scale) || opts.scale < 1)) {
    throw new Error(`${op}: scale must be a positive integer, got ${JSON.stringify(opts.scale)}`);
  }
  const tileSize = opts.tileSize ?? (count === 1 ? FIGURE_LAYOUT.loneTileSize : FIGURE_LAYOUT.tileSize);
  if (!(tileSize > 0)) throw new Error(`${op}: tileSize must be a positive number, got ${JSON.stringify(opts.tileSize)}`);
  let labels: string[] | null;
  if (opts.labels === false) labels = null;
  else if (opts.labels === undefined) labels = count > 1 ? Array.from({ length: count }, (_, i) => String(i)) : null;
  else {
    if (!Array.isArray(opts.labels) || opts.labels.length !== count) {
      throw new Error(`${op}: labels must be ${count} strings (one per tile) or false, got ${Array.isArray(opts.labels) ? `${opts.labels.length}` : typeof opts.labels}`);
    }
    labels = opts.labels.map(String);
  }
  const notes = opts.notes === undefined ? [] : typeof opts.notes === 'string' ? [opts.notes] : [...opts.notes];

  // The value range: [lo, hi] of the whole set, or per tile.
  const plane = channels * h * w;
  const rangeOf = (from: number, to: number): [number, number] => {
    let lo = Infinity, hi = -Infinity;
    for (let i = from; i < to; i++) { const v = values[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
    return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : [0, 1];
  };
  let range: [number, number] | null = null;
  if (normalize === 'fixed') {
    const r = opts.range ?? [0, 1];
    if (!Array.isArray(r) || r.length !== 2 || !(r[1] > r[0])) throw new Error(`${op}: range must be [lo, hi] with hi > lo, got ${JSON.stringify(opts.range)}`);
    range = [r[0], r[1]];
  } else if (normalize === 'minmax') {
    const [lo, hi] = rangeOf(0, values.length);
    range = hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5]; // a constant set shows as the middle colour
  } else if (normalize === 'symmetric') {
    const [lo, hi] = rangeOf(0, values.length);
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    range = [-m, m];
  }
  const showBar = opts.colorBar ?? true;
  let bar: FigureLayoutSpec['bar'] = null;
  if (showBar) {
    const name = channels === 3 ? 'R, G, B each' : capName(cmap);
    const zero = cmap === 'diverging' && range && range[0] === -range[1] ? ', white = 0' : '';
    bar = range
      ? { low: formatValue(range[0]), high: formatValue(range[1]), caption: `colour map: ${name}${zero}` }
      : { low: 'min', high: 'max', caption: `colour map: ${name}, each tile from its min to its max` };
  }

  // The scale: as asked, or the largest that makes tiles about tileSize and the figure fit.
  const specOf = (scale: number): FigureLayoutSpec => ({ count, height: h, width: w, scale, ncol, title: opts.title ?? null, notes, labels, bar });
  let layout: FigureLayout;
  if (opts.scale !== undefined) {
    layout = figureLayout(specOf(opts.scale));
  } else {
    let scale = Math.max(1, Math.min(64, Math.floor(tileSize / Math.max(h, w))));
    layout = figureLayout(specOf(scale));
    while (scale > 1 && Math.max(layout.width, layout.height) > FIGURE_LAYOUT.maxAutoSide) layout = figureLayout(specOf(--scale));
  }
  if (layout.width * layout.height > FIGURE_LAYOUT.maxPixels) {
    throw new Error(`${op}: the figure would be ${layout.width}×${layout.height} pixels (tiles scaled ×${layout.scale}), more than ${FIGURE_LAYOUT.maxPixels / 1e6} megapixels; use a smaller scale or fewer tiles`);
  }

  // Paint: background, tiles with frames, labels, title, notes, bar.
  const W = layout.width, H = layout.height;
  const img: Figure = { width: W, height: H, data: new Uint8Array(W * H * 4), layout };
  fillRect(img, 0, 0, W, H, BACKGROUND);
  const s = layout.scale;
  const byte = (u: number) => Math.round(Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * 255);
  layout.tiles.forEach((t, i) => {
    const base = i * plane;
    let [lo, hi] = range ?? rangeOf(base, base + plane);
    if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
    const to01 = (v: number) => (v - lo) / (hi - lo);
    frame(img, t.x, t.y, t.width, t.height, FRAME);
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const k = base + yy * w + xx;
        const rgb: readonly [number, number, number] = channels === 1
          ? colorAt(cmap, to01(values[k]))
          : [byte(to01(values[k])), byte(to01(values[k + h * w])), byte(to01(values[k + 2 * h * w]))];
        fillRect(img, t.x + xx * s, t.y + yy * s, s, s, rgb);
      }
    }
    if (t.label) drawText(img, t.label.text, t.label.x, t.label.y, { scale: t.label.scale, color: TEXT_INK });
  });
  if (layout.title) drawText(img, layout.title.text, layout.title.x, layout.title.y, { scale: layout.title.scale, color: TITLE_INK });
  for (const n of layout.notes) drawText(img, n.text, n.x, n.y, { scale: n.scale, color: TEXT_INK });
  if (layout.bar) {
    const b = layout.bar;
    const barMap: ColorMap = channels === 3 ? 'grey' : cmap;
    frame(img, b.x, b.y, b.width, b.height, FRAME);
    for (let j = 0; j < b.width; j++) fillRect(img, b.x + j, b.y, 1, b.height, colorAt(barMap, j / (b.width - 1)));
    for (const t of [b.low, b.high, b.caption]) drawText(img, t.text, t.x, t.y, { scale: t.scale, color: TEXT_INK });
  }
  return img;
}

function fillRect(img: RgbaImage, x: number, y: number, w: number, h: number, [r, g, b]: readonly [number, number, number]): void {
  const { width: W, height: H, data } = img;
  for (let yy = Math.max(0, y); yy < Math.min(H, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(W, x + w); xx++) {
      const p = 4 * (yy * W + xx);
      data[p] = r; data[p + 1] = g; data[p + 2] = b; data[p + 3] = 255;
    }
  }
}

/** A 1-pixel frame just outside the rectangle. */
function frame(img: RgbaImage, x: number, y: number, w: number, h: number, rgb: readonly [number, number, number]): void {
  fillRect(img, x - 1, y - 1, w + 2, 1, rgb);
  fillRect(img, x - 1, y + h, w + 2, 1, rgb);
  fillRect(img, x - 1, y, 1, h, rgb);
  fillRect(img, x + w, y, 1, h, rgb);
}

// ------------------------------------------------------------------------------- from tensors

function checkTensor(op: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof t}`);
}

/**
 * A batch of images [N, C, H, W] or one image [C, H, W] / [H, W] (C = 1, or 3 for RGB) as a figure;
 *  default labels: the index, for more than one.
 * convnet's own (PyTorch: `torchvision.utils.make_grid` plus Matplotlib).
 * @example
 * ```ts
 * const fig = await vis.gridFigure(x.slice(0, 0, 16), { title: 'inputs' });
 * writeRgbaPng('out/inputs.png', fig);
 * ```
 */
export async function gridFigure(images: Tensor, opts: FigureOptions = {}): Promise<Figure> {
  const op = 'gridFigure';
  checkTensor(op, images);
  let shape = images.shape;
  if (shape.length === 2) shape = [1, 1, ...shape];
  else if (shape.length === 3) shape = [1, ...shape];
  if (shape.length !== 4 || (shape[1] !== 1 && shape[1] !== 3)) {
    throw new Error(`${op}: expected images [N, C, H, W], [C, H, W] or [H, W] with C = 1 or 3, got shape ${shapeStr(images.shape)}`);
  }
  const [count, channels, height, width] = shape;
  if (count === 0 || height === 0 || width === 0) throw new Error(`${op}: no tiles to draw in a tensor of shape ${shapeStr(images.shape)}`);
  return drawFigure({ values: await images.dataAsync(), count, channels, height, width }, opts);
}

/**
 * One sample's feature maps [C, H, W] or [1, C, H, W]: one grey tile per channel, labelled with its
 *  index, one colour scale (the maps' min … max) for all.
 * convnet's own.
 * @example
 * ```ts
 * const acts = vis.captureActivations(model, ['features.0'], x);
 * const fig = await vis.featureMapFigure(acts.get('features.0')!.select(0, 0), { title: 'conv1' });
 * ```
 */
export async function featureMapFigure(maps: Tensor, opts: FigureOptions = {}): Promise<Figure> {
  const op = 'featureMapFigure';
  checkTensor(op, maps);
  let shape = maps.shape;
  if (shape.length === 4) {
    if (shape[0] !== 1) throw new Error(`${op}: expects one sample's maps [C, H, W] or [1, C, H, W], got shape ${shapeStr(maps.shape)} (select a sample first)`);
    shape = shape.slice(1);
  }
  if (shape.length !== 3) throw new Error(`${op}: expected feature maps [C, H, W] or [1, C, H, W], got shape ${shapeStr(maps.shape)}`);
  const [count, height, width] = shape;
  if (count === 0 || height === 0 || width === 0) throw new Error(`${op}: no maps to draw in a tensor of shape ${shapeStr(maps.shape)}`);
  return drawFigure({ values: await maps.dataAsync(), count, channels: 1, height, width }, opts);
}

/**
 * The kernels of a conv layer's weight [OC, IC, kH, kW]: with IC = 3 (and opts.rgb not false) an RGB
 *  tile per output channel, labelled o; otherwise a tile per (out, in) pair, a row per output channel,
 *  labelled "o,i" (just o when IC = 1, in ⌈√OC⌉ columns). Default: one symmetric scale −m … m for all
 *  tiles with the diverging colour map (blue < 0 < red, white = 0), tiles of about 64 pixels.
 * convnet's own.
 * @example
 * ```ts
 * const fig = await vis.kernelFigure(conv1.weight, { title: 'conv1 kernels' });
 * ```
 */
export async function kernelFigure(weight: Tensor, opts: FigureOptions & { rgb?: boolean } = {}): Promise<Figure> {
  const op = 'kernelFigure';
  checkTensor(op, weight);
  if (weight.ndim !== 4) throw new Error(`${op}: expected a conv weight [outChannels, inChannels, kH, kW], got shape ${shapeStr(weight.shape)}`);
  const [OC, IC, KH, KW] = weight.shape;
  if (OC * IC * KH * KW === 0) throw new Error(`${op}: no kernels to draw in a weight of shape ${shapeStr(weight.shape)}`);
  const { rgb, ...given } = opts;
  // The caller's options over these defaults; an option given as undefined keeps the default.
  const rest = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as FigureOptions;
  const values = await weight.dataAsync();
  if (IC === 3 && rgb !== false) {
    return drawFigure({ values, count: OC, channels: 3, height: KH, width: KW }, {
      normalize: 'symmetric', tileSize: 64, labels: Array.from({ length: OC }, (_, o) => String(o)), ...rest,
    });
  }
  const labels = Array.from({ length: OC * IC }, (_, k) => (IC === 1 ? String(k) : `${Math.floor(k / IC)},${k % IC}`));
  return drawFigure({ values, count: OC * IC, channels: 1, height: KH, width: KW }, {
    normalize: 'symmetric', cmap: 'diverging', tileSize: 64, ncol: IC === 1 ? Math.ceil(Math.sqrt(OC)) : IC, labels, ...rest,
  });
}
