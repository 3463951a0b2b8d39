// data — datasets, the DataLoader, IDX files, CIFAR, image folders, downloads and image transforms, as
// torch.utils.data and torchvision.

/**
 * `data`: datasets, the DataLoader, the IDX file format of MNIST and its relatives, CIFAR-10/100,
 * ImageFolder, downloads of the official files, and image transforms. PyTorch: `torch.utils.data` and
 * `torchvision.datasets`.
 * @example
 * ```ts
 * import { data } from 'convnet-ts';
 * const train = new data.FashionMNIST('/usr/share/datasets/fashion-mnist', { train: true });
 * const loader = new data.DataLoader(train, { batchSize: 64, shuffle: true });
 * ```
 * @module
 */

export { Dataset, TensorDataset, Subset, randomSplit, gatherRows } from './dataset.js';
export { DataLoader, defaultCollate } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { MNIST, FashionMNIST, KMNIST, FASHION_MNIST_MEAN, FASHION_MNIST_STD, MNIST_MEAN, MNIST_STD } from './mnist.js';
export type { MNISTOptions } from './mnist.js';
export { CIFAR10, CIFAR100 } from './cifar.js';
export type { CIFAROptions } from './cifar.js';
export { ImageFolder } from './folder.js';
export type { ImageFolderOptions } from './folder-base.js';
export * as datasets from './datasets.js';
export { readIdx, parseIdx, encodeIdx, IdxFormatError } from './idx.js';
export type { IdxData, IdxType, IdxArray } from './idx.js';
export { Generator } from './rng.js';
export * as transforms from './transforms.js';
export type { Transform, SampleOp, TransformLike } from './transforms.js';
