// Issue 9, cheap re-solves: Krylov recycling (RecycleSpace, deflated CG in RingValidFactor) and loosened
// refinement passes. References: dense SPD algebra and dense pinv of the materialised convolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecycleSpace } from '../../src/operators/exact/recycle-space.js';
import { RingValidFactor } from '../../src/operators/exact/ring-valid.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { pinv } from '../../src/linalg/index.js';
import { randn } from '../../src/tensor/random.js';

const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** A random SPD matrix B Bᵀ + n·I (row-major) and its mat-vec. */
function spd(n: number, seed: number): { A: Float64Array; mv: (v: Float64Array) => Float64Array } {
  const B = randn([n, n], { seed, dtype: 'float64' }).data as Float64Array;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k]! * B[j * n + k]!;
      A[i * n + j] = s;
    }
  const mv = (v: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += A[i * n + j]! * v[j]!;
    return out;
  };
  return { A, mv };
}

function vec(n: number, seed: number): Float64Array {
  return Float64Array.from(randn([n], { seed, dtype: 'float64' }).data as Float64Array);
}

test('RecycleSpace: the Galerkin step leaves r = b − Aw with Pᵀr = 0; deflation makes p A-orthogonal to P', () => {
  const n = 30;
  const { mv } = spd(n, 1);
  const space = new RecycleSpace(n, 1 << 20);
  const P: Float64Array[] = [];
  for (let i = 0; i < 6; i++) {
    const p = vec(n, 10 + i);
    const q = mv(p);
    space.offer(p, q, dot(p, q));
    P.push(p);
  }
  space.commit();
  assert.equal(space.size, 6);
  const b = vec(n, 50);
  const w = new Float64Array(n);
  const r = b.slice();
  space.project(w, r);
  const aw = mv(w);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(r[i]! - (b[i]! - aw[i]!)) <= 1e-10 * norm(b), 'r = b − Aw');
  for (const p of P) assert.ok(Math.abs(dot(p, r)) <= 1e-10 * norm(p) * norm(b), `pᵀr = ${dot(p, r)}`);
  // The Galerkin answer: ‖b − Aw‖ is below ‖b‖ (b has a component in span(P)).
  assert.ok(norm(r) < norm(b));
  const z = vec(n, 60);
  const pd = z.slice();
  space.deflate(z, pd);
  const apd = mv(pd);
  for (const p of P) assert.ok(Math.abs(dot(p, apd)) <= 1e-10 * norm(p) * norm(apd), `pᵀA·p' = ${dot(p, apd)}`);
});

test('RecycleSpace: a direction in the span of earlier ones is dropped; the byte budget caps the count', () => {
  const n = 20;
  const { mv } = spd(n, 2);
  const space = new RecycleSpace(n, 1 << 20);
  const p1 = vec(n, 1);
  const p2 = vec(n, 2);
  const p3 = p1.map((v, i) => 2 * v - 0.5 * p2[i]!);
  for (const p of [p1, p2, p3]) {
    const q = mv(p);
    space.offer(p, q, dot(p, q));
  }
  space.commit();
  assert.equal(space.size, 2);
  // Budget for exactly 3 directions of length 20 (16·20 bytes each).
  const small = new RecycleSpace(n, 3 * 16 * n + 10);
  assert.equal(small.capacity, 3);
  for (let i = 0; i < 5; i++) {
    const p = vec(n, 20 + i);
    const q = mv(p);
    small.offer(p, q, dot(p, q));
  }
  small.commit();
  assert.equal(small.size, 3);
  assert.equal(small.wantsMore, false);
  // Non-positive curvature is refused.
  const other = new RecycleSpace(n, 1 << 20);
  other.offer(p1, mv(p1), -1);
  other.commit();
  assert.equal(other.size, 0);
  other.clear();
  assert.equal(other.bytes, 0);
});

/** Dense pinv reference for a 'valid' conv. */
function reference(c: number, n: number, seed: number) {
  const w = randn([c, c, 3, 3], { seed, dtype: 'float64' });
  const A = conv2d(w, { inShape: [c, n, n], padding: 0 });
  const D = A.toDense();
  const [m, nn] = D.shape as [number, number];
  const P = pinv(D).data as Float64Array;
  const apply = (y: Float64Array): Float64Array => {
    const out = new Float64Array(nn);
    for (let i = 0; i < nn; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += P[i * m + j]! * y[j]!;
      out[i] = s;
    }
    return out;
  };
  return { w: w.data as Float64Array, m, apply };
}

