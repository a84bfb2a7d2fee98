/**
 * Reductions over one or more dims (or all elements), with PyTorch semantics: sum, mean, prod, max, min,
 * argmax/argmin, any/all, vector norms, variance/std, logsumexp, cumsum, and isclose/allclose.
 *
 * Dtypes: sums and products of bool/int32 are int32 (PyTorch gives int64; int32 wraps on overflow). `mean`,
 * `variance`, `std` and `norm` need floating input (cast integers first, as PyTorch asks). Complex inputs work
 * for sum/mean/prod/cumsum/norm/variance/std; max/min/argmax/argmin/logsumexp reject them. All
 * accumulation is in float64; float sums are pairwise or compensated, so errors do not grow linearly with n.
 *
 * `dim` may be one dim, a list (negative allowed), or omitted for all elements. An empty list reduces nothing
 * (NumPy's meaning; PyTorch 1.x reduces everything there).
 */
import { AdjointError, argError, describeValue } from '../errors.js';
import { castStorage } from './cast.js';
import { allocStorage, isComplex, realDtypeOf, scalarsPer, type DType, type Storage } from './dtype.js';
import {
  argExtremeReal,
  cumsumKernel,
  extremeReal,
  logsumexpRows,
  normRows,
  prodComplex,
  prodReal,
  sumComplex,
  sumReal,
  varRows,
} from './kernels/reduce.js';
import { broadcastShapes, normalizeDim, normalizeDims, numel } from './shape.js';
import { Tensor, type TensorLike } from './tensor.js';
import { broadcastTo, flip, permute, type DimArg } from './views.js';

/** A tensor's elements as contiguous storage plus the scalar offset where they start (no copy when possible). */
function contiguousSource(x: Tensor): { src: Storage; so: number } {
  if (x.isContiguous()) return { src: x.storage, so: x.offset * scalarsPer(x.dtype) };
  return { src: x.contiguousData(), so: 0 };
}

function checkInput(x: unknown, fn: string): Tensor {
  if (!(x instanceof Tensor)) throw argError(fn, 'input', 'a Tensor', x);
  return x;
}

/** Which dims are reduced: all when `dim` is undefined; an empty list reduces nothing (NumPy's meaning). */
function reducedFlags(x: Tensor, dim: DimArg | undefined | null, fn: string): boolean[] {
  if (dim === undefined || dim === null) return x.shape.map(() => true);
  let list: number[];
  if (typeof dim === 'number') list = [dim];
  else if (Array.isArray(dim)) list = dim.slice();
  else throw argError(fn, 'dim', 'an integer, a list of integers, or undefined for all dims', dim);
  const ds = normalizeDims(list, x.ndim, 'dim', fn);
  const flags = x.shape.map(() => false);
  if (x.ndim > 0) for (const d of ds) flags[d] = true;
  return flags;
}

interface Layout {
  red: boolean[];
  outShape: number[];
  outNumel: number;
  redNumel: number;
}

function layout(x: Tensor, dim: DimArg | undefined | null, keepdim: boolean, fn: string): Layout {
  if (typeof keepdim !== 'boolean') throw argError(fn, 'keepdim', 'a boolean', keepdim);
  const red = reducedFlags(x, dim, fn);
  const outShape: number[] = [];
  let redNumel = 1;
  x.shape.forEach((n, i) => {
    if (red[i]) {
      redNumel *= n;
      if (keepdim) outShape.push(1);
    } else outShape.push(n);
  });
  return { red, outShape, outNumel: numel(outShape), redNumel };
}

type AssocOp = 'sum' | 'prod' | 'max' | 'min';

/**
 * Reduces the flagged dims with an associative op. Adjacent dims of the same kind are merged; then each run
 * of reduced dims, innermost first, is reduced as an [outer, r, inner] block, so every pass streams memory
 * in order. Returns float64 values (interleaved for complex) in the kept dims' C order.
 */
