import { AdjointError, argError } from '../errors.js';
import { gemmBatchInner, type FloatStorage } from '../linalg/kernels/gemm.js';
import { cast } from './cast.js';
import { ELLIPSIS, codeLetter, parseEquation } from './einsum-parse.js';
import { planContraction, type ContractionTree } from './einsum-plan.js';
import { allocStorage, promoteTypes, scalarsPer, type DType, type Storage } from './dtype.js';
import { gatherStrided } from './kernels/strided.js';
import { gemmForDtype } from './matmul.js';
import { Tensor } from './tensor.js';

/**
 * A strided view with one distinct label per dim. Sizes come from the equation-wide size map, so a view only
 * carries labels and strides (in elements). Labels: letters 0–51, ellipsis dims 100 + (distance from the right).
 */
interface View {
  storage: Storage;
  offset: number;
  labels: number[];
  strides: number[];
}

/** Labels and strides of a view, without its storage. */
type Layout = Pick<View, 'labels' | 'strides'>;

/** Shared state of one einsum call. */
interface Ctx {
  dtype: DType;
  sp: 1 | 2;
  size: Map<number, number>;
}

const ELL_BASE = 100;
/** Smallest contiguous batch length for which the batch-innermost kernel beats gathering small matrices. */
const BATCH_INNER_MIN = 32;
/**
 * Largest per-batch product m·n·k for the batch-innermost kernel; bigger matrices amortise packing well and the
 * blocked GEMM (which reuses operands from registers and L1) wins.
 */
const BATCH_INNER_MAX_MNK = 65536;

function labelName(l: number): string {
  return l >= ELL_BASE ? '...' : codeLetter(l);
}

function prod(ls: readonly number[], ctx: Ctx): number {
  let p = 1;
  for (const l of ls) p *= ctx.size.get(l)!;
  return p;
}

function strideOf(v: Layout, l: number): number {
  return v.strides[v.labels.indexOf(l)]!;
}

/** Copies a view into fresh contiguous storage laid out in `order` (a permutation of its labels). */
function materialize(v: View, order: readonly number[], ctx: Ctx): View {
  const shape = order.map((l) => ctx.size.get(l)!);
  const strides = order.map((l) => strideOf(v, l));
  const n = prod(order, ctx);
  const out = allocStorage(ctx.dtype, n);
  if (n > 0) gatherStrided(v.storage, v.offset, shape, strides, out, ctx.sp);
  return { storage: out, offset: 0, labels: order.slice(), strides: contiguous(shape) };
}

function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Sums a view over the labels in `drop`; the result is contiguous with the remaining labels in their order. */
function sumOut(v: View, drop: ReadonlySet<number>, ctx: Ctx): View {
  const keep = v.labels.filter((l) => !drop.has(l));
  const red = v.labels.filter((l) => drop.has(l));
  const kShape = keep.map((l) => ctx.size.get(l)!);
  const kStr = keep.map((l) => strideOf(v, l));
  const rShape = red.map((l) => ctx.size.get(l)!);
  const rStr = red.map((l) => strideOf(v, l));
  const n = prod(keep, ctx);
  const out = allocStorage(ctx.dtype, n);
  reduceSum(v.storage, v.offset, kShape, kStr, rShape, rStr, out, ctx.sp, ctx.dtype === 'int32');
  return { storage: out, offset: 0, labels: keep, strides: contiguous(kShape) };
}

