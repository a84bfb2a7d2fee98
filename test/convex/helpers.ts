// Shared helpers for the convex tests: a seeded PRNG and the closed-form minimum of a trigonometric polynomial.

/** Park–Miller PRNG in [-0.5, 0.5). */
export function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

/** p(θ) = c₀ + 2·Re Σ_{k≥1} c_k e^{ikθ} and its first two derivatives; c as [re, im] pairs. */
function evalTrig(c: readonly (readonly [number, number])[], th: number): [number, number, number] {
  let p = c[0]![0], d1 = 0, d2 = 0;
  for (let k = 1; k < c.length; k++) {
    const [a, b] = c[k]!;
    const co = Math.cos(k * th), si = Math.sin(k * th);
    p += 2 * (a * co - b * si);
    d1 += 2 * k * (-a * si - b * co);
    d2 += 2 * k * k * (-a * co + b * si);
  }
  return [p, d1, d2];
}

/** Minimum over θ of the trigonometric polynomial: a fine grid, then Newton on every grid local minimum. */
export function trigMin(c: readonly (readonly [number, number])[]): number {
  const m = 256 * c.length;
  const vals = Array.from({ length: m }, (_, t) => evalTrig(c, (2 * Math.PI * t) / m)[0]);
  let best = Infinity;
  for (let t = 0; t < m; t++) {
    const v = vals[t]!;
    if (v > vals[(t + m - 1) % m]! || v > vals[(t + 1) % m]!) continue;
    let th = (2 * Math.PI * t) / m;
    for (let it = 0; it < 30; it++) {
      const [, d1, d2] = evalTrig(c, th);
      if (d2 <= 0) break;
      const step = d1 / d2;
      th -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    best = Math.min(best, v, evalTrig(c, th)[0]);
  }
  return best;
}
