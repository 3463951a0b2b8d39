// vis — pictures of what a CNN computes: grids of feature maps and kernels, colour maps.

export { makeGrid, featureMapGrid, kernelGrid } from './grid.js';
export type { GridOptions, GridNormalize } from './grid.js';
export { colorAt, toRgba } from '../io/image.js';
export { captureActivations, findModule } from './hooks.js';
export { paddingDemo, formatPaddingTable, paddingDemoStrip, paddingDeviationStrip, PADDING_MODES } from './padding.js';
export type { PaddingDemoResult, PaddingDemoRow } from './padding.js';
