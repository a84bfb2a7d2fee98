import { argError } from '../errors.js';
import type { Optimizer } from './optimizer.js';

/** Anything with parameter groups whose lr a schedule can set. */
type HasGroups = Pick<Optimizer<{ lr: number }>, 'paramGroups'>;

/**
 * Base of the learning-rate schedules: call `step()` once per epoch (after the optimiser's step); each group's
 * lr becomes `lrAt(initialLr, epoch)`.
 */
abstract class Schedule {
  /** Epochs stepped so far. */
  epoch = 0;
  protected readonly opt: HasGroups;
  constructor(opt: HasGroups) {
    this.opt = opt;
  }
  protected abstract lrAt(base: number, epoch: number): number;
  /** Advances one epoch and sets every group's lr. @example `sched.step()` */
  step(): void {
    this.epoch++;
    for (const g of this.opt.paramGroups) g.options.lr = this.lrAt(g.initialLr, this.epoch);
  }
  /** The current lr of each group. @example `sched.lastLr()` */
  lastLr(): number[] {
    return this.opt.paramGroups.map((g) => g.options.lr);
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs (torch.optim.lr_scheduler.StepLR).
 *
 * @example
 * ```ts
 * const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * ```
 */
export class StepLR extends Schedule {
  private readonly stepSize: number;
  private readonly gamma: number;
  constructor(opt: HasGroups, options: { stepSize: number; gamma?: number }) {
    super(opt);
    if (!Number.isInteger(options?.stepSize) || options.stepSize < 1) throw argError('StepLR', 'stepSize', 'a positive integer', options?.stepSize);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    if (!(this.gamma > 0)) throw argError('StepLR', 'gamma', 'a positive number', this.gamma);
  }
  protected lrAt(base: number, epoch: number): number {
    return base * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
}

/**
 * Cosine annealing from the initial lr to `etaMin` over `tMax` epochs (the closed form of
 * torch.optim.lr_scheduler.CosineAnnealingLR): lr = etaMin + (base − etaMin)·(1 + cos(π·epoch/tMax))/2.
 *
 * @example
 * ```ts
 * const sched = new optim.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends Schedule {
  private readonly tMax: number;
  private readonly etaMin: number;
  constructor(opt: HasGroups, options: { tMax: number; etaMin?: number }) {
    super(opt);
    if (!Number.isInteger(options?.tMax) || options.tMax < 1) throw argError('CosineAnnealingLR', 'tMax', 'a positive integer', options?.tMax);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
