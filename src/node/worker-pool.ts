/**
 * The Node.js parallel backend: worker_threads helpers that run named tasks on SharedArrayBuffer memory, through
 * the protocol of src/parallel/shared-pool.ts. The caller blocks with Atomics.wait (allowed on Node's main
 * thread) so that the public API stays synchronous.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AdjointError } from '../errors.js';
import { setParallelBackend } from '../parallel/pool.js';
import { createControlBlock, SharedMemoryPool } from '../parallel/shared-pool.js';
import { getTask } from '../parallel/tasks.js';

interface NodePool {
  pool: SharedMemoryPool;
  workers: Worker[];
  ready: Promise<void>;
}

function startPool(helpers: number): NodePool {
  const block = createControlBlock(helpers);
  // Run the worker from the same kind of file as this module (.ts under tsx, .js from dist).
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`./worker-entry${ext}`, import.meta.url);
  const workers: Worker[] = [];
  for (let i = 0; i < helpers; i++) {
    const workerData = { block, id: i + 1 };
    // From TypeScript sources (tests, benches under tsx), Node 20 does not carry tsx's loader hooks into
    // workers, so a tiny bootstrap registers tsx in the worker before importing the entry.
    const w =
      ext === '.ts'
        ? new Worker(
            `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
            { eval: true, workerData },
          )
        : new Worker(url, { workerData });
    w.unref();
    workers.push(w);
  }
  const ready = Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
    ),
  ).then(() => undefined);
  // Nobody may be awaiting `ready`; a start-up failure then only means the caller keeps doing all the work.
  ready.catch(() => undefined);
  return { pool: new SharedMemoryPool(workers, block, getTask), workers, ready };
}

let installed: NodePool | null = null;

/**
 * Starts the worker pool and installs it as the parallel backend. The number of threads is `ADJOINT_THREADS`
 * when that variable is set (0 or 1 disables parallelism), else the number of available cores (at most 8).
 * Idempotent.
 *
 * @example
 * ```ts
 * installNodeBackend();
 * ```
 */
export function installNodeBackend(threads?: number): void {
  if (installed !== null) return;
  const env = typeof process !== 'undefined' ? process.env['ADJOINT_THREADS'] : undefined;
  const total = threads ?? (env !== undefined && env !== '' ? Number(env) : Math.min(8, availableParallelism()));
  if (!Number.isInteger(total) || total < 0) throw new AdjointError(`installNodeBackend: ADJOINT_THREADS must be a non-negative integer, got ${env}`, 'threads');
  if (total < 2) return;
  installed = startPool(total - 1);
  setParallelBackend(installed.pool);
}

/**
 * Resolves when the installed pool's helpers all take jobs (at once when there is no pool). Calls made before
 * that still work: the caller does the share of a helper that is not ready yet.
 *
 * @example
 * ```ts
 * installNodeBackend(); await nodeBackendReady();
 * ```
 */
export function nodeBackendReady(): Promise<void> {
  return installed === null ? Promise.resolve() : installed.ready;
}

/** Stops the workers and returns to single-threaded execution. @example `await uninstallNodeBackend();` */
export async function uninstallNodeBackend(): Promise<void> {
  const p = installed;
  installed = null;
  setParallelBackend(null);
  if (p !== null) await Promise.all(p.workers.map((w) => w.terminate()));
}
