/**
 * Vector and matrix norms and condition numbers with `torch.linalg` semantics: `vectorNorm`, `matrixNorm`, `norm`,
 * `cond`. Sums run in float64; results have the real dtype of the input (float32 for int32/bool input).
 * Spectral norms (2, −2, 'nuc') come from the SVD of `spectral.ts`, so they share its NaN rule (error).
 */
import { argError } from '../errors.js';
import { floatDtypeOf, isComplex, realDtypeOf, type DType } from '../tensor/dtype.js';
import { normalizeDims } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { allocFloat, batchError, batchTensor, matrixBatch } from './batch.js';
import { gaussJordanInverse } from './kernels/pinv.js';
import { svdvals } from './spectral.js';

/** Orders accepted by {@link matrixNorm} ('fro', 'nuc', ±1, ±2, ±Infinity; vector norms take any number). @example `matrixNorm(A, 'nuc')` */
export type MatrixNormOrd = 'fro' | 'nuc' | 2 | -2 | 1 | -1 | number;

/**
 * The elements of `t` with dims `reduced` moved last (in that order), as a contiguous float64 split array of
 * `outer × inner` elements, plus the kept shape.
 */
function gatherReduced(t: Tensor, reduced: number[]): { re: Float64Array; im: Float64Array | null; outer: number; inner: number; kept: number[]; keptDims: number[] } {
  const keptDims: number[] = [];
  for (let d = 0; d < t.ndim; d++) if (!reduced.includes(d)) keptDims.push(d);
  const order = [...keptDims, ...reduced];
  const view = new Tensor(t.storage, order.map((d) => t.shape[d]!), t.dtype, order.map((d) => t.strides[d]!), t.offset);
  const data = view.data;
  const kept = keptDims.map((d) => t.shape[d]!);
  let inner = 1;
  for (const d of reduced) inner *= t.shape[d]!;
  let outer = 1;
  for (const s of kept) outer *= s;
  const n = outer * inner;
  const re = new Float64Array(n);
  let im: Float64Array | null = null;
  if (isComplex(t.dtype)) {
    im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = data[2 * i]!;
      im[i] = data[2 * i + 1]!;
    }
  } else {
    for (let i = 0; i < n; i++) re[i] = data[i]!;
  }
  return { re, im, outer, inner, kept, keptDims };
}

function outShape(t: Tensor, reduced: number[], keepdim: boolean): number[] {
  return keepdim ? t.shape.map((s, d) => (reduced.includes(d) ? 1 : s)) : t.shape.filter((_, d) => !reduced.includes(d));
}

function normDtype(dt: DType): 'float32' | 'float64' {
  return realDtypeOf(floatDtypeOf(dt)) as 'float32' | 'float64';
}

/**
 * Vector p-norm over `dim` (all dims when omitted): ord = 2 (default), any real p > 0, 0 (number of non-zeros),
 * `Infinity` (max |x|), `-Infinity` (min |x|), or negative p ((Σ|x|^p)^(1/p)).
 *
 * @example
 * ```ts
 * vectorNorm(tensor([3, 4])).item();                 // 5
 * vectorNorm(tensor([[1, -2], [3, 4]]), Infinity, 1).toArray(); // [2, 4]
 * ```
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: number | readonly number[], keepdim = false): Tensor {
  const fn = 'vectorNorm';
  if (!(x instanceof Tensor)) throw argError(fn, 'x', 'a Tensor', typeof x);
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw argError(fn, 'ord', 'a number (p, 0, Infinity or -Infinity)', ord);
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normalizeDims(typeof dim === 'number' ? [dim] : dim, x.ndim, 'dim', fn);
  const { re, im, outer, inner } = gatherReduced(x, dims);
  const rdt = normDtype(x.dtype);
  if (inner === 0 && (ord === Infinity || ord === -Infinity || ord < 0) && outer > 0) {
    throw argError(fn, 'x', `non-empty along the reduced dims for ord ${ord}`, `shape [${x.shape.join(', ')}]`);
  }
  const out = allocFloat(rdt, outer);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let acc: number;
    if (ord === Infinity) {
      acc = 0;
      for (let i = 0; i < inner; i++) {
        const a = absAt(re, im, base + i);
        if (a > acc || a !== a) acc = a;
      }
    } else if (ord === -Infinity) {
      acc = Infinity;
      for (let i = 0; i < inner; i++) {
        const a = absAt(re, im, base + i);
        if (a < acc || a !== a) acc = a;
      }
    } else if (ord === 0) {
      acc = 0;
      for (let i = 0; i < inner; i++) if (absAt(re, im, base + i) !== 0) acc++;
    } else if (ord === 2) {
      acc = 0;
      for (let i = 0; i < inner; i++) acc += re[base + i]! ** 2 + (im ? im[base + i]! ** 2 : 0);
      acc = Math.sqrt(acc);
    } else if (ord === 1) {
      acc = 0;
      for (let i = 0; i < inner; i++) acc += absAt(re, im, base + i);
    } else {
      acc = 0;
      for (let i = 0; i < inner; i++) acc += absAt(re, im, base + i) ** ord;
      acc = acc ** (1 / ord);
    }
    out[o] = acc;
  }
  return new Tensor(out, outShape(x, dims, keepdim), rdt);
}

function absAt(re: Float64Array, im: Float64Array | null, i: number): number {
  return im ? Math.hypot(re[i]!, im[i]!) : Math.abs(re[i]!);
}

function checkMatrixOrd(fn: string, ord: unknown): MatrixNormOrd {
  if (ord === 'fro' || ord === 'nuc' || ord === 2 || ord === -2 || ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) return ord;
  throw argError(fn, 'ord', "one of 'fro', 'nuc', 2, -2, 1, -1, Infinity, -Infinity", ord);
}

/**
 * Matrix norm over the two dims `dim` (default the last two): 'fro' (default), 'nuc' (sum of singular values),
 * 2 / −2 (largest / smallest singular value), 1 / −1 (max / min column sum of |a|), Infinity / −Infinity
 * (max / min row sum of |a|).
 *
 * @example
 * ```ts
 * matrixNorm(tensor([[1, -2], [3, 4]]), 1).item(); // 6
 * ```
 */
