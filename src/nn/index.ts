/**
 * Neural-network-style operators with PyTorch semantics: conv2d, convTranspose2d and mode padding
 * with its adjoint. The package exposes this module as the `nn` namespace.
 *
 * @example
 * ```ts
 * import { nn, randn } from 'adjoint';
 * const y = nn.conv2d(randn([1, 2, 8, 8]), randn([3, 2, 3, 3]), { padding: 'same' });
 * ```
 * @packageDocumentation
 */
export { conv2d } from './conv2d.js';
export type { Conv2dOptions } from './conv2d.js';
export { convTranspose2d } from './conv-transpose2d.js';
export type { ConvTranspose2dOptions } from './conv-transpose2d.js';
export { pad2d, pad2dAdjoint, padIndexMap } from './padding-modes.js';
export type { Pad2dSpec } from './padding-modes.js';
export { convOutSize, convTransposeOutSize, resolveConvPadding, PADDING_MODES } from './conv-args.js';
export type { IntPair, Conv2dPadding, PaddingMode, Pads2d } from './conv-args.js';
