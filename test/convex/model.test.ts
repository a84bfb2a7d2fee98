import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdjointError } from '../../src/errors.js';
import { tensor } from '../../src/tensor/creation.js';
import {
  Variable, Parameter, Problem, minimize, maximize, add, sub, mul, matmul, index, take, reshape, vec, T, H, conj, real,
  imag, sum, diag, trace, psd, le, type Expression,
} from '../../src/convex/index.js';
import { affEval, newContext } from '../../src/convex/expression.js';
import { prng } from './helpers.js';

/** Evaluates an expression at random values of a complex variable's scalars; returns [re[], im[]]. */
function evalAt(e: Expression, scalars: Float64Array): [number[], number[]] {
  const a = e.build(newContext());
  return [a.re.map((r) => affEval(r, scalars)), a.im ? a.im.map((r) => affEval(r, scalars)) : a.re.map(() => 0)];
}

function randomScalars(vars: Variable[], seed: number): Float64Array {
  const rnd = prng(seed);
  let max = 0;
  for (const v of vars) max = Math.max(max, v.base + v.scalarCount);
  return Float64Array.from({ length: max }, () => rnd());
}

test('atoms on a complex matrix variable agree with naive loops', () => {
  const Z = new Variable([3, 4], { complex: true });
  const s = randomScalars([Z], 3);
  const [zr, zi] = evalAt(Z, s);
  const at = (i: number, j: number): [number, number] => [zr[i * 4 + j]!, zi[i * 4 + j]!];
  // transpose / conjugate transpose / conj / real / imag
  const [tr_, ti_] = evalAt(T(Z), s);
  const [hr, hi] = evalAt(H(Z), s);
  const [cr, ci] = evalAt(conj(Z), s);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
    const [a, b] = at(i, j);
    assert.equal(tr_[j * 3 + i], a); assert.equal(ti_[j * 3 + i], b);
    assert.equal(hr[j * 3 + i], a); assert.equal(hi[j * 3 + i], -b);
    assert.equal(cr[i * 4 + j], a); assert.equal(ci[i * 4 + j], -b);
  }
  assert.deepEqual(evalAt(real(Z), s)[0], zr);
  assert.deepEqual(evalAt(imag(Z), s)[0], zi);
  // diag with offsets, sum, index, take, reshape, vec
  for (const k of [-2, -1, 0, 1, 3]) {
    const [dr, di] = evalAt(diag(Z, k), s);
    const want: [number, number][] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) if (j - i === k) want.push(at(i, j));
    assert.deepEqual(dr, want.map((w) => w[0]));
    assert.deepEqual(di, want.map((w) => w[1]));
  }
  const [sr, si] = evalAt(sum(Z), s);
  assert.ok(Math.abs(sr[0]! - zr.reduce((a, b) => a + b)) < 1e-14 && Math.abs(si[0]! - zi.reduce((a, b) => a + b)) < 1e-14);
  assert.deepEqual(evalAt(index(Z, 2, -1), s)[0], [at(2, 3)[0]]);
  assert.deepEqual(evalAt(take(Z, [5, 0]), s)[1], [zi[5], zi[0]]);
  assert.deepEqual(reshape(Z, [2, -1]).shape, [2, 6]);
  assert.deepEqual(evalAt(vec(Z), s)[0], zr);
  // matmul with a complex constant: (C·Z)[i, j] = Σ_k C[i, k]·Z[k, j]
  const C = tensor([[[1, 2], [0, -1], [3, 0]], [[0.5, 0], [2, 2], [-1, 1]]], { dtype: 'complex128' });
  const cd = C.data as Float64Array;
  const [mr, mi] = evalAt(matmul(C, Z), s);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) {
    let re = 0, im = 0;
    for (let k = 0; k < 3; k++) {
      const a = cd[2 * (i * 3 + k)]!, b = cd[2 * (i * 3 + k) + 1]!;
      const [x, y] = at(k, j);
      re += a * x - b * y;
      im += a * y + b * x;
    }
    assert.ok(Math.abs(mr[i * 4 + j]! - re) < 1e-14 && Math.abs(mi[i * 4 + j]! - im) < 1e-14);
  }
  // mul by a complex scalar and add/sub with broadcasting
  const [pr, pi] = evalAt(sub(mul([0, 2], Z), 1), s);
  for (let e = 0; e < 12; e++) {
    assert.ok(Math.abs(pr[e]! - (-2 * zi[e]! - 1)) < 1e-15 && Math.abs(pi[e]! - 2 * zr[e]!) < 1e-15);
  }
});

