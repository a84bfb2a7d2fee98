/** A helper thread of the library's Web Worker parallel backend (src/parallel/web-backend.ts). */
import { runWebHelper } from '../src/index.js';

runWebHelper();
