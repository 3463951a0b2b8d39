// io/colormap.ts — the colour maps that turn a one-channel map into RGB: 'grey', 'diverging' (matplotlib's
// RdBu_r: blue < 0 < red, white in the middle) and 'viridis'. No codecs here, so the browser build can use
// them too (io/image.ts re-exports them beside the PNG/JPEG code).

/**
 * How a one-channel image's values in [0, 1] become colours: 'grey' (or 'gray'), 'diverging' (blue below the
 * middle, white at it, red above, for signed values) or 'viridis'. PyTorch: none (Matplotlib's `cmap`).
 * @example
 * ```ts
 * await writeImage('out/w.png', vis.kernelGrid(conv.weight), { cmap: 'diverging' });
 * ```
 */
export type ColorMap = 'grey' | 'gray' | 'diverging' | 'viridis';

export const COLOR_MAPS: readonly ColorMap[] = ['grey', 'gray', 'diverging', 'viridis'];

// matplotlib's RdBu_r (ColorBrewer RdBu, reversed): dark blue … white … dark red.
const DIVERGING = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129],
  [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/**
 * The RGB colour (0…255 each) of a value u ∈ [0, 1] under a colour map. PyTorch: none (Matplotlib: `cmap(u)`).
 * @example
 * ```ts
 * vis.colorAt('viridis', 0.5);  // [33, 144, 141]
 * ```
 */
export function colorAt(cmap: ColorMap, u: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0));
  if (cmap === 'grey' || cmap === 'gray') { const g = Math.round(v * 255); return [g, g, g]; }
  const stops = cmap === 'diverging' ? DIVERGING : VIRIDIS;
  const x = v * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
  const a = stops[i], b = stops[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}