test('a Hermitian variable is Hermitian and its trace is real', () => {
  const F = new Variable([4, 4], { hermitian: true });
  const s = randomScalars([F], 5);
  const [fr, fi] = evalAt(F, s);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    assert.equal(fr[i * 4 + j], fr[j * 4 + i]);
    assert.ok(fi[i * 4 + j] === -fi[j * 4 + i]!);
  }
  const t = trace(F).build(newContext());
  assert.ok(t.im!.every((a) => a.coef.size === 0 && a.c === 0));
  // maximize(trace) is accepted (real), maximize of an off-diagonal entry is not
  assert.doesNotThrow(() => new Problem(maximize(sub(1, trace(F))), [psd(F), trace(F).le(3)]).canonicalize());
  assert.throws(() => new Problem(maximize(index(F, 0, 1)), [psd(F)]).solve(), (e: unknown) => e instanceof AdjointError && /real\(…\)/.test(e.message) && /F|var/.test(e.message));
  assert.throws(() => new Problem(minimize(trace(mul([0, 1], F))), [psd(F)]).solve(), /complex valued/);
});

test('errors name the operands: non-affine products, shape mismatch, non-symmetric psd, complex inequality', () => {
  const X = new Variable([2, 2], { name: 'X' });
  const Y = new Variable([2, 2], { name: 'Y' });
  const z = new Variable([3], { name: 'z' });
  assert.throws(() => mul(X, Y), (e: unknown) => e instanceof AdjointError && /'X'/.test(e.message) && /'Y'/.test(e.message) && /not affine/.test(e.message));
  assert.throws(() => matmul(X, Y), /not affine/);
  assert.throws(() => add(X, z), (e: unknown) => e instanceof AdjointError && /'X' \[2, 2\]/.test(e.message) && /'z' \[3\]/.test(e.message));
  assert.throws(() => matmul(tensor([[1, 2, 3]], { dtype: 'float64' }), X), /inner dimensions/);
  assert.throws(() => new Problem(minimize(trace(X)), [psd(X)]).solve(), /not symmetric/);
  const w = new Variable([2], { complex: true, name: 'w' });
  assert.throws(() => new Problem(minimize(sum(real(w))), [le(w, 1)]).solve(), /le\/ge: .*complex valued/);
  assert.throws(() => psd(z), /square matrix/);
  assert.throws(() => new Variable([2, 3], { hermitian: true }), /square/);
  assert.throws(() => new Problem(minimize(X), []).solve(), /must be a scalar/);
});

test('parameters are read at solve time', () => {
  const p = new Parameter([], { value: 2 });
  const x = new Variable([1]);
  const prob = new Problem(minimize(sum(x)), [x.ge(p)]);
  assert.ok(Math.abs(prob.solve().value - 2) < 1e-7);
  p.value = -3;
  assert.ok(Math.abs(prob.solve().value - -3) < 1e-7);
  const q = new Parameter([2]);
  assert.throws(() => new Problem(minimize(sum(x)), [x.ge(sum(q))]).solve(), /has no value/);
});

test('complex equalities split into real and imaginary parts; verbose prints one line per iteration', () => {
  const w = new Variable([2], { complex: true });
  const target = tensor([[1, -2], [0.5, 3]], { dtype: 'complex128' });
  const lines: string[] = [];
  // minimise Σ Re(w) subject to w = target: the optimum is Re Σ target = 1.5
  const cons = [w.eq(target)];
  const r = new Problem(minimize(sum(real(w))), cons).solve({ verbose: true, log: (l) => lines.push(l) });
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - 1.5) < 1e-7);
  assert.deepEqual(Array.from(w.value!.data).map((v) => Math.round(v * 1e6) / 1e6), [1, -2, 0.5, 3]);
  assert.equal(lines.length, r.iterations + 2);
  assert.match(lines[1]!, /^\s+0\s/);
  assert.equal(cons[0]!.dual!.dtype, 'complex128');
});
