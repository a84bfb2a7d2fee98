/**
 * Differentiable counting. `(a == v).sum()` has no useful gradient: it is piecewise constant. These give
 * gradients by smoothing the indicator with a kernel, by counting in expectation over predicted
 * distributions (the answer to the seed question), or by a straight-through estimator that keeps the exact
 * count in the forward pass. All are built from the recorded ops, so they compose with everything else.
 *
 * @example
 * ```ts
 * import { counting, variable, arange, gradients } from 'adjoint';
 * const a = variable(arange(10, undefined, 1, { dtype: 'float64' }));
 * const [g] = gradients(() => counting.softCount(a, 5, { bandwidth: 1 }), [a]);
 * ```
 * @module
 */
import { argError } from '../errors.js';
import { tensor } from '../tensor/creation.js';
import { isComplex } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { abs, add, div, exp, mul, relu, sigmoid, sub } from '../autograd/ops-elementwise.js';
import { logsumexp, max as rmax, min as rmin, sum } from '../autograd/ops-reductions.js';
import { reshape } from '../autograd/ops-shape.js';
import { noGrad } from '../autograd/tape.js';

/** Smoothing kernel: all peak at 1 when the element equals the value. */
export type CountKernel = 'gaussian' | 'sigmoid' | 'triangular';

/** Options of {@link softCount} and {@link hardCountST}. */
export interface SoftCountOptions {
  /**
   * - `'gaussian'` (default): exp(−t²/2);
   * - `'sigmoid'`: the logistic bump 4·σ(t)·σ(−t) (heavier tails than the Gaussian);
   * - `'triangular'`: max(0, 1 − |t|) (compact support: elements farther than `bandwidth` get no gradient);
   * where t = (a − value) / bandwidth.
   */
  kernel?: CountKernel;
  /** Width of the kernel in units of `a`. Default 0.5. */
  bandwidth?: number;
}

function kernelOf(fn: string, name: CountKernel | undefined): CountKernel {
  const k = name ?? 'gaussian';
  if (k !== 'gaussian' && k !== 'sigmoid' && k !== 'triangular') throw argError(fn, 'kernel', "one of 'gaussian', 'sigmoid', 'triangular'", k);
  return k;
}
function bandwidthOf(fn: string, h: number | undefined, dflt: number): number {
  const v = h ?? dflt;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw argError(fn, 'bandwidth', 'a positive number', v);
  return v;
}
function checkReal(fn: string, a: unknown): Tensor {
  if (!(a instanceof Tensor)) throw argError(fn, 'a', 'a Tensor', a);
  if (isComplex(a.dtype) || a.dtype === 'bool') throw argError(fn, 'a', 'a real tensor', a.dtype);
  return a;
}

/** k((x − c)/h) elementwise, recorded. */
function weights(x: Tensor, c: TensorLike, kernel: CountKernel, h: number): Tensor {
  const t = div(sub(x, c), h);
  if (kernel === 'gaussian') return exp(mul(mul(t, t), -0.5));
  if (kernel === 'triangular') return relu(sub(1, abs(t)));
  const s = sigmoid(t);
  return mul(mul(s, sub(1, s)), 4);
}

/**
 * A smooth count of the elements of `a` equal to `value`: Σ k((a − value)/bandwidth). Its gradient pulls
 * elements near `value` towards it (or pushes them away when the loss wants fewer).
 *
 * @example
 * ```ts
 * softCount(tensor([0, 5, 5.1, 9]), 5, { bandwidth: 0.5 }).item(); // ≈ 1.98
 * ```
 */
export function softCount(a: Tensor, value: number, options: SoftCountOptions = {}): Tensor {
  const x = checkReal('softCount', a);
  if (typeof value !== 'number') throw argError('softCount', 'value', 'a number', value);
  return sum(weights(x, value, kernelOf('softCount', options.kernel), bandwidthOf('softCount', options.bandwidth, 0.5)));
}

/** Options of {@link hardCountST}. */
export interface HardCountOptions extends SoftCountOptions {
  /** An element counts when |a − value| ≤ atol. Default 0 (exact equality). */
  atol?: number;
}

/**
 * Straight-through count: the forward value is the exact count of |a − value| ≤ atol, the gradient is that of
 * {@link softCount} (soft + detach(hard − soft)).
 *
 * @example
 * ```ts
 * const n = hardCountST(a, 5, { bandwidth: 1 }); // n.item() is an integer; gradients flow as for softCount
 * ```
 */
