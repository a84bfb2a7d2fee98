/**
 * Argument normalisation and output-size arithmetic for conv2d / convTranspose2d, with PyTorch's rules.
 * Everything here is pure bookkeeping on numbers; no tensors.
 */
import { argError } from '../errors.js';

/** An int applied to both spatial dims, or a `[height, width]` pair, as in PyTorch. @example `const s: IntPair = [2, 1];` */
export type IntPair = number | readonly [number, number];

/** Explicit padding, `'same'` (output size = input size; stride must be 1) or `'valid'` (no padding). @example `const p: Conv2dPadding = 'same';` */
export type Conv2dPadding = IntPair | 'same' | 'valid';

/** How the input is extended beyond its border (nn.Conv2d's `padding_mode`). @example `const m: PaddingMode = 'circular';` */
export type PaddingMode = 'zeros' | 'circular' | 'reflect' | 'replicate';

/** The padding modes, for validation messages. @example `PADDING_MODES.includes('reflect') // true` */
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'circular', 'reflect', 'replicate'];

/**
 * Reads an int-or-pair argument as `[h, w]`, checking each entry is an integer `>= min`.
 *
 * @example
 * ```ts
 * toPair(2, 'stride', 'conv2d', 1);      // [2, 2]
 * toPair([1, 3], 'stride', 'conv2d', 1); // [1, 3]
 * ```
 */
export function toPair(v: unknown, arg: string, fn: string, min: number): [number, number] {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
  const what = `an integer >= ${min} or a pair of them`;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  if (Array.isArray(v) && v.length === 1 && ok(v[0])) return [v[0], v[0]];
  throw argError(fn, arg, what, v);
}

/** Explicit padding of the last two dims, per side. @example `const p: Pads2d = { top: 0, bottom: 1, left: 0, right: 1 };` */
export interface Pads2d {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Resolves a conv2d `padding` argument into explicit pads. `'same'` splits `dilation·(k−1)` as PyTorch does:
 * `floor(total/2)` before, the rest (one more when the total is odd) after, i.e. on the bottom/right.
 *
 * @example
 * ```ts
 * resolveConvPadding('same', [1, 1], [2, 2], [1, 1]); // { top: 0, bottom: 1, left: 0, right: 1 }
 * ```
 */
export function resolveConvPadding(
  padding: unknown,
  stride: readonly [number, number],
  kernel: readonly [number, number],
  dilation: readonly [number, number],
  fn = 'conv2d',
): Pads2d {
  if (padding === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw argError(fn, 'padding', "an explicit padding when 'stride' is not 1 ('same' needs stride 1)", `'same' with stride [${stride.join(', ')}]`);
    }
    const th = dilation[0] * (kernel[0] - 1);
    const tw = dilation[1] * (kernel[1] - 1);
    return { top: th >> 1, bottom: th - (th >> 1), left: tw >> 1, right: tw - (tw >> 1) };
  }
  if (typeof padding === 'string') throw argError(fn, 'padding', "an integer >= 0, a pair of them, 'same' or 'valid'", padding);
  const [ph, pw] = toPair(padding, 'padding', fn, 0);
  return { top: ph, bottom: ph, left: pw, right: pw };
}

/**
 * Output length of a convolution along one dim: `floor((n + padLo + padHi − d·(k−1) − 1) / s) + 1`
 * (may be `<= 0` when the kernel does not fit; callers report that).
 *
 * @example
 * ```ts
 * convOutSize(128, 1, 1, 3, 1, 1); // 128
 * ```
 */
export function convOutSize(n: number, padLo: number, padHi: number, k: number, stride: number, dilation: number): number {
  return Math.floor((n + padLo + padHi - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * Output length of a transposed convolution along one dim: `(n − 1)·s − 2p + d·(k − 1) + outputPadding + 1`.
 *
 * @example
 * ```ts
 * convTransposeOutSize(64, 1, 2, 3, 1, 1); // 128
 * ```
 */
export function convTransposeOutSize(n: number, pad: number, stride: number, k: number, dilation: number, outputPadding: number): number {
  return (n - 1) * stride - 2 * pad + dilation * (k - 1) + outputPadding + 1;
}

/** Checks a padding-mode string. @example `checkPaddingMode('reflect', 'conv2d') // 'reflect'` */
export function checkPaddingMode(mode: unknown, fn: string, arg = 'paddingMode'): PaddingMode {
  if (typeof mode === 'string' && (PADDING_MODES as readonly string[]).includes(mode)) return mode as PaddingMode;
  throw argError(fn, arg, `one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}`, mode);
}

/**
 * Validates `outputPadding` for convTranspose2d: each entry must be smaller than the stride or the dilation
 * of its dim (PyTorch: "output padding must be smaller than either stride or dilation").
 *
 * @example
 * ```ts
 * checkOutputPadding([1, 0], [2, 2], [1, 1], 'convTranspose2d'); // ok
 * ```
 */
export function checkOutputPadding(
  op: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  fn: string,
): void {
  for (let i = 0; i < 2; i++) {
    if (op[i]! >= Math.max(stride[i]!, dilation[i]!)) {
      throw argError(
        fn,
        'outputPadding',
        `smaller than either stride or dilation in each dim (stride [${stride.join(', ')}], dilation [${dilation.join(', ')}])`,
        [op[0], op[1]],
      );
    }
  }
}
