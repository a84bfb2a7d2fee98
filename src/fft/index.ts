/**
 * The FFT module, torch.fft's API: `fft.fft`, `fft.rfftn`, `fft.fftfreq`, …
 *
 * @example
 * ```ts
 * import { fft } from 'adjoint';
 * const X = fft.rfft(x, { n: 1024, norm: 'ortho' });
 * ```
 * @module
 */
export { fft, ifft, rfft, irfft, hfft, ihfft, fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn } from './api.js';
export type { FftNorm, FftOptions, FftnOptions } from './api.js';
export { fftfreq, rfftfreq, fftshift, ifftshift } from './freq.js';
export type { FftFreqOptions, FftShiftOptions } from './freq.js';
