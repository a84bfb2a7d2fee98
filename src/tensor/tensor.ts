import { AdjointError } from '../errors.js';
import { allocStorage, isComplex, scalarsPer, storageCtor, type DType, type Storage } from './dtype.js';
import { gatherStrided } from './kernels/strided.js';
import { contiguousStrides, numel } from './shape.js';

/** A complex scalar as `[re, im]`. */
export type ComplexPair = [number, number];
/** A single element read out of a tensor: a number, a `[re, im]` pair, or a boolean. */
export type Scalar = number | ComplexPair | boolean;
/** Nested JS arrays as returned by {@link Tensor.toArray}. */
export type NestedArray = Scalar | NestedArray[];

/**
 * An n-dimensional array over typed-array storage. Views (reshape, permute, slices, expand) share
 * storage and differ in `shape`, `strides` and `offset`, which count elements, not scalars: the complex
 * element at element offset `e` is `storage[2e]` (re) and `storage[2e + 1]` (im).
 *
 * @example
 * ```ts
 * const t = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
 * t.shape;      // [2, 2]
 * t.toArray();  // [[1, 2], [3, 4]]
 * ```
 */
export class Tensor {
  /** Element type. */
  readonly dtype: DType;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Step in elements between neighbours along each dimension (0 for broadcast dims). */
  readonly strides: readonly number[];
  /** Element offset of the first element into `storage`. */
  readonly offset: number;
  /** Backing typed array, possibly shared with other views. */
  readonly storage: Storage;
  /**
   * Autograd: whether gradients are tracked for this tensor. True for variables (see `variable`) and for
   * results of recorded ops; false for everything else. Set it on a leaf with {@link Tensor.requiresGrad_}.
   */
  requiresGrad = false;
  /** Autograd: the gradient accumulated by `backward` into a leaf tensor (null until then). */
  grad: Tensor | null = null;
  /** @internal Autograd: the tape node that produced this tensor (null for leaves and untracked tensors). */
  gradFn: GradFnRef | null = null;

  /** @internal Use {@link Tensor.fromStorage} or the creation functions. */
  constructor(storage: Storage, shape: readonly number[], dtype: DType, strides?: readonly number[], offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtype;
    this.strides = Object.freeze(strides ? strides.slice() : contiguousStrides(shape));
    this.offset = offset;
  }

  /**
   * Wraps existing storage without copying. Complex storage is interleaved re/im.
   *
   * @example
   * ```ts
   * const t = Tensor.fromStorage(new Float64Array([1, 2, 3]), [3], 'float64');
   * ```
   */
  static fromStorage(storage: Storage, shape: readonly number[], dtype: DType, strides?: readonly number[], offset = 0): Tensor {
    const C = storageCtor(dtype);
    if (!(storage instanceof C)) {
      throw new AdjointError(`Tensor.fromStorage: argument 'storage' must be a ${C.name} for dtype '${dtype}', got ${storage.constructor.name}`, 'storage');
    }
    if (!strides) {
      const need = numel(shape) * scalarsPer(dtype);
      if (storage.length - offset * scalarsPer(dtype) < need) {
        throw new AdjointError(`Tensor.fromStorage: argument 'storage' holds ${storage.length} scalars but shape [${shape.join(', ')}] of '${dtype}' needs ${need}`, 'storage');
      }
    }
    return new Tensor(storage, shape, dtype, strides, offset);
  }

  /** Number of dimensions. @example `zeros([2, 3]).ndim // 2` */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. @example `zeros([2, 3]).numel // 6` */
  get numel(): number {
    return numel(this.shape);
  }

  /** True when `dtype` is complex64 or complex128. @example `complex(ones([2]), zeros([2])).isComplex // true` */
  get isComplex(): boolean {
    return isComplex(this.dtype);
  }

