/**
 * Spectral linear algebra on batches of real or complex matrices `[..., m, n]`: `eigh`, `eigvalsh`, `svd`,
 * `svdvals`, `pinv`, `lstsq`, `matrixRank`. PyTorch (`torch.linalg`) semantics and cut-offs.
 *
 * Algorithms: the SVD behind `svd`, `svdvals`, `pinv`, `lstsq`, `matrixRank` (and the spectral norms) is
 * Golub–Kahan–Reinsch: Householder bidiagonalisation + implicit-shift QR, singular values accurate to ~ε·σ_1 as with
 * LAPACK's drivers that PyTorch calls. Square, well-conditioned `pinv` takes a certified Gauss–Jordan shortcut (see
 * {@link pinv}). `eigh`/`eigvalsh` use Householder tridiagonalisation + implicit QL. (One-sided Jacobi was tried
 * first for its relative accuracy and measured ~5× slower than this on 32×32 complex input, so it was dropped.)
 * The SVD's stages run on WebAssembly SIMD kernels where available: {@link GkrWork} keeps its scratch in their
 * per-thread memory (kernels/svd-wasm.ts), else the plain-JS kernels run on ordinary arrays.
 *
 * All arithmetic is float64 (float32/complex64 inputs are widened per matrix and rounded once on output), so the
 * float32 results are as accurate as float32 storage allows. Every matrix is scaled by its largest |entry| first,
 * so squares of entries cannot overflow.
 *
 * Input containing NaN or ±Inf throws an {@link AdjointError} naming the argument and batch index (as PyTorch's
 * LAPACK path does), rather than returning partly meaningless factors. Every iteration is bounded: a singular value
 * that has not converged after {@link MAX_QR_ITER} QR steps or an eigenvalue after {@link MAX_QL_ITER} QL iterations
 * throws an `AdjointError` too (never observed on finite input; it is there so nothing can hang).
 *
 * Rank decisions (`pinv`, `matrixRank`, `lstsq`) keep singular values σ_i > max(atol, rtol·σ_1) exactly as PyTorch
 * does; singular values within rounding of that cut-off may fall either way in any two implementations.
 *
 * Batches are split across threads when a parallel backend is installed (src/linalg/batch-parallel.ts): every
 * matrix is computed by the same code either way, so results are bit-identical to the serial loop, and so are the
 * errors (the lowest failing batch index is reported).
 */
