// vis/padding.ts — padding artifacts, measured. The same filter is applied to a photo with each padding
// mode; each result's border is compared with what the filter gives there when the true surrounding
// pixels are known.
//
// How the truth is known: the photo is cropped by the filter's radius r on every side. Filtering the crop
// with 'same' padding invents the r pixels beyond its border (zeros, a mirror, the edge repeated, the
// opposite side); filtering the full photo without padding ('valid') sees the real ones. Both have the
// crop's size, and their difference on the border band (the pixels within r of the edge, whose windows
// reach outside the crop) is the padding's artifact. The interior agrees exactly in every mode.
//
// Zero padding pulls a smoothing filter's border toward black: a dark frame. Reflect and replicate
// continue the image and stay close; circular brings in the opposite edge.

import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { narrow, stack, cat, reshape } from '../ops/shape.js';
import { abs, sub } from '../ops/elementwise.js';
import { amax, sum } from '../ops/reduce.js';
import { noGrad } from '../autograd/tape.js';
import { filter2d, boxKernel } from '../kernels.js';
import type { PaddingMode } from '../ops/conv.js';

/**
 * The four padding modes of a convolution, in the order the padding demo shows them: zeros, reflect,
 * replicate, circular. PyTorch: the values of `nn.Conv2d`'s `padding_mode`.
 * @example
 * ```ts
 * for (const mode of vis.PADDING_MODES) new nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: mode });
 * ```
 */
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * One padding mode's result in the padding demo: its errors on the border band and in the interior, the
 * filtered crop and the per-pixel deviation from the truth. convnet's own.
 * @example
 * ```ts
 * (await vis.paddingDemo(img)).rows.map((r) => [r.mode, r.borderMad]);
 * ```
 */
export interface PaddingDemoRow {
  mode: PaddingMode;
  /** Mean |filtered − truth| over the border band. */
  borderMad: number;
  /** Mean (filtered − truth) over the border band: negative = darker than it should be. */
  borderBias: number;
  /** Mean |filtered − truth| over the interior (0 up to rounding). */
  interiorMad: number;
  /** The filtered crop, [C, H − 2r, W − 2r]. */
  image: Tensor;
  /** |filtered − truth| per pixel, [1, H − 2r, W − 2r] (max over channels). */
  deviation: Tensor;
}

/**
 * What {@link paddingDemo} returns: the crop the modes filter, the truth (the filter with the real
 * neighbourhood), the filter's radius and one row per padding mode. convnet's own.
 * @example
 * ```ts
 * const res = await vis.paddingDemo(img);
 * console.log(vis.formatPaddingTable(res));
 * ```
 */
export interface PaddingDemoResult {
  /** The crop the modes filter, [C, H − 2r, W − 2r]. */
  crop: Tensor;
  /** The filter computed with the true neighbourhood. */
  truth: Tensor;
  radius: number;
  rows: PaddingDemoRow[];
}

/**
 * Runs the padding comparison on an image [C, H, W] with an odd square kernel (default: 9×9 box). Async:
 *  the measured sums are read with `await t.dataAsync()`, which every backend supports.
 * convnet's own (the `convnet padding-demo` command).
 * @example
 * ```ts
 * const res = await vis.paddingDemo(readImage('photo.png'));
 * console.log(vis.formatPaddingTable(res));
 * ```
 */
export async function paddingDemo(image: Tensor, kernel: Tensor = boxKernel(9)): Promise<PaddingDemoResult> {
  if (!(image instanceof Tensor) || image.ndim !== 3) {
    throw new Error(`paddingDemo: expected an image [C, H, W], got ${image instanceof Tensor ? `shape ${shapeStr(image.shape)}` : typeof image}`);
  }
  if (kernel.ndim !== 2 || kernel.shape[0] !== kernel.shape[1] || kernel.shape[0] % 2 === 0) {
    throw new Error(`paddingDemo: kernel must be square with an odd size, got shape ${shapeStr(kernel.shape)}`);
  }
  const r = (kernel.shape[0] - 1) / 2;
  const [, H, W] = image.shape;
  if (H <= 4 * r || W <= 4 * r) throw new Error(`paddingDemo: image ${shapeStr(image.shape)} is too small for a ${kernel.shape[0]}×${kernel.shape[0]} kernel`);
  const crop = narrow(narrow(image, 1, r, H - 2 * r), 2, r, W - 2 * r);
  const truth = filter2d(image, kernel, { padding: 'valid' });
  const [C, h, w] = crop.shape;
  // The interior (windows inside the crop) and the border band around it, as sums over the deviation.
  const interior = (t: Tensor) => narrow(narrow(t, 1, r, h - 2 * r), 2, r, w - 2 * r);
  const inN = C * Math.max(0, h - 2 * r) * Math.max(0, w - 2 * r), bandN = C * h * w - inN;
  const read = async (t: Tensor | null): Promise<number> => (t ? (await t.dataAsync())[0] : 0);
  const rows = await Promise.all(PADDING_MODES.map(async (mode) => {
    const { y, ad, sums } = noGrad(() => {
      const y = filter2d(crop, kernel, { paddingMode: mode });
      const d = sub(y, truth), ad = abs(d);
      return { y, ad, sums: [inN ? sum(interior(ad)) : null, inN ? sum(interior(d)) : null, sum(ad), sum(d)] };
    });
    const [inAbs, inSum, allAbs, all] = await Promise.all(sums.map(read));
    return {
      mode, borderMad: (allAbs - inAbs) / bandN, borderBias: (all - inSum) / bandN,
      interiorMad: inN ? inAbs / inN : 0,
      image: y, deviation: noGrad(() => reshape(amax(ad, 0), [1, h, w])),
    };
  }));
  return { crop, truth, radius: r, rows };
}

/**
 * The table convnet padding-demo prints.
 * convnet's own.
 * @example
 * ```ts
 * console.log(vis.formatPaddingTable(await vis.paddingDemo(img)));
 * ```
 */
export function formatPaddingTable(res: PaddingDemoResult): string {
  const lines = [
    'mode       border MAD   border bias   interior MAD',
    ...res.rows.map((row) => `${row.mode.padEnd(10)} ${row.borderMad.toFixed(4).padStart(10)}   ${(row.borderBias >= 0 ? '+' : '') + row.borderBias.toFixed(4)}`.padEnd(36) + `${row.interiorMad.toFixed(4).padStart(12)}`),
  ];
  return lines.join('\n');
}

/**
 * [crop, zeros, reflect, replicate, circular] as one batch [5, C, h, w], for makeGrid.
 * convnet's own.
 * @example
 * ```ts
 * vis.makeGrid(vis.paddingDemoStrip(res), { ncol: 5 });
 * ```
 */
export function paddingDemoStrip(res: PaddingDemoResult): Tensor {
  return stack([res.crop, ...res.rows.map((row) => row.image)], 0);
}

/**
 * The per-mode deviation maps as one batch [4, 1, h, w].
 * convnet's own.
 * @example
 * ```ts
 * vis.makeGrid(vis.paddingDeviationStrip(res), { ncol: 4 });
 * ```
 */
export function paddingDeviationStrip(res: PaddingDemoResult): Tensor {
  return cat(res.rows.map((row) => row.deviation.reshape([1, ...row.deviation.shape])), 0);
}
