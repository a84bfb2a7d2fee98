/**
 * The dot test: an operator's adjoint is right when ⟨A x, y⟩ = ⟨x, Aᴴ y⟩ for random x and y.
 */
import { argError } from '../errors.js';
import { isComplex } from '../tensor/dtype.js';
import { randn } from '../tensor/random.js';
import { LinearOperator, toFloat64 } from './linear-operator.js';

/** Options of {@link dottest}. @example `{ seed: 1, rtol: 1e-6 }` */
export interface DottestOptions {
  /** Seed of the random x and y (default 0, so a run is reproducible). */
  seed?: number;
  /** Pass when relError ≤ rtol. Default 1e-4 for single precision, 1e-10 for double. */
  rtol?: number;
}

/** Result of {@link dottest}. @example `const { passed, relError } = dottest(A);` */
export interface DottestResult {
  /** relError ≤ rtol. */
  passed: boolean;
  /** ⟨A x, y⟩: `[re, im]` for a complex-linear operator with complex spaces, else a number (Re⟨A x, y⟩). */
  lhs: number | [number, number];
  /** ⟨x, Aᴴ y⟩, same form as `lhs`. */
  rhs: number | [number, number];
  /** |lhs − rhs| / max(|lhs|, |rhs|) (0 when both are 0). */
  relError: number;
}

/** vᴴu = Σ conj(v)·u over interleaved or real scalars (both of the same kind). */
function inner(u: Float64Array, v: Float64Array, cplx: boolean): [number, number] {
  let re = 0;
  let im = 0;
  if (!cplx) {
    for (let i = 0; i < u.length; i++) re += u[i]! * v[i]!;
    return [re, 0];
  }
  for (let i = 0; i < u.length; i += 2) {
    const ur = u[i]!;
    const ui = u[i + 1]!;
    const vr = v[i]!;
    const vi = v[i + 1]!;
    re += vr * ur + vi * ui;
    im += vr * ui - vi * ur;
  }
  return [re, im];
}

/**
 * Checks the adjoint of `A`: draws x of `A.inShape` and y of `A.outShape` (standard normal, complex when the
 * space is complex) and compares ⟨A x, y⟩ with ⟨x, Aᴴ y⟩, where ⟨u, v⟩ = Σ conj(v)·u. For operators that are
 * linear over the reals only (`A.isComplexLinear` false: the rFFT, its adjoint, anything built on them) the
 * real inner product Re⟨u, v⟩ is the one the adjoint is defined for, and the two sides are real numbers.
 *
 * @example
 * ```ts
 * const r = dottest(operators.conv2d(w, { inShape: [2, 8, 8], padding: 1 }));
 * r.passed; // true
 * ```
 */
export function dottest(A: LinearOperator, options: DottestOptions = {}): DottestResult {
  const fn = 'dottest';
  if (!(A instanceof LinearOperator)) throw argError(fn, 'A', 'a LinearOperator', A);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw argError(fn, 'seed', 'a finite number', seed);
  const single = A.dtype === 'float32' || A.dtype === 'complex64';
  const rtol = options.rtol ?? (single ? 1e-4 : 1e-10);
  if (typeof rtol !== 'number' || !(rtol >= 0)) throw argError(fn, 'rtol', 'a non-negative number', rtol);
  // Draw in double precision; the operator casts to its own dtype, and the inner products use what it saw.
  const xDt = isComplex(A.inDtype) ? 'complex128' : 'float64';
  const yDt = isComplex(A.outDtype) ? 'complex128' : 'float64';
  const x = randn([...A.inShape], { seed, dtype: A.inDtype === 'float32' || A.inDtype === 'complex64' ? A.inDtype : xDt });
  const y = randn([...A.outShape], { seed: seed + 7919, dtype: A.outDtype === 'float32' || A.outDtype === 'complex64' ? A.outDtype : yDt });
  const Ax = toFloat64(A.apply(x));
  const AHy = toFloat64(A.adjoint(y));
  const cIn = isComplex(A.inDtype);
  const cOut = isComplex(A.outDtype);
  let lhs: [number, number];
  let rhs: [number, number];
  const complexLinear = A.isComplexLinear && cIn === cOut;
  if (complexLinear) {
    lhs = inner(Ax, toFloat64(y), cOut);
    rhs = inner(toFloat64(x), AHy, cIn);
  } else {
    // Real-linear operator: Re⟨·,·⟩, i.e. the real inner product of the interleaved scalars.
    lhs = [inner(Ax, toFloat64(y), false)[0], 0];
    rhs = [inner(toFloat64(x), AHy, false)[0], 0];
  }
  const diff = Math.hypot(lhs[0] - rhs[0], lhs[1] - rhs[1]);
  const scale = Math.max(Math.hypot(lhs[0], lhs[1]), Math.hypot(rhs[0], rhs[1]));
  const relError = scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale;
  const asOut = (v: [number, number]): number | [number, number] => (complexLinear && cOut ? v : v[0]);
  return { passed: relError <= rtol, lhs: asOut(lhs), rhs: asOut(rhs), relError };
}
