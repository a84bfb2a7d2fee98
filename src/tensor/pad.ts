/**
 * Padding like `torch.nn.functional.pad`.
 */
import { AdjointError, argError, describeValue } from '../errors.js';
import { castStorage } from './cast.js';
import { allocStorage, isComplex, scalarsPer } from './dtype.js';
import { mapCopy } from './kernels/pad.js';
import { numel } from './shape.js';
import { Tensor } from './tensor.js';

/** How {@link pad} fills the new border. @example `const m: PadMode = 'reflect';` */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of {@link pad}. @example `pad(x, [1, 1], { mode: 'constant', value: -1 })` */
export interface PadOptions {
  /** Border rule; default `'constant'`. */
  mode?: PadMode;
  /** Fill value for `'constant'` mode; default 0. Cast to the input's dtype. */
  value?: number;
}

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * Source index for each output position along one dim (or -1 for a constant-filled position).
 * `left`/`right` may be negative (cropping).
 */
function dimMap(n: number, left: number, right: number, mode: PadMode): Int32Array {
  const m = n + left + right;
  const map = new Int32Array(m);
  // Circular wraps within the cropped range (PyTorch crops first, then wraps), the others index the full input.
  const a = Math.max(0, -left);
  const w = n - a - Math.max(0, -right);
  for (let j = 0; j < m; j++) {
    const i = j - left;
    let s: number;
    if (i >= 0 && i < n && (mode !== 'circular' || (i >= a && i < a + w))) s = i;
    else if (mode === 'constant') s = -1;
    else if (mode === 'reflect') s = i < 0 ? -i : 2 * (n - 1) - i;
    else if (mode === 'replicate') s = i < 0 ? 0 : n - 1;
    else s = a + ((((i - a) % w) + w) % w);
    map[j] = s;
  }
  return map;
}

/**
 * Pads (or, with negative amounts, crops) the trailing dims of `x`, exactly like `torch.nn.functional.pad`:
 * `pad` lists `(left, right)` pairs starting from the LAST dim, e.g. `[1, 1, 2, 0]` pads the last dim by 1 on
 * each side and the one before it by 2 in front.
 * - `'constant'`: fills with `value`.
 * - `'reflect'`: mirrors without repeating the edge (`[1,2,3]` → `[3,2,1,2,3,2,1]` for pad 2); needs pad < size.
 * - `'replicate'`: repeats the edge element; needs a non-empty dim.
 * - `'circular'`: wraps around; needs pad <= size.
 * Unlike PyTorch, which limits the non-constant modes to the last 1–3 dims of a batched input, any number of
 * dims may be padded in every mode.
 *
 * @example
 * ```ts
 * pad(tensor([1, 2, 3]), [2, 1], { mode: 'reflect' }).toArray(); // [3, 2, 1, 2, 3, 2]
 * pad(tensor([[1, 2], [3, 4]]), [1, 0, 0, 1]).toArray();         // [[0, 1, 2], [0, 3, 4], [0, 0, 0]]
 * ```
 */
export function pad(x: Tensor, pad: readonly number[], options: PadOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw argError('pad', 'input', 'a Tensor', x);
  const mode = options.mode ?? 'constant';
  if (!MODES.includes(mode)) throw argError('pad', 'mode', MODES.map((m) => `'${m}'`).join(', '), mode);
  const value = options.value ?? 0;
  if (typeof value !== 'number') throw argError('pad', 'value', 'a number', value);
  if (value !== 0 && mode !== 'constant') throw argError('pad', 'value', `unset (0) unless mode is 'constant'`, value);
  if (!Array.isArray(pad) || pad.length % 2 !== 0 || !pad.every((p) => Number.isSafeInteger(p))) {
    throw argError('pad', 'pad', 'a list of integer (left, right) pairs', pad);
  }
  const k = pad.length / 2;
  if (k > x.ndim) throw argError('pad', 'pad', `at most ${x.ndim} pairs for a ${x.ndim}-d input`, pad);
  const nd = x.ndim;
  const outShape = x.shape.slice();
  const maps: Int32Array[] = x.shape.map((n) => Int32Array.from({ length: n }, (_, i) => i));
  for (let p = 0; p < k; p++) {
    const d = nd - 1 - p;
    const n = x.shape[d]!;
    const left = pad[2 * p]!;
    const right = pad[2 * p + 1]!;
    const m = n + left + right;
    if (m < 0) {
      throw new AdjointError(`pad: argument 'pad' ${describeValue(pad)} gives dim ${d} (size ${n}) a negative size ${m}`, 'pad');
    }
    if (mode === 'reflect' && (left >= n || right >= n) && (left > 0 || right > 0)) {
      throw new AdjointError(`pad: argument 'pad' ${describeValue(pad)} must be less than the size of dim ${d} (${n}) in 'reflect' mode`, 'pad');
    }
    if (mode === 'circular' && (left > n || right > n)) {
      throw new AdjointError(`pad: argument 'pad' ${describeValue(pad)} must be at most the size of dim ${d} (${n}) in 'circular' mode`, 'pad');
    }
    if (mode === 'circular' && m > 0 && n - Math.max(0, -left) - Math.max(0, -right) < 1) {
      throw new AdjointError(`pad: argument 'pad' ${describeValue(pad)} crops dim ${d} (size ${n}) to nothing, leaving nothing to wrap in 'circular' mode`, 'pad');
    }
    if (mode !== 'constant' && n === 0 && m > 0) {
      throw new AdjointError(`pad: argument 'input' has an empty dim ${d}, which mode '${mode}' cannot pad`, 'input');
    }
    outShape[d] = m;
    maps[d] = dimMap(n, left, right, mode);
  }
  const dt = x.dtype;
  const sp = scalarsPer(dt);
  const out = allocStorage(dt, numel(outShape));
  if (mode === 'constant' && value !== 0) {
    const v = castStorage(new Float64Array([value]), 'float64', dt, 1);
    if (isComplex(dt)) for (let i = 0; i < out.length; i += 2) out[i] = v[0]!;
    else out.fill(v[0]!);
  }
  mapCopy(x.storage, x.offset, x.strides, maps, outShape, out, sp);
  return new Tensor(out, outShape, dt);
}

declare module './tensor.js' {
  interface Tensor {
    /** See {@link pad}. @example `x.pad([1, 1], { mode: 'reflect' })` */
    pad(pad: readonly number[], options?: PadOptions): Tensor;
  }
}
Tensor.prototype.pad = function (this: Tensor, amounts: readonly number[], options?: PadOptions) {
  return pad(this, amounts, options);
};
