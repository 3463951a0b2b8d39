// fft — numpy.fft / torch.fft: `import { fft } from 'convnet-ts'; fft.rfft(x)`.

/**
 * `fft`: discrete Fourier transforms of any length over the last dimension(s), their inverses, and the
 * frequency helpers, with NumPy's and PyTorch's conventions. PyTorch: `torch.fft`.
 * @example
 * ```ts
 * import { fft, tensor } from 'convnet-ts';
 * const X = fft.rfft(tensor([1, 2, 3, 4]));
 * fft.irfft(X, { n: 4 });  // back to [1, 2, 3, 4]
 * ```
 * @module
 */

export {
  fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2, fftfreq, rfftfreq, fftshift, ifftshift, Complex, complex,
} from './fft.js';
export type { FftOptions, Fft2Options, FftNorm } from './fft.js';
export { nextFastLen } from '../backend/fft-core.js';
