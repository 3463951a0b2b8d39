// train/pretrained-hook.ts — how models.ts gets pretrained weights without reading files itself: it runs
// in the browser too, where there are no package files. The Node entry (src/index.ts, through
// train/pretrained.ts) installs a loader that reads them from the package's data/pretrained/.

import type { Tensor } from '../tensor/tensor.js';

type Loader = (name: string) => Map<string, Tensor>;
let loader: Loader | null = null;

/** Installs the function that reads a pretrained model's state dict by zoo name (Node's entry does). */
export function setPretrainedLoader(fn: Loader): void {
  loader = fn;
}

/** The pretrained state dict of zoo model `name`, or an error saying how to get it where none is installed. */
export function pretrainedState(name: string): Map<string, Tensor> {
  if (!loader) {
    throw new Error(`models.${name === 'cnn-bn' ? 'cnnBn' : name}({ pretrained: true }): pretrained weights are read from the package's ` +
      'data/pretrained/ files, which needs Node; in the browser fetch the .safetensors file with loadSafetensorsUrl(url) and ' +
      'call model.loadStateDict(…)');
  }
  return loader(name);
}
