/**
 * The user-facing autodiff entry points: `variable`, `gradients` (tf.gradients with names), `grad` and
 * `valueAndGrad` (JAX style), `backward` (PyTorch style, accumulating into `.grad`).
 */
import { AdjointError, argError } from '../errors.js';
import { ones, zeros } from '../tensor/creation.js';
import { isComplex } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { add } from '../tensor/elementwise.js';
import { fitGrad } from './grad-utils.js';
import { isDifferentiableDtype, sweep, withGrad } from './tape.js';

const names = new WeakMap<Tensor, string>();

/** Options of {@link variable}. @example `variable(x, { name: 'W' })` */
export interface VariableOptions {
  /** A name for messages and for {@link gradients} by name. */
  name?: string;
}

/**
 * A trainable leaf: a copy of `t` with its own contiguous storage that requires gradients. Optimisers update
 * its storage in place.
 *
 * @example
 * ```ts
 * const W = variable(tensor(0.5, { dtype: 'float64' }), { name: 'W' });
 * W.requiresGrad; // true
 * ```
 */
export function variable(t: Tensor, options: VariableOptions = {}): Tensor {
  if (!(t instanceof Tensor)) throw argError('variable', 't', 'a Tensor', t);
  if (!isDifferentiableDtype(t)) throw argError('variable', 't', 'a float or complex tensor (only those can have gradients)', t.dtype);
  const v = new Tensor(t.contiguousData(), t.shape, t.dtype);
  v.requiresGrad = true;
  if (options.name !== undefined) names.set(v, options.name);
  return v;
}

/** The name given to a variable, if any. @example `variableName(W) // 'W'` */
export function variableName(t: Tensor): string | undefined {
  return names.get(t);
}

/** Options of {@link gradients}, {@link grad}, {@link valueAndGrad} and {@link backward}. */
export interface GradientOptions {
  /** What a variable the loss does not depend on gets: `'zero'` (default) a zero tensor, `'null'` null. */
  unconnected?: 'zero' | 'null';
  /** The output's cotangent (required when the output is not a scalar); shape of the output. */
  seed?: Tensor;
  /** Keep the graph for another backward pass. Default false. */
  retainGraph?: boolean;
}

/** What a list or record of variables maps to. */
export type GradientsOf<V> = V extends readonly Tensor[] ? { [K in keyof V]: Tensor | null } : { [K in keyof V]: Tensor | null };

function seedFor(y: Tensor, options: GradientOptions, fn: string): Tensor {
  if (options.seed !== undefined) {
    const s = options.seed;
    if (!(s instanceof Tensor) || s.shape.length !== y.shape.length || s.shape.some((d, i) => d !== y.shape[i])) {
      throw argError(fn, 'seed', `a tensor of the output's shape [${y.shape.join(', ')}]`, s instanceof Tensor ? `shape [${s.shape.join(', ')}]` : s);
    }
    return s;
  }
  if (y.numel !== 1) {
    throw new AdjointError(`${fn}: the output has shape [${y.shape.join(', ')}]; gradients need a scalar output, or pass { seed } (a tensor of the output's shape) to get a vector-Jacobian product`, 'seed');
  }
  if (isComplex(y.dtype)) {
    throw new AdjointError(`${fn}: the output is complex (${y.dtype}); gradients are defined for a real loss — take real(), abs() or a norm first, or pass { seed }`, 'seed');
  }
  return ones(y.shape, { dtype: y.dtype });
}

function evaluate(f: Tensor | (() => Tensor), fn: string): Tensor {
  const y = typeof f === 'function' ? withGrad(f) : f;
  if (!(y instanceof Tensor)) throw argError(fn, 'f', 'a Tensor or a function returning a Tensor', y);
  return y;
}

function gradsFor(y: Tensor, vars: readonly Tensor[], options: GradientOptions, fn: string): Array<Tensor | null> {
  vars.forEach((v, i) => {
    if (!(v instanceof Tensor)) throw argError(fn, `vars[${i}]`, 'a Tensor', v);
  });
  const seed = seedFor(y, options, fn);
  let map = new Map<Tensor, Tensor>();
  if (y.requiresGrad) {
    map = sweep(y, seed, vars, { retainGraph: options.retainGraph ?? false });
  }
  return vars.map((v) => {
    let g = v === y ? seed : map.get(v);
    if (g !== undefined) return fitGrad(g, v)!.contiguous();
    return options.unconnected === 'null' ? null : zeros(v.shape, { dtype: v.dtype });
  });
}

/**
 * Gradients of a scalar loss with respect to the given variables, like `tf.gradients(cost, [W, b])`: a list in
 * the order asked for, or a record by the same keys. `f` is a function computing the loss (run with recording
 * on) or an already computed loss tensor. Tensors that are not listed (data such as X and Y) never appear.
 *
 * @example
 * ```ts
 * const [dW, db] = gradients(() => x.mul(W).add(b).sub(y).pow(2).mean(), [W, b]);
 * const byName = gradients(cost, { W, b }); // { W: Tensor, b: Tensor }
 * ```
 */
