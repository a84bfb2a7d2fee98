import type { Tensor } from '../tensor/tensor.js';
import { buffer, checkRange, Optimizer, type ParamGroup } from './optimizer.js';

/** Hyper-parameters of {@link Adam} and {@link AdamW}; defaults as torch.optim. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay p ← p·(1 − lr·wd). Default 0 (Adam), 0.01 (AdamW). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (default false). */
  amsgrad?: boolean;
}

function adamUpdate(p: Float64Array | Float32Array, g: Float64Array | Float32Array, o: AdamOptions, st: Record<string, Float64Array | number>, decoupled: boolean): void {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const wd = o.weightDecay ?? 0;
  const t = ((st.steps as number | undefined) ?? 0) + 1;
  st.steps = t;
  const m = buffer(st, 'expAvg', p.length);
  const v = buffer(st, 'expAvgSq', p.length);
  const vmax = o.amsgrad ? buffer(st, 'maxExpAvgSq', p.length) : null;
  const bc1 = 1 - Math.pow(b1, t);
  const bc2 = 1 - Math.pow(b2, t);
  const stepSize = o.lr / bc1;
  const sq2 = Math.sqrt(bc2);
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    let pi = p[i]!;
    if (decoupled) pi *= 1 - o.lr * wd;
    else gi += wd * pi;
    m[i] = b1 * m[i]! + (1 - b1) * gi;
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
    let vv = v[i]!;
    if (vmax) {
      vmax[i] = Math.max(vmax[i]!, vv);
      vv = vmax[i]!;
    }
    p[i] = pi - (stepSize * m[i]!) / (Math.sqrt(vv) / sq2 + eps);
  }
}

function validateAdam(fn: string, o: AdamOptions, gi: number): void {
  checkRange(fn, `lr (group ${gi})`, o.lr, 0);
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  checkRange(fn, 'betas[0]', b1, 0, 1);
  checkRange(fn, 'betas[1]', b2, 0, 1);
  checkRange(fn, 'eps', o.eps, 0);
  checkRange(fn, 'weightDecay', o.weightDecay, 0);
}

/**
 * Adam (torch.optim.Adam's update, with bias correction and optional AMSGrad). Accepts parameter groups.
 *
 * @example
 * ```ts
 * const opt = new optim.Adam([{ params: [W], lr: 1e-2 }, { params: [b] }], { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: readonly Tensor[] | readonly ParamGroup<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...options });
  }
  protected validate(o: AdamOptions, gi: number): void {
    validateAdam('Adam', o, gi);
  }
  protected update(p: Float64Array | Float32Array, g: Float64Array | Float32Array, o: AdamOptions, st: Record<string, Float64Array | number>): void {
    adamUpdate(p, g, o, st, false);
  }
}

/**
 * AdamW: Adam with decoupled weight decay (torch.optim.AdamW; default weightDecay 0.01).
 *
 * @example
 * ```ts
 * const opt = new optim.AdamW(params, { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: readonly Tensor[] | readonly ParamGroup<AdamOptions>[], options: Partial<AdamOptions> = {}) {
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, ...options });
  }
  protected validate(o: AdamOptions, gi: number): void {
    validateAdam('AdamW', o, gi);
  }
  protected update(p: Float64Array | Float32Array, g: Float64Array | Float32Array, o: AdamOptions, st: Record<string, Float64Array | number>): void {
    adamUpdate(p, g, o, st, true);
  }
}