import { argError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { allocFloat, batchError, batchTensor, broadcastBatch, checkMatrixTensor, linalgDtype, matrixBatch, realLinalgDtype, type FloatStorage, type LinalgDtype, type MatrixBatch } from './batch.js';
import { gaussJordanInverse, outerSum } from './kernels/pinv.js';
import { applyLeft, applyRight, bidiagonalQR, bidiagonalize } from './kernels/bidiagonal-svd.js';
import { svdArena } from './kernels/svd-wasm.js';
import { applyReflectors, tridiagonalQL, tridiagonalize } from './kernels/tridiagonal-eigh.js';
import { BATCH_ARGS, batchArgs, batchFromArgs, registerBatchTask, runBatch } from './batch-parallel.js';
import { allocShared } from '../parallel/pool.js';
import type { TaskArg } from '../parallel/tasks.js';

/** Most implicit QL iterations per eigenvalue before `eigh` reports non-convergence. @example `MAX_QL_ITER // 60` */
export const MAX_QL_ITER = 60;
/** Most implicit QR steps per singular value before the SVD reports non-convergence. @example `MAX_QR_ITER // 75` */
export const MAX_QR_ITER = 75;

/** Machine epsilon of a linalg dtype (of its real part). */
function epsOfLinalg(dt: LinalgDtype): number {
  return dt === 'float32' || dt === 'complex64' ? 2 ** -23 : 2 ** -52;
}

// ---------------------------------------------------------------------------------------------------------------
// Per-matrix loading: finiteness check + scale, into split float64 scratch.

/** Largest |entry| of matrix `b` (elements `off … off+count`) or throws for NaN/±Inf. */
function maxAbsChecked(fn: string, arg: string, A: MatrixBatch, b: number): number {
  const d = A.data;
  const start = b * A.stride;
  const end = start + A.stride;
  let mx = 0;
  for (let i = start; i < end; i++) {
    const v = Math.abs(d[i]!);
    if (v > mx) mx = v;
    else if (v !== v) mx = NaN;
  }
  if (!Number.isFinite(mx)) throw batchError(fn, arg, 'contains non-finite values (NaN or ±Inf)', A.batchShape, b);
  return mx;
}

/**
 * Loads matrix `b` of `A`, scaled by 1/s, into `gr/gi` column-major as the M×N work matrix (A itself when m ≥ n,
 * else Aᴴ) and returns s = max |a_ij| (1 for a zero matrix). Throws for non-finite input.
 */
function loadWork(fn: string, arg: string, A: MatrixBatch, b: number, gr: Float64Array, gi: Float64Array | null, transposed: boolean): number {
  const s = maxAbsChecked(fn, arg, A, b);
  const inv = s > 0 ? 1 / s : 1;
  const m = A.rows, n = A.cols;
  const d = A.data;
  const off = b * A.stride;
  if (!transposed) {
    // g[j*m + i] = A[i, j]
    if (gi) {
      for (let i = 0; i < m; i++) {
        const R = off + 2 * i * n;
        for (let j = 0; j < n; j++) {
          gr[j * m + i] = d[R + 2 * j]! * inv;
          gi[j * m + i] = d[R + 2 * j + 1]! * inv;
        }
      }
    } else {
      for (let i = 0; i < m; i++) {
        const R = off + i * n;
        for (let j = 0; j < n; j++) gr[j * m + i] = d[R + j]! * inv;
      }
    }
  } else {
    // Aᴴ (n×m): column i is conj(row i of A), contiguous.
    if (gi) {
      for (let i = 0; i < m; i++) {
        const R = off + 2 * i * n;
        for (let j = 0; j < n; j++) {
          gr[i * n + j] = d[R + 2 * j]! * inv;
          gi[i * n + j] = -d[R + 2 * j + 1]! * inv;
        }
      }
    } else {
      for (let i = 0; i < m; i++) {
        const R = off + i * n;
        for (let j = 0; j < n; j++) gr[i * n + j] = d[R + j]! * inv;
      }
    }
  }
  return s;
}

/**
 * Scratch for one Golub–Kahan–Reinsch SVD (M×N work matrix, M ≥ N), reused across the batch. Where the SIMD
 * kernels are available the arrays live in their per-thread WebAssembly memory (svd-wasm.ts), re-bound by
 * {@link GkrWork.bind} before each matrix; the results are then valid until the next SVD on the thread.
 */
class GkrWork {
  readonly M: number;
  readonly N: number;
  readonly transposed: boolean;
  readonly cplx: boolean;
  gr!: Float64Array;
  gi!: Float64Array | null;
  d!: Float64Array;
  e!: Float64Array;
  tq!: Float64Array;
  tp!: Float64Array;
  w!: Float64Array;
  ub!: Float64Array;
  vb!: Float64Array;
  /** Rotation records of one QR sweep (4N). */
  rw!: Float64Array;
  /** Long-side singular vectors Q·U_B: M × uCols. */
  xr!: Float64Array;
  xi!: Float64Array | null;
  /** Short-side singular vectors P·V_B: N × N. */
  yr!: Float64Array;
  yi!: Float64Array | null;
  private readonly lengths: number[];
  private views: Float64Array[] | null = null;
  constructor(m: number, n: number, cplx: boolean, uCols: number, vectors: boolean) {
    this.transposed = m < n;
    this.cplx = cplx;
    const M = (this.M = Math.max(m, n));
    const N = (this.N = Math.min(m, n));
    const vs = vectors ? 1 : 0;
    const c = cplx ? 1 : 0;
    // gr gi d e tq tp w rw ub vb xr xi yr yi
    this.lengths = [M * N, M * N * c, N, N, 2 * N, 2 * N, 2 * M + 2, 4 * N, N * N * vs, N * N * vs, M * uCols * vs, M * uCols * vs * c, N * N * vs, N * N * vs * c];
    this.views = svdArena(this, this.lengths, null);
    this.assign(this.views ?? this.lengths.map((l) => new Float64Array(l)));
  }

  /** Points the fields at this thread's SIMD arena (no-op when already there), or keeps ordinary arrays. */
  bind(): void {
    const v = svdArena(this, this.lengths, this.views);
    if (v === this.views) return;
    if (v) this.assign(v);
    else if (this.views) this.assign(this.lengths.map((l) => new Float64Array(l)));
    this.views = v;
  }

  private assign(a: Float64Array[]): void {
    const c = this.cplx;
    [this.gr, , this.d, this.e, this.tq, this.tp, this.w, this.rw, this.ub, this.vb, this.xr, , this.yr] = a as [Float64Array, ...Float64Array[]];
    this.gi = c ? a[1]! : null;
    this.xi = c ? a[11]! : null;
    this.yi = c ? a[13]! : null;
  }
}

/**
 * Golub–Kahan–Reinsch SVD of matrix `b`: returns s with σ_j = s·w.d[j] (descending); with `uCols > 0` also
 * w.x = long-side vectors (M × uCols, column-major) and w.y = short-side vectors (N × N).
 */
function gkrOne(fn: string, arg: string, A: MatrixBatch, b: number, w: GkrWork, uCols: number): number {
  w.bind();
  const s = loadWork(fn, arg, A, b, w.gr, w.gi, w.transposed);
  const { M, N, gr, gi } = w;
  bidiagonalize(M, N, gr, gi, w.d, w.e, w.tq, w.tp, w.w);
  const vectors = uCols > 0;
  if (!bidiagonalQR(N, w.d, w.e, vectors ? w.ub : null, vectors ? w.vb : null, MAX_QR_ITER, w.rw)) {
    throw batchError(fn, arg, `did not converge in ${MAX_QR_ITER} QR steps per singular value`, A.batchShape, b);
  }
  if (vectors) {
    const { xr, xi, yr, yi, ub, vb } = w;
    xr.fill(0, 0, M * uCols);
    if (xi) xi.fill(0, 0, M * uCols);
    for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) xr[j * M + i] = ub[j * N + i]!;
    for (let j = N; j < uCols; j++) xr[j * M + j] = 1;
    yr.set(vb);
    if (yi) yi.fill(0);
    applyRight(M, N, gr, gi, w.tp, yr, yi, w.w);
    applyLeft(M, N, uCols, gr, gi, w.tq, xr, xi);
  }
  return s;
}

/** Writes the row-major rows×cols split matrix X·scale into `out` (dtype storage) at element offset `e`. */
function writeRowMajor(out: FloatStorage, e: number, rows: number, cols: number, xr: Float64Array, xi: Float64Array | null, cplx: boolean, scale: number): void {
  const len = rows * cols;
  if (cplx) {
    const o = 2 * e;
    for (let k = 0; k < len; k++) {
      out[o + 2 * k] = xr[k]! * scale;
      out[o + 2 * k + 1] = xi ? xi[k]! * scale : 0;
    }
  } else {
    for (let k = 0; k < len; k++) out[e + k] = xr[k]! * scale;
  }
}

/** Parses the `{ fullMatrices }`-style boolean options. */
function boolOption(fn: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw argError(fn, name, 'a boolean', v);
  return v;
}

function tolOption(fn: string, name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v >= 0)) throw argError(fn, name, 'a non-negative number', v);
  return v;
}

/** PyTorch's tolerance rule: neither given → rtol = max(m, n)·ε; only atol given → rtol = 0. */
function resolveTols(fn: string, opts: { atol?: number; rtol?: number }, m: number, n: number, dt: LinalgDtype): { atol: number; rtol: number } {
  const atol = tolOption(fn, 'atol', opts.atol);
  const rtol = tolOption(fn, 'rtol', opts.rtol);
  const defaultRtol = atol === undefined || atol === 0 ? Math.max(m, n) * epsOfLinalg(dt) : 0;
  return { atol: atol ?? 0, rtol: rtol ?? defaultRtol };
}

// ---------------------------------------------------------------------------------------------------------------
// SVD

