/**
 * Multi-threaded front end of the batched GEMM kernels (gemm.ts) on the parallel backend (src/parallel/pool.ts).
 *
 * The output C is cut into contiguous pieces that the threads compute independently: whole matrices of a batch,
 * or, for a few large products, panels of rows (or columns) of C. Each thread runs the ordinary serial kernel on
 * its piece with its own packing scratch (the kernel allocates it per call; with WebAssembly SIMD, each thread packs
 * into its own instance of the wasm micro-kernel, see gemm-wasm.ts). Every element of C is still summed
 * over the same k-blocks in the same order — the k-blocking does not depend on where a row/column panel starts —
 * so the result is bitwise identical to the serial call, whatever the number of threads.
 *
 * Small products (under {@link PARALLEL_GEMM_MIN_FLOPS}), calls without a backend, and calls made from inside
 * another parallel task run serially.
 */
import { AdjointError } from '../../errors.js';
import { allocShared, getParallelBackend, isShared, parallelFor, toShared } from '../../parallel/pool.js';
import { registerTask, type TaskArg } from '../../parallel/tasks.js';
import { gemmComplex, gemmReal, type FloatStorage, type GemmBatchRange, type GemmOp, type GemmOperand, type GemmShape } from './gemm.js';

/**
 * Flop count (2·m·n·k per real product, 8·m·n·k per complex one, times the batch) from which a GEMM is split
 * across threads: ~5 ms of serial work, far above the ~0.1 ms hand-off to a helper.
 */
export const PARALLEL_GEMM_MIN_FLOPS = 2e7;

const TASK = 'linalg.gemmRange';
// Rows/columns per work unit of a panel split: a multiple of both micro-tile sizes (4 real, 2 complex), and 8
// doubles = one cache line, so neighbouring threads rarely write into the same line of a row-major C.
const PANEL_UNIT = 8;
// A non-shared operand is copied to shared memory only when the copy (per element) is cheap next to the product.
const COPY_FLOPS_PER_ELEMENT = 64;

const enum Split {
  Batch = 0,
  Rows = 1,
  Cols = 2,
}

const OPS: readonly GemmOp[] = ['N', 'T', 'C'];
// Fixed header of the shared metadata array; the batch shape and the three batch-stride lists follow it.
const HEADER = 22;

function encode(complex: boolean, split: Split, shape: GemmShape, A: GemmOperand<unknown>, B: GemmOperand<unknown>, C: GemmOperand<unknown>): Float64Array {
  const nb = shape.batchShape.length;
  const meta = allocShared(Float64Array, HEADER + 4 * nb);
  const al = shape.alpha ?? 1;
  const be = shape.beta ?? 0;
  meta.set([
    complex ? 1 : 0, split, shape.m, shape.n, shape.k, OPS.indexOf(shape.opA ?? 'N'), OPS.indexOf(shape.opB ?? 'N'),
    typeof al === 'number' ? al : al[0], typeof al === 'number' ? 0 : al[1],
    typeof be === 'number' ? be : be[0], typeof be === 'number' ? 0 : be[1],
    nb, A.offset, A.rowStride, A.colStride, B.offset, B.rowStride, B.colStride, C.offset, C.rowStride, C.colStride, PANEL_UNIT,
  ]);
  meta.set(shape.batchShape, HEADER);
  meta.set(A.batchStrides, HEADER + nb);
  meta.set(B.batchStrides, HEADER + 2 * nb);
  meta.set(C.batchStrides, HEADER + 3 * nb);
  return meta;
}

/** Runs work units [start, end) of the split described by `meta` on the calling thread. */
function runRange(meta: Float64Array, a: FloatStorage, b: FloatStorage, c: FloatStorage, start: number, end: number): void {
  const complex = meta[0] === 1;
  const split = meta[1] as Split;
  // Sizes, offsets and strides are read back with `| 0`: integers that come out of a Float64Array are doubles to
  // V8, and doubles reaching the kernel's index arithmetic make every index computation floating point.
  const nb = meta[11]! | 0;
  const list = (i: number): number[] => Array.from(meta.subarray(HEADER + i * nb, HEADER + (i + 1) * nb), (v) => v | 0);
  const shape: GemmShape = {
    m: meta[2]! | 0,
    n: meta[3]! | 0,
    k: meta[4]! | 0,
    batchShape: list(0),
    opA: OPS[meta[5]!]!,
    opB: OPS[meta[6]!]!,
    alpha: [meta[7]!, meta[8]!],
    beta: [meta[9]!, meta[10]!],
  };
  if (!complex) {
    shape.alpha = meta[7]!;
    shape.beta = meta[9]!;
  }
  const A: GemmOperand<FloatStorage> = { data: a, offset: meta[12]! | 0, rowStride: meta[13]! | 0, colStride: meta[14]! | 0, batchStrides: list(1) };
  const B: GemmOperand<FloatStorage> = { data: b, offset: meta[15]! | 0, rowStride: meta[16]! | 0, colStride: meta[17]! | 0, batchStrides: list(2) };
  const C: GemmOperand<FloatStorage> = { data: c, offset: meta[18]! | 0, rowStride: meta[19]! | 0, colStride: meta[20]! | 0, batchStrides: list(3) };
  const unit = meta[21]! | 0;
  let range: GemmBatchRange = { start: 0, end: Infinity };
  if (split === Split.Batch) {
    range = { start, end };
  } else if (split === Split.Rows) {
    // Rows [r0, r1) of op(A) and of C.
    const r0 = start * unit;
    const r1 = Math.min(end * unit, shape.m);
    if (r1 <= r0) return;
    A.offset += r0 * (shape.opA === 'N' ? A.rowStride : A.colStride);
    C.offset += r0 * C.rowStride;
    shape.m = r1 - r0;
  } else {
    // Columns [c0, c1) of op(B) and of C.
    const c0 = start * unit;
    const c1 = Math.min(end * unit, shape.n);
    if (c1 <= c0) return;
    B.offset += c0 * (shape.opB === 'N' ? B.colStride : B.rowStride);
    C.offset += c0 * C.colStride;
    shape.n = c1 - c0;
  }
  if (complex) gemmComplex(shape, A, B, C, range);
  else gemmReal(shape, A, B, C, range);
}

