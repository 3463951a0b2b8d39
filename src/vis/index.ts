// vis — pictures of what a CNN computes: grids of feature maps and kernels, colour maps, figures (titled,
// labelled grids with a colour bar) and the bitmap text they are labelled with.

/**
 * `vis`: pictures of what a CNN computes — grids of feature maps and kernels, activation capture with
 * forward hooks, the padding demo, labelled figures with a colour bar, and the bitmap font they use.
 * convnet's own (PyTorch's nearest is `torchvision.utils.make_grid`).
 * @example
 * ```ts
 * import { vis } from 'convnet-ts';
 * const acts = vis.captureActivations(model, ['0', '3'], x);  // outputs of layers '0' and '3'
 * ```
 * @module
 */

export { makeGrid, featureMapGrid, kernelGrid } from './grid.js';
export type { GridOptions, GridNormalize } from './grid.js';
export { colorAt, toRgba } from '../io/image.js';
export { captureActivations, findModule, describeLayer } from './hooks.js';
export { summary } from './summary.js';
export { drawFigure, figureLayout, featureMapFigure, kernelFigure, gridFigure, formatValue, FIGURE_LAYOUT } from './annotate.js';
export type { Figure, FigureLayout, FigureLayoutSpec, FigureOptions, FigureTiles, FigureNormalize, TextPlacement } from './annotate.js';
export { drawText, textWidth, textHeight, glyphRows, hasGlyph, FONT_CHARACTERS, GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE, CAP_HEIGHT } from './text.js';
export type { TextOptions } from './text.js';
export { paddingDemo, formatPaddingTable, paddingDemoStrip, paddingDeviationStrip, PADDING_MODES } from './padding.js';
export type { PaddingDemoResult, PaddingDemoRow } from './padding.js';