/** Result of {@link svd}: A = U · diag(S) · Vh. @example `const { U, S, Vh } = svd(A);` */
export interface SvdResult {
  /** Left singular vectors, `[..., m, m]` (or `[..., m, k]` with `fullMatrices: false`), dtype of A. */
  U: Tensor;
  /** Singular values, `[..., k]` with k = min(m, n), real, descending. */
  S: Tensor;
  /** Conjugate-transposed right singular vectors, `[..., n, n]` (or `[..., k, n]`), dtype of A. */
  Vh: Tensor;
}

/** Options of {@link svd}. @example `svd(A, { fullMatrices: false })` */
export interface SvdOptions {
  /** Full square U and Vh (default true, as in PyTorch) or the reduced k-column forms. */
  fullMatrices?: boolean;
}

/**
 * Singular value decomposition A = U·diag(S)·Vh of every matrix in `[..., m, n]` (Golub–Kahan–Reinsch; singular
 * values accurate to ~ε·σ_1). Singular vectors of repeated singular values are any orthonormal basis, as in every
 * SVD; each vector pair is determined up to a common unit (phase) factor.
 *
 * @example
 * ```ts
 * const { U, S, Vh } = svd(randn([4, 3], { seed: 0, dtype: 'float64' }), { fullMatrices: false });
 * S.shape; // [3]
 * ```
 */
export function svd(A: Tensor, options: SvdOptions = {}): SvdResult {
  const fn = 'svd';
  const full = boolOption(fn, 'fullMatrices', options.fullMatrices, true);
  const Ab = matrixBatch(fn, 'A', A);
  const { rows: m, cols: n, count, dtype, complex: cplx, batchShape } = Ab;
  const k = Math.min(m, n);
  const rdt = realLinalgDtype(dtype);
  const uCols = full ? m : k;
  const vRows = full ? n : k;
  const S = allocFloat(rdt, count * k);
  const U = allocFloat(dtype, count * m * uCols);
  const Vh = allocFloat(dtype, count * vRows * n);
  runBatch(SVD_TASK, count, [...batchArgs(Ab), U, S, Vh, full], [], svdCost(m, n, cplx, true), [0]);
  return {
    U: batchTensor(U, dtype, batchShape, [m, uCols]),
    S: batchTensor(S, rdt, batchShape, [k]),
    Vh: batchTensor(Vh, dtype, batchShape, [vRows, n]),
  };
}

const SVD_TASK = 'linalg.svd';
/** args: [...batchArgs(A), U, S, Vh, fullMatrices] */
registerBatchTask(SVD_TASK, (args: readonly TaskArg[]) => {
  const Ab = batchFromArgs(args, 0);
  const U = args[BATCH_ARGS] as FloatStorage;
  const S = args[BATCH_ARGS + 1] as FloatStorage;
  const Vh = args[BATCH_ARGS + 2] as FloatStorage;
  const full = args[BATCH_ARGS + 3] as boolean;
  const { rows: m, cols: n, complex: cplx } = Ab;
  const k = Math.min(m, n);
  const uCols = full ? m : k;
  const vRows = full ? n : k;
  const gCols = full ? Math.max(m, n) : k;
  const w = new GkrWork(m, n, cplx, Math.max(gCols, 1), true);
  const sp = cplx ? 2 : 1;
  return (b: number) => {
    if (k === 0) {
      // Empty: U and Vh are identities of their size.
      for (let i = 0; i < Math.min(m, uCols); i++) U[(b * m * uCols + i * uCols + i) * sp] = 1;
      for (let i = 0; i < Math.min(vRows, n); i++) Vh[(b * vRows * n + i * n + i) * sp] = 1;
      return;
    }
    const s = gkrOne('svd', 'A', Ab, b, w, gCols);
    for (let j = 0; j < k; j++) S[b * k + j] = w.d[j]! * s;
    if (!w.transposed) {
      // U = X (m × uCols); Vh[j, i] = conj(Y[i, j]).
      writeColMajorAsRowMajor(U, b * m * uCols, m, uCols, w.xr, w.xi, cplx, false);
      writeColMajorAsRowMajor(Vh, b * vRows * n, n, vRows, w.yr, w.yi, cplx, true);
    } else {
      // A = Y·Σ·Xᴴ: U = Y (m×m), Vh = Xᴴ (X is n × vRows).
      writeColMajorAsRowMajor(U, b * m * uCols, m, uCols, w.yr, w.yi, cplx, false);
      writeColMajorAsRowMajor(Vh, b * vRows * n, n, vRows, w.xr, w.xi, cplx, true);
    }
  };
});

/** Rough flop count of one SVD, for the parallel split decision. */
function svdCost(m: number, n: number, cplx: boolean, vectors: boolean): number {
  const k = Math.min(m, n);
  return (vectors ? 12 : 4) * Math.max(m, n) * k * k * (cplx ? 4 : 1);
}

/**
 * Writes the first `cols` columns of a column-major (leading dimension `rows`) split matrix X into `out` at element
 * offset `e`: as X (rows×cols, row-major) when `conjTranspose` is false, else as Xᴴ (cols×rows, row-major).
 */
function writeColMajorAsRowMajor(out: FloatStorage, e: number, rows: number, cols: number, xr: Float64Array, xi: Float64Array | null, cplx: boolean, conjTranspose: boolean): void {
  if (!conjTranspose) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const o = e + i * cols + j;
        if (cplx) {
          out[2 * o] = xr[j * rows + i]!;
          out[2 * o + 1] = xi ? xi[j * rows + i]! : 0;
        } else out[o] = xr[j * rows + i]!;
      }
    }
  } else {
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < rows; i++) {
        const o = e + j * rows + i;
        if (cplx) {
          out[2 * o] = xr[j * rows + i]!;
          out[2 * o + 1] = xi ? -xi[j * rows + i]! : 0;
        } else out[o] = xr[j * rows + i]!;
      }
    }
  }
}

/** Singular values of every matrix of the batch, `[count × min(m, n)]`, descending. */
function singularValues(fn: string, arg: string, Ab: MatrixBatch): Float64Array {
  const { rows: m, cols: n, count, complex: cplx } = Ab;
  const k = Math.min(m, n);
  const out = allocFloat('float64', count * k) as Float64Array;
  if (k === 0) return out;
  runBatch(SVDVALS_TASK, count, [...batchArgs(Ab), out, fn, arg], [], svdCost(m, n, cplx, false), [0]);
  return out;
}

