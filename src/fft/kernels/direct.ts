/**
 * Pruned DFT: when only the first k of n inputs can be nonzero (a small kernel zero-padded to a large size),
 * X_f = Σ_{t<k} x_t·ω^{f·t} costs k per output bin, far less than an FFT when k ≪ log n.
 */

/**
 * Direct DFT of `B` lane-major transforms: reads the first `k` complex inputs of `x`, writes `nOut` bins
 * into `y`. `roots` = ω^j for j < n (ω = exp(σ·2πi/n)).
 *
 * @example
 * ```ts
 * directDft(x, 3, y, 65, 128, rootsOfUnity(128, -1), B);
 * ```
 */
export function directDft(x: Float64Array, k: number, y: Float64Array, nOut: number, n: number, roots: Float64Array, B: number): void {
  const B2 = 2 * B;
  for (let f = 0; f < nOut; f++) {
    const po = f * B2;
    for (let t = 0; t < B2; t++) y[po + t] = 0;
    let e = 0; // f·t mod n
    for (let tap = 0; tap < k; tap++) {
      const wr = roots[2 * e]!, wi = roots[2 * e + 1]!;
      const pi = tap * B2;
      for (let t = 0; t < B2; t += 2) {
        const xr = x[pi + t]!, xi = x[pi + t + 1]!;
        y[po + t] += xr * wr - xi * wi;
        y[po + t + 1] += xr * wi + xi * wr;
      }
      e += f;
      if (e >= n) e -= n;
    }
  }
}