test('RingValidFactor with recycling: re-solves match dense pinv with fewer CG iterations, and report it', () => {
  const c = 3;
  const n = 14;
  const { w, m, apply } = reference(c, n, 5);
  const spec = { weight: w, cOut: c, cIn: c, kh: 3, kw: 3, n1: n, n2: n };
  const f = new RingValidFactor(spec, { recycleBytes: 1 << 22 });
  const plain = new RingValidFactor(spec);
  const its: number[] = [];
  for (let s = 0; s < 3; s++) {
    const y = randn([m], { seed: 40 + s, dtype: 'float64' }).data as Float64Array;
    const r = f.solve(y);
    const ref = apply(y);
    const err = norm(ref.map((v, i) => v - r.x[i]!));
    assert.ok(err <= 1e-9 * norm(ref), `solve ${s}: ‖x̂ − pinv·y‖/‖pinv·y‖ = ${err / norm(ref)}`);
    assert.ok(r.info.converged);
    assert.equal(r.info.cgIterations.length, r.info.recycledDirections.length);
    assert.equal(r.info.cgIterations.length, r.info.passResiduals.length);
    assert.equal(r.info.passResiduals.at(-1), r.info.normalResidual);
    if (s === 0) assert.equal(r.info.recycledDirections[0], 0);
    else assert.ok(r.info.recycledDirections[0]! > 0, 'a re-solve deflates the kept directions');
    assert.ok(r.info.recycleBytes > 0 && r.info.recycleBytes <= (1 << 22) + 16 * 4096 ** 2);
    its.push(r.info.cgIterations[0]!);
    // recycle: false is the plain solve (same iterations as a factor without a budget).
    const p = f.solve(y, { recycle: false });
    const q = plain.solve(y);
    assert.deepEqual(p.info.cgIterations, q.info.cgIterations);
    assert.ok(p.info.recycledDirections.every((k) => k === 0));
  }
  assert.ok(its[1]! < its[0]! && its[2]! < its[0]!, `iterations ${its}`);
  assert.ok(f.recycledDirections > 0);
  f.forgetRecycled();
  assert.equal(f.recycleBytes, 0);
  assert.equal(f.recycledDirections, 0);
  // Without a budget nothing is kept.
  assert.equal(plain.recycleBytes, 0);
  assert.throws(() => new RingValidFactor(spec, { recycleBytes: -1 }), RangeError);
});

test('loosened refinement pass: fewer CG iterations than the first pass, same exact answer', () => {
  const c = 3;
  const n = 16;
  const { w, m, apply } = reference(c, n, 7);
  const f = new RingValidFactor({ weight: w, cOut: c, cIn: c, kh: 3, kw: 3, n1: n, n2: n });
  const y = randn([m], { seed: 71, dtype: 'float64' }).data as Float64Array;
  // A loose first pass forces a refinement pass.
  const r = f.solve(y, { cgTol: 1e-6, tol: 1e-12 });
  assert.ok(r.info.converged, JSON.stringify(r.info));
  assert.ok(r.info.cgIterations.length >= 2, `passes ${r.info.cgIterations}`);
  assert.ok(r.info.passResiduals[0]! > 1e-12 && r.info.normalResidual <= 1e-12);
  const ref = apply(y);
  const err = norm(ref.map((v, i) => v - r.x[i]!));
  assert.ok(err <= 1e-9 * norm(ref), `‖x̂ − pinv·y‖/‖pinv·y‖ = ${err / norm(ref)}`);
  // With the default cgTol (1e-14) a random y whose first pass misses tol gets a cheaper second pass.
  const r2 = f.solve(y, { tol: 1e-15 });
  if (r2.info.cgIterations.length >= 2) assert.ok(r2.info.cgIterations[1]! < r2.info.cgIterations[0]!, `passes ${r2.info.cgIterations}`);
  // An unreachable target is reported, with every pass bounded.
  const r3 = f.solve(y, { tol: 1e-30, maxRefine: 2, cgMaxIter: 200 });
  assert.equal(r3.info.converged, false);
  assert.equal(r3.info.cgIterations.length, 3);
  assert.ok(r3.info.cgIterations.every((k) => k <= 200));
  assert.ok(r3.info.normalResidual > 1e-30);
});
