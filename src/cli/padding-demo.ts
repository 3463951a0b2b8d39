// cli/padding-demo.ts — `convnet padding-demo IMAGE -o DIR [--kernel box|gaussian|'[[…]]'] [--size K]`:
// one smoothing filter with each padding mode, the pictures side by side, and a table of how far each
// mode's border strays from the truth (see vis/padding.ts for the measurement).

import { join } from 'node:path';
import { readImage, writeImage } from '../io/image-file.js';
import { rgbToGrey } from '../io/image.js';
import { boxKernel, gaussianKernel, kernelFromSpec } from '../kernels.js';
import { makeGrid } from '../vis/grid.js';
import { formatPaddingTable, paddingDemo, paddingDemoStrip, paddingDeviationStrip } from '../vis/padding.js';
import { intOption, parse, requireOption, runCommand, type OptionSpec, type VisCommand } from './vis-common.js';

const usage = `convnet padding-demo IMAGE -o DIR [--kernel K] [--size K] [--colour]

  IMAGE               a PNG or JPEG photo
  -o, --out DIR       where the pictures go: original.png, one per padding mode, side-by-side.png and
                      border-error.png (required)
  -k, --kernel K      box, gaussian, or a matrix as JSON, e.g. '[[1, 2, 1], [2, 4, 2], [1, 2, 1]]'
                      (default box)
  --size K            the side of the box or gaussian kernel, 1 to 99 (default 9)
  --colour, --color   keep a colour photo's three channels (default: grey)`;

const options: OptionSpec = {
      out: { type: 'string', short: 'o' }, kernel: { type: 'string', short: 'k' }, size: { type: 'string' },
      colour: { type: 'boolean' }, color: { type: 'boolean' },
    };

export const paddingDemoCommand: VisCommand = {
  options,
  name: 'padding-demo',
  summary: 'the same filter with zeros/reflect/replicate/circular padding: pictures and border error table',
  usage,
  run: (argv) => runCommand(async () => {
    const { values, positionals } = parse(paddingDemoCommand, argv, options, 1);
    if (values.help) { console.log(`usage: ${usage}`); return 0; }
    const dir = requireOption(paddingDemoCommand, values, 'out');
    const size = intOption('padding-demo', 'size', values.size, 9, 1, 99);
    const spec = (values.kernel as string | undefined) ?? 'box';
    const kernel = spec === 'box' ? boxKernel(size) : spec === 'gaussian' ? gaussianKernel(size, size / 4) : kernelFromSpec(spec);
    let img = readImage(positionals[0]);
    if (img.shape[0] === 2 || img.shape[0] === 4) img = img.narrow(0, 0, img.shape[0] - 1);
    if (!values.colour && !values.color && img.shape[0] === 3) img = rgbToGrey(img);
    const res = await paddingDemo(img, kernel);
    await writeImage(join(dir, 'original.png'), res.crop);
    for (const row of res.rows) await writeImage(join(dir, `${row.mode}.png`), row.image);
    await writeImage(join(dir, 'side-by-side.png'), makeGrid(paddingDemoStrip(res), { ncol: 5, padding: 6, normalize: 'none', padValue: 1 }));
    await writeImage(join(dir, 'border-error.png'), makeGrid(paddingDeviationStrip(res), { ncol: 4, padding: 6, normalize: 'global', padValue: 0 }), { cmap: 'viridis' });
    console.log(`${kernel.shape.join('×')} ${spec} filter on ${positionals[0]} [${img.shape.join(', ')}], crop [${res.crop.shape.join(', ')}], border band ${res.radius} px`);
    console.log(formatPaddingTable(res));
    console.log(`wrote ${join(dir, 'side-by-side.png')} (original, zeros, reflect, replicate, circular), ${join(dir, 'border-error.png')} (|error|: zeros, reflect, replicate, circular) and one PNG per mode`);
    return 0;
  }),
};
