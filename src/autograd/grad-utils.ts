/**
 * Small raw helpers that backward rules share: undoing broadcasting, fitting a gradient to its input's
 * dtype, and scatter-adds for the adjoints of gathers. All built on the raw (unrecorded) ops.
 */
import { cast } from '../tensor/cast.js';
import { isComplex, scalarsPer, type DType } from '../tensor/dtype.js';
import { mul } from '../tensor/elementwise.js';
import { conj, real } from '../tensor/complex-ops.js';
import { sum } from '../tensor/reductions.js';
import { reshape } from '../tensor/views.js';
import { contiguousStrides, normalizeDim, numel } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/** Sums `g` over the dims that broadcasting added or stretched, so it gets `shape`. @example `sumToShape(g, [1, 3])` */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) dims.push(i);
  }
  let r = dims.length > 0 ? sum(g, dims, true) : g;
  if (lead > 0 || r.ndim !== shape.length) r = reshape(r, shape);
  return r;
}

/**
 * The gradient for input `x` from a gradient `g` of the (broadcast) op result: un-broadcasts, then matches the
 * dtype: a real input keeps the real part of a complex gradient (PyTorch's rule for real-to-complex maps),
 * float32 inputs get float32 gradients. Integer and bool inputs pass the gradient on in float so that a
 * non-differentiable producer further up can report itself.
 * @example `fitGrad(g, x)`
 */
export function fitGrad(g: Tensor, x: TensorLike | null | undefined): Tensor | null {
  if (!(x instanceof Tensor)) return null;
  let r = sumToShape(g, x.shape);
  if (x.dtype === 'int32' || x.dtype === 'bool') return r;
  if (!isComplex(x.dtype) && isComplex(r.dtype)) r = real(r);
  if (r.dtype !== x.dtype) r = cast(r, x.dtype);
  return r;
}

/** g · conj(d): the chain rule for a holomorphic (or real) elementwise map with derivative d. @example `chain(g, cos(x))` */
export function chain(g: Tensor, d: TensorLike): Tensor {
  return mul(g, d instanceof Tensor && isComplex(d.dtype) ? conj(d) : d);
}

/** A contiguous copy of `t` as float64 or complex128 data. */
function work64(t: Tensor): { data: Float64Array; dt: DType } {
  const dt: DType = isComplex(t.dtype) ? 'complex128' : 'float64';
  const c = t.dtype === dt ? t : cast(t, dt);
  return { data: c.contiguousData() as Float64Array, dt };
}

/** Reads an index tensor or list as integers (negative ones wrap by `n` when given). @example `readIndices([0, -1], 4) // Int32Array [0, 3]` */
export function readIndices(idx: Tensor | readonly number[], n?: number): Int32Array {
  const raw = idx instanceof Tensor ? idx.contiguousData() : idx;
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = Number(raw[i]);
    out[i] = n !== undefined && v < 0 ? v + n : v;
  }
  return out;
}

/**
 * out = zeros(shape), then for every element of `src` at multi-index m: out[m with m[dim] → idx] += src[m],
 * where idx is `idx[flat(m)]` (gather's adjoint; `src` may be smaller than `shape` in the other dims) or,
 * with `perSlice`, `idx[m[dim]]` (indexSelect's adjoint).
 * @example `scatterAddAlong(x.shape, g.dtype, 1, idx, g, false)`
 */
export function scatterAddAlong(shape: readonly number[], dtype: DType, dim: number, idx: Int32Array, src: Tensor, perSlice: boolean): Tensor {
  const { data: s, dt } = work64(src);
  const sp = scalarsPer(dt);
  const out = new Float64Array(numel(shape) * sp);
  const d = normalizeDim(dim, shape.length);
  const nd = src.ndim;
  const ostr = contiguousStrides(shape);
  const m = new Array<number>(nd).fill(0);
  const n = src.numel;
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < nd; k++) t += (k === d ? (perSlice ? idx[m[k]!]! : idx[i]!) : m[k]!) * ostr[k]!;
    if (sp === 1) out[t] = out[t]! + s[i]!;
    else {
      out[2 * t] = out[2 * t]! + s[2 * i]!;
      out[2 * t + 1] = out[2 * t + 1]! + s[2 * i + 1]!;
    }
    for (let k = nd - 1; k >= 0; k--) {
      if (++m[k]! < src.shape[k]!) break;
      m[k] = 0;
    }
  }
  const r = new Tensor(out, shape, dt);
  return r.dtype === dtype || !(dtype === 'float32' || dtype === 'complex64') ? r : cast(r, dtype);
}

/** out = zeros(numel) then out[idx[i]] += src[i] (flat), reshaped to `shape`; idx entries < 0 are skipped. @example `scatterAddFlat([2, 3], 'float64', idx, g)` */
export function scatterAddFlat(shape: readonly number[], dtype: DType, idx: Int32Array, src: Tensor): Tensor {
  const { data: s, dt } = work64(src);
  const sp = scalarsPer(dt);
  const out = new Float64Array(numel(shape) * sp);
  for (let i = 0; i < idx.length; i++) {
    const t = idx[i]!;
    if (t < 0) continue;
    if (sp === 1) out[t] = out[t]! + s[i]!;
    else {
      out[2 * t] = out[2 * t]! + s[2 * i]!;
      out[2 * t + 1] = out[2 * t + 1]! + s[2 * i + 1]!;
    }
  }
  const r = new Tensor(out, shape, dt);
  return r.dtype === dtype || !(dtype === 'float32' || dtype === 'complex64') ? r : cast(r, dtype);
}

/** Copies `src` (same shape) element by element into the (possibly strided) view `dst`. @example `assignInto(diagonal(z), g)` */
export function assignInto(dst: Tensor, src: Tensor): void {
  const s = src.dtype === dst.dtype ? src.contiguousData() : cast(src, dst.dtype).contiguousData();
  const sp = scalarsPer(dst.dtype);
  const nd = dst.ndim;
  const n = dst.numel;
  const idx = new Array<number>(nd).fill(0);
  let pos = dst.offset;
  const st = dst.storage;
  for (let i = 0; i < n; i++) {
    if (sp === 1) st[pos] = s[i]!;
    else {
      st[2 * pos] = s[2 * i]!;
      st[2 * pos + 1] = s[2 * i + 1]!;
    }
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      pos += dst.strides[d]!;
      if (idx[d]! < dst.shape[d]!) break;
      pos -= dst.strides[d]! * dst.shape[d]!;
      idx[d] = 0;
    }
  }
}
