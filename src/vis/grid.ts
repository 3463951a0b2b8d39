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
// - computed by the backend's ops, not recorded for autograd.

import { Tensor } from '../tensor/tensor.js';
import { noExtraArgs } from '../tensor/signature.js';
import { full } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { internalScope } from '../tensor/lifetime.js';
import { noGrad } from '../autograd/tape.js';
import { abs, div, gt, maximum, sub, where } from '../ops/elementwise.js';
import { amax, amin } from '../ops/reduce.js';
import { cat, expand, permute, reshape, toDtype } from '../ops/shape.js';
import { pad } from '../ops/pad.js';

/**
 * How a grid scales its tiles: 'tile' (each tile min–max to [0, 1]), 'global' (over all tiles, keeping their
 * relative strength), 'symmetric' (each tile divided by its max |x|, 0 stays 0) or 'none'. PyTorch: the
 * `normalize` and `scale_each` arguments of `torchvision.utils.make_grid`.
 * @example
 * ```ts
 * vis.featureMapGrid(maps, { normalize: 'global' });
 * ```
 */
export type GridNormalize = 'tile' | 'global' | 'symmetric' | 'none';

/**
 * Options of the grids: tiles per row, padding between tiles and its value, normalisation and an integer
 * upscaling of each tile. PyTorch: the keyword arguments of `torchvision.utils.make_grid` (`nrow` is `ncol`).
 * @example
 * ```ts
 * vis.makeGrid(images, { ncol: 8, padding: 2, scale: 2 });
 * ```
 */
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

/**
 * Lays out N images [N, C, H, W] (C = 1 or 3) in a grid, returning one image [C, H', W'].
 * PyTorch: `torchvision.utils.make_grid`.
 * @example
 * ```ts
 * await writeImage('out/batch.png', vis.makeGrid(x.slice(0, 0, 16)));
 * ```
 */
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
  const nrow = Math.ceil(N / ncol), cols = Math.min(N, ncol);
  const th = h * scale, tw = w * scale;
  return noGrad(() => internalScope(() => {
    // Normalised tiles, computed by the backend: per tile ([1, 2, 3]) or over all of them.
    const x = toDtype(images, 'float32');
    const axes = normalize === 'global' ? [0, 1, 2, 3] : [1, 2, 3];
    let t = x;
    if (normalize === 'tile' || normalize === 'global') {
      const lo = amin(x, axes, true), hi = amax(x, axes, true);
      t = where(gt(hi, lo), div(sub(x, lo), sub(hi, lo)), 0.5);
    } else if (normalize === 'symmetric') {
      const m = maximum(abs(amin(x, axes, true)), abs(amax(x, axes, true)));
      t = where(gt(m, 0), div(x, m), 0);
    }
    if (scale > 1) t = upscale(t, scale);
    // Each tile with its gap above and to the left; blank tiles fill the last row; then the tiles are
    // laid out row by row and the frame closed on the right and at the bottom.
    t = pad(t, [padding, 0, padding, 0], { value: padValue });
    if (nrow * cols > N) t = cat([t, full([nrow * cols - N, C, th + padding, tw + padding], padValue)], 0);
    t = permute(reshape(t, [nrow, cols, C, th + padding, tw + padding]), [2, 0, 3, 1, 4]);
    t = reshape(t, [C, nrow * (th + padding), cols * (tw + padding)]);
    return pad(t, [0, padding, 0, padding], { value: padValue });
  }));
}

/**
 * One grey tile per channel of a feature map [C, H, W] or [1, C, H, W], as one image [1, H', W'].
 * convnet's own.
 * @example
 * ```ts
 * const acts = vis.captureActivations(model, ['0'], x);
 * vis.featureMapGrid(acts.get('0')!.select(0, 0));
 * ```
 */
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
  return makeGrid(maps.reshape([C, 1, H, W]), opts);
}

/**
 * The kernels of a conv layer's weight [OC, IC, kH, kW]: an RGB tile per output channel when IC = 3 (unless
 * `rgb: false`), otherwise one grey tile per (out, in) pair, a row per output channel; 'symmetric'
 * normalisation by default. convnet's own.
 * @example
 * ```ts
 * vis.kernelGrid(model.conv1.weight);
 * ```
 */
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
  return makeGrid(weight.reshape([OC * IC, 1, KH, KW]), {
    normalize: 'symmetric', ncol: IC === 1 ? Math.ceil(Math.sqrt(OC)) : IC, ...grid, scale,
  });
}

/**
 * Nearest-neighbour integer upscaling of the last two dimensions (each pixel repeated factor × factor), for
 * showing tiny maps. PyTorch: `F.interpolate(x, scale_factor=factor, mode='nearest')`.
 * @example
 * ```ts
 * upscale(zeros([1, 7, 7]), 4).shape;  // [1, 28, 28]
 * ```
 */
export function upscale(t: Tensor, factor: number): Tensor {
  noExtraArgs('upscale', arguments, ['t', 'factor']);
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`upscale: factor must be a positive integer, got ${factor}`);
  if (t.ndim < 2) throw new Error(`upscale: expected at least 2 dimensions, got shape ${shapeStr(t.shape)}`);
  const lead = t.shape.slice(0, -2), H = t.shape[t.ndim - 2], W = t.shape[t.ndim - 1];
  return internalScope(() => {
    const spread = expand(reshape(t, [...lead, H, 1, W, 1]), [...lead, H, factor, W, factor]);
    return reshape(toDtype(spread, 'float32'), [...lead, H * factor, W * factor]);
  });
}
