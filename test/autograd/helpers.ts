import { randn, rand, complex, Tensor } from '../../src/index.js';

let counter = 1000;
/** A fresh seeded float64 tensor (normal). */
export function rn(shape: number[], seed = counter++): Tensor {
  return randn(shape, { seed, dtype: 'float64' });
}
/** A fresh seeded complex128 tensor. */
export function cn(shape: number[], seed = counter++): Tensor {
  return complex(randn(shape, { seed, dtype: 'float64' }), randn(shape, { seed: seed + 5000, dtype: 'float64' }));
}
/** Uniform in [lo, hi). */
export function ru(shape: number[], lo: number, hi: number, seed = counter++): Tensor {
  return rand(shape, { seed, dtype: 'float64' }).mul(hi - lo).add(lo);
}
/** A small deterministic PRNG for shapes. */
export function shapeRng(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  };
}