export function matrixNorm(A: Tensor, ord: MatrixNormOrd = 'fro', dim: readonly [number, number] = [-2, -1], keepdim = false): Tensor {
  const fn = 'matrixNorm';
  if (!(A instanceof Tensor)) throw argError(fn, 'A', 'a Tensor', typeof A);
  const o = checkMatrixOrd(fn, ord);
  if (A.ndim < 2) throw argError(fn, 'A', 'a tensor with at least 2 dimensions', `shape [${A.shape.join(', ')}]`);
  if (!Array.isArray(dim) || dim.length !== 2) throw argError(fn, 'dim', 'a pair of dims', dim);
  const dims = normalizeDims(dim, A.ndim, 'dim', fn);
  const rows = A.shape[dims[0]!]!, cols = A.shape[dims[1]!]!;
  const rdt = normDtype(A.dtype);
  const { re, im, outer, inner } = gatherReduced(A, dims);
  const out = allocFloat(rdt, outer);
  if (o === 2 || o === -2 || o === 'nuc') {
    if (rows * cols === 0 && o !== 'nuc') throw argError(fn, 'A', `non-empty matrices for ord ${o}`, `shape [${A.shape.join(', ')}]`);
    const mats = new Tensor(rebuild(re, im, A.dtype), [outer, rows, cols], floatDtypeOf(A.dtype));
    const sv = svdvals(mats).data;
    const k = Math.min(rows, cols);
    for (let b = 0; b < outer; b++) {
      let acc = 0;
      if (o === 'nuc') for (let j = 0; j < k; j++) acc += sv[b * k + j]!;
      else acc = o === 2 ? sv[b * k]! : sv[b * k + k - 1]!;
      out[b] = acc;
    }
  } else {
    for (let b = 0; b < outer; b++) out[b] = elementwiseMatrixNorm(re, im, b * inner, rows, cols, o, fn, A);
  }
  return new Tensor(out, outShape(A, dims, keepdim), rdt);
}

/** Interleaves split float64 data back into the storage of `dt` (a float dtype) for the SVD path. */
function rebuild(re: Float64Array, im: Float64Array | null, dt: DType): Float32Array | Float64Array {
  const fdt = floatDtypeOf(dt);
  const wide = fdt === 'float64' || fdt === 'complex128';
  const n = re.length;
  const out = wide ? new Float64Array(im ? 2 * n : n) : new Float32Array(im ? 2 * n : n);
  if (im) {
    for (let i = 0; i < n; i++) {
      out[2 * i] = re[i]!;
      out[2 * i + 1] = im[i]!;
    }
  } else out.set(re);
  return out;
}

function elementwiseMatrixNorm(re: Float64Array, im: Float64Array | null, base: number, rows: number, cols: number, o: MatrixNormOrd, fn: string, A: Tensor): number {
  if (o === 'fro') {
    let s = 0;
    for (let i = 0; i < rows * cols; i++) s += re[base + i]! ** 2 + (im ? im[base + i]! ** 2 : 0);
    return Math.sqrt(s);
  }
  if (rows * cols === 0) throw argError(fn, 'A', `non-empty matrices for ord ${String(o)}`, `shape [${A.shape.join(', ')}]`);
  const byCol = o === 1 || o === -1;
  const wantMax = o === 1 || o === Infinity;
  const nOuter = byCol ? cols : rows;
  let best = wantMax ? 0 : Infinity;
  for (let a = 0; a < nOuter; a++) {
    let s = 0;
    if (byCol) for (let i = 0; i < rows; i++) s += absAt(re, im, base + i * cols + a);
    else for (let j = 0; j < cols; j++) s += absAt(re, im, base + a * cols + j);
    if (s !== s) return NaN;
    best = wantMax ? Math.max(best, s) : Math.min(best, s);
  }
  return best;
}

