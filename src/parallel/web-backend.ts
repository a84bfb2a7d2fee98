/**
 * The browser parallel backend: nested dedicated Web Workers run the library's tasks by name on
 * SharedArrayBuffer memory, through the same protocol as the Node pool (src/parallel/shared-pool.ts).
 *
 * Browsers allow this only off the main thread (Atomics.wait throws there) and only in a cross-origin isolated
 * context (SharedArrayBuffer needs COOP/COEP headers). Elsewhere {@link webParallelObstacle} says why and
 * everything runs on the calling thread, with identical results.
 */
import { setParallelBackend } from './pool.js';
import { createControlBlock, markHelperReady, runHelperJob, SharedMemoryPool, type ControlBlock, type HelperJob } from './shared-pool.js';
import { getTask } from './tasks.js';
import './task-list.js';

/** Messages from the pool to a helper. */
export type WebHelperMessage = { type: 'init'; block: ControlBlock; id: number } | ({ type: 'job' } & HelperJob);

/**
 * Why this context cannot run the Web Worker backend, or null when it can.
 * @example `webParallelObstacle() // 'not cross-origin isolated (SharedArrayBuffer unavailable)'`
 */
export function webParallelObstacle(): string | null {
  const g = globalThis as { document?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (g.document !== undefined) return 'on the main thread (Atomics.wait is not allowed there)';
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated !== true) return 'not cross-origin isolated (SharedArrayBuffer unavailable)';
  if (typeof g.Worker !== 'function') return 'no nested Web Workers in this browser';
  return null;
}

/**
 * Installs a pool of `hardwareConcurrency − 1` helper Web Workers (at most 7) running `helperUrl`, a module
 * whose only job is to call {@link runWebHelper}. Returns the pool, or the reason there is none.
 *
 * @example
 * ```ts
 * // in a dedicated worker of a cross-origin isolated page:
 * const r = installWebBackend(new URL('./helper.js', import.meta.url));
 * ```
 */
export function installWebBackend(helperUrl: URL | string): { pool: SharedMemoryPool } | { reason: string } {
  const why = webParallelObstacle();
  if (why !== null) return { reason: why };
  const cores = typeof navigator !== 'undefined' && Number.isInteger(navigator.hardwareConcurrency) ? navigator.hardwareConcurrency : 1;
  const helpers = Math.min(7, cores - 1);
  if (helpers < 1) return { reason: `only ${cores} core` };
  const block = createControlBlock(helpers);
  const workers: Worker[] = [];
  for (let i = 0; i < helpers; i++) {
    const w = new Worker(helperUrl, { type: 'module' });
    const init: WebHelperMessage = { type: 'init', block, id: i + 1 };
    w.postMessage(init);
    workers.push(w);
  }
  const pool = new SharedMemoryPool(workers, block, getTask, (job): WebHelperMessage => ({ type: 'job', ...job }), 'a Web Worker');
  setParallelBackend(pool);
  return { pool };
}

/**
 * The body of a helper Web Worker: answers the pool's messages. Call it once at the top of the helper module.
 * @example `runWebHelper(); // helper.ts`
 */
export function runWebHelper(): void {
  const scope = globalThis as unknown as { onmessage: ((ev: MessageEvent<WebHelperMessage>) => void) | null };
  let block: ControlBlock | null = null;
  scope.onmessage = (ev) => {
    const m = ev.data;
    if (m.type === 'init') {
      block = m.block;
      markHelperReady(block, m.id);
      return;
    }
    runHelperJob(block!, getTask, m);
  };
}