function reduceAssoc(x: Tensor, red: readonly boolean[], op: AssocOp): Float64Array {
  if (!x.isContiguous()) {
    // A transposed or flipped view of a dense block: reduce the block in memory order (the op is associative
    // and commutative), then put the small result back in the view's order, instead of copying the input.
    const dense = denseOrder(x);
    if (dense !== null) {
      const { v, perm, flipped } = dense;
      const data = reduceDense(v, perm.map((i) => red[i]!), op);
      const keptV = perm.filter((i) => !red[i]);
      const keptX = x.shape.map((_, i) => i).filter((i) => !red[i]);
      let out = new Tensor(data, keptV.map((i) => x.shape[i]!), isComplex(x.dtype) ? 'complex128' : 'float64');
      out = permute(out, keptX.map((k) => keptV.indexOf(k)));
      const flipBack = keptX.map((k, j) => (flipped[k] ? j : -1)).filter((j) => j >= 0);
      if (flipBack.length > 0) out = flip(out, flipBack);
      return out.contiguousData() as Float64Array;
    }
  }
  return reduceDense(x, red, op);
}

/**
 * When `x` is some permutation and flipping of a contiguous block, that block as a contiguous view `v`
 * (`v` dim j is `x` dim `perm[j]`, with `flipped[d]` telling which x dims were reversed); else null.
 */
function denseOrder(x: Tensor): { v: Tensor; perm: number[]; flipped: boolean[] } | null {
  const flipped = x.shape.map((n, i) => n > 1 && x.strides[i]! < 0);
  const dims = flipped.map((f, i) => (f ? i : -1)).filter((i) => i >= 0);
  const f = dims.length > 0 ? flip(x, dims) : x;
  // Size-1 dims may sit anywhere (last, here); the others go by decreasing stride.
  const all = x.shape.map((_, i) => i);
  const perm = [...all.filter((i) => x.shape[i] !== 1).sort((a, b) => f.strides[b]! - f.strides[a]!), ...all.filter((i) => x.shape[i] === 1)];
  const v = permute(f, perm);
  return v.isContiguous() ? { v, perm, flipped } : null;
}

function reduceDense(x: Tensor, red: readonly boolean[], op: AssocOp): Float64Array {
  const cplx = isComplex(x.dtype);
  const sp = scalarsPer(x.dtype);
  const source = contiguousSource(x);
  let src: Storage = source.src;
  let so = source.so;
  const groups: { n: number; red: boolean }[] = [];
  x.shape.forEach((n, i) => {
    if (n === 1) return;
    const last = groups[groups.length - 1];
    if (last && last.red === red[i]) last.n *= n;
    else groups.push({ n, red: red[i]! });
  });
  let compensate = x.dtype === 'float64' || x.dtype === 'complex128';
  let first = true;
  for (;;) {
    let g = -1;
    for (let i = groups.length - 1; i >= 0; i--) {
      if (groups[i]!.red) {
        g = i;
        break;
      }
    }
    if (g < 0) break;
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < g; i++) outer *= groups[i]!.n;
    for (let i = g + 1; i < groups.length; i++) inner *= groups[i]!.n;
    const r = groups[g]!.n;
    const dst = new Float64Array(outer * inner * sp);
    if (op === 'sum') (cplx ? sumComplex : sumReal)(src, so, outer, r, inner, dst, compensate);
    else if (op === 'prod') (cplx ? prodComplex : prodReal)(src, so, outer, r, inner, dst);
    else extremeReal(src, so, outer, r, inner, dst, op === 'max' ? 1 : -1);
    src = dst;
    so = 0;
    // Later passes add float64 partial sums, which need the compensation too.
    compensate = true;
    first = false;
    groups.splice(g, 1);
    if (g > 0 && g < groups.length && !groups[g - 1]!.red && !groups[g]!.red) {
      groups[g - 1]!.n *= groups[g]!.n;
      groups.splice(g, 1);
    }
  }
  if (first) {
    // Nothing of size > 1 to reduce: the kept elements, converted.
    const n = x.numel * sp;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = src[so + i]!;
    return out;
  }
  return src as Float64Array;
}

