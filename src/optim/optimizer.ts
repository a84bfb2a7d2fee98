/**
 * The optimiser base: parameter groups with per-group hyper-parameters, per-parameter state, and the
 * in-place update loop over each parameter's scalars. Complex parameters are updated scalar by scalar on
 * their interleaved (re, im) storage, which is PyTorch's `view_as_real` treatment; with the complex-gradient
 * convention (∂L/∂x + i·∂L/∂y) a step along −grad descends.
 */
import { AdjointError, argError } from '../errors.js';
import { cast } from '../tensor/cast.js';
import { Tensor } from '../tensor/tensor.js';

/** A group of parameters with its own hyper-parameters, as in torch (`{ params, lr, … }`); any not given come from the optimiser defaults. */
export type ParamGroup<O> = { params: readonly Tensor[] } & Partial<O>;

/** A parameter group as stored: the parameters and the fully resolved hyper-parameters (`lr` included). */
export interface ResolvedGroup<O> {
  params: Tensor[];
  options: O & { lr: number };
  /** The lr the group started with (schedules scale from it). */
  initialLr: number;
}

/** What `step` accepts: gradients in parameter order (all groups, flattened), a Map by parameter, or nothing (use `.grad`). */
export type GradsArg = ReadonlyArray<Tensor | null> | ReadonlyMap<Tensor, Tensor | null>;

function isGroupList<O>(p: readonly Tensor[] | readonly ParamGroup<O>[]): p is readonly ParamGroup<O>[] {
  return p.length > 0 && !(p[0] instanceof Tensor);
}

/**
 * Base class of the optimisers: holds groups and state and runs `update` on every parameter with a gradient.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD([w], { lr: 0.1 });
 * opt.step(gradients(loss, [w]));
 * ```
 */
export abstract class Optimizer<O extends { lr: number }> {
  /** The parameter groups with resolved hyper-parameters. Change `lr` here to change the step size. */
  readonly paramGroups: ResolvedGroup<O>[];
  /** Per-parameter state (momentum buffers, moments, step counts). */
  protected readonly state = new Map<Tensor, Record<string, Float64Array | number>>();
  private readonly name: string;

  protected constructor(name: string, params: readonly Tensor[] | readonly ParamGroup<O>[], defaults: O) {
    this.name = name;
    if (!Array.isArray(params) || params.length === 0) throw argError(name, 'params', 'a non-empty list of tensors or of parameter groups', params);
    const groups: ParamGroup<O>[] = isGroupList(params) ? [...params] : [{ params: params as readonly Tensor[] }];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, gi) => {
      if (!g || !Array.isArray(g.params)) throw argError(name, `params[${gi}].params`, 'a list of tensors', g);
      const { params: _ps, ...own } = g;
      const options = { ...defaults, ...(own as unknown as Partial<O>) } as O;
      this.validate(options, gi);
      for (const p of g.params) {
        if (!(p instanceof Tensor)) throw argError(name, `params[${gi}]`, 'tensors', p);
        if (p.gradFn !== null || !(p.dtype.startsWith('float') || p.dtype.startsWith('complex'))) {
          throw argError(name, 'params', 'leaf float or complex tensors (use variable())', p.gradFn ? `a result of '${p.gradFn.opName}'` : p.dtype);
        }
        if (!p.isContiguous() || p.offset !== 0 || p.storage.length !== p.numel * (p.dtype.startsWith('complex') ? 2 : 1)) {
          throw argError(name, 'params', 'tensors that own contiguous storage (variable() makes such a copy)', `a view of shape [${p.shape.join(', ')}]`);
        }
        if (seen.has(p)) throw argError(name, 'params', 'each parameter in one group only', `a repeated tensor of shape [${p.shape.join(', ')}]`);
        seen.add(p);
      }
      return { params: [...g.params], options, initialLr: options.lr };
    });
  }

  /** Checks one group's hyper-parameters. */
  protected abstract validate(options: O, group: number): void;

  /** Updates parameter data `p` in place from gradient `g` (same length, scalars). */
  protected abstract update(p: Float64Array | Float32Array, g: Float64Array | Float32Array, options: O & { lr: number }, state: Record<string, Float64Array | number>): void;

  /**
   * One optimisation step. Gradients come from `grads` (a list in parameter order over all groups, or a Map by
   * parameter) or, when omitted, from each parameter's `.grad`. Parameters without a gradient are skipped.
   * @example `opt.step(gradients(loss, params))`
   */
  step(grads?: GradsArg): void {
    const all = this.paramGroups.flatMap((g) => g.params);
    let lookup: (p: Tensor, i: number) => Tensor | null | undefined;
    if (grads === undefined) lookup = (p) => p.grad;
    else if (grads instanceof Map) lookup = (p) => grads.get(p);
    else if (Array.isArray(grads)) {
      if (grads.length !== all.length) throw argError(`${this.name}.step`, 'grads', `a list of ${all.length} gradients (one per parameter, in group order)`, `${grads.length} entries`);
      lookup = (_p, i) => grads[i];
    } else throw argError(`${this.name}.step`, 'grads', 'a list or Map of gradients', grads);
    let i = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = lookup(p, i++);
        if (g === null || g === undefined) continue;
        if (!(g instanceof Tensor) || g.numel !== p.numel) throw new AdjointError(`${this.name}.step: the gradient for a parameter of shape [${p.shape.join(', ')}] has ${g instanceof Tensor ? `shape [${g.shape.join(', ')}]` : 'the wrong type'}`, 'grads');
        const gd = (g.dtype === p.dtype ? g : cast(g, p.dtype)).contiguousData() as Float64Array | Float32Array;
        let st = this.state.get(p);
        if (!st) {
          st = {};
          this.state.set(p, st);
        }
        this.update(p.storage as Float64Array | Float32Array, gd, group.options, st);
      }
    }
  }

  /**
   * Clears `.grad` of every parameter (PyTorch's `zero_grad(set_to_none=True)`).
   * @example `opt.zeroGrad()`
   */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }
}

/** @internal A zero-filled Float64Array state buffer of length n, created once. @example `buffer(state, 'momentum', p.length)` */
export function buffer(state: Record<string, Float64Array | number>, key: string, n: number): Float64Array {
  let b = state[key];
  if (!(b instanceof Float64Array)) {
    b = new Float64Array(n);
    state[key] = b;
  }
  return b;
}

/** @internal Checks a hyper-parameter is a finite number in [lo, hi). @example `checkRange('SGD', 'lr', 0.1, 0)` */
export function checkRange(fn: string, name: string, v: unknown, lo: number, hi = Infinity, hiInclusive = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (hiInclusive ? v > hi : v >= hi)) {
    throw argError(fn, name, `a number in [${lo}, ${hi}${hiInclusive ? ']' : ')'}`, v);
  }
}
