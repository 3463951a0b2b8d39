// cli/featuremaps.ts — `convnet featuremaps --checkpoint F --layer NAME IMAGE -o maps.png`: what one layer
// of a trained model computes on a photo, one tile per channel. The layer is hooked with
// registerForwardHook (vis/hooks.ts) and named as in namedModules() (features.0, features.3, …). The photo
// is read as grey, area-averaged down to the model's input size (28×28 for lenet5, as Fashion-MNIST), and
// optionally inverted (Fashion-MNIST shows light objects on black). The picture is a figure
// (vis/annotate.ts): a title naming the model, layer and image, each tile labelled with its channel, and
// a colour bar with the maps' min and max (one scale for all tiles).

import { basename } from 'node:path';
import { readImage, writeRgbaPng } from '../io/image-file.js';
import { rgbToGrey } from '../io/image.js';
import { adaptiveAvgPool2d } from '../ops/pool.js';
import { rsubScalar } from './vis-tensor.js';
import { captureActivations, describeLayer } from '../vis/hooks.js';
import { featureMapFigure } from '../vis/annotate.js';
import { intOption, loadModel, parse, requireOption, runCommand, type OptionSpec, type VisCommand } from './vis-common.js';
import { PRETRAINED_HELP } from './common.js';

const usage = `convnet featuremaps --checkpoint F --layer NAME IMAGE -o maps.png [--model M] [--size S] [--invert] [--scale N]

  IMAGE               a PNG or JPEG photo, read as grey
  -c, --checkpoint F  a checkpoint directory (convnet train --out) or a model .safetensors file,
                      ${PRETRAINED_HELP} (required)
  -l, --layer NAME    the layer whose output to show, as namedModules() names it: features.0, features.3, …
                      (required)
  -o, --out maps.png  the picture: one tile per channel on one colour scale, with a colour bar (required)
  --model M           lenet5 or cnn-bn: needed only when the checkpoint does not say (default: the checkpoint's)
  --size S            the side the photo is area-averaged down to, 1 to 1024 (default 28, the model's input)
  --invert            1 − pixel first: Fashion-MNIST shows light objects on black (default off)
  --scale N           pixels per feature-map pixel, 1 to 64 (default: tiles about 96 pixels wide)`;

const options: OptionSpec = {
      checkpoint: { type: 'string', short: 'c' }, layer: { type: 'string', short: 'l' }, out: { type: 'string', short: 'o' },
      model: { type: 'string' }, size: { type: 'string' }, invert: { type: 'boolean' }, scale: { type: 'string' },
    };

export const featuremapsCommand: VisCommand = {
  options,
  name: 'featuremaps',
  summary: 'the feature maps one layer of a trained model computes on an image, as a grid',
  usage,
  run: (argv) => runCommand(async () => {
    const { values, positionals } = parse(featuremapsCommand, argv, options, 1);
    if (values.help) { console.log(`usage: ${usage}`); return 0; }
    const checkpoint = requireOption(featuremapsCommand, values, 'checkpoint');
    const layer = requireOption(featuremapsCommand, values, 'layer');
    const out = requireOption(featuremapsCommand, values, 'out');
    const size = intOption('featuremaps', 'size', values.size, 28, 1, 1024);
    const { model, name } = loadModel(checkpoint, values.model as string | undefined);
    let img = readImage(positionals[0]);
    if (img.shape[0] === 2 || img.shape[0] === 4) img = img.narrow(0, 0, img.shape[0] - 1);
    if (img.shape[0] === 3) img = rgbToGrey(img);
    let x = adaptiveAvgPool2d(img.unsqueeze(0), [size, size]);
    if (values.invert) x = rsubScalar(1, x);
    const maps = captureActivations(model, [layer], x).get(layer);
    if (!maps || maps.ndim !== 4) throw new Error(`convnet featuremaps: layer '${layer}' did not output a 4-D feature map (got ${maps ? `shape [${maps.shape.join(', ')}]` : 'no tensor'})`);
    const scale = values.scale === undefined ? undefined : intOption('featuremaps', 'scale', values.scale, 1, 1, 64);
    const [, C, H, W] = maps.shape;
    writeRgbaPng(out, await featureMapFigure(maps, {
      scale,
      title: `${name} ${layer} (${describeLayer(model, layer)}): ${C} feature maps ${H}×${W}`,
      notes: [`of ${basename(positionals[0])}${values.invert ? ', inverted' : ''}, read as grey at ${size}×${size}`, 'tile n: channel n; one colour scale for all tiles'],
    }));
    const means = Array.from(await maps.mean([0, 2, 3]).dataAsync());
    console.log(`${name} ${layer}: input [${x.shape.join(', ')}] → feature maps [${maps.shape.join(', ')}]`);
    console.log(`mean activation per channel: ${means.map((m) => m.toFixed(4)).join(' ')}`);
    console.log(`wrote ${out} (${maps.shape[1]} tiles on one colour scale, the maps' min … max)`);
    return 0;
  }),
};