/** Wraps float64 results (interleaved for complex) as a tensor of `dtype`. */
function finish(data: Float64Array, dtype: DType, shape: readonly number[]): Tensor {
  const n = numel(shape);
  if (dtype === 'float64' || dtype === 'complex128') return new Tensor(data, shape, dtype);
  return new Tensor(castStorage(data, isComplex(dtype) ? 'complex128' : 'float64', dtype, n), shape, dtype);
}

function filled(shape: readonly number[], dtype: DType, value: number): Tensor {
  const out = allocStorage(dtype, numel(shape));
  const sp = scalarsPer(dtype);
  for (let i = 0; i < out.length; i += sp) out[i] = value;
  return new Tensor(out, shape, dtype);
}

function intToInt32(dt: DType): DType {
  return dt === 'bool' ? 'int32' : dt;
}

function requireFloating(x: Tensor, fn: string): void {
  if (x.dtype === 'int32' || x.dtype === 'bool') {
    throw argError(fn, 'input', `a floating or complex tensor (cast it first, e.g. x.to('float64'))`, `dtype '${x.dtype}'`);
  }
}

function requireReal(x: Tensor, fn: string): void {
  if (isComplex(x.dtype)) throw argError(fn, 'input', 'a real tensor (complex numbers are not ordered)', `dtype '${x.dtype}'`);
}

function emptyError(fn: string, x: Tensor): AdjointError {
  return new AdjointError(`${fn}: argument 'input' of shape ${describeValue(x.shape)} has an empty reduced dim, and the operation has no identity`, 'input');
}

/**
 * Sum over `dim` (a dim, a list of dims, or all when omitted). bool/int32 sum to int32.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * sum(tensor([[1, 2], [3, 4]])).item();       // 10
 * ```
 */
export function sum(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkInput(x, 'sum');
  const L = layout(x, dim, keepdim, 'sum');
  const dt = intToInt32(x.dtype);
  if (L.redNumel === 0) return filled(L.outShape, dt, 0);
  return finish(reduceAssoc(x, L.red, 'sum'), dt, L.outShape);
}

/**
 * Mean over `dim` (all when omitted). Integer input is an error, as in PyTorch: cast it first. The mean of
 * nothing is NaN.
 *
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), -1).toArray(); // [1.5, 3.5]
 * ```
 */
export function mean(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkInput(x, 'mean');
  requireFloating(x, 'mean');
  const L = layout(x, dim, keepdim, 'mean');
  if (L.redNumel === 0) {
    const t = filled(L.outShape, x.dtype, NaN);
    if (isComplex(x.dtype)) for (let i = 1; i < t.storage.length; i += 2) t.storage[i] = NaN;
    return t;
  }
  const s = reduceAssoc(x, L.red, 'sum');
  for (let i = 0; i < s.length; i++) s[i] = s[i]! / L.redNumel;
  return finish(s, x.dtype, L.outShape);
}

/**
 * Product over `dim` (all when omitted). bool/int32 give int32.
 * @example `prod(tensor([1, 2, 3, 4])).item() // 24`
 */
export function prod(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkInput(x, 'prod');
  const L = layout(x, dim, keepdim, 'prod');
  const dt = intToInt32(x.dtype);
  if (L.redNumel === 0) return filled(L.outShape, dt, 1);
  return finish(reduceAssoc(x, L.red, 'prod'), dt, L.outShape);
}

function extreme(x: Tensor, dim: DimArg | undefined, keepdim: boolean, fn: 'max' | 'min'): Tensor {
  checkInput(x, fn);
  requireReal(x, fn);
  const L = layout(x, dim, keepdim, fn);
  if (L.redNumel === 0) {
    if (L.outNumel === 0) return filled(L.outShape, x.dtype, 0);
    throw emptyError(fn, x);
  }
  return finish(reduceAssoc(x, L.red, fn), x.dtype, L.outShape);
}

/**
 * Largest value over `dim` (one or more dims, all when omitted), like `torch.amax`; NaN propagates.
 * For the indices too, use {@link maxWithIndices}.
 * @example `max(tensor([[1, 5], [7, 2]]), 1).toArray() // [5, 7]`
 */