export function hardCountST(a: Tensor, value: number, options: HardCountOptions = {}): Tensor {
  const x = checkReal('hardCountST', a);
  const atol = options.atol ?? 0;
  if (typeof atol !== 'number' || !(atol >= 0)) throw argError('hardCountST', 'atol', 'a number >= 0', atol);
  const soft = softCount(x, value, options);
  const hard = exactCount(x, value, atol);
  const offset = noGrad(() => hard - (soft.item() as number));
  return add(soft, tensor(offset, { dtype: soft.dtype }));
}

/** The exact number of elements with |a − value| ≤ atol (a plain number, no gradient). @example `exactCount(a, 5) // 1` */
export function exactCount(a: Tensor, value: number, atol = 0): number {
  const d = checkReal('exactCount', a).contiguousData();
  let n = 0;
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]! - value) <= atol) n++;
  return n;
}

/** Options of {@link softHistogram}. */
export interface SoftHistogramOptions {
  /** With an integer `bins`: the range [lo, hi] the bin centres span. Default: the data's min and max. */
  range?: readonly [number, number];
  /** Kernel; default `'triangular'`, which with the default bandwidth splits each element linearly between its two nearest centres, so the counts sum to the number of elements inside the range. */
  kernel?: CountKernel;
  /** Kernel width. Default: the spacing of the centres. */
  bandwidth?: number;
}

/**
 * Soft histogram: for each bin centre c_j, Σ_n k((a_n − c_j)/bandwidth). `bins` is a count of evenly spaced
 * centres over `range` (ends included) or the centres themselves.
 *
 * @example
 * ```ts
 * softHistogram(tensor([0, 0.5, 2]), 3, { range: [0, 2] }).toArray(); // [1.5, 0.5, 1]
 * ```
 */
export function softHistogram(a: Tensor, bins: number | readonly number[] | Tensor, options: SoftHistogramOptions = {}): Tensor {
  const fn = 'softHistogram';
  const x = checkReal(fn, a);
  let centres: Tensor;
  let spacing: number;
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw argError(fn, 'bins', 'a positive integer, a list of centres or a tensor of centres', bins);
    const [lo, hi] = options.range ?? noGrad(() => [rmin(x).item() as number, rmax(x).item() as number] as const);
    if (!(hi >= lo)) throw argError(fn, 'range', '[lo, hi] with lo <= hi', options.range);
    spacing = bins > 1 ? (hi - lo) / (bins - 1) : Math.max(hi - lo, 1);
    const c: number[] = [];
    for (let j = 0; j < bins; j++) c.push(bins > 1 ? lo + j * spacing : (lo + hi) / 2);
    centres = tensor(c, { dtype: x.dtype === 'float32' ? 'float32' : 'float64' });
  } else {
    centres = bins instanceof Tensor ? bins : tensor([...bins], { dtype: x.dtype === 'float32' ? 'float32' : 'float64' });
    if (centres.ndim !== 1 || centres.numel < 1) throw argError(fn, 'bins', 'a non-empty 1-D list of centres', centres.shape);
    const cd = centres.contiguousData();
    spacing = Infinity;
    for (let j = 1; j < cd.length; j++) spacing = Math.min(spacing, Math.abs(cd[j]! - cd[j - 1]!));
    if (!Number.isFinite(spacing) || spacing === 0) spacing = 1;
  }
  const h = bandwidthOf(fn, options.bandwidth, spacing);
  const col = reshape(x, [-1, 1]);
  return sum(weights(col, reshape(centres, [1, -1]), kernelOf(fn, options.kernel ?? 'triangular'), h), 0);
}

/** Options of {@link expectedCounts}. */
export interface ExpectedCountsOptions {
  /** The rows are logits: apply a softmax over the last dim first. Default false. */
  logits?: boolean;
}

/**
 * Expected number of occurrences of each value k when element n takes value k with probability P[n, k]:
 * Z_k = Σ_n P[n, k]. This is the seed answer's approach: predict distributions, then count in expectation;
 * a loss such as Σ_k |target_k − Z_k| is then smooth in P.
 *
 * @example
 * ```ts
 * expectedCounts(tensor([[0.9, 0.1], [0.2, 0.8]])).toArray(); // [1.1, 0.9]
 * ```
 */
export function expectedCounts(P: Tensor, options: ExpectedCountsOptions = {}): Tensor {
  const fn = 'expectedCounts';
  if (!(P instanceof Tensor) || P.ndim !== 2) throw argError(fn, 'P', 'a [N, K] tensor', P instanceof Tensor ? `shape [${P.shape.join(', ')}]` : P);
  if (isComplex(P.dtype)) throw argError(fn, 'P', 'a real tensor', P.dtype);
  const probs = options.logits ? exp(sub(P, logsumexp(P, 1, true))) : P;
  return sum(probs, 0);
}