/** Visits every multi-index of `shape` in C order, passing the element offset `base + Σ idx·stride`. */
function forEachOffset(shape: readonly number[], strides: readonly number[], base: number, fn: (off: number) => void): void {
  for (const d of shape) if (d === 0) return;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = base;
  for (;;) {
    fn(off);
    let d = nd - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** out[kept] = Σ_red src[kept, red] over a strided source; int sums wrap like int32 arithmetic. */
function reduceSum(
  src: Storage,
  offset: number,
  kShape: readonly number[],
  kStr: readonly number[],
  rShape: readonly number[],
  rStr: readonly number[],
  out: Storage,
  sp: 1 | 2,
  isInt: boolean,
): void {
  let o = 0;
  forEachOffset(kShape, kStr, offset, (base) => {
    let re = 0;
    let im = 0;
    forEachOffset(rShape, rStr, base, (p) => {
      if (sp === 2) {
        re += src[2 * p]!;
        im += src[2 * p + 1]!;
      } else if (isInt) re = (re + src[p]!) | 0;
      else re += src[p]!;
    });
    if (sp === 2) {
      out[2 * o] = re;
      out[2 * o + 1] = im;
    } else out[o] = re;
    o++;
  });
}

/**
 * Merges a group of labels (outer to inner in `order`) of a view into one (size, stride) pair, or null when
 * the view's strides do not allow it without a copy. Size-1 labels are ignored; an empty group is (1, 0).
 */
function mergeGroup(order: readonly number[], v: Layout, ctx: Ctx): { size: number; stride: number } | null {
  const ls = order.filter((l) => ctx.size.get(l)! !== 1);
  if (ls.length === 0) return { size: 1, stride: 0 };
  if (ls.some((l) => ctx.size.get(l)! === 0)) return { size: 0, stride: 0 };
  let stride = strideOf(v, ls[ls.length - 1]!);
  let sz = ctx.size.get(ls[ls.length - 1]!)!;
  for (let i = ls.length - 2; i >= 0; i--) {
    const l = ls[i]!;
    if (strideOf(v, l) !== stride * sz) return null;
    sz *= ctx.size.get(l)!;
  }
  return { size: sz, stride };
}

/** Labels sorted by decreasing stride in `v` (the view's own memory order, outermost first). */
function byStride(ls: readonly number[], v: Layout): number[] {
  return ls.slice().sort((a, b) => Math.abs(strideOf(v, b)) - Math.abs(strideOf(v, a)));
}

/** The contiguous C-order layout of labels `order`. */
function contiguousLayout(order: readonly number[], ctx: Ctx): Layout {
  return { labels: order.slice(), strides: contiguous(order.map((l) => ctx.size.get(l)!)) };
}

/** Allocates zeroed contiguous storage for a layout made by {@link contiguousLayout}. */
function allocView(layout: Layout, ctx: Ctx): View {
  return { storage: allocStorage(ctx.dtype, prod(layout.labels, ctx)), offset: 0, labels: layout.labels, strides: layout.strides };
}

/**
 * Contracts two views into one with labels `keep` (laid out in `zOrder` when given, as for the final result).
 * Labels in both and kept are batch dims, in both and not kept are summed (the GEMM's k), the others are the
 * GEMM's m (from X) and n (from Y). Strided operands go to the kernel without copies when each group of labels
 * merges into a single stride; otherwise the operand is copied once into [batch, m, k] / [batch, k, n] order.
 */
function contractPair(X: View, Y: View, keep: ReadonlySet<number>, zOrder: readonly number[] | null, ctx: Ctx): View {
  // Labels present in only one of the two and not needed later are summed out first (cheaper than in the GEMM).
  const xOnlyDrop = new Set(X.labels.filter((l) => !Y.labels.includes(l) && !keep.has(l)));
  if (xOnlyDrop.size > 0) X = sumOut(X, xOnlyDrop, ctx);
  const yOnlyDrop = new Set(Y.labels.filter((l) => !X.labels.includes(l) && !keep.has(l)));
  if (yOnlyDrop.size > 0) Y = sumOut(Y, yOnlyDrop, ctx);

  const batch = X.labels.filter((l) => Y.labels.includes(l) && keep.has(l));
  const con = X.labels.filter((l) => Y.labels.includes(l) && !keep.has(l));
  const fx = X.labels.filter((l) => !Y.labels.includes(l));
  const fy = Y.labels.filter((l) => !X.labels.includes(l));
  const order = zOrder ?? [...byStride(batch, X), ...byStride(fx, X), ...byStride(fy, Y)];
  const bOrder = order.filter((l) => batch.includes(l));
  const mOrder = order.filter((l) => fx.includes(l));
  const nOrder = order.filter((l) => fy.includes(l));
  const kOrder = byStride(con, X);
  const m = prod(mOrder, ctx);
  const n = prod(nOrder, ctx);
  const k = prod(kOrder, ctx);

  let Z = contiguousLayout(order, ctx);
  if (ctx.dtype !== 'int32' && bOrder.length > 0) {
    // Batch-innermost plan: batch labels contiguous (stride 1) in X, Y and Z, e.g. 'jkxy,ikxy->ijxy'.
    const bx = mergeGroup(bOrder, X, ctx);
    const by = mergeGroup(bOrder, Y, ctx);
    const bz = mergeGroup(bOrder, Z, ctx);
    if (bx && by && bz && bx.stride === 1 && by.stride === 1 && bz.stride === 1 && bx.size >= BATCH_INNER_MIN && m * n * k <= BATCH_INNER_MAX_MNK) {
      const mx = mergeGroup(mOrder, X, ctx);
      const mz = mergeGroup(mOrder, Z, ctx);
      const kx = mergeGroup(kOrder, X, ctx);
      const ky = mergeGroup(kOrder, Y, ctx);
      const ny = mergeGroup(nOrder, Y, ctx);
      const nz = mergeGroup(nOrder, Z, ctx);
      if (mx && mz && kx && ky && ny && nz) {
        const out = allocView(Z, ctx);
        gemmBatchInner(
          ctx.sp === 2,
          m,
          n,
          k,
          bx.size,
          X.storage as FloatStorage,
          X.offset,
          mx.stride,
          kx.stride,
          Y.storage as FloatStorage,
          Y.offset,
          ky.stride,
          ny.stride,
          out.storage as FloatStorage,
          0,
          mz.stride,
          nz.stride,
        );
        return out;
      }
    }
  }

  let mx = mergeGroup(mOrder, X, ctx);
  let kx = mergeGroup(kOrder, X, ctx);
  if (!mx || !kx) {
    X = materialize(X, [...bOrder, ...mOrder, ...kOrder], ctx);
    mx = mergeGroup(mOrder, X, ctx)!;
    kx = mergeGroup(kOrder, X, ctx)!;
  }
  let ky = mergeGroup(kOrder, Y, ctx);
  let ny = mergeGroup(nOrder, Y, ctx);
  if (!ky || !ny) {
    Y = materialize(Y, [...bOrder, ...kOrder, ...nOrder], ctx);
    ky = mergeGroup(kOrder, Y, ctx)!;
    ny = mergeGroup(nOrder, Y, ctx)!;
  }
  let mz = mergeGroup(mOrder, Z, ctx);
  let nz = mergeGroup(nOrder, Z, ctx);
  if (!mz || !nz) {
    // The requested output layout splits m or n: compute in [batch, m, n] order; the caller permutes.
    Z = contiguousLayout([...bOrder, ...mOrder, ...nOrder], ctx);
    mz = mergeGroup(mOrder, Z, ctx)!;
    nz = mergeGroup(nOrder, Z, ctx)!;
  }
  const out = allocView(Z, ctx);
  gemmForDtype(
    ctx.dtype,
    { m, n, k, batchShape: bOrder.map((l) => ctx.size.get(l)!), beta: 0 },
    { data: X.storage, offset: X.offset, rowStride: mx.stride, colStride: kx.stride, batchStrides: bOrder.map((l) => strideOf(X, l)) },
    { data: Y.storage, offset: Y.offset, rowStride: ky.stride, colStride: ny.stride, batchStrides: bOrder.map((l) => strideOf(Y, l)) },
    { data: out.storage, offset: 0, rowStride: mz.stride, colStride: nz.stride, batchStrides: bOrder.map((l) => strideOf(Z, l)) },
  );
  return out;
}

/** Turns the final view into a contiguous tensor with dims in `out` order (copying only when needed). */
function finish(v: View, out: readonly number[], ctx: Ctx, inputs: readonly Tensor[]): Tensor {
  const shape = out.map((l) => ctx.size.get(l)!);
  const n = prod(out, ctx);
  const same = v.labels.length === out.length && v.labels.every((l, i) => l === out[i]);
  // Never hand back an input's storage: the result is always a fresh tensor.
  const fresh = !inputs.some((t) => t.storage === v.storage);
  if (same && fresh && v.offset === 0 && v.storage.length === n * ctx.sp) {
    const cs = contiguous(shape);
    if (shape.every((d, i) => d <= 1 || v.strides[i] === cs[i])) return new Tensor(v.storage, shape, ctx.dtype);
  }
  return new Tensor(materialize(v, out, ctx).storage, shape, ctx.dtype);
}

/**
 * Einstein summation, like `torch.einsum` / `numpy.einsum`.
 *
 * - Any number of operands; letters a–z and A–Z; whitespace ignored.
 * - A letter repeated within one operand takes the diagonal (`'ii->i'`), or the trace if it is also summed (`'ii->'`).
 * - `'...'` stands for broadcast dims (aligned from the right; size-1 dims broadcast); without `'->'` the output
 *   is the `'...'` dims followed by the letters that appear exactly once, in alphabetical (ASCII) order.
 *   An explicit output without `'...'` sums the `'...'` dims.
 * - Operands are promoted to a common dtype (real with complex gives complex; complex is never conjugated);
 *   int32 is computed exactly (wrapping modulo 2^32); bool is rejected.
 *
 * Labels that appear in one operand only are summed first; with 3+ operands the pairwise order minimises
 * the FLOP count (exact DP up to 8 operands, greedy beyond). Each pairwise contraction is one batched GEMM on
 * strided views (copying only when strides cannot be merged), or — when the batch labels are innermost and
 * contiguous, as in `'jkxy,ikxy->ijxy'` — a batch-innermost multiply-accumulate that streams the operands once.
 *
 * @example
 * ```ts
 * const a = randn([2, 3], { seed: 0, dtype: 'float64' }), b = randn([3, 4], { seed: 1, dtype: 'float64' });
 * einsum('ij,jk->ik', a, b);  // same as matmul(a, b)
 * einsum('ii', eye(3));       // trace: 3
 * ```
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  const parsed = parseEquation(equation);
  if (parsed.inputs.length !== operands.length) {
    const want = parsed.inputs.length;
    throw new AdjointError(`einsum: argument 'operands' must hold ${want} tensor${want === 1 ? '' : 's'} for equation '${equation}', got ${operands.length}`, 'operands');
  }
  let dtype: DType | null = null;
  operands.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw argError('einsum', `operands[${i}]`, 'a Tensor', typeof t);
    if (t.dtype === 'bool') throw new AdjointError(`einsum: argument 'operands[${i}]' must be a numeric tensor (float, complex or int32), got dtype 'bool'`, `operands[${i}]`);
    dtype = dtype === null ? t.dtype : promoteTypes(dtype, t.dtype);
  });
  if (dtype === null) throw argError('einsum', 'operands', 'at least one tensor');
  const dt: DType = dtype;
  const ctx: Ctx = { dtype: dt, sp: scalarsPer(dt), size: new Map() };

  // Expand '...' into labels, check ranks and sizes.
  let maxEll = 0;
  const dimLabels: number[][] = [];
  operands.forEach((t, i) => {
    const term = parsed.inputs[i]!;
    const letters = term.filter((c) => c !== ELLIPSIS).length;
    const hasEll = term.includes(ELLIPSIS);
    const sub = term.map((c) => (c === ELLIPSIS ? '...' : codeLetter(c))).join('');
    if (hasEll ? t.ndim < letters : t.ndim !== letters) {
      throw argError('einsum', `operands[${i}]`, `a tensor with ${hasEll ? 'at least ' : ''}${letters} dims for subscripts '${sub}'`, [...t.shape]);
    }
    const ellN = t.ndim - letters;
    maxEll = Math.max(maxEll, ellN);
    const ls: number[] = [];
    for (const c of term) {
      if (c === ELLIPSIS) for (let r = 0; r < ellN; r++) ls.push(ELL_BASE + ellN - 1 - r);
      else ls.push(c);
    }
    ls.forEach((l, d) => {
      const sz = t.shape[d]!;
      const prev = ctx.size.get(l);
      if (prev === undefined || (l >= ELL_BASE && prev === 1)) ctx.size.set(l, sz);
      else if (prev !== sz && !(l >= ELL_BASE && sz === 1)) {
        throw new AdjointError(
          `einsum: argument 'operands[${i}]' has size ${sz} for subscript '${labelName(l)}' (dim ${d} of shape [${t.shape.join(', ')}]), ` +
            `which ${l >= ELL_BASE ? 'cannot be broadcast with' : 'must equal'} size ${prev} elsewhere`,
          `operands[${i}]`,
        );
      }
    });
    dimLabels.push(ls);
  });

  // Output labels.
  let out: number[];
  const ellOut: number[] = [];
  for (let j = maxEll - 1; j >= 0; j--) ellOut.push(ELL_BASE + j);
  if (parsed.output) {
    out = [];
    for (const c of parsed.output) {
      if (c === ELLIPSIS) out.push(...ellOut);
      else out.push(c);
    }
  } else {
    const count = new Map<number, number>();
    for (const term of parsed.inputs) for (const c of term) if (c !== ELLIPSIS) count.set(c, (count.get(c) ?? 0) + 1);
    out = [...ellOut, ...[...count.keys()].filter((c) => count.get(c) === 1).sort((a, b) => a - b)];
  }

  // Views: promote dtype, take diagonals for repeated labels, broadcast size-1 '...' dims with stride 0.
  let views: View[] = operands.map((t0, i) => {
    const t = t0.dtype === dt ? t0 : cast(t0, dt);
    const ls = dimLabels[i]!;
    const labels: number[] = [];
    const strides: number[] = [];
    ls.forEach((l, d) => {
      const st = t.shape[d] === 1 && ctx.size.get(l)! !== 1 ? 0 : t.strides[d]!;
      const at = labels.indexOf(l);
      if (at >= 0) strides[at] = strides[at]! + st;
      else {
        labels.push(l);
        strides.push(st);
      }
    });
    return { storage: t.storage, offset: t.offset, labels, strides };
  });

  // Sum labels that occur in a single operand and not in the output.
  const outSet = new Set(out);
  views = views.map((v, i) => {
    const drop = new Set(v.labels.filter((l) => !outSet.has(l) && !views.some((w, j) => j !== i && w.labels.includes(l))));
    return drop.size > 0 ? sumOut(v, drop, ctx) : v;
  });
  if (views.length === 1) return finish(views[0]!, out, ctx, operands);

  const tree = planContraction(
    views.map((v) => v.labels),
    out,
    ctx.size,
  );
  const leaves = (t: ContractionTree): number[] => (typeof t === 'number' ? [t] : [...leaves(t[0]), ...leaves(t[1])]);
  const exec = (t: ContractionTree, root: boolean): View => {
    if (typeof t === 'number') return views[t]!;
    const inside = new Set(leaves(t));
    const x = exec(t[0], false);
    const y = exec(t[1], false);
    const needed = new Set(out);
    views.forEach((v, i) => {
      if (!inside.has(i)) for (const l of v.labels) needed.add(l);
    });
    const keep = new Set([...x.labels, ...y.labels].filter((l) => needed.has(l)));
    return contractPair(x, y, keep, root ? out : null, ctx);
  };
  return finish(exec(tree, true), out, ctx, operands);
}

declare module './tensor.js' {
  interface Tensor {
    /**
     * `einsum(equation, this, ...others)`; see {@link einsum}.
     * @example `a.einsum('ij,jk->ik', b)`
     */
    einsum(equation: string, ...others: Tensor[]): Tensor;
  }
}
Tensor.prototype.einsum = function (this: Tensor, equation: string, ...others: Tensor[]) {
  return einsum(equation, this, ...others);
};
