// fft — numpy.fft / torch.fft: `import { fft } from 'convnet-ts'; fft.rfft(x)`.

export {
  fft, ifft, rfft, irfft, fft2, ifft2, rfft2, irfft2, fftfreq, rfftfreq, fftshift, ifftshift, Complex, complex,
} from './fft.js';
export type { FftOptions, Fft2Options, FftNorm } from './fft.js';
export { nextFastLen } from '../backend/fft-core.js';
