/**
 * The Node.js entry point of adjoint: everything in the browser-safe entry, plus file I/O (`io`) and a
 * worker_threads pool so that batched kernels use every core. `import * as aj from 'adjoint'` resolves here
 * under Node (package.json `exports` condition "node").
 *
 * @example
 * ```ts
 * import * as aj from 'adjoint';
 * const x = aj.io.loadNpy('x.npy');
 * ```
 * @packageDocumentation
 */
import { installNodeBackend } from './worker-pool.js';
export * from '../index.js';
/** File and `.npz` I/O, on top of the browser entry's `readNpy`/`writeNpy` (a local export shadows the star export). */
export * as io from '../io/index.js';
export { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from './worker-pool.js';

installNodeBackend();