const SVDVALS_TASK = 'linalg.svdvals';
/** args: [...batchArgs(A), out (Float64, count × k), fn, arg] */
registerBatchTask(SVDVALS_TASK, (args: readonly TaskArg[]) => {
  const Ab = batchFromArgs(args, 0);
  const out = args[BATCH_ARGS] as Float64Array;
  const fn = args[BATCH_ARGS + 1] as string;
  const arg = args[BATCH_ARGS + 2] as string;
  const k = Math.min(Ab.rows, Ab.cols);
  const w = new GkrWork(Ab.rows, Ab.cols, Ab.complex, 0, false);
  return (b: number) => {
    const s = gkrOne(fn, arg, Ab, b, w, 0);
    for (let j = 0; j < k; j++) out[b * k + j] = w.d[j]! * s;
  };
});

/**
 * Singular values of every matrix in `[..., m, n]`, descending, as a real `[..., min(m, n)]` tensor.
 *
 * @example
 * ```ts
 * svdvals(tensor([[3, 0], [0, -4]], { dtype: 'float64' })).toArray(); // [4, 3]
 * ```
 */
export function svdvals(A: Tensor): Tensor {
  const Ab = matrixBatch('svdvals', 'A', A);
  const rdt = realLinalgDtype(Ab.dtype);
  const sv = singularValues('svdvals', 'A', Ab);
  const out = allocFloat(rdt, sv.length);
  out.set(sv);
  return batchTensor(out, rdt, Ab.batchShape, [Math.min(Ab.rows, Ab.cols)]);
}

// ---------------------------------------------------------------------------------------------------------------
// Hermitian eigendecomposition

/** Which triangle of a Hermitian matrix is read: `'L'` (lower, the default, as in PyTorch) or `'U'`. @example `eigh(A, 'U')` */
export type Uplo = 'L' | 'U';

/** Result of {@link eigh}: A = V · diag(eigenvalues) · Vᴴ. @example `const { eigenvalues, eigenvectors } = eigh(A);` */
export interface EighResult {
  /** Eigenvalues, `[..., n]`, real, ascending. */
  eigenvalues: Tensor;
  /** Orthonormal eigenvectors as columns, `[..., n, n]`, dtype of A. */
  eigenvectors: Tensor;
}

class EighWork {
  readonly ar: Float64Array;
  readonly ai: Float64Array | null;
  readonly d: Float64Array;
  readonly e: Float64Array;
  readonly taur: Float64Array;
  readonly taui: Float64Array;
  readonly w: Float64Array;
  readonly z: Float64Array;
  readonly xr: Float64Array;
  readonly xi: Float64Array | null;
  constructor(n: number, cplx: boolean, vectors: boolean) {
    this.ar = new Float64Array(n * n);
    this.ai = cplx ? new Float64Array(n * n) : null;
    this.d = new Float64Array(n);
    this.e = new Float64Array(n);
    this.taur = new Float64Array(n);
    this.taui = new Float64Array(n);
    this.w = new Float64Array(2 * n);
    this.z = new Float64Array(vectors ? n * n : 0);
    this.xr = new Float64Array(vectors ? n * n : 0);
    this.xi = cplx && vectors ? new Float64Array(n * n) : null;
  }
}

function checkUplo(fn: string, uplo: unknown): Uplo {
  if (uplo === undefined) return 'L';
  if (uplo !== 'L' && uplo !== 'U') throw argError(fn, 'uplo', "'L' or 'U'", uplo);
  return uplo;
}

/**
 * Eigen-decomposes matrix `b` of `Ab` (n×n, Hermitian part read from `uplo`). On return `w.d` holds the ascending
 * eigenvalues divided by the returned scale s, and (when `vectors`) `w.xr/xi` the eigenvectors column-major.
 */
function eighOne(fn: string, Ab: MatrixBatch, b: number, uplo: Uplo, w: EighWork, vectors: boolean): number {
  const n = Ab.rows;
  const d = Ab.data;
  const cplx = Ab.complex;
  const off = b * Ab.stride;
  const { ar, ai } = w;
  // Only the chosen triangle is read (and checked), as in LAPACK.
  let s = 0;
  for (let i = 0; i < n; i++) {
    const j0 = uplo === 'L' ? 0 : i;
    const j1 = uplo === 'L' ? i + 1 : n;
    for (let j = j0; j < j1; j++) {
      const p = off + (i * n + j) * (cplx ? 2 : 1);
      const re = d[p]!;
      const im = cplx && i !== j ? d[p + 1]! : 0;
      const v = Math.max(Math.abs(re), Math.abs(im));
      if (!(v <= s)) {
        if (!Number.isFinite(v)) throw batchError(fn, 'A', 'contains non-finite values (NaN or ±Inf)', Ab.batchShape, b);
        s = v;
      }
      // Lower column-major storage: A_rc with r ≥ c at c*n + r.
      if (uplo === 'L') {
        ar[j * n + i] = re;
        if (ai) ai[j * n + i] = im;
      } else {
        ar[i * n + j] = re;
        if (ai) ai[i * n + j] = -im;
      }
    }
  }
  const inv = s > 0 ? 1 / s : 1;
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      ar[j * n + i] = ar[j * n + i]! * inv;
      if (ai) ai[j * n + i] = ai[j * n + i]! * inv;
    }
  }
  tridiagonalize(n, ar, ai, w.d, w.e, w.taur, w.taui, w.w);
  if (!tridiagonalQL(n, w.d, w.e, vectors ? w.z : null, MAX_QL_ITER, w.w)) {
    throw batchError(fn, 'A', `eigenvalues did not converge in ${MAX_QL_ITER} QL iterations each`, Ab.batchShape, b);
  }
  if (vectors) {
    w.xr.set(w.z);
    if (w.xi) w.xi.fill(0);
    applyReflectors(n, ar, ai, w.taur, w.taui, w.xr, w.xi);
  }
  return s;
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of every Hermitian (real symmetric) matrix in `[..., n, n]`.
 * Only the triangle named by `uplo` is read (default `'L'`, as in PyTorch); the imaginary part of the diagonal is
 * ignored. Householder tridiagonalisation + implicit-shift QL.
 *
 * @example
 * ```ts
 * const { eigenvalues, eigenvectors } = eigh(tensor([[2, 1], [1, 2]], { dtype: 'float64' }));
 * eigenvalues.toArray(); // [1, 3]
 * ```
 */