registerTask(TASK, (args: readonly TaskArg[], start: number, end: number) => {
  runRange(args[0] as Float64Array, args[1] as FloatStorage, args[2] as FloatStorage, args[3] as FloatStorage, start, end);
});

/** How the work is cut: by matrices when the batch divides well over the threads, else by panels of C. */
function chooseSplit(m: number, n: number, count: number, threads: number): [Split, number] {
  if (count >= 4 * threads || (count >= threads && count % threads === 0)) return [Split.Batch, count];
  const rowUnits = Math.ceil(m / PANEL_UNIT);
  const colUnits = Math.ceil(n / PANEL_UNIT);
  return rowUnits >= colUnits ? [Split.Rows, rowUnits] : [Split.Cols, colUnits];
}

function gemmMaybeParallel(
  complex: boolean,
  shape: GemmShape,
  A: GemmOperand<FloatStorage>,
  B: GemmOperand<FloatStorage>,
  C: GemmOperand<FloatStorage>,
): void {
  const serial = (): void => (complex ? gemmComplex(shape, A, B, C) : gemmReal(shape, A, B, C));
  const backend = getParallelBackend();
  if (backend === null || backend.helpers < 1) return serial();
  const { m, n, k, batchShape } = shape;
  const nb = batchShape.length;
  // Malformed calls go to the serial kernel, which reports them.
  if (A.batchStrides.length !== nb || B.batchStrides.length !== nb || C.batchStrides.length !== nb) return serial();
  let count = 1;
  for (const d of batchShape) count *= d;
  const flops = (complex ? 8 : 2) * m * n * k * count;
  if (!(flops >= PARALLEL_GEMM_MIN_FLOPS)) return serial();
  const threads = 1 + backend.helpers;
  const [split, units] = chooseSplit(m, n, count, threads);
  if (units < 2) return serial();
  const affordable = (x: FloatStorage): boolean => isShared(x) || x.length * COPY_FLOPS_PER_ELEMENT <= flops;
  if (!affordable(A.data) || !affordable(B.data) || !affordable(C.data)) return serial();
  const a = toShared(A.data);
  const b = B.data === A.data ? a : toShared(B.data);
  const c = toShared(C.data);
  if (!isShared(a) || !isShared(b) || !isShared(c)) return serial();
  const meta = encode(complex, split, shape, A, B, C);
  try {
    parallelFor(TASK, units, [meta, a, b, c]);
  } catch (e) {
    // Called from inside another parallel task (e.g. a batched linalg op on the calling thread): the backend
    // refuses nested splits before any work starts, so the serial kernel computes the product instead.
    if (e instanceof AdjointError && /nested parallelFor/.test(e.message)) return serial();
    throw e;
  }
  if (c !== C.data) C.data.set(c);
}

/**
 * {@link gemmReal}, split across the threads of the installed parallel backend when the product is large
 * (≥ {@link PARALLEL_GEMM_MIN_FLOPS}); the result is bitwise identical to `gemmReal`. Operands outside shared
 * memory are copied there first when the copy is cheap next to the product, else the call runs serially.
 *
 * @example
 * ```ts
 * const op = (data: Float64Array, ld: number) => ({ data, offset: 0, rowStride: ld, colStride: 1, batchStrides: [] });
 * gemmRealParallel({ m: 512, n: 512, k: 512, batchShape: [] }, op(a, 512), op(b, 512), op(c, 512));
 * ```
 */
export function gemmRealParallel(shape: GemmShape, A: GemmOperand<FloatStorage>, B: GemmOperand<FloatStorage>, C: GemmOperand<FloatStorage>): void {
  gemmMaybeParallel(false, shape, A, B, C);
}

/**
 * {@link gemmComplex} (interleaved complex storage), split across threads like {@link gemmRealParallel};
 * bitwise identical to the serial kernel.
 *
 * @example
 * ```ts
 * const op = (data: Float64Array) => ({ data, offset: 0, rowStride: 256, colStride: 1, batchStrides: [] });
 * gemmComplexParallel({ m: 256, n: 256, k: 256, batchShape: [] }, op(a), op(b), op(c)); // a, b, c: 2·256² scalars
 * ```
 */
export function gemmComplexParallel(shape: GemmShape, A: GemmOperand<FloatStorage>, B: GemmOperand<FloatStorage>, C: GemmOperand<FloatStorage>): void {
  gemmMaybeParallel(true, shape, A, B, C);
}