/**
 * `torch.linalg.norm`: a matrix norm when `ord` is a string or `dim` is a pair (or A is 2-D with `ord` given),
 * else a vector norm (of the flattened tensor when neither `ord` nor `dim` is given: the 2-norm of all elements).
 *
 * @example
 * ```ts
 * norm(tensor([[3, 0], [0, 4]])).item();        // 5
 * norm(tensor([[3, 0], [0, 4]]), 2).item();     // 4 (spectral norm)
 * ```
 */
export function norm(A: Tensor, ord?: MatrixNormOrd, dim?: number | readonly number[], keepdim = false): Tensor {
  const fn = 'norm';
  if (!(A instanceof Tensor)) throw argError(fn, 'A', 'a Tensor', typeof A);
  if (typeof ord === 'string' || (Array.isArray(dim) && dim.length === 2)) {
    const d: [number, number] = dim === undefined ? [-2, -1] : Array.isArray(dim) ? [dim[0]!, dim[1]!] : [dim as number, dim as number];
    if (!Array.isArray(dim) && dim !== undefined) throw argError(fn, 'dim', 'a pair of dims for a matrix norm', dim);
    return matrixNorm(A, ord ?? 'fro', d, keepdim);
  }
  if (ord !== undefined && dim === undefined) {
    if (A.ndim === 2) return matrixNorm(A, ord, [-2, -1], keepdim);
    if (A.ndim !== 1) throw argError(fn, 'A', 'a 1-D or 2-D tensor when ord is given without dim', `shape [${A.shape.join(', ')}]`);
  }
  return vectorNorm(A, (ord as number | undefined) ?? 2, dim, keepdim);
}

/**
 * Condition number of every matrix in `[..., m, n]`: σ_max/σ_min for p = 2 (default; any shape), σ_min/σ_max for
 * p = −2, else ‖A‖_p·‖A⁻¹‖_p for square A ('fro', 'nuc', 1, −1, Infinity, −Infinity). Singular matrices give
 * Infinity (p = −2: 0). NaN/±Inf input throws, naming 'A'.
 *
 * @example
 * ```ts
 * cond(tensor([[2, 0], [0, 0.5]], { dtype: 'float64' })).item(); // 4
 * ```
 */
export function cond(A: Tensor, p?: MatrixNormOrd): Tensor {
  const fn = 'cond';
  const o = p === undefined ? 2 : checkMatrixOrd(fn, p);
  const Ab = matrixBatch(fn, 'A', A, { square: !(o === 2 || o === -2) });
  const { rows: m, cols: n, count, batchShape, dtype } = Ab;
  const rdt = realDtypeOf(dtype) as 'float32' | 'float64';
  const out = allocFloat(rdt, count);
  if (o === 2 || o === -2) {
    const k = Math.min(m, n);
    const sv = svdvals(batchTensor(Ab.data, dtype, batchShape, [m, n])).data;
    for (let b = 0; b < count; b++) {
      const s1 = k > 0 ? sv[b * k]! : 0, sk = k > 0 ? sv[b * k + k - 1]! : 0;
      out[b] = o === 2 ? (sk === 0 ? Infinity : s1 / sk) : s1 === 0 ? 0 : sk / s1;
    }
    return batchTensor(out, rdt, batchShape, []);
  }
  const cplx = Ab.complex;
  const xr = new Float64Array(n * n);
  const xi = cplx ? new Float64Array(n * n) : null;
  const ar = new Float64Array(n * n);
  const ai = cplx ? new Float64Array(n * n) : null;
  const perm = new Int32Array(n);
  for (let b = 0; b < count; b++) {
    const off = b * Ab.stride;
    for (let k = 0; k < n * n; k++) {
      const re = cplx ? Ab.data[off + 2 * k]! : Ab.data[off + k]!;
      const im = cplx ? Ab.data[off + 2 * k + 1]! : 0;
      if (!Number.isFinite(re) || !Number.isFinite(im)) throw batchError(fn, 'A', 'contains non-finite values (NaN or ±Inf)', batchShape, b);
      ar[k] = xr[k] = re;
      if (ai && xi) ai[k] = xi[k] = im;
    }
    if (n === 0) {
      out[b] = 0;
      continue;
    }
    if (!gaussJordanInverse(n, xr, xi, perm)) {
      out[b] = Infinity;
      continue;
    }
    out[b] = squareNorm(ar, ai, n, o) * squareNorm(xr, xi, n, o);
  }
  return batchTensor(out, rdt, batchShape, []);
}

/** A norm of one n×n row-major split matrix ('nuc' through the SVD). */
function squareNorm(re: Float64Array, im: Float64Array | null, n: number, o: MatrixNormOrd): number {
  if (o === 'nuc') {
    const data = rebuild(re, im, im ? 'complex128' : 'float64');
    const sv = svdvals(new Tensor(data, [n, n], im ? 'complex128' : 'float64')).data;
    let s = 0;
    for (let j = 0; j < n; j++) s += sv[j]!;
    return s;
  }
  return elementwiseMatrixNorm(re, im, 0, n, n, o, 'cond', new Tensor(new Float64Array(0), [0], 'float64'));
}

