/**
 * gradcheck: compares the tape's gradients with central finite differences, for real and complex inputs.
 */
import { AdjointError, argError } from '../errors.js';
import { cast } from '../tensor/cast.js';
import { isComplex, realDtypeOf } from '../tensor/dtype.js';
import { randn } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { gradients } from './api.js';
import { isDifferentiableDtype, noGrad, withGrad } from './tape.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance. Default 1e-3. */
  rtol?: number;
  /** Seed of the random output cotangent(s). Default 0. */
  seed?: number;
  /** How many random cotangents to check with. Default 2. */
  projections?: number;
}

/** L = Re Σ conj(c)·y, as a number (float64 accumulation). */
function project(y: Tensor, c: Tensor): number {
  const a = y.contiguousData();
  const b = c.contiguousData();
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Checks the gradients of `f` at `inputs` against central finite differences. Every float/complex input is
 * differentiated. For a random cotangent c of the output's shape, the analytic gradients of the real scalar
 * L = Re Σ conj(c)·f(inputs) (one backward pass) are compared with (L(x + h) − L(x − h)) / 2h for every
 * scalar of every input — real and imaginary parts separately, so the check covers PyTorch's complex
 * convention ∂L/∂x + i·∂L/∂y. Returns true, or throws an {@link AdjointError} naming the first mismatch.
 * Use float64 inputs.
 *
 * @example
 * ```ts
 * gradcheck((a, b) => a.mul(b).sum(), [randn([3], { dtype: 'float64' }), randn([3], { dtype: 'float64' })]);
 * ```
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  if (typeof f !== 'function') throw argError('gradcheck', 'f', 'a function', f);
  if (!Array.isArray(inputs)) throw argError('gradcheck', 'inputs', 'a list of tensors', inputs);
  // Own copies, so perturbing never touches the caller's tensors.
  const xs = inputs.map((t, i) => {
    if (!(t instanceof Tensor)) throw argError('gradcheck', `inputs[${i}]`, 'a Tensor', t);
    return new Tensor(t.contiguousData(), t.shape, t.dtype);
  });
  const diffIdx = xs.map((t, i) => (isDifferentiableDtype(t) ? i : -1)).filter((i) => i >= 0);
  if (diffIdx.length === 0) throw argError('gradcheck', 'inputs', 'at least one float or complex tensor', inputs.map((t) => t.dtype));
  const evalAt = (): Tensor => {
    const y = noGrad(() => f(...xs));
    if (!(y instanceof Tensor)) throw argError('gradcheck', 'f', 'a function returning a Tensor', y);
    return y;
  };
  const y0 = evalAt();
  const nProj = options.projections ?? 2;
  for (let p = 0; p < nProj; p++) {
    let c = randn(y0.shape, { seed: (options.seed ?? 0) * 7919 + p, dtype: realDtypeOf(y0.dtype) === 'float32' ? 'float32' : 'float64' });
    if (isComplex(y0.dtype)) {
      const ci = randn(y0.shape, { seed: (options.seed ?? 0) * 7919 + p + 1000, dtype: 'float64' });
      const z = cast(c, 'complex128');
      const d = z.contiguousData();
      const im = ci.contiguousData();
      for (let k = 0; k < im.length; k++) d[2 * k + 1] = im[k]!;
      c = cast(z, y0.dtype);
    } else if (c.dtype !== y0.dtype) c = cast(c, y0.dtype);
    // Analytic.
    const leaves = xs.map((x, i) => {
      if (!diffIdx.includes(i)) return x;
      const l = x.detach();
      l.requiresGrad = true;
      return l;
    });
    const y = withGrad(() => f(...leaves));
    const analytic = gradients(y, diffIdx.map((i) => leaves[i]!), { seed: c });
    // Numeric.
    diffIdx.forEach((i, k) => {
      const x = xs[i]!;
      const st = x.storage;
      const a = analytic[k]!.contiguousData();
      for (let s = 0; s < st.length; s++) {
        const orig = st[s]!;
        st[s] = orig + eps;
        const lp = project(evalAt(), c);
        st[s] = orig - eps;
        const lm = project(evalAt(), c);
        st[s] = orig;
        const num = (lp - lm) / (2 * eps);
        const ana = a[s]!;
        if (!(Math.abs(ana - num) <= atol + rtol * Math.abs(num))) {
          const cplx = isComplex(x.dtype);
          const elem = cplx ? s >> 1 : s;
          const part = cplx ? (s % 2 === 0 ? ' (real part)' : ' (imaginary part)') : '';
          throw new AdjointError(
            `gradcheck: input ${i}, element ${elem}${part}: analytic gradient ${ana} but finite differences give ${num} (|diff| ${Math.abs(ana - num).toExponential(3)} > atol ${atol} + rtol ${rtol}·|numeric|)`,
            `inputs[${i}]`,
          );
        }
      }
    });
  }
  return true;
}