export function max(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return extreme(x, dim, keepdim, 'max');
}

/**
 * Smallest value over `dim` (all when omitted), like `torch.amin`; NaN propagates.
 * @example `min(tensor([[1, 5], [7, 2]]), 1).toArray() // [1, 2]`
 */
export function min(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return extreme(x, dim, keepdim, 'min');
}

/** Values and int32 indices of a max/min along one dim. @example `const { values, indices } = maxWithIndices(x, 0);` */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function argExtreme(x: Tensor, dim: number | undefined, keepdim: boolean, fn: string, sign: 1 | -1): ValuesIndices {
  checkInput(x, fn);
  requireReal(x, fn);
  if (typeof keepdim !== 'boolean') throw argError(fn, 'keepdim', 'a boolean', keepdim);
  let outer = 1;
  let r: number;
  let inner = 1;
  let outShape: number[];
  if (dim === undefined || dim === null) {
    r = x.numel;
    outShape = keepdim ? x.shape.map(() => 1) : [];
  } else {
    if (typeof dim !== 'number') throw argError(fn, 'dim', 'a single integer dim (or undefined for all elements)', dim);
    const d = normalizeDim(dim, x.ndim, 'dim', fn);
    if (x.ndim === 0) {
      r = 1;
      outShape = [];
    } else {
      r = x.shape[d]!;
      outer = numel(x.shape.slice(0, d));
      inner = numel(x.shape.slice(d + 1));
      outShape = x.shape.slice();
      if (keepdim) outShape[d] = 1;
      else outShape.splice(d, 1);
    }
  }
  const m = numel(outShape);
  if (r === 0 && m > 0) throw emptyError(fn, x);
  if (r === 0 && dim === undefined) throw emptyError(fn, x);
  const vals = new Float64Array(m);
  const idx = new Int32Array(m);
  if (m > 0) {
    const { src, so } = contiguousSource(x);
    argExtremeReal(src, so, outer, r, inner, vals, idx, sign);
  }
  return { values: finish(vals, x.dtype, outShape), indices: new Tensor(idx, outShape, 'int32') };
}

/**
 * Max along one dim with the int32 index of its first occurrence, like `torch.max(x, dim)`; with NaNs,
 * the value is NaN and the index points at the first NaN.
 *
 * @example
 * ```ts
 * const { values, indices } = maxWithIndices(tensor([[1, 5], [7, 2]]), 1); // [5, 7], [1, 0]
 * ```
 */
export function maxWithIndices(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  if (dim === undefined) throw argError('maxWithIndices', 'dim', 'an integer dim', dim);
  return argExtreme(x, dim, keepdim, 'maxWithIndices', 1);
}

/**
 * Min along one dim with the int32 index of its first occurrence, like `torch.min(x, dim)`.
 * @example `minWithIndices(tensor([[1, 5], [7, 2]]), 1).indices.toArray() // [0, 1]`
 */
export function minWithIndices(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  if (dim === undefined) throw argError('minWithIndices', 'dim', 'an integer dim', dim);
  return argExtreme(x, dim, keepdim, 'minWithIndices', -1);
}

/**
 * Int32 index of the first maximum along `dim`, or into the flattened tensor when `dim` is omitted, like
 * `torch.argmax`. A NaN counts as the maximum.
 * @example `argmax(tensor([3, 9, 9])).item() // 1`
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtreme(x, dim, keepdim, 'argmax', 1).indices;
}

/**
 * Int32 index of the first minimum along `dim` (flattened when omitted), like `torch.argmin`.
 * @example `argmin(tensor([[3, 1], [0, 4]]), 1).toArray() // [1, 0]`
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtreme(x, dim, keepdim, 'argmin', -1).indices;
}

function truthiness(x: Tensor, dim: DimArg | undefined, keepdim: boolean, fn: 'any' | 'all'): Tensor {
  checkInput(x, fn);
  const L = layout(x, dim, keepdim, fn);
  if (L.redNumel === 0) return filled(L.outShape, 'bool', fn === 'all' ? 1 : 0);
  const flags = new Tensor(castStorage(x.data, x.dtype, 'bool', x.numel), x.shape, 'bool');
  return finish(reduceAssoc(flags, L.red, fn === 'any' ? 'max' : 'min'), 'bool', L.outShape);
}

/**
 * True where any element over `dim` is nonzero (all dims when omitted); a bool tensor.
 * @example `any(tensor([0, 0, 2])).item() // true`
 */
