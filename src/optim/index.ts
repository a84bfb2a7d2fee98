/**
 * Optimisers and learning-rate schedules (torch.optim's updates): SGD with (Nesterov) momentum, Adam, AdamW,
 * parameter groups, StepLR and CosineAnnealingLR. The package exposes this module as the `optim` namespace.
 *
 * @example
 * ```ts
 * import { optim, variable, gradients } from 'adjoint';
 * const opt = new optim.Adam([w], { lr: 0.01 });
 * for (let i = 0; i < 100; i++) opt.step(gradients(() => loss(w), [w]));
 * ```
 * @module
 */
export { Optimizer } from './optimizer.js';
export type { ParamGroup, ResolvedGroup, GradsArg } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { StepLR, CosineAnnealingLR } from './schedules.js';
