// Optimiser trajectories against torch.optim (test/fixtures/make_autograd_fixtures.py), plus a training check.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor, complex, Tensor } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import * as optim from '../../src/optim/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/autograd/optim.json', import.meta.url), 'utf8')) as {
  a: number[]; c: number[]; p0: number[]; cc: number[][]; pc0: number[][]; cases: Record<string, unknown[][]>;
};
const a = tensor(fx.a, { dtype: 'float64' });
const c = tensor(fx.c, { dtype: 'float64' });
const cplx = (v: number[][]) => complex(tensor(v.map((z) => z[0]!), { dtype: 'float64' }), tensor(v.map((z) => z[1]!), { dtype: 'float64' }));
const lossReal = (p: Tensor) => p.sub(c).pow(2).mul(a).sum().mul(0.5);

function run(make: (ps: never) => optim.Optimizer<{ lr: number }>, opts: { steps?: number; sched?: (o: optim.Optimizer<{ lr: number }>) => { step(): void }; complexParam?: boolean; groups?: boolean } = {}): number[][] {
  const traj: number[][] = [];
  if (opts.complexParam) {
    const p = A.variable(cplx(fx.pc0));
    const cc = cplx(fx.cc);
    const o = make([p] as never);
    for (let i = 0; i < (opts.steps ?? 6); i++) {
      o.step(A.gradients(() => A.abs(p.sub(cc)).pow(2).sum(), [p]));
      traj.push((p.toArray() as number[][]).flat());
    }
    return traj;
  }
  if (opts.groups) {
    const p = A.variable(tensor(fx.p0.slice(0, 2), { dtype: 'float64' }));
    const q = A.variable(tensor(fx.p0.slice(2), { dtype: 'float64' }));
    const o = make([{ params: [p], lr: 0.05 }, { params: [q] }] as never);
    for (let i = 0; i < (opts.steps ?? 6); i++) {
      o.zeroGrad();
      A.backward(lossReal(A.concat([p, q])));
      o.step();
      traj.push([...(p.toArray() as number[]), ...(q.toArray() as number[])]);
    }
    return traj;
  }
  const p = A.variable(tensor(fx.p0, { dtype: 'float64' }));
  const o = make([p] as never);
  const s = opts.sched ? opts.sched(o) : null;
  for (let i = 0; i < (opts.steps ?? 6); i++) {
    o.step(A.gradients(() => lossReal(p), [p]));
    s?.step();
    traj.push(p.toArray() as number[]);
  }
  return traj;
}
function same(got: number[][], name: string): void {
  const ref = fx.cases[name]!.map((r) => (r as unknown[]).flat(2) as number[]);
  assert.equal(got.length, ref.length);
  got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - ref[i]![j]!) < 1e-12, `${name} step ${i} [${j}]: ${v} vs ${ref[i]![j]}`)));
}

describe('optimisers match torch.optim step by step', () => {
  test('SGD: plain, momentum + dampening + weight decay, Nesterov', () => {
    same(run((ps) => new optim.SGD(ps, { lr: 0.1 })), 'sgd_plain');
    same(run((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.8, dampening: 0.2, weightDecay: 0.05 })), 'sgd_momentum_dampening_wd');
    same(run((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })), 'sgd_nesterov');
  });
  test('Adam, Adam with weight decay and AMSGrad, AdamW', () => {
    same(run((ps) => new optim.Adam(ps, { lr: 0.1 })), 'adam');
    same(run((ps) => new optim.Adam(ps, { lr: 0.1, betas: [0.8, 0.99], weightDecay: 0.1, amsgrad: true })), 'adam_wd_amsgrad');
    same(run((ps) => new optim.AdamW(ps, { lr: 0.1, weightDecay: 0.1 })), 'adamw');
  });
  test('parameter groups with their own lr (and .grad via backward)', () => {
    same(run((ps) => new optim.Adam(ps, { lr: 0.2 }), { groups: true }), 'adam_groups');
  });
  test('complex parameters (view_as_real semantics)', () => {
    same(run((ps) => new optim.Adam(ps, { lr: 0.1 }), { complexParam: true }), 'adam_complex');
    same(run((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.5 }), { complexParam: true }), 'sgd_complex');
  });
  test('StepLR and CosineAnnealingLR', () => {
    same(run((ps) => new optim.SGD(ps, { lr: 0.2 }), { sched: (o) => new optim.StepLR(o, { stepSize: 2, gamma: 0.5 }) }), 'sgd_steplr');
    same(run((ps) => new optim.Adam(ps, { lr: 0.2 }), { sched: (o) => new optim.CosineAnnealingLR(o, { tMax: 4, etaMin: 0.01 }) }), 'adam_cosine');
  });
  test('bad hyper-parameters and parameters are named', () => {
    const p = A.variable(tensor([1], { dtype: 'float64' }));
    assert.throws(() => new optim.SGD([p], { lr: -1 }), /lr/);
    assert.throws(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), /nesterov/);
    assert.throws(() => new optim.Adam([p.mul(2)]), /leaf/);
    assert.throws(() => new optim.Adam([p], { betas: [1.5, 0.9] }), /betas\[0\]/);
    assert.throws(() => new optim.SGD([p], { lr: 0.1 }).step([]), /1 gradients/);
  });
});
