/**
 * The demo's Web Worker: receives a {@link DeconvJob}, runs it on the library (deconv.ts) and posts the result
 * back, so that the page never freezes while the FFTs, SVDs and Krylov iterations run. Where the browser allows
 * it (cross-origin isolated, nested workers), the library's batched kernels also spread over helper workers.
 */
import { installWebBackend } from '../src/index.js';
import { runDeconv } from './deconv.js';
import type { DeconvJob, WorkerMessage } from './protocol.js';

// The DOM lib types `self` as a Window; in a dedicated worker it is a DedicatedWorkerGlobalScope.
interface WorkerScope {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<DeconvJob>) => void) | null;
}
const scope = self as unknown as WorkerScope;

const backend = installWebBackend(new URL('./helper.js', import.meta.url));
const parallel = 'pool' in backend ? `Web Worker helpers: ${backend.pool.helpers}` : `single-threaded worker (${backend.reason})`;

scope.onmessage = (ev) => {
  const job = ev.data;
  try {
    const result = runDeconv(job, (stage) => scope.postMessage({ type: 'stage', id: job.id, stage }));
    result.threads = 1 + ('pool' in backend ? backend.pool.readyHelpers() : 0);
    const transfer: Transferable[] = [result.kernel.buffer, result.y.buffer, result.singular.values.buffer, ...result.recs.map((r) => r.data.buffer)];
    scope.postMessage({ type: 'result', result }, transfer);
  } catch (e) {
    scope.postMessage({ type: 'error', id: job.id, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};
scope.postMessage({ type: 'ready', parallel });
