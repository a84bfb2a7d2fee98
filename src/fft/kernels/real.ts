/**
 * Real-input / real-output transforms of even length n = 2h through one complex FFT of length h
 * (the "half-length trick"), on lane-major batches of `B` transforms (complex index i·B + b).
 *
 * Forward: z_k = x_{2k} + i·x_{2k+1}, Z = FFT_h(z); with E_k = (Z_k + conj Z_{h−k})/2 (DFT of the even
 * samples) and O_k = (Z_k − conj Z_{h−k})/(2i) (odd samples), X_k = E_k + ω_n^k·O_k for k = 0..h.
 * Inverse (unnormalised, output n·x): Z_k = (X_k + conj X_{h−k}) + i·(X_k − conj X_{h−k})·ω_n^{−k}, then
 * x_{2k} + i·x_{2k+1} = IFFT_h(Z)_k.
 */

/**
 * Post-processing of the forward real FFT: `Z` holds h complex lanes-major values, `X` receives h + 1
 * (lane-major, or with `transposed` line-major: the h + 1 bins of each lane contiguous).
 * `roots` = exp(−2πik/n), k < n (n = 2h), interleaved.
 *
 * @example
 * ```ts
 * r2cPost(Z, X, h, B, rootsOfUnity(2 * h, -1));
 * ```
 */
export function r2cPost(Z: Float64Array, X: Float64Array, h: number, B: number, roots: Float64Array, transposed = false): void {
  // transposed: bin k of lane b goes to X[(b·(h + 1) + k)] (the bins become the lanes of a following column pass)
  const laneStep = transposed ? 2 * (h + 1) : 2;
  const binStep = transposed ? 2 : 2 * B;
  for (let k = 0; k <= h; k++) {
    const wr = roots[2 * k]!, wi = roots[2 * k + 1]!;
    const pa = 2 * (k === h ? 0 : k) * B;
    const pb = 2 * (k === 0 ? 0 : h - k) * B;
    let po = k * binStep;
    for (let t = 0; t < 2 * B; t += 2, po += laneStep) {
      const ar = Z[pa + t]!, ai = Z[pa + t + 1]!;
      const br = Z[pb + t]!, bi = -Z[pb + t + 1]!; // conj Z_{h−k}
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      // O = (a − b)/(2i) = ((ai − bi)/2, −(ar − br)/2)
      const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      X[po] = er + wr * or - wi * oi;
      X[po + 1] = ei + wr * oi + wi * or;
    }
  }
}

/**
 * Pre-processing of the inverse real FFT: `X` holds h + 1 lanes-major spectrum values (imaginary parts of
 * X_0 and X_h already dropped), `Z` receives h. `rootsInv` = exp(+2πik/n), k < n.
 *
 * @example
 * ```ts
 * c2rPre(X, Z, h, B, rootsOfUnity(2 * h, 1));
 * ```
 */
export function c2rPre(X: Float64Array, Z: Float64Array, h: number, B: number, rootsInv: Float64Array): void {
  for (let k = 0; k < h; k++) {
    const wr = rootsInv[2 * k]!, wi = rootsInv[2 * k + 1]!;
    const pa = 2 * k * B;
    const pb = 2 * (h - k) * B;
    for (let t = 0; t < 2 * B; t += 2) {
      const ar = X[pa + t]!, ai = X[pa + t + 1]!;
      const br = X[pb + t]!, bi = -X[pb + t + 1]!;
      const sr = ar + br, si = ai + bi;
      const dr = ar - br, di = ai - bi;
      // i·(d·w)
      const pr = dr * wr - di * wi, pi = dr * wi + di * wr;
      Z[pa + t] = sr - pi;
      Z[pa + t + 1] = si + pr;
    }
  }
}
