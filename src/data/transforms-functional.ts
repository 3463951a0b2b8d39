// data/transforms-functional.ts — transforms.functional: the public image functions of data/image-ops.ts
// (which also holds the helpers the transform classes share).

/**
 * torchvision.transforms.functional for image tensors: `resize`, `crop`, `centerCrop`, `resizedCrop`,
 * `hflip`, `vflip`, `rotate`, `normalize`, `rgbToGrayscale` and the colour adjustments. PyTorch:
 * `torchvision.transforms.functional`.
 * @example
 * ```ts
 * import { transforms } from 'convnet-ts';
 * const TF = transforms.functional;
 * TF.centerCrop(TF.resize(img, 256), 224).shape;  // [3, 224, 224]
 * ```
 * @module
 */

export {
  resize, crop, centerCrop, resizedCrop, hflip, vflip, normalize, rgbToGrayscale, adjustBrightness, adjustContrast,
  adjustSaturation, adjustHue, rotate,
} from './image-ops.js';
export type { InterpolationMode, ResizeOptions, RotateOptions } from './image-ops.js';
