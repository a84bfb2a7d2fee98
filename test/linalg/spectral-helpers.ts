// Dense reference helpers for the spectral tests: plain float64 loops over split re/im matrices.
import { complex, randn } from '../../src/index.js';
import { cast } from '../../src/tensor/cast.js';
import type { DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';

export type FloatDT = 'float32' | 'float64' | 'complex64' | 'complex128';
export const DTYPES: FloatDT[] = ['float32', 'float64', 'complex64', 'complex128'];
export const epsOf = (dt: DType): number => (dt === 'float32' || dt === 'complex64' ? 2 ** -23 : 2 ** -52);

/** One dense matrix, row-major split re/im. */
export interface M {
  m: number;
  n: number;
  re: Float64Array;
  im: Float64Array;
}

export function zerosM(m: number, n: number): M {
  return { m, n, re: new Float64Array(m * n), im: new Float64Array(m * n) };
}

/** Matrix `b` of a `[..., m, n]` tensor (batch flattened). */
export function mat(t: Tensor, b = 0): M {
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  const d = t.data;
  const cplx = t.dtype === 'complex64' || t.dtype === 'complex128';
  const out = zerosM(m, n);
  for (let k = 0; k < m * n; k++) {
    const e = b * m * n + k;
    out.re[k] = cplx ? d[2 * e]! : d[e]!;
    out.im[k] = cplx ? d[2 * e + 1]! : 0;
  }
  return out;
}

export function fromM(a: M, dtype: FloatDT): Tensor {
  const cplx = dtype === 'complex64' || dtype === 'complex128';
  const d = new Float64Array(cplx ? 2 * a.m * a.n : a.m * a.n);
  for (let k = 0; k < a.m * a.n; k++) {
    if (cplx) {
      d[2 * k] = a.re[k]!;
      d[2 * k + 1] = a.im[k]!;
    } else d[k] = a.re[k]!;
  }
  const t = new Tensor(d, [a.m, a.n], cplx ? 'complex128' : 'float64');
  return cast(t, dtype);
}

export function mul(a: M, b: M): M {
  if (a.n !== b.m) throw new Error(`mul: ${a.m}x${a.n} @ ${b.m}x${b.n}`);
  const c = zerosM(a.m, b.n);
  for (let i = 0; i < a.m; i++)
    for (let k = 0; k < a.n; k++) {
      const xr = a.re[i * a.n + k]!, xi = a.im[i * a.n + k]!;
      for (let j = 0; j < b.n; j++) {
        const yr = b.re[k * b.n + j]!, yi = b.im[k * b.n + j]!;
        c.re[i * b.n + j] += xr * yr - xi * yi;
        c.im[i * b.n + j] += xr * yi + xi * yr;
      }
    }
  return c;
}

export function ct(a: M): M {
  const c = zerosM(a.n, a.m);
  for (let i = 0; i < a.m; i++)
    for (let j = 0; j < a.n; j++) {
      c.re[j * a.m + i] = a.re[i * a.n + j]!;
      c.im[j * a.m + i] = -a.im[i * a.n + j]!;
    }
  return c;
}

export function sub(a: M, b: M): M {
  const c = zerosM(a.m, a.n);
  for (let k = 0; k < a.m * a.n; k++) {
    c.re[k] = a.re[k]! - b.re[k]!;
    c.im[k] = a.im[k]! - b.im[k]!;
  }
  return c;
}

export function fro(a: M): number {
  let s = 0;
  for (let k = 0; k < a.m * a.n; k++) s += a.re[k]! ** 2 + a.im[k]! ** 2;
  return Math.sqrt(s);
}

export function eyeM(n: number): M {
  const c = zerosM(n, n);
  for (let i = 0; i < n; i++) c.re[i * n + i] = 1;
  return c;
}

/** diag(s) as an r×c matrix. */
export function diagM(s: ArrayLike<number>, r: number, c: number): M {
  const d = zerosM(r, c);
  for (let i = 0; i < Math.min(r, c, s.length); i++) d.re[i * c + i] = s[i]!;
  return d;
}

/** ‖XᴴX − I‖_F for the columns of X. */
export function orthoErr(x: M): number {
  return fro(sub(mul(ct(x), x), eyeM(x.n)));
}

/** Random `[...shape]` tensor of the dtype (standard normal parts), deterministic in `seed`. */
export function randT(shape: number[], dtype: FloatDT, seed: number): Tensor {
  const wide = dtype === 'float64' || dtype === 'complex128';
  const base = wide ? 'float64' : 'float32';
  if (dtype === 'complex64' || dtype === 'complex128') return complex(randn(shape, { seed, dtype: base }), randn(shape, { seed: seed + 1000, dtype: base }));
  return randn(shape, { seed, dtype: base });
}

/** Random m×n matrix of exact rank r (product of m×r and r×n factors), as a dense M. */
export function lowRank(m: number, n: number, r: number, cplx: boolean, seed: number): M {
  const L = mat(randT([m, r], cplx ? 'complex128' : 'float64', seed));
  const R = mat(randT([r, n], cplx ? 'complex128' : 'float64', seed + 7));
  return mul(L, R);
}

/** Parses a fixture matrix {re, im}. */
export function fixM(f: { re: number[][]; im: number[][] | null }): M {
  const m = f.re.length, n = f.re[0]?.length ?? 0;
  const a = zerosM(m, n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      a.re[i * n + j] = f.re[i]![j]!;
      a.im[i * n + j] = f.im ? f.im[i]![j]! : 0;
    }
  return a;
}
