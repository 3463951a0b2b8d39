// vis — pictures of what a CNN computes: grids of feature maps and kernels, colour maps, figures (titled,
// labelled grids with a colour bar) and the bitmap text they are labelled with.

export { makeGrid, featureMapGrid, kernelGrid } from './grid.js';
export type { GridOptions, GridNormalize } from './grid.js';
export { colorAt, toRgba } from '../io/image.js';
export { captureActivations, findModule, describeLayer } from './hooks.js';
export { drawFigure, figureLayout, featureMapFigure, kernelFigure, gridFigure, formatValue, FIGURE_LAYOUT } from './annotate.js';
export type { Figure, FigureLayout, FigureLayoutSpec, FigureOptions, FigureTiles, FigureNormalize, TextPlacement } from './annotate.js';
export { drawText, textWidth, textHeight, glyphRows, hasGlyph, FONT_CHARACTERS, GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE, CAP_HEIGHT } from './text.js';
export type { TextOptions } from './text.js';
export { paddingDemo, formatPaddingTable, paddingDemoStrip, paddingDeviationStrip, PADDING_MODES } from './padding.js';
export type { PaddingDemoResult, PaddingDemoRow } from './padding.js';
