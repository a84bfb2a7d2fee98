/**
 * The parallel tasks of the circular pseudo-inverse, registered by name so that worker threads (which import
 * this module through src/parallel/task-list.ts) can run them: block evaluation, the fused factorisation pass
 * (blocks + certified inverses), the application, the assembly of V·diag(w)·Uᴴ, the two Gram passes (gram-truncated.ts) and
 * the two halves of their lag sums (gram-lags.ts) (the batched SVDs are split by linalg itself).
 */
import { registerTask, type TaskArg } from '../../parallel/tasks.js';
import { applyBlocks, assembleRange, blockSpectrum, factorRange } from './circular-kernels.js';
import { gramCountRange, gramLagTridiagRange, gramPinvRange, gramTridiagRange, pairedAdjointSums } from './gram-truncated.js';
import { lagColumns, lagProducts } from './gram-lags.js';

registerTask('convPinvBlocks', (args: readonly TaskArg[], start: number, end: number) => {
  blockSpectrum(args[0] as Float64Array, args[1] as Float64Array, args[2] as Float64Array, args[3] as Float64Array, start, end);
});

registerTask('convPinvAssemble', (args: readonly TaskArg[], start: number, end: number) => {
  assembleRange(args[0] as number, args[1] as number, args[2] as Int32Array, args[3] as Float64Array, args[4] as Float64Array, args[5] as Float64Array, args[6] as Float64Array, args[7] as number, start, end);
});

registerTask('convPinvApply', (args: readonly TaskArg[], start: number, end: number) => {
  applyBlocks(args[0] as Float64Array, args[1] as Float64Array, args[2] as Float64Array, args[3] as Float64Array, args[4] as number, start, end, args[5] as Float64Array | undefined, args[6] as Float64Array | undefined, args[7] as Float64Array | undefined, args[8] as Float64Array | undefined, args[9] as Uint8Array | undefined);
});

registerTask('convPinvFactor', (args: readonly TaskArg[], start: number, end: number) => {
  factorRange(
    args[0] as Float64Array,
    args[1] as Float64Array,
    args[2] as Float64Array,
    args[3] as Float64Array,
    args[4] as Uint8Array,
    args[5] as Float64Array,
    args[6] as Float64Array,
    args[7] as boolean,
    args[8] as number,
    start,
    end,
  );
});

registerTask('convPinvGramTridiag', (args: readonly TaskArg[], start: number, end: number) => {
  gramTridiagRange(args[0] as number, args[1] as Float64Array, args[2] as Float64Array, args[3] as Float64Array, start, end, args[4] as Float64Array | undefined, args[5] as Float64Array | undefined);
});

registerTask('convPinvGramCount', (args: readonly TaskArg[], start: number, end: number) => {
  gramCountRange(args[0] as number, args[1] as Float64Array, args[2] as number, args[3] as Int32Array, start, end);
});

registerTask('convPinvGramSolve', (args: readonly TaskArg[], start: number, end: number) => {
  gramPinvRange(
    args[0] as number,
    args[1] as Float64Array,
    args[2] as Float64Array,
    args[3] as Float64Array,
    args[4] as Float64Array,
    args[5] as Int32Array,
    args[6] as Float64Array,
    args[7] as Float64Array,
    args[8] as Uint8Array,
    start,
    end,
    args[9] as Float64Array | undefined,
    args[10] as Float64Array | undefined,
  );
});

registerTask('convPinvGramLagTridiag', (args: readonly TaskArg[], start: number, end: number) => {
  gramLagTridiagRange(args[0] as Float64Array, args[1] as Float64Array, args[2] as Float64Array, args[3] as Float64Array, args[4] as Float64Array, start, end);
});

registerTask('convPinvLagProducts', (args: readonly TaskArg[], start: number, end: number) => {
  lagProducts(args[0] as Float64Array, args[1] as Float64Array, args[2] as Float64Array, start, end);
});

registerTask('convPinvLagColumns', (args: readonly TaskArg[], start: number, end: number) => {
  lagColumns(args[0] as Float64Array, args[1] as Float64Array, args[2] as Float64Array, start, end);
});

registerTask('convPinvPairedAdjoint', (args: readonly TaskArg[], start: number, end: number) => {
  pairedAdjointSums(args[0] as Float64Array, args[1] as Float64Array, args[2] as Float64Array, start, end);
});
