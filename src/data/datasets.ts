// data/datasets.ts — the data sets read from files and their download helpers, as torchvision.datasets
// (Node: they read the file system).

/**
 * Data sets read from files, as `torchvision.datasets`: MNIST, FashionMNIST, KMNIST (IDX), CIFAR10 and
 * CIFAR100 (the binary release), ImageFolder (PNG/JPEG, one folder per class), and the download helpers.
 * PyTorch: `torchvision.datasets` and `torchvision.datasets.utils`.
 * @example
 * ```ts
 * import { datasets, transforms } from 'convnet-ts';
 * const train = await datasets.CIFAR10.create('data', { train: true, download: true });
 * const photos = new datasets.ImageFolder('photos', { transform: new transforms.Resize([64, 64]) });
 * ```
 * @module
 */

export { MNIST, FashionMNIST, KMNIST } from './mnist.js';
export type { MNISTOptions } from './mnist.js';
export { CIFAR10, CIFAR100 } from './cifar.js';
export type { CIFAROptions } from './cifar.js';
export { ImageFolder } from './folder.js';
export { ImageFolderBase, IMG_EXTENSIONS } from './folder-base.js';
export type { ImageFolderOptions } from './folder-base.js';
export { downloadUrl, downloadAndExtractArchive, downloadFromMirrors, extractArchive, checkIntegrity, readTar } from './download.js';
