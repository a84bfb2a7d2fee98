/**
 * The two ways a public op joins the tape: {@link differentiable} records a node with a backward rule,
 * {@link nonDifferentiable} marks its result so that a backward sweep reaching it names the op.
 */
import { needsGrad, noGrad, record, recordNonDifferentiable } from './tape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Gradients for each recorded argument, from the output gradient `g` and the output itself. */
export type Rule = (g: Tensor, out: Tensor) => ReadonlyArray<Tensor | null>;

/**
 * @internal Runs the raw `forward`; when grad mode is on and one of `args` requires grad, records `rule`.
 * `args` lists the differentiable arguments in the order `rule` returns their gradients (put `null` for an
 * argument that must never get an edge, such as a `where` condition).
 * @example `differentiable('exp', [x], () => rawExp(x), (g, out) => [mul(g, out)])`
 */
export function differentiable(name: string, args: readonly unknown[], forward: () => Tensor, rule: Rule): Tensor {
  if (!needsGrad(args)) return forward();
  const out = noGrad(forward);
  return record(name, args, out, (g) => rule(g, out));
}

/** @internal Runs `forward`; if an argument requires grad, its result is marked non-differentiable. @example `nonDifferentiable('eq', [a, b], () => rawEq(a, b))` */
export function nonDifferentiable(name: string, args: readonly unknown[], forward: () => Tensor): Tensor {
  if (!needsGrad(args)) return forward();
  return recordNonDifferentiable(name, args, noGrad(forward));
}
