// convnet — convolutional neural networks in TypeScript, with PyTorch's API in camelCase.
//
//   import { tensor, randn, nn, F, optim } from 'convnet-ts';
//
// The Node entry: everything in core.ts, plus what reads and writes files.

/**
 * convnet — convolutional neural networks in TypeScript, with PyTorch's API in camelCase. The Node entry
 * (`import … from 'convnet-ts'`): tensors, `nn`, `F`, `optim`, data sets and training, plus what reads and
 * writes files (MNIST's IDX files, safetensors checkpoints, PNG/JPEG images).
 * @example
 * ```ts
 * import { tensor, randn, nn, F, optim } from 'convnet-ts';
 * ```
 * @module convnet-ts
 */

export * from './core.js';

// data sets read from files (IDX: MNIST, Fashion-MNIST, KMNIST)
export {
  MNIST, FashionMNIST, KMNIST, FASHION_MNIST_MEAN, FASHION_MNIST_STD, MNIST_MEAN, MNIST_STD,
  readIdx, parseIdx, encodeIdx, IdxFormatError,
} from './data/index.js';
export type { MNISTOptions, IdxData } from './data/index.js';
// CIFAR-10/100 (binary release), ImageFolder, and downloads of the official files, as torchvision.datasets
export { CIFAR10, CIFAR100, ImageFolder } from './data/index.js';
export type { CIFAROptions, ImageFolderOptions } from './data/index.js';
/** Data sets read from files and their downloads, as torchvision.datasets. */
export * as datasets from './data/datasets.js';
export * as data from './data/index.js';

// checkpoints
/** The safetensors format (PyTorch's checkpoint files): bytes, files, and the checksum convnet adds. */
export * as safetensors from './io/safetensors.js';
// (the browser's loaders that need only fetch and Blob, which Node 20 has too)
export { loadSafetensorsUrl, loadSafetensorsFile } from './io/safetensors-web.js';
export { writeFileAtomic } from './io/atomic.js';
// ONNX out and in, and the torch.nn twin of a model (issue 11)
export { exportOnnx, registerOnnxEmitter, OnnxGraphBuilder, ONNX_OPSET } from './io/onnx-export.js';
export type { OnnxEmitter, OnnxValue, ExportOnnxOptions } from './io/onnx-export.js';
export { importOnnx, OnnxModel, ONNX_IMPORT_OPS } from './io/onnx-import.js';
export type { ImportOnnxOptions } from './io/onnx-import.js';
export { loadOnnx, externalDataFrom } from './io/onnx-file.js';
export { pytorchSource } from './io/pytorch-source.js';
export type { PytorchSourceOptions } from './io/pytorch-source.js';
export * as train from './train/index.js';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint } from './train/index.js';
export { PRETRAINED, pretrainedFile, type PretrainedEntry } from './train/pretrained.js';
// a run's record: metrics.jsonl (one line per epoch) and its curves as SVG
export { readMetrics, writeMetrics, bestRecord } from './train/metrics.js';
export type { EpochRecord } from './train/metrics.js';
export { plotCurves } from './vis/curves.js';
export type { CurveRecord, PlotCurvesOptions } from './vis/curves.js';

// images (pngjs, jpeg-js) and pictures of what a network sees
export { decodeImage, encodePng, encodeRgbaPng, toRgba, rgbToGrey, fromRgba } from './io/image.js';
export { upscale } from './vis/grid.js';
export type { ImageReadMode, ImageEncodeOptions, DecodeImageOptions, RgbaImage, ColorMap } from './io/image.js';
export { readImage, writeImage, writeRgbaPng } from './io/image-file.js';
export * as vis from './vis/index.js';