export function any(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return truthiness(x, dim, keepdim, 'any');
}

/**
 * True where every element over `dim` is nonzero (all dims when omitted); a bool tensor.
 * @example `all(tensor([1, 0, 2])).item() // false`
 */
export function all(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return truthiness(x, dim, keepdim, 'all');
}

/** Kept dims first, then the reduced ones, as contiguous rows of the reduced elements. */
function toRows(x: Tensor, red: readonly boolean[]): { src: Storage; so: number; rows: number; n: number } {
  const kept = x.shape.map((_, i) => i).filter((i) => !red[i]);
  const reduced = x.shape.map((_, i) => i).filter((i) => red[i]);
  const v = permute(x, [...kept, ...reduced]);
  const n = numel(reduced.map((i) => x.shape[i]!));
  const { src, so } = contiguousSource(v);
  return { src, so, rows: numel(kept.map((i) => x.shape[i]!)), n };
}

/** The order of a vector norm: a real number (±Infinity allowed) or `'fro'` (= 2). @example `norm(x, Infinity)` */
export type NormOrder = number | 'fro';

/**
 * Vector p-norm over `dim` (all elements when omitted), like `torch.linalg.vector_norm`: (Σ|x|^p)^(1/p);
 * p = Infinity is max|x|, -Infinity min|x|, 0 the count of nonzeros, 'fro' is 2. Complex uses |z|.
 * The result is real (float32 for float32/complex64). Scaled so that huge or tiny values neither overflow
 * nor underflow.
 *
 * @example
 * ```ts
 * norm(tensor([3, 4])).item();              // 5
 * norm(tensor([[1, -2], [3, 0]]), 1, 1).toArray(); // [3, 3]
 * ```
 */
export function norm(x: Tensor, p: NormOrder = 2, dim?: DimArg, keepdim = false): Tensor {
  checkInput(x, 'norm');
  requireFloating(x, 'norm');
  const q = p === 'fro' ? 2 : p;
  if (typeof q !== 'number' || Number.isNaN(q)) throw argError('norm', 'p', "a real number, Infinity, -Infinity or 'fro'", p);
  const L = layout(x, dim, keepdim, 'norm');
  if (L.redNumel === 0 && L.outNumel > 0 && (q < 0 || q === Infinity)) {
    throw new AdjointError(`norm: argument 'input' of shape ${describeValue(x.shape)} has an empty reduced dim, and the ${q}-norm has no identity`, 'input');
  }
  const rd = realDtypeOf(x.dtype);
  if ((q === 1 || q === 2) && L.outNumel > 0 && L.redNumel > 0) {
    // Fast path: sum |x| or |x|² with the streaming reduction. For p = 2 the squares can only overflow or
    // underflow for float64 input; then (result Inf, or so small that squares may have underflowed) the
    // scaled row algorithm below recomputes everything.
    const mags = magnitudes(x, q);
    const out = reduceAssoc(mags, L.red, 'sum');
    if (q === 1) return finish(out, rd, L.outShape);
    let safe = true;
    for (let i = 0; i < out.length; i++) {
      const v = Math.sqrt(out[i]!);
      out[i] = v;
      if (v === Infinity || (v > 0 && v < 2 ** -450) || (v === 0 && x.dtype !== 'float32' && x.dtype !== 'complex64')) safe = false;
    }
    if (safe) return finish(out, rd, L.outShape);
  }
  const out = new Float64Array(L.outNumel);
  if (L.outNumel > 0) {
    const R = toRows(x, L.red);
    normRows(R.src, R.so, R.rows, R.n, q, scalarsPer(x.dtype), out);
  }
  return finish(out, rd, L.outShape);
}