export function eigh(A: Tensor, uplo: Uplo = 'L'): EighResult {
  const fn = 'eigh';
  const up = checkUplo(fn, uplo);
  const Ab = matrixBatch(fn, 'A', A, { square: true });
  const { rows: n, count, dtype, complex: cplx, batchShape } = Ab;
  const rdt = realLinalgDtype(dtype);
  const vals = allocFloat(rdt, count * n);
  const vecs = allocFloat(dtype, count * n * n);
  runBatch(EIGH_TASK, count, [...batchArgs(Ab), vals, vecs, up, fn], [], eighCost(n, cplx, true), [0]);
  return { eigenvalues: batchTensor(vals, rdt, batchShape, [n]), eigenvectors: batchTensor(vecs, dtype, batchShape, [n, n]) };
}

/**
 * Eigenvalues (ascending, real) of every Hermitian matrix in `[..., n, n]`, reading the `uplo` triangle.
 *
 * @example
 * ```ts
 * eigvalsh(tensor([[2, 1], [1, 2]], { dtype: 'float64' })).toArray(); // [1, 3]
 * ```
 */
export function eigvalsh(A: Tensor, uplo: Uplo = 'L'): Tensor {
  const fn = 'eigvalsh';
  const up = checkUplo(fn, uplo);
  const Ab = matrixBatch(fn, 'A', A, { square: true });
  const { rows: n, count, dtype, batchShape } = Ab;
  const rdt = realLinalgDtype(dtype);
  const vals = allocFloat(rdt, count * n);
  runBatch(EIGH_TASK, count, [...batchArgs(Ab), vals, 0, up, fn], [], eighCost(n, Ab.complex, false), [0]);
  return batchTensor(vals, rdt, batchShape, [n]);
}

const EIGH_TASK = 'linalg.eigh';
/** args: [...batchArgs(A), vals, vecs (or 0 for eigenvalues only), uplo, fn] */
registerBatchTask(EIGH_TASK, (args: readonly TaskArg[]) => {
  const Ab = batchFromArgs(args, 0);
  const vals = args[BATCH_ARGS] as FloatStorage;
  const vecs = args[BATCH_ARGS + 1];
  const up = args[BATCH_ARGS + 2] as Uplo;
  const fn = args[BATCH_ARGS + 3] as string;
  const n = Ab.rows;
  const vectors = typeof vecs === 'object';
  const w = new EighWork(n, Ab.complex, vectors);
  return (b: number) => {
    const s = eighOne(fn, Ab, b, up, w, vectors);
    for (let j = 0; j < n; j++) vals[b * n + j] = w.d[j]! * s;
    if (vectors) writeColMajorAsRowMajor(vecs as FloatStorage, b * n * n, n, n, w.xr, w.xi, Ab.complex, false);
  };
});

/** Rough flop count of one Hermitian eigendecomposition, for the parallel split decision. */
function eighCost(n: number, cplx: boolean, vectors: boolean): number {
  return (vectors ? 9 : 2) * n * n * n * (cplx ? 4 : 1);
}

// ---------------------------------------------------------------------------------------------------------------
// pinv, matrixRank, lstsq

/** Tolerances of {@link pinv} and {@link matrixRank} (PyTorch's `atol`, `rtol`, `hermitian`). @example `pinv(A, { rtol: 1e-10 })` */
export interface RankOptions {
  /** Absolute cut-off: singular values ≤ atol are dropped (default 0). */
  atol?: number;
  /**
   * Relative cut-off: singular values ≤ rtol·σ_max are dropped. Default max(m, n)·ε of the dtype when `atol` is
   * not given (or is 0), else 0 — PyTorch's rule.
   */
  rtol?: number;
  /** A is Hermitian (only its lower triangle is read): eigenvalues replace singular values (default false). */
  hermitian?: boolean;
}

/**
 * Condition bound above which the square fast path of `pinv` is not trusted: the Gauss–Jordan inverse then has a
 * forward error of order κ·ε ≤ 1e6·ε, like the SVD-based formula itself.
 */
const FAST_KAPPA_MAX = 1e6;
/** Margin between the certified lower bound on σ_min and the cut-off before the fast path may decide "full rank". */
const FAST_MARGIN = 4;

/**
 * Moore–Penrose pseudo-inverse of every matrix in `[..., m, n]` → `[..., n, m]`, keeping singular values
 * σ_i > max(atol, rtol·σ_1) per matrix (PyTorch's rule and defaults).
 *
 * Square matrices first try a certified shortcut: a Gauss–Jordan inverse X, accepted only when the bound
 * σ_min ≥ 1/‖X‖_F exceeds 4× the largest possible cut-off max(atol, rtol·‖A‖_F) and ‖A‖_F·‖X‖_F ≤ 1e6 — then every
 * singular value is provably kept and pinv(A) = A⁻¹ to rounding. Otherwise the SVD decides.
 *
 * @example
 * ```ts
 * pinv(tensor([[1, 2], [2, 4]], { dtype: 'float64' })).toArray(); // [[0.04, 0.08], [0.08, 0.16]]
 * ```
 */
export function pinv(A: Tensor, options: RankOptions = {}): Tensor {
  const fn = 'pinv';
  const hermitian = boolOption(fn, 'hermitian', options.hermitian, false);
  const Ab = matrixBatch(fn, 'A', A, { square: hermitian });
  const { rows: m, cols: n, count, dtype, complex: cplx, batchShape } = Ab;
  const { atol, rtol } = resolveTols(fn, options, m, n, dtype);
  const out = allocFloat(dtype, count * n * m);
  if (m === 0 || n === 0) return batchTensor(out, dtype, batchShape, [n, m]);
  // Cost estimate: the square fast path (~2n³) when it applies, else the SVD.
  const cost = hermitian ? eighCost(n, cplx, true) : m === n ? 2 * n * n * n * (cplx ? 4 : 1) : svdCost(m, n, cplx, true);
  runBatch(PINV_TASK, count, [...batchArgs(Ab), out, atol, rtol, hermitian], [], cost, [0]);
  return batchTensor(out, dtype, batchShape, [n, m]);
}

