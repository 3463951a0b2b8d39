// vis/grid.ts — tiles of many small maps in one image: feature maps (one tile per channel), the kernels of
// a conv layer (one tile per (out, in) pair, or one RGB tile per output channel), and any batch of images
// (torchvision.utils.make_grid).
//
// Rules:
// - tiles are laid out row-major, `ncol` per row (default ⌈√count⌉), separated and framed by `padding`
//   pixels of `padValue`;
// - normalisation is per tile by default ('tile': each tile min–max to [0, 1], so a weak channel is as
//   visible as a strong one), or over all tiles ('global': keeps their relative strength), or 'symmetric'
//   (per tile, divided by its max |x|, so the result lies in [−1, 1] with 0 at 0 — save it with
//   cmap 'diverging'), or 'none' (values as they are);
// - the result is an image tensor [C, H, W] (C = 1, or 3 for RGB tiles) ready for writeImage/encodePng;
// - pure data movement, not recorded for autograd (the inputs are detached).

import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';

export type GridNormalize = 'tile' | 'global' | 'symmetric' | 'none';

export interface GridOptions {
  /** Tiles per row (default ⌈√count⌉). */
  ncol?: number;
  /** Pixels between and around tiles (default 2). */
  padding?: number;
  /** Value of the gaps (default: 1 — white — for 'tile'/'global', 0 for 'symmetric'/'none'). */
  padValue?: number;
  normalize?: GridNormalize;
  /** Integer nearest-neighbour upscaling of each tile before layout (default 1). */
  scale?: number;
}

/** Lays out N images [N, C, H, W] (C = 1 or 3) in a grid → [C, H', W']. */
export function makeGrid(images: Tensor, opts: GridOptions = {}): Tensor {
  const op = 'makeGrid';
  if (!(images instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof images}`);
  if (images.ndim !== 4) throw new Error(`${op}: expected images [N, C, H, W], got shape ${shapeStr(images.shape)}`);
  const [N, C, h, w] = images.shape;
  if (N === 0 || h === 0 || w === 0) throw new Error(`${op}: no tiles to lay out in a tensor of shape ${shapeStr(images.shape)}`);
  const normalize = opts.normalize ?? 'tile';
  if (!['tile', 'global', 'symmetric', 'none'].includes(normalize)) {
    throw new Error(`${op}: normalize must be 'tile', 'global', 'symmetric' or 'none', got ${JSON.stringify(opts.normalize)}`);
  }
  const ncol = opts.ncol ?? Math.ceil(Math.sqrt(N));
  const padding = opts.padding ?? 2;
  const scale = opts.scale ?? 1;
  for (const [name, v, min] of [['ncol', ncol, 1], ['padding', padding, 0], ['scale', scale, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  const padValue = opts.padValue ?? (normalize === 'tile' || normalize === 'global' ? 1 : 0);
  const nrow = Math.ceil(N / ncol);
  const th = h * scale, tw = w * scale;
  const H = nrow * th + (nrow + 1) * padding, W = Math.min(N, ncol) * tw + (Math.min(N, ncol) + 1) * padding;
  const out = new Float32Array(C * H * W).fill(padValue);
  const s = images.storage, tile = C * h * w;

  const range = (from: number, len: number): [number, number] => {
    let lo = Infinity, hi = -Infinity;
    for (let i = from; i < from + len; i++) { const v = s[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  };
  const global = normalize === 'global' ? range(0, s.length) : null;
  for (let t = 0; t < N; t++) {
    let f: (v: number) => number = (v) => v;
    if (normalize !== 'none') {
      const [lo, hi] = global ?? range(t * tile, tile);
      if (normalize === 'symmetric') {
        const m = Math.max(Math.abs(lo), Math.abs(hi));
        f = m > 0 ? (v) => v / m : () => 0;
      } else {
        f = hi > lo ? (v) => (v - lo) / (hi - lo) : () => 0.5;
      }
    }
    const r = Math.floor(t / ncol), c = t % ncol;
    const y0 = padding + r * (th + padding), x0 = padding + c * (tw + padding);
    for (let ch = 0; ch < C; ch++) {
      for (let y = 0; y < th; y++) {
        const src = t * tile + ch * h * w + Math.floor(y / scale) * w;
        const dst = ch * H * W + (y0 + y) * W + x0;
        for (let x = 0; x < tw; x++) out[dst + x] = f(s[src + Math.floor(x / scale)]);
      }
    }
  }
  return new Tensor(out, [C, H, W], 'float32');
}

/** One grey tile per channel of a feature map [C, H, W] or [1, C, H, W] → an image [1, H', W']. */
export function featureMapGrid(maps: Tensor, opts: GridOptions = {}): Tensor {
  if (!(maps instanceof Tensor)) throw new Error(`featureMapGrid: expected a Tensor, got ${typeof maps}`);
  let shape = maps.shape;
  if (shape.length === 4) {
    if (shape[0] !== 1) throw new Error(`featureMapGrid: expects one sample's maps [C, H, W] or [1, C, H, W], got shape ${shapeStr(maps.shape)} (select a sample first)`);
    shape = shape.slice(1);
  }
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length !== 3) throw new Error(`featureMapGrid: expected feature maps [C, H, W] or [1, C, H, W], got shape ${shapeStr(maps.shape)}`);
  const [C, H, W] = shape;
  return makeGrid(new Tensor(maps.storage, [C, 1, H, W], maps.dtype), opts);
}

/** The kernels of a conv layer's weight [OC, IC, kH, kW]: an RGB tile per output channel when IC = 3
 *  (and opts.rgb is not false), otherwise one grey tile per (out, in) pair, a row per output channel.
 *  Default normalisation 'symmetric' (save with cmap 'diverging' for one-channel grids). */
export function kernelGrid(weight: Tensor, opts: GridOptions & { rgb?: boolean } = {}): Tensor {
  if (!(weight instanceof Tensor) || weight.ndim !== 4) {
    throw new Error(`kernelGrid: expected a conv weight [outChannels, inChannels, kH, kW], got ${weight instanceof Tensor ? `shape ${shapeStr(weight.shape)}` : typeof weight}`);
  }
  const [OC, IC, KH, KW] = weight.shape;
  const { rgb, ...grid } = opts;
  const scale = grid.scale ?? Math.max(1, Math.floor(64 / Math.max(KH, KW))); // tiles of about 64 px
  if (IC === 3 && rgb !== false) {
    // Colour kernels: min–max per tile keeps the colour of each filter.
    return makeGrid(weight, { normalize: 'tile', ...grid, scale });
  }
  return makeGrid(new Tensor(weight.storage, [OC * IC, 1, KH, KW], weight.dtype), {
    normalize: 'symmetric', ncol: IC === 1 ? Math.ceil(Math.sqrt(OC)) : IC, ...grid, scale,
  });
}