/** |x| (q = 1) or |x|² (q = 2) as a contiguous float64 tensor of x's shape. */
function magnitudes(x: Tensor, q: 1 | 2): Tensor {
  const { src, so } = contiguousSource(x);
  const n = x.numel;
  const m = new Float64Array(n);
  if (isComplex(x.dtype)) {
    for (let i = 0, p = so; i < n; i++, p += 2) {
      const re = src[p]!;
      const im = src[p + 1]!;
      m[i] = q === 1 ? Math.hypot(re, im) : re * re + im * im;
    }
  } else if (q === 1) for (let i = 0; i < n; i++) m[i] = Math.abs(src[so + i]!);
  else
    for (let i = 0; i < n; i++) {
      const v = src[so + i]!;
      m[i] = v * v;
    }
  return new Tensor(m, x.shape, 'float64');
}

/** Options of {@link variance} and {@link std}. @example `variance(x, -1, { correction: 0, keepdim: true })` */
export interface VarianceOptions {
  /** Subtracted from the count in the divisor: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
  /** Keep reduced dims with size 1. */
  keepdim?: boolean;
}

/**
 * Variance over `dim` (all when omitted), Σ|x - mean|² / (N - correction), like `torch.var`; complex input
 * gives a real result. Computed in two passes for accuracy. Named `variance` because `var` is reserved in
 * JS; the method is `x.var()`.
 *
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4])).item();                    // 1.6666…
 * variance(tensor([1, 2, 3, 4]), 0, { correction: 0 }).item(); // 1.25
 * ```
 */
export function variance(x: Tensor, dim?: DimArg, options: VarianceOptions = {}): Tensor {
  return varStd(x, dim, options, 'variance', false);
}

/**
 * Standard deviation: the square root of {@link variance}.
 * @example `std(tensor([1, 2, 3, 4]), 0, { correction: 0 }).item() // 1.118…`
 */
export function std(x: Tensor, dim?: DimArg, options: VarianceOptions = {}): Tensor {
  return varStd(x, dim, options, 'std', true);
}

function varStd(x: Tensor, dim: DimArg | undefined, options: VarianceOptions, fn: string, root: boolean): Tensor {
  checkInput(x, fn);
  requireFloating(x, fn);
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) throw argError(fn, 'correction', 'a finite number', correction);
  const L = layout(x, dim, options.keepdim ?? false, fn);
  const out = new Float64Array(L.outNumel);
  if (L.outNumel > 0) {
    const R = toRows(x, L.red);
    if (R.n === 0) out.fill(NaN);
    else varRows(R.src, R.so, R.rows, R.n, correction, scalarsPer(x.dtype), out);
    if (root) for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]!);
  }
  return finish(out, realDtypeOf(x.dtype), L.outShape);
}

/**
 * log(Σ exp(x)) over `dim` (all when omitted), computed stably by shifting with the max, like
 * `torch.logsumexp`. bool/int32 input gives float32.
 * @example `logsumexp(tensor([0, 0])).item() // 0.6931…`
 */
export function logsumexp(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkInput(x, 'logsumexp');
  requireReal(x, 'logsumexp');
  const L = layout(x, dim, keepdim, 'logsumexp');
  const out = new Float64Array(L.outNumel);
  if (L.outNumel > 0) {
    const R = toRows(x, L.red);
    logsumexpRows(R.src, R.so, R.rows, R.n, out);
  }
  return finish(out, x.dtype === 'int32' || x.dtype === 'bool' ? 'float32' : x.dtype, L.outShape);
}

