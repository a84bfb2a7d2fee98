import { argError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { buffer, checkRange, Optimizer, type ParamGroup } from './optimizer.js';

/** Hyper-parameters of {@link SGD}; defaults as torch.optim.SGD. */
export interface SGDOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, exactly torch.optim.SGD's update:
 * g ← g + wd·p; b ← μ·b + (1 − τ)·g (b = g on the first step); g ← g + μ·b (Nesterov) or b; p ← p − lr·g.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD([W, b], { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.step(gradients(cost, [W, b]));
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: readonly Tensor[] | readonly ParamGroup<SGDOptions>[], options: SGDOptions) {
    super('SGD', params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...options });
  }
  protected validate(o: SGDOptions, gi: number): void {
    checkRange('SGD', `lr (group ${gi})`, o.lr, 0);
    checkRange('SGD', 'momentum', o.momentum, 0);
    checkRange('SGD', 'dampening', o.dampening, 0, 1, true);
    checkRange('SGD', 'weightDecay', o.weightDecay, 0);
    if (o.nesterov && (o.momentum! <= 0 || o.dampening !== 0)) throw argError('SGD', 'nesterov', 'used with momentum > 0 and dampening 0', `momentum ${o.momentum}, dampening ${o.dampening}`);
  }
  protected update(p: Float64Array | Float32Array, g: Float64Array | Float32Array, o: SGDOptions, st: Record<string, Float64Array | number>): void {
    const mu = o.momentum ?? 0;
    const damp = o.dampening ?? 0;
    const wd = o.weightDecay ?? 0;
    const first = st.steps === undefined;
    st.steps = ((st.steps as number | undefined) ?? 0) + 1;
    const b = mu !== 0 ? buffer(st, 'momentum', p.length) : null;
    for (let i = 0; i < p.length; i++) {
      let d = g[i]! + wd * p[i]!;
      if (b) {
        b[i] = first ? d : mu * b[i]! + (1 - damp) * d;
        d = o.nesterov ? d + mu * b[i]! : b[i]!;
      }
      p[i] = p[i]! - o.lr * d;
    }
  }
}