  /**
   * True when the elements are laid out in C order with no gaps (size-1 dims may have any stride).
   * @example `zeros([2, 3]).isContiguous() // true`
   */
  isContiguous(): boolean {
    let expect = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d === 1) continue;
      if (this.strides[i] !== expect) return false;
      expect *= d;
    }
    return true;
  }

  /**
   * The elements as a contiguous C-order typed array (interleaved re/im for complex). When the tensor already
   * is contiguous and spans its whole storage, this is the storage itself (writes show through), as with
   * `Tensor.numpy()` in PyTorch; otherwise it is a fresh copy.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).mT.data; // Float32Array [1, 3, 2, 4]
   * ```
   */
  get data(): Storage {
    const sp = scalarsPer(this.dtype);
    if (this.isContiguous() && this.offset === 0 && this.storage.length === this.numel * sp) return this.storage;
    return this.contiguousData();
  }

  /** @internal A fresh contiguous copy of the elements. */
  contiguousData(): Storage {
    const out = allocStorage(this.dtype, this.numel);
    const sp = scalarsPer(this.dtype);
    if (this.isContiguous()) {
      const start = this.offset * sp;
      out.set(this.storage.subarray(start, start + this.numel * sp) as never);
    } else {
      gatherStrided(this.storage, this.offset, this.shape, this.strides, out, sp);
    }
    return out;
  }

  /**
   * A tensor with contiguous C-order storage: `this` when already contiguous, else a copy.
   * @example `x.mT.contiguous().isContiguous() // true`
   */
  contiguous(): Tensor {
    if (this.isContiguous() && this.offset === 0 && this.storage.length === this.numel * scalarsPer(this.dtype)) return this;
    return new Tensor(this.contiguousData(), this.shape, this.dtype);
  }

  /** A deep copy with its own contiguous storage. @example `const y = x.clone();` */
  clone(): Tensor {
    return new Tensor(this.contiguousData(), this.shape, this.dtype);
  }

  /**
   * Nested JS arrays. Complex elements are `[re, im]`, bool elements are booleans.
   * @example `tensor([[1, 2]]).toArray() // [[1, 2]]`
   */
  toArray(): NestedArray {
    const d = this.data;
    const cplx = isComplex(this.dtype);
    const isBool = this.dtype === 'bool';
    const shape = this.shape;
    let pos = 0;
    const build = (dim: number): NestedArray => {
      if (dim === shape.length) {
        if (cplx) {
          const v: ComplexPair = [d[pos]!, d[pos + 1]!];
          pos += 2;
          return v;
        }
        const v = d[pos++]!;
        return isBool ? v !== 0 : v;
      }
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[dim]!; i++) out.push(build(dim + 1));
      return out;
    };
    return build(0);
  }

  /**
   * The single element of a one-element tensor.
   * @example `tensor(3).item() // 3`
   */
  item(): Scalar {
    if (this.numel !== 1) {
      throw new AdjointError(`item: the tensor must have exactly one element, got shape [${this.shape.join(', ')}]`, 'this');
    }
    const sp = scalarsPer(this.dtype);
    const p = this.offset * sp;
    if (sp === 2) return [this.storage[p]!, this.storage[p + 1]!];
    const v = this.storage[p]!;
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /**
   * A tensor sharing this one's storage that is cut off from autograd: no gradient flows through it.
   * @example `const c = x.detach(); c.requiresGrad // false`
   */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, this.strides, this.offset);
  }

  /**
   * Marks a leaf tensor (one not produced by a recorded op) as requiring gradients, in place; returns `this`.
   * Only float and complex tensors can require gradients.
   * @example `const w = randn([3], { dtype: 'float64' }).requiresGrad_();`
   */
  requiresGrad_(on = true): this {
    if (this.gradFn !== null) throw new AdjointError(`requiresGrad_: only leaf tensors can change requiresGrad; this one was produced by '${this.gradFn.opName}' (use detach() first)`, 'this');
    if (on && (this.dtype === 'int32' || this.dtype === 'bool')) throw new AdjointError(`requiresGrad_: only float and complex tensors can require gradients, got dtype '${this.dtype}'`, 'this');
    this.requiresGrad = on;
    return this;
  }

  /** A short description with shape and dtype and, for small tensors, the values. @example `String(zeros([2]))` */
  toString(): string {
    const head = `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype})`;
    return this.numel <= 64 ? `${head} ${JSON.stringify(this.toArray())}` : head;
  }
}

/** @internal What a tensor knows of the autograd node that produced it (the node itself lives in src/autograd). */
export interface GradFnRef {
  /** Name of the op that produced the tensor. */
  readonly opName: string;
}

/** Anything an op accepts where a tensor is expected: a tensor or a JS number/boolean scalar. */
export type TensorLike = Tensor | number | boolean;