/**
 * Running sum along `dim`, like `torch.cumsum`; bool/int32 give int32.
 * @example `cumsum(tensor([[1, 2], [3, 4]]), 0).toArray() // [[1, 2], [4, 6]]`
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkInput(x, 'cumsum');
  if (typeof dim !== 'number') throw argError('cumsum', 'dim', 'an integer dim', dim);
  const d = normalizeDim(dim, x.ndim, 'dim', 'cumsum');
  const dt = intToInt32(x.dtype);
  const sp = scalarsPer(x.dtype);
  const out = new Float64Array(x.numel * sp);
  if (x.numel > 0) {
    const { src, so } = contiguousSource(x);
    const r = x.ndim === 0 ? 1 : x.shape[d]!;
    cumsumKernel(src, so, numel(x.shape.slice(0, d)), r, numel(x.shape.slice(d + 1)), out, sp);
  }
  return finish(out, dt, x.shape);
}

/** Tolerances of {@link isclose} and {@link allclose}. @example `allclose(a, b, { rtol: 1e-6, atol: 0 })` */
export interface CloseOptions {
  /** Relative tolerance; default 1e-5. */
  rtol?: number;
  /** Absolute tolerance; default 1e-8. */
  atol?: number;
  /** Whether NaN equals NaN; default false. */
  equalNan?: boolean;
}

function toTensor(v: TensorLike, fn: string, arg: string): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number' || typeof v === 'boolean') return new Tensor(new Float64Array([Number(v)]), [], 'float64');
  throw argError(fn, arg, 'a Tensor, number or boolean', v);
}

/**
 * Elementwise |a - b| ≤ atol + rtol·|b| (broadcast), like `torch.isclose`: equal values (including equal
 * infinities) are close; NaN is close to NaN only with `equalNan`. Complex values compare by |a - b|.
 *
 * @example
 * ```ts
 * isclose(tensor([1, 2]), tensor([1 + 1e-7, 2.1])).toArray(); // [true, false]
 * ```
 */
export function isclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): Tensor {
  const A = toTensor(a, 'isclose', 'a');
  const B = toTensor(b, 'isclose', 'b');
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const equalNan = options.equalNan ?? false;
  if (typeof rtol !== 'number' || !(rtol >= 0)) throw argError('isclose', 'rtol', 'a non-negative number', rtol);
  if (typeof atol !== 'number' || !(atol >= 0)) throw argError('isclose', 'atol', 'a non-negative number', atol);
  const shape = broadcastShapes(A.shape, B.shape, 'isclose', ['a', 'b']);
  const cplx = isComplex(A.dtype) || isComplex(B.dtype);
  const wide: DType = cplx ? 'complex128' : 'float64';
  const n = numel(shape);
  const read = (t: Tensor): Storage => castStorage(broadcastTo(t, shape).contiguousData(), t.dtype, wide, n);
  const x = read(A);
  const y = read(B);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let close: boolean;
    if (cplx) {
      const xr = x[2 * i]!, xi = x[2 * i + 1]!, yr = y[2 * i]!, yi = y[2 * i + 1]!;
      const xn = xr !== xr || xi !== xi;
      const yn = yr !== yr || yi !== yi;
      if (xn || yn) close = equalNan && xn && yn;
      else if (xr === yr && xi === yi) close = true;
      // Unequal values with an infinity are never close (|a - b| and rtol·|b| would both be Inf).
      else if (!Number.isFinite(xr + xi) || !Number.isFinite(yr + yi)) close = false;
      else close = Math.hypot(xr - yr, xi - yi) <= atol + rtol * Math.hypot(yr, yi);
    } else {
      const u = x[i]!, v = y[i]!;
      if (u !== u || v !== v) close = equalNan && u !== u && v !== v;
      else close = u === v || (Number.isFinite(u) && Number.isFinite(v) && Math.abs(u - v) <= atol + rtol * Math.abs(v));
    }
    out[i] = close ? 1 : 0;
  }
  return new Tensor(out, shape, 'bool');
}

/**
 * True when every element of `a` is close to `b` (see {@link isclose}); shapes must broadcast.
 * @example `allclose(tensor([1, 2]), tensor([1, 2 + 1e-9])) // true`
 */
export function allclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): boolean {
  const c = isclose(a, b, options).storage;
  for (let i = 0; i < c.length; i++) if (c[i] === 0) return false;
  return true;
}

