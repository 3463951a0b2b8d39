// cli/kernels.ts — `convnet kernels --checkpoint F --layer NAME -o kernels.png`: the learned kernels of one
// conv layer, one tile per (output, input) channel pair (or one RGB tile per output channel), all on one
// scale −m … m (m the largest |weight|) with the diverging colour map: blue negative, white 0, red
// positive. The picture is a figure (vis/annotate.ts): title, a label per tile, the colour bar.

import { writeRgbaPng } from '../io/image-file.js';
import { Tensor } from '../tensor/tensor.js';
import { describeLayer, findModule } from '../vis/hooks.js';
import { kernelFigure } from '../vis/annotate.js';
import { intOption, loadModel, parse, requireOption, runCommand, type OptionSpec, type VisCommand } from './vis-common.js';
import { PRETRAINED_HELP } from './common.js';

const usage = `convnet kernels --checkpoint F --layer NAME -o kernels.png [--model M] [--scale N]

  -c, --checkpoint F  a checkpoint directory (convnet train --out) or a model .safetensors file,
                      ${PRETRAINED_HELP} (required)
  -l, --layer NAME    a conv layer, as namedModules() names it: features.0, features.3, … (required)
  -o, --out F.png     the picture: a tile per kernel (a row per output channel when there are several
                      input channels; RGB tiles for 3); blue < 0 < red (required)
  --model M           lenet5 or cnn-bn: needed only when the checkpoint does not say (default: the checkpoint's)
  --scale N           pixels per kernel weight, 1 to 64 (default: tiles about 64 pixels wide)`;

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
    const [OC, IC, KH, KW] = w.shape;
    const tiles = IC === 1 ? 'tile n: output channel n' : IC === 3 ? 'tile n: output channel n, its input channels as R, G, B'
      : 'tile o,i: output channel o, input channel i (a row per output channel)';
    writeRgbaPng(out, await kernelFigure(w, {
      scale,
      title: `${name} ${layer} (${describeLayer(model, layer)}): ${IC === 3 ? OC : OC * IC} kernels ${KH}×${KW}`,
      notes: [`weight [${OC}, ${IC}, ${KH}, ${KW}]; ${tiles}`, `one colour scale for all tiles${IC === 3 ? '' : ': blue < 0 < red'}`],
    }));
    console.log(`${name} ${layer}: weight [${OC}, ${IC}, ${KH}, ${KW}], values ${(await w.min().dataAsync())[0].toFixed(4)} … ${(await w.max().dataAsync())[0].toFixed(4)}`);
    console.log(`wrote ${out} (${IC === 3 ? OC : OC * IC} tiles${IC === 3 ? ', RGB' : `, a row per output channel`}; blue < 0 < red)`);
    return 0;
  }),
};
