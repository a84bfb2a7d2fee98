/**
 * Runs the per-matrix loop of a batched linalg op on the parallel backend (src/parallel/pool.ts), with results
 * and errors identical to the serial loop.
 *
 * A batch task is registered as a *factory*: given the task's arguments (typed arrays and scalars only, so that a
 * worker can receive them) it allocates that thread's scratch and returns a function that processes matrix `b`,
 * throwing on failure exactly as the serial code does. In parallel runs a thread that hits a failing matrix records
 * its index in a shared status array and stops its range; the caller then re-runs the lowest failing matrix on its
 * own thread, which throws the very error the serial loop would have thrown first (same message, same batch index).
 */
import { AdjointError } from '../errors.js';
import { allocShared, getParallelBackend, isShared } from '../parallel/pool.js';
import { getTask, registerTask, type TaskArg } from '../parallel/tasks.js';
import type { LinalgDtype, MatrixBatch } from './batch.js';
import { isComplex } from '../tensor/dtype.js';

/** Builds one thread's per-matrix runner from the task arguments. */
export type BatchRunnerFactory = (args: readonly TaskArg[]) => (b: number) => void;

const factories = new Map<string, BatchRunnerFactory>();

/**
 * Estimated flops below which a parallel split is not worth the hand-off (~0.1 ms of work per thread).
 */
const MIN_WORK_PER_THREAD = 2e5;

/**
 * Registers a batch task (in every thread: call at module load, and list the module in src/parallel/task-list.ts).
 * The last task argument is reserved for the status array added by {@link runBatch}.
 *
 * @example
 * ```ts
 * registerBatchTask('linalg.det', (args) => { const w = new Float64Array(9); return (b) => { ... }; });
 * ```
 */
export function registerBatchTask(name: string, factory: BatchRunnerFactory): void {
  factories.set(name, factory);
  registerTask(name, (args: readonly TaskArg[], start: number, end: number) => {
    const status = args[args.length - 1] as Int32Array;
    const own = args.slice(0, -1);
    const run = factory(own);
    for (let b = start; b < end; b++) {
      try {
        run(b);
      } catch {
        status[b] = 1;
        return; // later matrices of this range cannot matter: the lowest failing index is reported
      }
    }
  });
}

/**
 * Runs batch task `name` over matrices [0, count): split across threads when a backend is installed and the batch
 * is big enough (`flopsPerMatrix` estimates one matrix's work); otherwise, and always without a backend, the plain
 * serial loop runs. Errors are those of the serial loop.
 *
 * Helpers only see shared memory. Typed arrays outside it are handled without making the caller wait for full
 * copies: the calling thread works on the original arrays; for helpers, an input at a position in `perMatrix`
 * (data laid out matrix by matrix, `length / count` scalars each) is copied to shared memory only over the
 * helpers' matrices, other inputs (positions in `inputs`) in full, and every output (any other typed array, laid
 * out matrix by matrix) gets a shared twin whose helper part is copied back. Large outputs from `allocFloat` are
 * already shared, which avoids even that.
 *
 * @example
 * ```ts
 * runBatch('linalg.det', A.count, [...batchArgs(A), out], [], 8 * n * n * n, [0]);
 * ```
 */
export function runBatch(
  name: string,
  count: number,
  args: readonly TaskArg[],
  inputs: readonly number[],
  flopsPerMatrix: number,
  perMatrix: readonly number[] = [],
): void {
  const factory = factories.get(name);
  if (factory === undefined) throw new AdjointError(`linalg: no batch task registered as '${name}'`, 'task');
  const backend = getParallelBackend();
  const minPer = Math.max(1, Math.ceil(MIN_WORK_PER_THREAD / Math.max(1, flopsPerMatrix)));
  const threads = backend === null ? 1 : Math.min(1 + backend.helpers, Math.floor(count / minPer));
  if (backend === null || threads < 2 || typeof SharedArrayBuffer === 'undefined') {
    serial(factory, count, args);
    return;
  }
  const bounds: number[] = [];
  for (let t = 0; t <= threads; t++) bounds.push(Math.round((t * count) / threads));
  const lo = bounds[1]!; // helpers take matrices [lo, count)
  const mine = args.slice();
  const theirs = args.slice();
  const copyBack: Array<[number, number]> = []; // [arg position, first scalar to copy back]
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (typeof a !== 'object' || isShared(a)) continue;
    const linear = a.length % count === 0;
    const from = linear ? (a.length / count) * lo : 0;
    // Viewed as Float64Array for the copies only; the twin has a's own element type.
    const C = a.constructor as new (b: SharedArrayBuffer) => Float64Array;
    const twin = new C(new SharedArrayBuffer(a.byteLength));
    const src = a as Float64Array;
    const isInput = inputs.includes(i) || perMatrix.includes(i);
    if (isInput && !(perMatrix.includes(i) && linear)) {
      twin.set(src);
    } else if (isInput || linear) {
      twin.set(src.subarray(from), from);
      if (!isInput) copyBack.push([i, from]);
    } else {
      // An output not laid out per matrix: every thread writes the shared twin.
      twin.set(src);
      mine[i] = twin;
      copyBack.push([i, 0]);
    }
    theirs[i] = twin;
  }
  const status = allocShared(Int32Array, count);
  mine.push(status);
  theirs.push(status);
  const ranges: Array<readonly [number, number]> = [];
  for (let t = 1; t < threads; t++) ranges.push([bounds[t]!, bounds[t + 1]!]);
  const task = getTask(name);
  backend.runBlocking(name, theirs, ranges, () => task(mine, 0, lo));
  for (let b = 0; b < count; b++) {
    if (status[b] !== 0) {
      factory(args)(b); // throws the serial loop's error for matrix b
      throw new AdjointError(`${name}: matrix ${b} failed on a helper thread but not when recomputed`, 'A');
    }
  }
  for (const [i, from] of copyBack) {
    const dst = args[i] as Float64Array;
    dst.set((theirs[i] as Float64Array).subarray(from), from);
  }
}

function serial(factory: BatchRunnerFactory, count: number, args: readonly TaskArg[]): void {
  if (count === 0) return;
  const run = factory(args);
  for (let b = 0; b < count; b++) run(b);
}

/** Number of task arguments {@link batchArgs} produces. @example `BATCH_ARGS // 5` */
export const BATCH_ARGS = 5;

/**
 * A matrix batch as task arguments: `[data, dtype, rows, cols, batchShape joined by ',']`.
 * @example `runBatch(name, A.count, [...batchArgs(A), out], [], cost, [0])`
 */
export function batchArgs(A: MatrixBatch): TaskArg[] {
  return [A.data, A.dtype, A.rows, A.cols, A.batchShape.join(',')];
}

/**
 * Rebuilds the {@link MatrixBatch} that {@link batchArgs} encoded at `args[at …]`.
 * @example `const A = batchFromArgs(args, 0);`
 */
export function batchFromArgs(args: readonly TaskArg[], at: number): MatrixBatch {
  const data = args[at] as Float32Array | Float64Array;
  const dtype = args[at + 1] as LinalgDtype;
  const rows = args[at + 2] as number;
  const cols = args[at + 3] as number;
  const bs = args[at + 4] as string;
  const batchShape = bs === '' ? [] : bs.split(',').map(Number);
  const cplx = isComplex(dtype);
  const stride = rows * cols * (cplx ? 2 : 1);
  let count = 1;
  for (const s of batchShape) count *= s;
  return { batchShape, count, rows, cols, dtype, complex: cplx, stride, data };
}
