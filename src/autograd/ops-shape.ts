/**
 * Recorded views, indexing, joins and padding. Each backward rule is the adjoint of the data movement:
 * views map the gradient back through the inverse view; gathers scatter-add; pad folds the border back.
 */
import { AdjointError } from '../errors.js';
import * as J from '../tensor/join.js';
import * as P from '../tensor/pad.js';
import * as S from '../tensor/slicing.js';
import * as V from '../tensor/views.js';
import { arange, zeros } from '../tensor/creation.js';
import { normalizeDim } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { assignInto, fitGrad, readIndices, scatterAddAlong, scatterAddFlat } from './grad-utils.js';
import { needsGrad } from './tape.js';
import { differentiable } from './wrap.js';

type DimArg = V.DimArg;
const back = (g: Tensor, x: Tensor): Tensor => V.reshape(g, x.shape);

/** reshape, recorded. @example `reshape(x, [2, -1])` */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  return differentiable('reshape', [t], () => V.reshape(t, shape), (g) => [back(g, t)]);
}
/** view, recorded. @example `view(x, [6])` */
export function view(t: Tensor, shape: readonly number[]): Tensor {
  return differentiable('view', [t], () => V.view(t, shape), (g) => [back(g, t)]);
}
/** flatten, recorded. @example `flatten(x)` */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  return differentiable('flatten', [t], () => V.flatten(t, startDim, endDim), (g) => [back(g, t)]);
}
/** squeeze, recorded. @example `squeeze(x, 0)` */
export function squeeze(t: Tensor, dim?: DimArg): Tensor {
  return differentiable('squeeze', [t], () => V.squeeze(t, dim), (g) => [back(g, t)]);
}
/** unsqueeze, recorded. @example `unsqueeze(x, 0)` */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  return differentiable('unsqueeze', [t], () => V.unsqueeze(t, dim), (g) => [back(g, t)]);
}
/** permute, recorded (the gradient goes through the inverse permutation). @example `permute(x, [1, 0])` */
export function permute(t: Tensor, dims: readonly number[]): Tensor {
  return differentiable('permute', [t], () => V.permute(t, dims), (g) => {
    const d = dims.map((v) => normalizeDim(v, t.ndim));
    return [V.permute(g, d.map((_, i) => d.indexOf(i)))];
  });
}
/** transpose, recorded. @example `transpose(x, 0, 1)` */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  return differentiable('transpose', [t], () => V.transpose(t, dim0, dim1), (g) => [V.transpose(g, dim0, dim1)]);
}
/** Swap of the last two dims, recorded. @example `matrixTranspose(a)` */
export function matrixTranspose(t: Tensor): Tensor {
  return differentiable('matrixTranspose', [t], () => V.matrixTranspose(t), (g) => [V.matrixTranspose(g)]);
}
/** Conjugate transpose of the last two dims, recorded (its gradient is the conjugate transpose of g). @example `conjTranspose(a)` */
export function conjTranspose(t: Tensor): Tensor {
  return differentiable('conjTranspose', [t], () => V.conjTranspose(t), (g) => [fitGrad(V.conjTranspose(g), t)]);
}
/** All dims reversed (the `T` getter), recorded. @example `reverseDims(x)` */
export function reverseDims(t: Tensor): Tensor {
  return permute(t, t.shape.map((_, i) => t.ndim - 1 - i));
}
/** expand, recorded (the gradient is summed over the broadcast dims). @example `expand(x, [4, 3])` */
export function expand(t: Tensor, shape: readonly number[]): Tensor {
  return differentiable('expand', [t], () => V.expand(t, shape), (g) => [fitGrad(g, t)]);
}
/** broadcastTo, recorded. @example `broadcastTo(x, [4, 3])` */
export function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  return differentiable('broadcastTo', [t], () => V.broadcastTo(t, shape), (g) => [fitGrad(g, t)]);
}
/** flip, recorded. @example `flip(x, 0)` */
export function flip(t: Tensor, dims: DimArg): Tensor {
  return differentiable('flip', [t], () => V.flip(t, dims), (g) => [V.flip(g, dims)]);
}
/** movedim, recorded. @example `movedim(x, 0, -1)` */
export function movedim(t: Tensor, source: DimArg, destination: DimArg): Tensor {
  return differentiable('movedim', [t], () => V.movedim(t, source, destination), (g) => [V.movedim(g, destination, source)]);
}
/** diagonal, recorded: the gradient is g written onto the diagonal of zeros. @example `diagonal(a)` */
export function diagonal(t: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  return differentiable('diagonal', [t], () => V.diagonal(t, offset, dim1, dim2), (g) => {
    const z = zeros(t.shape, { dtype: g.dtype });
    assignInto(V.diagonal(z, offset, dim1, dim2), g);
    return [z];
  });
}

/** Basic indexing, recorded: the gradient is g written into the selected region of zeros. @example `index(x, 0, '1:')` */
export function index(t: Tensor, ...specs: S.IndexSpec[]): Tensor {
  return differentiable('index', [t], () => S.index(t, ...specs), (g) => {
    const z = zeros(t.shape, { dtype: g.dtype });
    assignInto(S.index(z, ...specs), g);
    return [z];
  });
}

