/**
 * Kernels for the exact convolution pseudo-inverse: unnormalised 2-D complex DFTs of a channel-innermost grid
 * `[n1][n2][c]` (interleaved re/im), and 1-D DFTs along one axis. Built on the library's lane-major FFT plans.
 */
import { executePlan, getPlan } from '../../fft/kernels/execute.js';

/** Scratch buffers reused across calls, so that CG iterations allocate nothing. @example `{ tmp: new Float64Array(2 * n1 * n2 * c) }` */
export interface Fft2Work {
  /** Scratch of the same length as the data (2·n1·n2·c doubles). */
  readonly tmp: Float64Array;
}

/**
 * In-place 2-D DFT over the first two axes of `a` = `[n1][n2][c]` complex, exponent sign `sign`
 * (−1 forward, +1 inverse, unnormalised).
 *
 * @example
 * ```ts
 * fft2Lanes(buf, 4, 4, 2, -1, { tmp: new Float64Array(buf.length) });
 * ```
 */
export function fft2Lanes(a: Float64Array, n1: number, n2: number, c: number, sign: 1 | -1, work: Fft2Work): void {
  const tmp = work.tmp;
  // Axis 1: one batched call, lanes = n2·c.
  if (n1 > 1) {
    const res = executePlan(getPlan(n1, sign), a, tmp, n2 * c);
    if (res !== a) a.set(res.subarray(0, 2 * n1 * n2 * c));
  }
  // Axis 2: one call per row, lanes = c.
  if (n2 > 1) {
    const plan = getPlan(n2, sign);
    const len = 2 * n2 * c;
    for (let i = 0; i < n1; i++) {
      const row = a.subarray(i * len, (i + 1) * len);
      const res = executePlan(plan, row, tmp.subarray(0, len), c);
      if (res !== row) row.set(res.subarray(0, len));
    }
  }
}

/**
 * In-place 1-D DFT along the leading axis of `a` = `[n][lanes]` complex.
 *
 * @example
 * ```ts
 * fft1Lanes(buf, 8, 4, -1, new Float64Array(buf.length));
 * ```
 */
export function fft1Lanes(a: Float64Array, n: number, lanes: number, sign: 1 | -1, tmp: Float64Array): void {
  if (n <= 1) return;
  const res = executePlan(getPlan(n, sign), a, tmp, lanes);
  if (res !== a) a.set(res.subarray(0, 2 * n * lanes));
}