const PINV_TASK = 'linalg.pinv';
/** args: [...batchArgs(A), out, atol, rtol, hermitian] */
registerBatchTask(PINV_TASK, (args: readonly TaskArg[]) => {
  const fn = 'pinv';
  const Ab = batchFromArgs(args, 0);
  const out = args[BATCH_ARGS] as FloatStorage;
  const atol = args[BATCH_ARGS + 1] as number;
  const rtol = args[BATCH_ARGS + 2] as number;
  const hermitian = args[BATCH_ARGS + 3] as boolean;
  const { rows: m, cols: n, complex: cplx } = Ab;
  const xr = new Float64Array(n * m);
  const xi = cplx ? new Float64Array(n * m) : null;
  const wts = new Float64Array(Math.min(m, n));
  if (hermitian) {
    const w = new EighWork(n, cplx, true);
    return (b: number) => {
      const s = eighOne(fn, Ab, b, 'L', w, true);
      pinvFromEigh(n, w, s, atol, rtol, xr, xi);
      writeRowMajor(out, b * n * m, n, m, xr, xi, cplx, 1);
    };
  }
  const k = Math.min(m, n);
  let w: GkrWork | null = null; // only built when some matrix needs the SVD
  const perm = new Int32Array(n);
  return (b: number) => {
    if (m === n && fastInverse(fn, Ab, b, xr, xi, perm, atol, rtol, out, b * n * m)) return;
    w ??= new GkrWork(m, n, cplx, k, true);
    const s = gkrOne(fn, 'A', Ab, b, w, k);
    const r = keptCount(w.d, s, atol, rtol, wts);
    assemblePinv(m, n, r, w, xr, xi, wts);
    writeRowMajor(out, b * n * m, n, m, xr, xi, cplx, s > 0 ? 1 / s : 0);
  };
});

/**
 * The square fast path of {@link pinv}: inverts matrix `b` (scaled by 1/s, row-major in xr/xi) and, while writing
 * the result to `out` at element offset `e`, checks its certificate (see {@link pinv}). Returns true when `out` holds
 * pinv(A); false when the SVD must decide (then `out` may hold garbage, which the SVD path overwrites). Throws for
 * non-finite input, as the SVD path would.
 */
function fastInverse(fn: string, Ab: MatrixBatch, b: number, xr: Float64Array, xi: Float64Array | null, perm: Int32Array, atol: number, rtol: number, out: FloatStorage, e: number): boolean {
  const n = Ab.rows;
  const d = Ab.data;
  const off = b * Ab.stride;
  const nn = n * n;
  // One pass over the (large, uncached) input: copy it and find max |entry|; the scaling pass then stays in cache.
  let mx = 0;
  if (xi) {
    for (let k = 0; k < nn; k++) {
      const re = d[off + 2 * k]!, im = d[off + 2 * k + 1]!;
      xr[k] = re;
      xi[k] = im;
      const v = Math.max(Math.abs(re), Math.abs(im));
      if (v > mx) mx = v;
      else if (v !== v) mx = NaN;
    }
  } else {
    for (let k = 0; k < nn; k++) {
      const re = d[off + k]!;
      xr[k] = re;
      const v = Math.abs(re);
      if (v > mx) mx = v;
      else if (v !== v) mx = NaN;
    }
  }
  if (!Number.isFinite(mx)) throw batchError(fn, 'A', 'contains non-finite values (NaN or ±Inf)', Ab.batchShape, b);
  if (mx === 0) return false;
  const inv = 1 / mx;
  let fa = 0;
  for (let k = 0; k < nn; k++) {
    const re = xr[k]! * inv;
    xr[k] = re;
    fa += re * re;
  }
  if (xi) {
    for (let k = 0; k < nn; k++) {
      const im = xi[k]! * inv;
      xi[k] = im;
      fa += im * im;
    }
  }
  fa = Math.sqrt(fa);
  const cutBound = Math.max(atol * inv, rtol * fa);
  // Exit early once a pivot u_kk shows that the certificate below must fail (rank-deficient batches then lose
  // little time here): with A = PᵀLU, |l_ij| ≤ 1, σ_min ≤ ‖L‖₂·σ_min(U) ≤ n·|u_kk| and σ_1 ≥ ‖A‖_F/√n, so
  // ‖A‖_F·‖X‖_F ≥ σ_1/σ_min ≥ fa/(n^1.5·|u_kk|) and 1/‖X‖_F ≤ σ_min ≤ n·|u_kk|. Halved against rounding.
  const minPivot = 0.5 * Math.max(fa / (FAST_KAPPA_MAX * n * Math.sqrt(n)), (FAST_MARGIN * cutBound) / n);
  if (!gaussJordanInverse(n, xr, xi, perm, minPivot)) return false;
  // Write A⁻¹ = X/s and accumulate ‖X‖_F in the same pass.
  let fx = 0;
  if (xi) {
    const o = 2 * e;
    for (let k = 0; k < nn; k++) {
      const re = xr[k]!, im = xi[k]!;
      fx += re * re + im * im;
      out[o + 2 * k] = re * inv;
      out[o + 2 * k + 1] = im * inv;
    }
  } else {
    for (let k = 0; k < nn; k++) {
      const re = xr[k]!;
      fx += re * re;
      out[e + k] = re * inv;
    }
  }
  fx = Math.sqrt(fx);
  // σ_min ≥ 1/‖A⁻¹‖_F and σ_1 ≤ ‖A‖_F: all singular values certainly exceed the cut-off.
  return fa * fx <= FAST_KAPPA_MAX && 1 / fx > FAST_MARGIN * cutBound;
}

