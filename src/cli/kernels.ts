// cli/kernels.ts — `convnet kernels --checkpoint F --layer NAME -o kernels.png`: the learned kernels of one
// conv layer, one tile per (output, input) channel pair (or one RGB tile per output channel), each scaled
// by its largest |weight| and drawn with the diverging colour map: blue negative, white 0, red positive.

import { writeImage } from '../io/image-file.js';
import { Tensor } from '../tensor/tensor.js';
import { findModule } from '../vis/hooks.js';
import { kernelGrid } from '../vis/grid.js';
import { intOption, loadModel, parse, requireOption, runCommand, type OptionSpec, type VisCommand } from './vis-common.js';

const usage = 'convnet kernels --checkpoint F --layer NAME -o kernels.png [--model lenet5] [--scale N]';

const options: OptionSpec = {
      checkpoint: { type: 'string', short: 'c' }, layer: { type: 'string', short: 'l' }, out: { type: 'string', short: 'o' },
      model: { type: 'string' }, scale: { type: 'string' },
    };

export const kernelsCommand: VisCommand = {
  options,
  name: 'kernels',
  summary: 'the learned kernels of a conv layer of a trained model, as a grid',
  usage,
  run: (argv) => runCommand(async () => {
    const { values } = parse(kernelsCommand, argv, options, 0);
    if (values.help) { console.log(`usage: ${usage}`); return 0; }
    const checkpoint = requireOption(kernelsCommand, values, 'checkpoint');
    const layer = requireOption(kernelsCommand, values, 'layer');
    const out = requireOption(kernelsCommand, values, 'out');
    const { model, name } = loadModel(checkpoint, values.model as string | undefined);
    const m = findModule(model, layer) as unknown as { weight?: unknown };
    const w = m.weight;
    if (!(w instanceof Tensor) || w.ndim !== 4) {
      throw new Error(`convnet kernels: layer '${layer}' (${(m as object).constructor.name}) has no 4-D conv weight`);
    }
    const scale = values.scale === undefined ? undefined : intOption('kernels', 'scale', values.scale, 1, 1, 64);
    const grid = kernelGrid(w, { scale, padding: 2 });
    await writeImage(out, grid, grid.shape[0] === 1 ? { cmap: 'diverging', normalize: 'fixed', range: [-1, 1] } : {});
    const [OC, IC, KH, KW] = w.shape;
    console.log(`${name} ${layer}: weight [${OC}, ${IC}, ${KH}, ${KW}], values ${(await w.min().data())[0].toFixed(4)} … ${(await w.max().data())[0].toFixed(4)}`);
    console.log(`wrote ${out} (${IC === 3 ? OC : OC * IC} tiles${IC === 3 ? ', RGB' : `, a row per output channel`}; blue < 0 < red)`);
    return 0;
  }),
};
