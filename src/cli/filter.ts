// cli/filter.ts — `convnet filter IMAGE --kernel K [--padding-mode MODE] [--stride S] -o OUT.png`: one kernel
// applied to every channel of a photo (a depthwise conv2d), written as a picture.
//
// Output normalisation follows what the kernel computes: smoothing and sharpening kernels (sum ≈ 1) give
// an image again, shown in the fixed range [0, 1]; derivative kernels (sum ≈ 0: sobel-x, sobel-y,
// laplacian) give signed maps, shown with the diverging colour map (one channel) or centred grey (colour
// images); 'sobel' (gradient magnitude) is stretched min–max. --normalize / --cmap override.

import { readImage, writeImage } from '../io/image-file.js';
import { rgbToGrey, type ColorMap, type Normalize } from '../io/image.js';
import { filter2d, kernelFromSpec, FILTER_NAMES } from '../kernels.js';
import type { ConvPadding, PaddingMode } from '../ops/conv.js';
import { intOption, parse, requireOption, runCommand, UsageError, type OptionSpec, type VisCommand } from './vis-common.js';

const usage = `convnet filter IMAGE --kernel K -o OUT.png [--padding-mode MODE] [--padding P] [--stride S] [--grey] [--normalize N] [--cmap C]

  IMAGE               a PNG or JPEG photo
  -k, --kernel K      ${FILTER_NAMES.join(', ')}, or a matrix as JSON,
                      e.g. '[[1, 0], [0, -1]]' (required)
  -o, --out OUT.png   the filtered picture (required)
  -m, --padding-mode MODE  how the border is filled: zeros, reflect, replicate or circular (default reflect)
  -p, --padding P     how much: same (keep the size, the default), valid (none) or a number of pixels
  -s, --stride S      step between windows, 1 to 64 (default 1)
  --grey, --gray      filter the grey version of a colour photo (default: every channel)
  --normalize N       how values become pixels: fixed (clip to [0, 1]), minmax (stretch the range),
                      symmetric (0 in the middle, ±max at the ends) (default: fixed for smoothing kernels,
                      symmetric for derivative kernels (sum 0), minmax for sobel)
  --cmap C            colour map of one-channel results: grey, diverging (blue < 0 < red) or viridis
                      (default: diverging for derivative kernels, else grey)`;

const options: OptionSpec = {
      kernel: { type: 'string', short: 'k' }, padding: { type: 'string', short: 'p' }, 'padding-mode': { type: 'string', short: 'm' }, stride: { type: 'string', short: 's' },
      out: { type: 'string', short: 'o' }, grey: { type: 'boolean' }, gray: { type: 'boolean' },
      normalize: { type: 'string' }, cmap: { type: 'string' },
    };

export const filterCommand: VisCommand = {
  options,
  name: 'filter',
  summary: 'apply an image kernel (sobel, laplacian, gaussian, …) to every channel of a photo',
  usage,
  run: (argv) => runCommand(async () => {
    const { values, positionals } = parse(filterCommand, argv, options, 1);
    if (values.help) { console.log(`usage: ${usage}`); return 0; }
    const spec = requireOption(filterCommand, values, 'kernel');
    const out = requireOption(filterCommand, values, 'out');
    const paddingMode = (values['padding-mode'] ?? 'reflect') as PaddingMode;
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new UsageError(`convnet filter: --padding-mode must be zeros, reflect, replicate or circular, got '${paddingMode}'`);
    }
    const p = (values.padding ?? 'same') as string;
    let padding: ConvPadding;
    if (p === 'same' || p === 'valid') padding = p;
    else if (/^\d+$/.test(p)) padding = Number(p);
    else {
      const hint = ['zeros', 'reflect', 'replicate', 'circular'].includes(p) ? ` (the fill is --padding-mode ${p})` : '';
      throw new UsageError(`convnet filter: --padding must be same, valid or a number of pixels, got '${p}'${hint}`);
    }
    const stride = intOption('filter', 'stride', values.stride, 1, 1, 64);
    let img = readImage(positionals[0]);
    if (img.shape[0] === 2 || img.shape[0] === 4) img = img.narrow(0, 0, img.shape[0] - 1); // drop alpha
    if (values.grey || values.gray) img = img.shape[0] === 3 ? rgbToGrey(img) : img;
    const magnitude = spec === 'sobel';
    const kernel = magnitude ? null : kernelFromSpec(spec);
    const y = filter2d(img, kernel ?? 'sobel', { padding, paddingMode, stride });
    const ksum = kernel ? (await kernel.sum().dataAsync())[0] : 0;
    const signed = !magnitude && Math.abs(ksum) < 1e-6;
    const normalize = (values.normalize as Normalize | undefined) ?? (magnitude ? 'minmax' : signed ? 'symmetric' : 'fixed');
    const cmap = (values.cmap as ColorMap | undefined) ?? (signed && y.shape[0] === 1 ? 'diverging' : 'grey');
    await writeImage(out, y, { normalize, cmap });
    const [lo, hi] = [(await y.min().dataAsync())[0], (await y.max().dataAsync())[0]];
    console.log(`filter ${spec} (${kernel ? `${kernel.shape.join('×')} kernel` : 'gradient magnitude of sobel-x, sobel-y'}) ` +
      `padding=${padding} paddingMode=${paddingMode} stride=${stride}: [${img.shape.join(', ')}] → [${y.shape.join(', ')}], values ${lo.toFixed(4)} … ${hi.toFixed(4)}`);
    console.log(`wrote ${out} (${normalize}${cmap !== 'grey' ? `, ${cmap}` : ''})`);
    return 0;
  }),
};
