// Tiny dense complex-matrix helpers for the operator tests: naive loops, nothing shared with src/operators.
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';

/** A dense complex matrix, row-major, separate real and imaginary parts. */
export interface Dense {
  m: number;
  n: number;
  re: Float64Array;
  im: Float64Array;
}

/** Reads a [m, n] tensor (real or complex) into a Dense. */
export function dense(t: Tensor): Dense {
  assert.equal(t.ndim, 2);
  const [m, n] = t.shape as [number, number];
  const d = t.data;
  const re = new Float64Array(m * n);
  const im = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) {
    if (t.isComplex) {
      re[i] = d[2 * i]!;
      im[i] = d[2 * i + 1]!;
    } else re[i] = d[i]!;
  }
  return { m, n, re, im };
}

/** Complex vector from a tensor (any shape, flattened). */
export function vec(t: Tensor): { re: Float64Array; im: Float64Array } {
  const d = t.data;
  const n = t.numel;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (t.isComplex) {
      re[i] = d[2 * i]!;
      im[i] = d[2 * i + 1]!;
    } else re[i] = d[i]!;
  }
  return { re, im };
}

export function matmul(a: Dense, b: Dense): Dense {
  assert.equal(a.n, b.m);
  const re = new Float64Array(a.m * b.n);
  const im = new Float64Array(a.m * b.n);
  for (let i = 0; i < a.m; i++)
    for (let k = 0; k < a.n; k++) {
      const ar = a.re[i * a.n + k]!;
      const ai = a.im[i * a.n + k]!;
      for (let j = 0; j < b.n; j++) {
        const br = b.re[k * b.n + j]!;
        const bi = b.im[k * b.n + j]!;
        re[i * b.n + j] += ar * br - ai * bi;
        im[i * b.n + j] += ar * bi + ai * br;
      }
    }
  return { m: a.m, n: b.n, re, im };
}

export function conjT(a: Dense): Dense {
  const re = new Float64Array(a.m * a.n);
  const im = new Float64Array(a.m * a.n);
  for (let i = 0; i < a.m; i++)
    for (let j = 0; j < a.n; j++) {
      re[j * a.m + i] = a.re[i * a.n + j]!;
      im[j * a.m + i] = -a.im[i * a.n + j]!;
    }
  return { m: a.n, n: a.m, re, im };
}

export function lincomb(a: Dense, ca: [number, number], b: Dense, cb: [number, number]): Dense {
  assert.equal(a.m, b.m);
  assert.equal(a.n, b.n);
  const re = new Float64Array(a.m * a.n);
  const im = new Float64Array(a.m * a.n);
  for (let i = 0; i < re.length; i++) {
    re[i] = ca[0] * a.re[i]! - ca[1] * a.im[i]! + cb[0] * b.re[i]! - cb[1] * b.im[i]!;
    im[i] = ca[0] * a.im[i]! + ca[1] * a.re[i]! + cb[0] * b.im[i]! + cb[1] * b.re[i]!;
  }
  return { m: a.m, n: a.n, re, im };
}

/** y = A x for a complex vector. */
export function matvec(a: Dense, x: { re: Float64Array; im: Float64Array }): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(a.m);
  const im = new Float64Array(a.m);
  for (let i = 0; i < a.m; i++)
    for (let j = 0; j < a.n; j++) {
      const ar = a.re[i * a.n + j]!;
      const ai = a.im[i * a.n + j]!;
      re[i] += ar * x.re[j]! - ai * x.im[j]!;
      im[i] += ar * x.im[j]! + ai * x.re[j]!;
    }
  return { re, im };
}

/** max |a − b| / max(1, max |b|), asserting ≤ tol. */
export function assertClose(
  a: { re: Float64Array; im: Float64Array },
  b: { re: Float64Array; im: Float64Array },
  tol: number,
  what: string,
): void {
  assert.equal(a.re.length, b.re.length, `${what}: length`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.re.length; i++) {
    err = Math.max(err, Math.hypot(a.re[i]! - b.re[i]!, a.im[i]! - b.im[i]!));
    scale = Math.max(scale, Math.hypot(b.re[i]!, b.im[i]!));
  }
  assert.ok(err <= tol * Math.max(1, scale), `${what}: max error ${err} (scale ${scale}, tol ${tol})`);
}

/** Dense as a [m, n] complex128 or float64 tensor. */
export function toTensor(a: Dense, complex: boolean): Tensor {
  const d = new Float64Array(a.m * a.n * (complex ? 2 : 1));
  for (let i = 0; i < a.m * a.n; i++) {
    if (complex) {
      d[2 * i] = a.re[i]!;
      d[2 * i + 1] = a.im[i]!;
    } else d[i] = a.re[i]!;
  }
  return new Tensor(d, [a.m, a.n], complex ? 'complex128' : 'float64');
}

/** ‖a − b‖/‖b‖ over the float64 values (‖a − b‖ when b is zero). @example `relErr(x, xRef) < 1e-10` */
export function relErr(a: Tensor, b: Tensor): number {
  const x = toFloat64(a);
  const y = toFloat64(b);
  let n = 0;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    n += (x[i]! - y[i]!) ** 2;
    d += y[i]! ** 2;
  }
  return d === 0 ? Math.sqrt(n) : Math.sqrt(n / d);
}