/** Number of singular values σ_j = s·d[j] (descending) above the cut-off; fills wts[j] = 1/d[j] for those. */
function keptCount(d: Float64Array, s: number, atol: number, rtol: number, wts: Float64Array): number {
  const k = d.length;
  if (k === 0 || s === 0) return 0;
  const cut = Math.max(atol, rtol * d[0]! * s);
  let r = 0;
  while (r < k && d[r]! * s > cut && d[r]! > 0) {
    wts[r] = 1 / d[r]!;
    r++;
  }
  return r;
}

/**
 * pinv of the scaled work matrix into xr/xi (n×m row-major) from the SVD in `w`: with the work matrix X·Σ·Yᴴ
 * (X = w.x, Y = w.y), pinv(A) = Y·Σ⁺·Xᴴ for m ≥ n, and X·Σ⁺·Yᴴ when the work matrix was Aᴴ.
 */
function assemblePinv(m: number, n: number, r: number, w: GkrWork, xr: Float64Array, xi: Float64Array | null, wts: Float64Array): void {
  if (!w.transposed) outerSum(n, m, r, w.yr, w.yi, n, w.xr, w.xi, m, wts, xr, xi);
  else outerSum(n, m, r, w.xr, w.xi, n, w.yr, w.yi, m, wts, xr, xi);
}

/** pinv from an eigendecomposition (scaled by s): X = Σ_{|λ| > cut} v·(1/λ)·vᴴ, into xr/xi (n×n row-major). */
function pinvFromEigh(n: number, w: EighWork, s: number, atol: number, rtol: number, xr: Float64Array, xi: Float64Array | null): void {
  const d = w.d;
  let mx = 0;
  for (let j = 0; j < n; j++) mx = Math.max(mx, Math.abs(d[j]!) * s);
  const cut = Math.max(atol, rtol * mx);
  xr.fill(0, 0, n * n);
  if (xi) xi.fill(0, 0, n * n);
  for (let j = 0; j < n; j++) {
    const lam = d[j]! * s;
    if (!(Math.abs(lam) > cut) || lam === 0) continue;
    const wgt = 1 / lam;
    const J = j * n;
    for (let i = 0; i < n; i++) {
      const ar = w.xr[J + i]! * wgt, ai = w.xi ? w.xi[J + i]! * wgt : 0;
      const I = i * n;
      for (let l = 0; l < n; l++) {
        const br = w.xr[J + l]!, bi = w.xi ? w.xi[J + l]! : 0;
        xr[I + l] = xr[I + l]! + (ar * br + ai * bi);
        if (xi) xi[I + l] = xi[I + l]! + (ai * br - ar * bi);
      }
    }
  }
}

/**
 * Numerical rank of every matrix in `[..., m, n]`: the number of singular values σ_i > max(atol, rtol·σ_1)
 * (eigenvalue moduli when `hermitian`), as an int32 tensor `[...]`. PyTorch's defaults.
 *
 * @example
 * ```ts
 * matrixRank(tensor([[1, 2], [2, 4]], { dtype: 'float64' })).item(); // 1
 * ```
 */
export function matrixRank(A: Tensor, options: RankOptions = {}): Tensor {
  const fn = 'matrixRank';
  const hermitian = boolOption(fn, 'hermitian', options.hermitian, false);
  const Ab = matrixBatch(fn, 'A', A, { square: hermitian });
  const { rows: m, cols: n, count, batchShape } = Ab;
  const { atol, rtol } = resolveTols(fn, options, m, n, Ab.dtype);
  const out = new Int32Array(count);
  const k = Math.min(m, n);
  if (k === 0) return new Tensor(out, batchShape.slice(), 'int32');
  if (hermitian) {
    const vals = allocFloat('float64', count * n) as Float64Array;
    runBatch(EIGH_TASK, count, [...batchArgs(Ab), vals, 0, 'L', fn], [], eighCost(n, Ab.complex, false), [0]);
    for (let b = 0; b < count; b++) {
      let mx = 0;
      for (let j = 0; j < n; j++) mx = Math.max(mx, Math.abs(vals[b * n + j]!));
      const cut = Math.max(atol, rtol * mx);
      let r = 0;
      for (let j = 0; j < n; j++) if (Math.abs(vals[b * n + j]!) > cut) r++;
      out[b] = r;
    }
  } else {
    const sv = singularValues(fn, 'A', Ab);
    for (let b = 0; b < count; b++) {
      const cut = Math.max(atol, rtol * sv[b * k]!);
      let r = 0;
      while (r < k && sv[b * k + r]! > cut) r++;
      out[b] = r;
    }
  }
  return new Tensor(out, batchShape.slice(), 'int32');
}

/** Result of {@link lstsq}. @example `const { solution, rank } = lstsq(A, B);` */
export interface LstsqResult {
  /** Minimum-norm least-squares solution X of A·X ≈ B, `[..., n, k]` (or `[..., n]` for a vector B). */
  solution: Tensor;
  /**
   * Squared residual norms ‖A·x_j − b_j‖² per column, `[..., k]`; empty (shape [0]) unless m > n and every
   * matrix has full rank n (PyTorch/NumPy rule).
   */
  residuals: Tensor;
  /** Effective rank of every matrix, int32 `[...]`. */
  rank: Tensor;
  /** Singular values of A, `[..., min(m, n)]`, descending, real. */
  singularValues: Tensor;
}

/** Options of {@link lstsq}. @example `lstsq(A, B, { rcond: 1e-12 })` */
export interface LstsqOptions {
  /** Singular values ≤ rcond·σ_1 count as zero; default max(m, n)·ε of the dtype. */
  rcond?: number;
}

/**
 * Minimum-norm least-squares solution of A·X = B for every matrix pair (batch dims broadcast), via the SVD:
 * X = pinv(A)·B with the cut-off σ > rcond·σ_1 (the `gelsd` driver's semantics, valid for rank-deficient A).
 * `B` is `[..., m, k]`, or a vector `[m]` (then the solution is `[..., n]`).
 *
 * @example
 * ```ts
 * const A = tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' });
 * lstsq(A, tensor([[1], [2], [3]], { dtype: 'float64' })).solution.toArray(); // [[1], [2]]
 * ```
 */