declare module './tensor.js' {
  interface Tensor {
    /** See {@link sum}. @example `x.sum(-1, true)` */
    sum(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link mean}. @example `x.mean([0, 1])` */
    mean(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link prod}. @example `x.prod(0)` */
    prod(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link max}. @example `x.max(1)` */
    max(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link min}. @example `x.min()` */
    min(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link maxWithIndices}. @example `x.maxWithIndices(1).indices` */
    maxWithIndices(dim: number, keepdim?: boolean): ValuesIndices;
    /** See {@link minWithIndices}. @example `x.minWithIndices(0).values` */
    minWithIndices(dim: number, keepdim?: boolean): ValuesIndices;
    /** See {@link argmax}. @example `x.argmax(-1)` */
    argmax(dim?: number, keepdim?: boolean): Tensor;
    /** See {@link argmin}. @example `x.argmin()` */
    argmin(dim?: number, keepdim?: boolean): Tensor;
    /** See {@link any}. @example `x.any(0)` */
    any(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link all}. @example `x.all()` */
    all(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link norm}. @example `x.norm(2, -1)` */
    norm(p?: NormOrder, dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link variance}. @example `x.var(0, { correction: 0 })` */
    var(dim?: DimArg, options?: VarianceOptions): Tensor;
    /** See {@link std}. @example `x.std()` */
    std(dim?: DimArg, options?: VarianceOptions): Tensor;
    /** See {@link logsumexp}. @example `x.logsumexp(-1)` */
    logsumexp(dim?: DimArg, keepdim?: boolean): Tensor;
    /** See {@link cumsum}. @example `x.cumsum(0)` */
    cumsum(dim: number): Tensor;
    /** See {@link isclose}. @example `x.isclose(y)` */
    isclose(other: TensorLike, options?: CloseOptions): Tensor;
    /** See {@link allclose}. @example `x.allclose(y, { atol: 1e-6 })` */
    allclose(other: TensorLike, options?: CloseOptions): boolean;
  }
}
Tensor.prototype.sum = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return sum(this, dim, keepdim);
};
Tensor.prototype.mean = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return mean(this, dim, keepdim);
};
Tensor.prototype.prod = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return prod(this, dim, keepdim);
};
Tensor.prototype.max = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return max(this, dim, keepdim);
};
Tensor.prototype.min = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return min(this, dim, keepdim);
};
Tensor.prototype.maxWithIndices = function (this: Tensor, dim: number, keepdim?: boolean) {
  return maxWithIndices(this, dim, keepdim);
};
Tensor.prototype.minWithIndices = function (this: Tensor, dim: number, keepdim?: boolean) {
  return minWithIndices(this, dim, keepdim);
};
Tensor.prototype.argmax = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return argmax(this, dim, keepdim);
};
Tensor.prototype.argmin = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return argmin(this, dim, keepdim);
};
Tensor.prototype.any = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return any(this, dim, keepdim);
};
Tensor.prototype.all = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return all(this, dim, keepdim);
};
Tensor.prototype.norm = function (this: Tensor, p?: NormOrder, dim?: DimArg, keepdim?: boolean) {
  return norm(this, p, dim, keepdim);
};
Tensor.prototype.var = function (this: Tensor, dim?: DimArg, options?: VarianceOptions) {
  return variance(this, dim, options);
};
Tensor.prototype.std = function (this: Tensor, dim?: DimArg, options?: VarianceOptions) {
  return std(this, dim, options);
};
Tensor.prototype.logsumexp = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
  return logsumexp(this, dim, keepdim);
};
Tensor.prototype.cumsum = function (this: Tensor, dim: number) {
  return cumsum(this, dim);
};
Tensor.prototype.isclose = function (this: Tensor, other: TensorLike, options?: CloseOptions) {
  return isclose(this, other, options);
};
Tensor.prototype.allclose = function (this: Tensor, other: TensorLike, options?: CloseOptions) {
  return allclose(this, other, options);
};