export function gradients(f: Tensor | (() => Tensor), vars: readonly Tensor[], options?: GradientOptions & { unconnected?: 'zero' }): Tensor[];
export function gradients(f: Tensor | (() => Tensor), vars: readonly Tensor[], options: GradientOptions): Array<Tensor | null>;
export function gradients<K extends string>(f: Tensor | (() => Tensor), vars: Readonly<Record<K, Tensor>>, options?: GradientOptions & { unconnected?: 'zero' }): Record<K, Tensor>;
export function gradients<K extends string>(f: Tensor | (() => Tensor), vars: Readonly<Record<K, Tensor>>, options: GradientOptions): Record<K, Tensor | null>;
export function gradients(f: Tensor | (() => Tensor), vars: readonly Tensor[] | Readonly<Record<string, Tensor>>, options: GradientOptions = {}): unknown {
  const y = evaluate(f, 'gradients');
  if (Array.isArray(vars)) return gradsFor(y, vars as readonly Tensor[], options, 'gradients');
  if (vars === null || typeof vars !== 'object') throw argError('gradients', 'vars', 'a list or a record of tensors', vars);
  const keys = Object.keys(vars);
  const list = gradsFor(y, keys.map((k) => (vars as Record<string, Tensor>)[k]!), options, 'gradients');
  const out: Record<string, Tensor | null> = {};
  keys.forEach((k, i) => (out[k] = list[i]!));
  return out;
}

/**
 * PyTorch's `loss.backward()`: accumulates d loss / d leaf into `.grad` of every leaf that requires grad.
 *
 * @example
 * ```ts
 * backward(loss);
 * W.grad; // a Tensor
 * ```
 */
export function backward(loss: Tensor, options: GradientOptions = {}): void {
  if (!(loss instanceof Tensor)) throw argError('backward', 'loss', 'a Tensor', loss);
  if (!loss.requiresGrad) throw new AdjointError("backward: the loss does not require grad (no variable was used in computing it, or it was computed under noGrad)", 'loss');
  const seed = seedFor(loss, options, 'backward');
  const map = sweep(loss, seed, null, { retainGraph: options.retainGraph ?? false });
  if (loss.gradFn === null) map.set(loss, seed);
  for (const [leaf, g] of map) {
    if (!leaf.requiresGrad) continue;
    const gf = fitGrad(g, leaf)!;
    leaf.grad = leaf.grad === null ? gf.contiguous() : add(leaf.grad, gf);
  }
}

type ArgNums = number | readonly number[];

function checkArgnums(argnums: ArgNums, n: number, fn: string): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const a of list) if (!Number.isInteger(a) || a < 0 || a >= n) throw argError(fn, 'argnums', `indices of tensor arguments in [0, ${n})`, argnums);
  return list;
}

/** Runs f with fresh leaves in the differentiated positions; returns the value and the gradients. */
function valueAndGradImpl(f: (...args: Tensor[]) => Tensor, argnums: ArgNums, args: Tensor[], options: GradientOptions, fn: string): [Tensor, Tensor | Array<Tensor | null> | null] {
  const idx = checkArgnums(argnums, args.length, fn);
  const leaves = args.slice();
  for (const i of idx) {
    const a = args[i];
    if (!(a instanceof Tensor)) throw argError(fn, `args[${i}]`, 'a Tensor', a);
    const leaf = a.detach();
    leaf.requiresGrad = true;
    leaves[i] = leaf;
  }
  const y = withGrad(() => f(...leaves));
  if (!(y instanceof Tensor)) throw argError(fn, 'f', 'a function returning a Tensor', y);
  const gs = gradsFor(y, idx.map((i) => leaves[i]!), options, fn);
  const value = y.detach();
  return [value, typeof argnums === 'number' ? gs[0]! : gs];
}

/**
 * JAX's `grad`: turns a scalar function of tensors into a function returning its gradient with respect to the
 * arguments at `argnums` (default 0): a tensor for a single index, a list for a list.
 *
 * @example
 * ```ts
 * const f = (w: Tensor, b: Tensor) => x.mul(w).add(b).sub(y).pow(2).mean();
 * const [gw, gb] = grad(f, [0, 1])(W, b);
 * ```
 */
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor, argnums: readonly number[], options?: GradientOptions): (...args: A) => Tensor[];
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor, argnums?: number, options?: GradientOptions): (...args: A) => Tensor;
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor, argnums: ArgNums = 0, options: GradientOptions = {}): (...args: A) => Tensor | Tensor[] {
  if (typeof f !== 'function') throw argError('grad', 'f', 'a function', f);
  return (...args: A) => valueAndGradImpl(f as (...a: Tensor[]) => Tensor, argnums, args, options, 'grad')[1] as Tensor | Tensor[];
}

/**
 * JAX's `value_and_grad`: like {@link grad} but also returns the (detached) value.
 *
 * @example
 * ```ts
 * const [loss, gw] = valueAndGrad((w: Tensor) => w.mul(w).sum())(W);
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor, argnums: readonly number[], options?: GradientOptions): (...args: A) => [Tensor, Tensor[]];
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor, argnums?: number, options?: GradientOptions): (...args: A) => [Tensor, Tensor];
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor, argnums: ArgNums = 0, options: GradientOptions = {}): (...args: A) => [Tensor, Tensor | Tensor[]] {
  if (typeof f !== 'function') throw argError('valueAndGrad', 'f', 'a function', f);
  return (...args: A) => valueAndGradImpl(f as (...a: Tensor[]) => Tensor, argnums, args, options, 'valueAndGrad') as [Tensor, Tensor | Tensor[]];
}
