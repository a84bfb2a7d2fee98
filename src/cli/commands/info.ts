/**
 * `adjoint info FILE` — shape, dtype and summary statistics of the arrays in a `.npy` or `.npz` file.
 */
import type { Command } from 'commander';
import { isComplex, type DType, type Storage } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { loadNpy, loadNpz } from '../../io/files.js';
import type { CliContext, CommandRegistrar } from '../command.js';

/** Summary of a tensor's values; for complex tensors min/max/mean are of |z|. */
export interface TensorStats {
  /** Smallest value (of |z| for complex), NaN elements skipped; undefined when there is none. */
  min: number | undefined;
  max: number | undefined;
  /** Mean over the non-NaN elements (accumulated in float64); undefined when there is none. */
  mean: number | undefined;
  /** Elements that are NaN (complex: with a NaN real or imaginary part). */
  nan: number;
  /** Elements that are ±Inf (complex: with an infinite real or imaginary part, even if the other is NaN). */
  inf: number;
}

/**
 * Min, max, mean (NaN skipped) and NaN/Inf counts of contiguous data; a kernel over the typed array.
 *
 * @example
 * ```ts
 * storageStats(new Float64Array([1, NaN, 3]), false, 3); // { min: 1, max: 3, mean: 2, nan: 1, inf: 0 }
 * ```
 */
export function storageStats(data: Storage, complex: boolean, n: number): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let counted = 0;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < n; i++) {
    let v: number;
    if (complex) {
      const re = data[2 * i]!;
      const im = data[2 * i + 1]!;
      // An element like (Inf, NaN) has a NaN part and an Inf part: it counts in both tallies.
      const infPart = re === Infinity || re === -Infinity || im === Infinity || im === -Infinity;
      if (Number.isNaN(re) || Number.isNaN(im)) {
        nan++;
        if (infPart) inf++;
        continue;
      }
      v = Math.hypot(re, im);
    } else {
      v = data[i]!;
      if (Number.isNaN(v)) {
        nan++;
        continue;
      }
    }
    if (v === Infinity || v === -Infinity) inf++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    counted++;
  }
  return counted === 0 ? { min: undefined, max: undefined, mean: undefined, nan, inf } : { min, max, mean: sum / counted, nan, inf };
}

/**
 * Shortest decimal that reads back as the same float32, so 0.1f prints as 0.1, not 0.10000000149011612.
 * Only for float32 min/max, which are stored float32 values (|z| and means are computed in float64).
 */
function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

function formatValue(v: number | undefined, dtype: DType): string {
  if (v === undefined) return 'n/a';
  return dtype === 'float32' ? formatFloat32(v) : String(v);
}

/**
 * The lines `adjoint info` prints for one tensor.
 * @example `describeTensor(eye(2)).join('\n')`
 */
export function describeTensor(t: Tensor): string[] {
  const cplx = isComplex(t.dtype);
  const s = storageStats(t.data, cplx, t.numel);
  const of = cplx ? ' |z|' : '';
  return [
    `shape: [${t.shape.join(', ')}]`,
    `dtype: ${t.dtype}`,
    `min${of}: ${formatValue(s.min, t.dtype)}`,
    `max${of}: ${formatValue(s.max, t.dtype)}`,
    `mean${of}: ${s.mean === undefined ? 'n/a' : String(s.mean)}`,
    `nan: ${s.nan}`,
    `inf: ${s.inf}`,
  ];
}

function runInfo(file: string, ctx: CliContext): void {
  if (/\.npz$/i.test(file)) {
    const arrays = loadNpz(file);
    const keys = Object.keys(arrays);
    ctx.stdout(`file: ${file} (npz, ${keys.length} array${keys.length === 1 ? '' : 's'})\n`);
    for (const k of keys) {
      ctx.stdout(`\n[${k}]\n${describeTensor(arrays[k]!).join('\n')}\n`);
    }
    return;
  }
  const t = loadNpy(file);
  ctx.stdout(`file: ${file}\n${describeTensor(t).join('\n')}\n`);
}

/**
 * Registers `adjoint info FILE`.
 * @example `registerInfo(program, ctx)`
 */
export const registerInfo: CommandRegistrar = (program: Command, ctx: CliContext) => {
  program
    .command('info')
    .description('print shape, dtype, min/max/mean (of |z| for complex; NaN skipped) and NaN/Inf counts of a .npy or .npz file')
    .argument('<file>', 'a .npy file, or a .npz archive (every array in it is described)')
    .action((file: string) => runInfo(file, ctx));
};