export function lstsq(A: Tensor, B: Tensor, options: LstsqOptions = {}): LstsqResult {
  const fn = 'lstsq';
  checkMatrixTensor(fn, 'A', A, false);
  if (!(B instanceof Tensor)) throw argError(fn, 'B', 'a Tensor', typeof B);
  const vector = B.ndim === 1;
  const Bm = vector ? Tensor.fromStorage(B.storage, [B.shape[0]!, 1], B.dtype, [B.strides[0]!, 1], B.offset) : B;
  checkMatrixTensor(fn, 'B', Bm, false);
  const dtype = linalgDtype(A.dtype, B.dtype);
  const Ab = matrixBatch(fn, 'A', A, { dtype });
  const Bb = matrixBatch(fn, 'B', Bm, { dtype });
  const { rows: m, cols: n, complex: cplx } = Ab;
  if (Bb.rows !== m) throw argError(fn, 'B', `a tensor of shape [..., ${m}, k] (rows matching A)`, `shape [${B.shape.join(', ')}]`);
  const kk = Bb.cols;
  const rcond = tolOption(fn, 'rcond', options.rcond) ?? Math.max(m, n) * epsOfLinalg(dtype);
  const bb = broadcastBatch(fn, Ab.batchShape, Bb.batchShape, ['A', 'B']);
  const count = bb.count;
  const kmin = Math.min(m, n);
  const rdt = realLinalgDtype(dtype);
  const sol = allocFloat(dtype, count * n * kk);
  const svals = allocFloat(rdt, count * kmin);
  const ranks = allocShared(Int32Array, count);
  const res = allocShared(Float64Array, count * kk);
  runBatch(LSTSQ_TASK, count, [...batchArgs(Ab), ...batchArgs(Bb), bb.indexA, bb.indexB, sol, svals, ranks, res, rcond], [0, BATCH_ARGS, 2 * BATCH_ARGS, 2 * BATCH_ARGS + 1], svdCost(m, n, cplx, true));
  let allFull = m > n;
  for (let b = 0; b < count; b++) if (ranks[b]! < n) allFull = false;
  const batchShape = bb.batchShape;
  let residuals: Tensor;
  if (allFull && count > 0) {
    const rs = allocFloat(rdt, count * kk);
    rs.set(res);
    residuals = batchTensor(rs, rdt, batchShape, vector ? [] : [kk]);
  } else {
    residuals = new Tensor(allocFloat(rdt, 0), [0], rdt);
  }
  return {
    solution: batchTensor(sol, dtype, batchShape, vector ? [n] : [n, kk]),
    residuals,
    rank: new Tensor(ranks, batchShape.slice(), 'int32'),
    singularValues: batchTensor(svals, rdt, batchShape, [kmin]),
  };
}

const LSTSQ_TASK = 'linalg.lstsq';
/** args: [...batchArgs(A), ...batchArgs(B), indexA, indexB, sol, svals, ranks, res, rcond] */
registerBatchTask(LSTSQ_TASK, (args: readonly TaskArg[]) => {
  const fn = 'lstsq';
  const Ab = batchFromArgs(args, 0);
  const Bb = batchFromArgs(args, BATCH_ARGS);
  const o = 2 * BATCH_ARGS;
  const indexA = args[o] as Int32Array;
  const indexB = args[o + 1] as Int32Array;
  const sol = args[o + 2] as FloatStorage;
  const svals = args[o + 3] as FloatStorage;
  const ranks = args[o + 4] as Int32Array;
  const res = args[o + 5] as Float64Array;
  const rcond = args[o + 6] as number;
  const { rows: m, cols: n, complex: cplx } = Ab;
  const kk = Bb.cols;
  const kmin = Math.min(m, n);
  const w = new GkrWork(m, n, cplx, Math.max(kmin, 1), true);
  const pr = new Float64Array(n * m);
  const pi = cplx ? new Float64Array(n * m) : null;
  const wts = new Float64Array(kmin);
  const sp = cplx ? 2 : 1;
  return (b: number) => {
    const ia = indexA[b]!, ib = indexB[b]!;
    let s = 0;
    let r = 0;
    if (kmin > 0) {
      s = gkrOne(fn, 'A', Ab, ia, w, kmin);
      for (let j = 0; j < kmin; j++) svals[b * kmin + j] = w.d[j]! * s;
      r = keptCount(w.d, s, 0, rcond, wts);
      assemblePinv(m, n, r, w, pr, pi, wts);
    } else {
      pr.fill(0);
      if (pi) pi.fill(0);
    }
    ranks[b] = r;
    const inv = s > 0 ? 1 / s : 0;
    // X = P·B, P = pinv(A) (n×m, row-major, scaled by s).
    const bd = Bb.data;
    const bo = ib * Bb.stride;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < kk; c++) {
        let xr = 0, xi = 0;
        for (let l = 0; l < m; l++) {
          const ar = pr[i * m + l]!, ai = pi ? pi[i * m + l]! : 0;
          const br = bd[bo + (l * kk + c) * sp]!, bi = cplx ? bd[bo + (l * kk + c) * sp + 1]! : 0;
          xr += ar * br - ai * bi;
          xi += ar * bi + ai * br;
        }
        const o = (b * n * kk + i * kk + c) * sp;
        sol[o] = xr * inv;
        if (cplx) sol[o + 1] = xi * inv;
      }
    }
    if (m > n) {
      // Residuals ‖A·x − b‖² per column, in float64 from the unrounded data.
      const ad = Ab.data;
      const ao = ia * Ab.stride;
      for (let c = 0; c < kk; c++) {
        let acc = 0;
        for (let l = 0; l < m; l++) {
          let rr = -bd[bo + (l * kk + c) * sp]!, ri = cplx ? -bd[bo + (l * kk + c) * sp + 1]! : 0;
          for (let j = 0; j < n; j++) {
            const ar = ad[ao + (l * n + j) * sp]!, ai = cplx ? ad[ao + (l * n + j) * sp + 1]! : 0;
            const o = (b * n * kk + j * kk + c) * sp;
            const xr = sol[o]!, xi = cplx ? sol[o + 1]! : 0;
            rr += ar * xr - ai * xi;
            ri += ar * xi + ai * xr;
          }
          acc += rr * rr + ri * ri;
        }
        res[b * kk + c] = acc;
      }
    }
  };
});
