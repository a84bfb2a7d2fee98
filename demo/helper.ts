/**
 * A helper thread of the Web Worker parallel backend (web-backend.ts): runs the library's registered tasks by
 * name on shared memory and signals completion through the control block, exactly like src/node/worker-entry.ts.
 */
import * as aj from '../src/index.js';
import type { HelperMessage, ParallelHooks } from './web-backend.js';

interface HelperScope {
  onmessage: ((ev: MessageEvent<HelperMessage>) => void) | null;
}
const scope = self as unknown as HelperScope;
const hooks = aj as unknown as Partial<ParallelHooks>;
let control: Int32Array | null = null;
let errorText: Uint8Array | null = null;

scope.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'init') {
    if (typeof hooks.getParallelTask !== 'function') return; // never ready: the caller keeps all the work
    control = m.control;
    errorText = m.errorText;
    Atomics.store(control, 3 + m.id - 1, 1);
    return;
  }
  const c = control!;
  try {
    hooks.getParallelTask!(m.task)(m.args, m.start, m.end);
  } catch (e) {
    if (Atomics.compareExchange(c, 1, 0, 1) === 0) {
      const bytes = new TextEncoder().encode(e instanceof Error ? e.message : String(e));
      const n = Math.min(bytes.length, errorText!.length);
      errorText!.set(bytes.subarray(0, n));
      Atomics.store(c, 2, n);
    }
  } finally {
    Atomics.add(c, 0, 1);
    Atomics.notify(c, 0);
  }
};