/** In-place write (not recordable: an error when `t` or `value` requires grad under grad mode). @example `setIndex(x, [0], 1)` */
export function setIndex(t: Tensor, specs: S.IndexSpec | readonly S.IndexSpec[], value: TensorLike): Tensor {
  if (needsGrad([t, value])) {
    throw new AdjointError("setIndex: writes in place and cannot be recorded for gradients; build the result with where/concat/pad instead, or run it under noGrad or on detached tensors", 't');
  }
  return S.setIndex(t, specs, value);
}

/** indexSelect, recorded: the gradient scatter-adds back (repeated indices accumulate). @example `indexSelect(x, 0, [2, 0])` */
export function indexSelect(t: Tensor, dim: number, indices: Tensor | readonly number[]): Tensor {
  return differentiable('indexSelect', [t], () => S.indexSelect(t, dim, indices), (g) => {
    const d = normalizeDim(dim, t.ndim);
    return [fitGrad(scatterAddAlong(t.shape, g.dtype, d, readIndices(indices, t.shape[d]), g, true), t)];
  });
}
/** take (flat indices), recorded. @example `take(x, [0, 5])` */
export function take(t: Tensor, indices: Tensor | readonly number[]): Tensor {
  return differentiable('take', [t], () => S.take(t, indices), (g) => [fitGrad(scatterAddFlat(t.shape, g.dtype, readIndices(indices, t.numel), g), t)]);
}
/** gather, recorded. @example `gather(x, 1, idx)` */
export function gather(t: Tensor, dim: number, indices: Tensor): Tensor {
  return differentiable('gather', [t], () => S.gather(t, dim, indices), (g) => {
    const d = normalizeDim(dim, t.ndim);
    return [fitGrad(scatterAddAlong(t.shape, g.dtype, d, readIndices(indices, t.shape[d]), g, false), t)];
  });
}

/** The specs that select [start, stop) along `dim` of an `ndim`-d tensor. */
function rangeSpecs(ndim: number, dim: number, start: number, stop: number): S.IndexSpec[] {
  const specs: S.IndexSpec[] = [];
  for (let i = 0; i < ndim; i++) specs.push(i === dim ? { start, stop } : ':');
  return specs;
}

/** concat, recorded: each input gets its slice of g. @example `concat([a, b], 0)` */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  return differentiable('concat', tensors, () => J.concat(tensors, dim), (g) => {
    const d = normalizeDim(dim, g.ndim);
    let off = 0;
    return tensors.map((t) => {
      const len = t.ndim === 0 ? 0 : t.shape[d]!;
      const piece = S.index(g, ...rangeSpecs(g.ndim, d, off, off + len));
      off += len;
      return fitGrad(piece, t);
    });
  });
}
/** Alias of {@link concat}. @example `cat([a, b])` */
export const cat = concat;

/** stack, recorded: each input gets its slice of g. @example `stack([a, b])` */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return differentiable('stack', tensors, () => J.stack(tensors, dim), (g) => {
    const d = normalizeDim(dim, g.ndim);
    return tensors.map((t, i) => {
      const specs: S.IndexSpec[] = g.shape.map((_, k) => (k === d ? i : ':'));
      return fitGrad(S.index(g, ...specs), t);
    });
  });
}

function recordPieces(name: string, t: Tensor, pieces: Tensor[], dim: number): Tensor[] {
  if (!needsGrad([t])) return pieces;
  const d = normalizeDim(dim, t.ndim);
  let off = 0;
  return pieces.map((p) => {
    const start = off;
    off += p.shape[d]!;
    return differentiable(name, [t], () => p, (g) => {
      const z = zeros(t.shape, { dtype: g.dtype });
      assignInto(S.index(z, ...rangeSpecs(t.ndim, d, start, start + p.shape[d]!)), g);
      return [z];
    });
  });
}

/** split, recorded (each piece is its own node). @example `split(x, 2)` */
export function split(t: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  return recordPieces('split', t, J.split(t, sizes, dim), dim);
}
/** chunk, recorded (each piece is its own node). @example `chunk(x, 3)` */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  return recordPieces('chunk', t, J.chunk(t, chunks, dim), dim);
}

/**
 * pad, recorded, for every mode: the adjoint sums each output's gradient into the input element it was copied
 * from. The source of each output element comes from padding the flat input indices with the same mode.
 * @example `pad(x, [1, 1], { mode: 'reflect' })`
 */
export function pad(x: Tensor, amounts: readonly number[], options: P.PadOptions = {}): Tensor {
  return differentiable('pad', [x], () => P.pad(x, amounts, options), (g) => {
    const src = V.reshape(arange(0, x.numel, 1, { dtype: 'float64' }), x.shape);
    const mode = options.mode ?? 'constant';
    const map = P.pad(src, amounts, mode === 'constant' ? { mode, value: -1 } : { mode });
    return [fitGrad(scatterAddFlat(x.shape, g.dtype, readIndices(map), g.contiguous()), x)];
  });
}
