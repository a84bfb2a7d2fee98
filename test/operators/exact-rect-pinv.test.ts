// Zero-padded convolutions of any shape (stride 2, c_out ≠ c_in, padding beyond 'same', even kernels, dilation)
// through the exact two-ring solver (issue 9): agreement with the dense SVD pseudo-inverse, the normal-equation
// residual, the condition estimate against the true one, rank-deficient instances reported, refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { chooseMethod } from '../../src/operators/pinv/choose.js';
import { Conv2dExactPinv, exactAutoObstacle, exactKind, exactObstacle } from '../../src/operators/exact/conv2d-exact.js';
import { krylovFirstBudget } from '../../src/operators/pinv/krylov-first.js';
import { EXACT_RING_MAX, RECT_RING_MAX, RingRectFactor, rectGeometry, rectObstacle, type RectConvSpec } from '../../src/operators/exact/ring-rect.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { pinv, svdvals } from '../../src/linalg/index.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

function relArr(x: Float64Array, y: Float64Array): number {
  let n = 0;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    n += (x[i]! - y[i]!) ** 2;
    d += y[i]! ** 2;
  }
  return Math.sqrt(n / d);
}
const rel = (a: Tensor, b: Tensor): number => relArr(toFloat64(a), toFloat64(b));

interface Case {
  name: string;
  co: number;
  ci: number;
  k: [number, number];
  n: [number, number];
  padding: number | [number, number] | 'same';
  stride: number | [number, number];
  dil: number;
  seed: number;
  shape: 'wide' | 'tall';
}

const cases: Case[] = [
  { name: "stride 2 pad 1 (c_out = c_in)", co: 2, ci: 2, k: [3, 3], n: [8, 9], padding: 1, stride: 2, dil: 1, seed: 1, shape: 'wide' },
  { name: 'stride 2 pad 1, odd sizes, c_in < c_out < 4·c_in', co: 3, ci: 2, k: [3, 3], n: [9, 7], padding: 1, stride: 2, dil: 1, seed: 2, shape: 'wide' },
  { name: "c_out > c_in 'same'", co: 3, ci: 2, k: [3, 3], n: [8, 7], padding: 'same', stride: 1, dil: 1, seed: 3, shape: 'tall' },
  { name: "c_out < c_in 'same'", co: 2, ci: 3, k: [3, 3], n: [7, 8], padding: 'same', stride: 1, dil: 1, seed: 4, shape: 'wide' },
  { name: 'padding 2, 3×3 (output larger than input)', co: 2, ci: 2, k: [3, 3], n: [7, 8], padding: 2, stride: 1, dil: 1, seed: 5, shape: 'tall' },
  { name: "even 2×4 kernel 'same' (asymmetric pads), c_out > c_in", co: 3, ci: 2, k: [2, 4], n: [7, 8], padding: 'same', stride: 1, dil: 1, seed: 6, shape: 'tall' },
  { name: "dilation 2 'same', c_out < c_in", co: 2, ci: 3, k: [3, 3], n: [9, 8], padding: 'same', stride: 1, dil: 2, seed: 7, shape: 'wide' },
  { name: 'stride 2 pad 1, c_out > 4·c_in (tall)', co: 5, ci: 1, k: [3, 3], n: [8, 7], padding: 1, stride: 2, dil: 1, seed: 9, shape: 'tall' },
  { name: 'stride 3 pad 1', co: 4, ci: 1, k: [3, 3], n: [10, 9], padding: 1, stride: 3, dil: 1, seed: 10, shape: 'wide' },
  { name: 'stride [1, 2], padding [1, 0], dilation 2', co: 2, ci: 2, k: [3, 2], n: [8, 10], padding: [1, 0], stride: [1, 2], dil: 2, seed: 8, shape: 'wide' },
];

for (const cs of cases) {
  test(`zero-padded exact = dense pinv: ${cs.name}`, () => {
    const w = randn([cs.co, cs.ci, cs.k[0], cs.k[1]], { seed: cs.seed, dtype: 'float64' });
    const A = conv2d(w, { inShape: [cs.ci, cs.n[0], cs.n[1]], padding: cs.padding, stride: cs.stride, dilation: cs.dil });
    assert.equal(exactObstacle(A), null);
    const f = new Conv2dExactPinv(A);
    assert.equal(f.kind, 'rect');
    const rows = A.outSize;
    assert.equal(rows <= A.inSize ? 'wide' : 'tall', cs.shape, 'the case exercises the intended normal equations');
    const y = randn([2, ...A.outShape], { seed: cs.seed + 40, dtype: 'float64' });
    const ex = convPinv(A, y, { method: 'exact' });
    const dn = convPinv(A, y, { method: 'dense' });
    assert.equal(ex.info.method, 'exact');
    assert.equal(ex.info.status, 'ok');
    assert.ok(ex.info.converged);
    assert.ok(ex.info.relNormalResidual <= 1e-10, `normal-equation residual ${ex.info.relNormalResidual}`);
    assert.ok(rel(ex.x, dn.x) <= 1e-9, `‖x̂ − x_dense‖/‖x_dense‖ = ${rel(ex.x, dn.x)}`);
    // Wide A with full row rank fits y exactly; tall A leaves the least-squares residual of the dense answer.
    if (cs.shape === 'wide') assert.ok(ex.info.relResidual <= 1e-10, `residual ${ex.info.relResidual}`);
    else assert.ok(Math.abs(ex.info.relResidual - dn.info.relResidual) <= 1e-9, `residual ${ex.info.relResidual} vs ${dn.info.relResidual}`);
    // The condition estimate is of the right size: within 10× of cond(A) = σ_max/σ_min(nonzero) from the dense SVD.
    const s = svdvals(A.toDense()).data as Float64Array;
    const cond = s[0]! / s[s.length - 1]!;
    const est = ex.info.condEstimate!;
    assert.ok(est > cond / 10 && est < cond * 10, `estimate ${est} vs cond ${cond}`);
    assert.ok(ex.info.sigmaMax! <= s[0]! * (1 + 1e-12) && ex.info.sigmaMax! > 0.5 * s[0]!, `‖A‖ lower bound ${ex.info.sigmaMax} vs ${s[0]}`);
    assert.equal(ex.info.ringSize, f.info.ringSize);
  });
}

interface ModeCase extends Omit<Case, 'dil'> {
  mode: 'reflect' | 'replicate';
  dil?: number;
}

const modeCases: ModeCase[] = [
  { name: 'stride 2 pad 1 (c_out = c_in)', co: 2, ci: 2, k: [3, 3], n: [8, 9], padding: 1, stride: 2, seed: 1, shape: 'wide', mode: 'reflect' },
  { name: 'stride 2 pad 1 (c_out = c_in)', co: 2, ci: 2, k: [3, 3], n: [8, 9], padding: 1, stride: 2, seed: 1, shape: 'wide', mode: 'replicate' },
  { name: "c_out > c_in 'same'", co: 3, ci: 2, k: [3, 3], n: [8, 7], padding: 'same', stride: 1, seed: 3, shape: 'tall', mode: 'reflect' },
  { name: "c_out > c_in 'same'", co: 3, ci: 2, k: [3, 3], n: [8, 7], padding: 'same', stride: 1, seed: 3, shape: 'tall', mode: 'replicate' },
  { name: "c_out < c_in 'same'", co: 2, ci: 3, k: [3, 3], n: [7, 8], padding: 'same', stride: 1, seed: 4, shape: 'wide', mode: 'reflect' },
  { name: "c_out < c_in 'same'", co: 2, ci: 3, k: [3, 3], n: [7, 8], padding: 'same', stride: 1, seed: 4, shape: 'wide', mode: 'replicate' },
  { name: 'padding 2, 3×3 (output larger than input)', co: 2, ci: 2, k: [3, 3], n: [7, 8], padding: 2, stride: 1, seed: 5, shape: 'tall', mode: 'replicate' },
  { name: 'padding [1, 2], 3×3', co: 2, ci: 2, k: [3, 3], n: [8, 8], padding: [1, 2], stride: 1, seed: 6, shape: 'tall', mode: 'reflect' },
  { name: 'stride 2 pad 1, c_out > 4·c_in (tall)', co: 5, ci: 1, k: [3, 3], n: [8, 7], padding: 1, stride: 2, seed: 9, shape: 'tall', mode: 'reflect' },
  { name: "dilation 2 'same', c_out < c_in", co: 2, ci: 3, k: [3, 3], n: [9, 8], padding: 'same', stride: 1, dil: 2, seed: 7, shape: 'wide', mode: 'reflect' },
  { name: "even 2×4 kernel 'same' (asymmetric pads)", co: 2, ci: 3, k: [2, 4], n: [8, 9], padding: 'same', stride: 1, seed: 6, shape: 'wide', mode: 'replicate' },
];

for (const cs of modeCases) {
  test(`${cs.mode}-padded exact = dense pinv, one pass, batched: ${cs.name}`, () => {
    const w = randn([cs.co, cs.ci, cs.k[0], cs.k[1]], { seed: cs.seed, dtype: 'float64' });
    const A = conv2d(w, { inShape: [cs.ci, cs.n[0], cs.n[1]], padding: cs.padding, stride: cs.stride, dilation: cs.dil ?? 1, paddingMode: cs.mode });
    assert.equal(exactObstacle(A), null, 'the two-ring solver takes the geometry');
    const f = new Conv2dExactPinv(A);
    assert.equal(f.kind, 'rect', 'not the square stride-1 pad-ring path');
    assert.equal(A.outSize <= A.inSize ? 'wide' : 'tall', cs.shape, 'the case exercises the intended normal equations');
    const y = randn([3, ...A.outShape], { seed: cs.seed + 40, dtype: 'float64' });
    const dn = convPinv(A, y, { method: 'dense' });
    // One pass (no refinement): the capacitance solve itself is A⁺y up to Γ's rounding (measured 1e-15 … 1e-8 on
    // these cond ≤ 1e3 instances), not a preconditioner that refinement rescues (that would be off by ≫ 1e-6).
    const once = f.solve(y, { maxRefine: 0 });
    assert.ok(rel(once.x, dn.x) <= 1e-6, `one pass: ‖x̂ − x_dense‖/‖x_dense‖ = ${rel(once.x, dn.x)}`);
    const ex = convPinv(A, y, { method: 'exact' });
    assert.equal(ex.info.method, 'exact');
    assert.equal(ex.info.status, 'ok');
    assert.ok(ex.info.converged, 'converged');
    assert.ok(ex.info.relNormalResidual <= 1e-10, `normal-equation residual ${ex.info.relNormalResidual}`);
    assert.ok(rel(ex.x, dn.x) <= 1e-9, `‖x̂ − x_dense‖/‖x_dense‖ = ${rel(ex.x, dn.x)}`);
    if (cs.shape === 'wide') assert.ok(ex.info.relResidual <= 1e-10, `residual ${ex.info.relResidual}`);
  });
}

test('reflect/replicate: the torus holds the whole padded grid, and a wide A adds the pad sources as unknowns', () => {
  const base = { cOut: 1, cIn: 2, kh: 3, kw: 3, n1: 8, n2: 9, pt: 1, pb: 1, pl: 1, pr: 1 };
  const z = rectGeometry(base);
  const r = rectGeometry({ ...base, mode: 'reflect' });
  assert.deepEqual([z.N1, z.N2], [9, 10]);
  assert.deepEqual([r.N1, r.N2], [10, 11]);
  assert.ok(r.wide, 'c_out < c_in: wide');
  // Ring pixels (10·11 − 8·9) per channel, plus the interior pixels reflect pads copy: rows 1 and 6 × 9 columns
  // ∪ columns 1 and 7 × 8 rows = 18 + 16 − 4.
  assert.equal(r.inRing, 2 * (110 - 72) + 2 * (18 + 16 - 4));
  // Replicate copies the edge rows and columns instead: the same count here.
  assert.equal(rectGeometry({ ...base, mode: 'replicate' }).inRing, r.inRing);
  // Tall: one constraint u(pad) = u(source) per ring pixel.
  const t = rectGeometry({ ...base, cOut: 3, mode: 'reflect' });
  assert.ok(!t.wide);
  assert.equal(t.inRing, 2 * (110 - 72));
  // Stride 2 rounds the torus up to even sides; the extra row/column holds nothing (not a pad).
  const s = rectGeometry({ ...base, cOut: 2, s1: 2, s2: 2, mode: 'replicate' });
  assert.deepEqual([s.N1, s.N2], [10, 12]);
});

test('reflect/replicate above the dense limit: method exact works, and auto takes the two-ring route (stride 2, c_out ≠ c_in)', () => {
  const s2 = conv2d(randn([4, 4, 3, 3], { seed: 54, dtype: 'float64' }), { inShape: [4, 24, 24], padding: 1, stride: 2, paddingMode: 'reflect' });
  assert.equal(chooseMethod(s2), 'exact');
  const y = randn([2, ...s2.outShape], { seed: 55, dtype: 'float64' });
  const r = s2.pinv(y, { method: 'exact' });
  assert.equal(r.info.method, 'exact');
  assert.ok(r.info.converged && r.info.relNormalResidual <= 1e-10 && r.info.relResidual <= 1e-10, JSON.stringify(r.info));
  const co = conv2d(randn([6, 3, 3, 3], { seed: 56, dtype: 'float64' }), { inShape: [3, 16, 16], padding: 1, paddingMode: 'replicate' });
  assert.equal(chooseMethod(co), 'exact');
  const rc = co.pinv(randn(co.outShape, { seed: 57, dtype: 'float64' }), { method: 'exact' });
  assert.ok(rc.info.converged && rc.info.relNormalResidual <= 1e-10, JSON.stringify(rc.info));
});

test("auto on two-ring geometries: LSQR first within a budget, kept only at the exact answer's accuracy", () => {
  // Well conditioned (cond ≈ 5): LSQR meets 1e-12 long before its budget; its answer is the exact one.
  const A = conv2d(randn([4, 4, 3, 3], { seed: 54, dtype: 'float64' }), { inShape: [4, 24, 24], padding: 1, stride: 2, paddingMode: 'reflect' });
  const y = randn([2, ...A.outShape], { seed: 55, dtype: 'float64' });
  const auto = A.pinv(y);
  assert.equal(auto.info.method, 'krylov');
  assert.ok(auto.info.converged, 'converged');
  assert.match(auto.info.choice ?? '', /LSQR met 1e-12 in \d+ of \d+ iterations/);
  assert.ok(auto.info.relNormalResidual <= 1e-12, `normal residual ${auto.info.relNormalResidual}`);
  const ex = A.pinv(y, { method: 'exact' });
  assert.ok(rel(auto.x, ex.x) <= 1e-11, `‖x_auto − x_exact‖/‖x_exact‖ = ${rel(auto.x, ex.x)}`);
  // Once a factorisation is kept on the operator, auto reuses it instead.
  assert.equal(A.pinv(y).info.method, 'exact');
  // Two nearly equal output channels (cond ≈ 1e4): LSQR cannot reach 1e-12 within the budget, the exact
  // factorisation follows and says why.
  const w = Float64Array.from(toFloat64(randn([2, 1, 3, 3], { seed: 58, dtype: 'float64' })));
  const bump = toFloat64(randn([9], { seed: 59, dtype: 'float64' }));
  for (let i = 0; i < 9; i++) w[9 + i] = w[i]! + 1e-4 * bump[i]!;
  const B = conv2d(new Tensor(w, [2, 1, 3, 3], 'float64'), { inShape: [1, 30, 30], padding: 1 });
  assert.equal(chooseMethod(B), 'exact');
  const yb = randn(B.outShape, { seed: 60, dtype: 'float64' });
  const rb = B.pinv(yb);
  assert.equal(rb.info.method, 'exact');
  assert.match(rb.info.choice ?? '', /LSQR did not meet 1e-12 within \d+ iterations/);
  assert.ok(rb.info.converged && rb.info.relNormalResidual <= 1e-10, JSON.stringify(rb.info));
  assert.ok(rb.info.condEstimate! > 1e3, `cond estimate ${rb.info.condEstimate}`);
});

test('wide A: x̂ stays minimum-norm when the capacitance matrix is far worse conditioned than A', () => {
  // cond(A) ≈ 40, but Γ is ill-conditioned for this kernel: refining from the torus input field left a
  // null-space error of 2e-9 in x̂ that no residual sees (Ax̂ = y either way); refining by Aᵀ steps does not.
  const w = randn([3, 3, 2, 4], { seed: 2556, dtype: 'float64' });
  const A = conv2d(w, { inShape: [3, 3, 6], padding: [1, 2], dilation: [1, 2] });
  assert.ok(A.outSize < A.inSize);
  const y = randn(A.outShape, { seed: 3556, dtype: 'float64' });
  const ex = convPinv(A, y, { method: 'exact' });
  assert.equal(ex.info.status, 'ok');
  assert.ok(ex.info.condEstimate! < 100);
  assert.ok(rel(ex.x, convPinv(A, y, { method: 'dense' }).x) <= 1e-12, `${rel(ex.x, convPinv(A, y, { method: 'dense' }).x)}`);
});

/** The index a padded read at i copies (PyTorch's reflect: mirror without the edge; replicate: clamp), or −1 (zeros). */
function readIndex(i: number, n: number, mode: RectConvSpec['mode']): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'reflect') return i < 0 ? -i : 2 * n - 2 - i;
  if (mode === 'replicate') return Math.min(n - 1, Math.max(0, i));
  return -1;
}

/** Naive padded (zeros/reflect/replicate) strided dilated cross-correlation with explicit pads (any, asymmetric), as a dense matrix. */
function denseOf(sp: RectConvSpec): { mat: Tensor; m1: number; m2: number } {
  const { cOut: co, cIn: ci, kh, kw, n1, n2, pt, pb, pl, pr, weight } = sp;
  const s1 = sp.s1 ?? 1;
  const s2 = sp.s2 ?? 1;
  const d1 = sp.d1 ?? 1;
  const d2 = sp.d2 ?? 1;
  const m1 = Math.floor((n1 + pt + pb - d1 * (kh - 1) - 1) / s1) + 1;
  const m2 = Math.floor((n2 + pl + pr - d2 * (kw - 1) - 1) / s2) + 1;
  const rows = co * m1 * m2;
  const cols = ci * n1 * n2;
  const a = new Float64Array(rows * cols);
  for (let o = 0; o < co; o++)
    for (let i = 0; i < m1; i++)
      for (let j = 0; j < m2; j++)
        for (let c = 0; c < ci; c++)
          for (let u = 0; u < kh; u++)
            for (let v = 0; v < kw; v++) {
              const r = readIndex(i * s1 + u * d1 - pt, n1, sp.mode);
              const q = readIndex(j * s2 + v * d2 - pl, n2, sp.mode);
              if (r < 0 || q < 0) continue;
              a[((o * m1 + i) * m2 + j) * cols + (c * n1 + r) * n2 + q] += weight[((o * ci + c) * kh + u) * kw + v]!;
            }
  return { mat: new Tensor(a, [rows, cols], 'float64'), m1, m2 };
}

function matvec(m: Tensor, x: Float64Array): Float64Array {
  const [r, c] = m.shape as [number, number];
  const d = m.data as Float64Array;
  const y = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += d[i * c + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

test('RingRectFactor with asymmetric explicit pads (beyond what nn padding expresses) = dense pinv', () => {
  // (seed, geometry); the seeds give cond(A) ≈ 4e2, 4e1, 2e1 (others give up to 7e4 for the first geometry).
  const specs: [number, Omit<RectConvSpec, 'weight'>][] = [
    [63, { cOut: 2, cIn: 2, kh: 3, kw: 3, n1: 7, n2: 6, pt: 0, pb: 2, pl: 3, pr: 1 }], // tall; pad 3 on a 3×3: a zero output column
    [61, { cOut: 2, cIn: 3, kh: 3, kw: 2, n1: 8, n2: 7, pt: 2, pb: 0, pl: 0, pr: 1, s1: 2, s2: 1 }],
    // Dilation 2 = stride 2 along columns: odd input columns are never read (zero columns of A, zero in x̂).
    [62, { cOut: 3, cIn: 2, kh: 4, kw: 3, n1: 9, n2: 8, pt: 1, pb: 2, pl: 2, pr: 1, s1: 2, s2: 2, d1: 1, d2: 2 }],
  ];
  for (const [k, [seed, g]] of specs.entries()) {
    const w = toFloat64(randn([g.cOut, g.cIn, g.kh, g.kw], { seed, dtype: 'float64' }));
    const sp: RectConvSpec = { ...g, weight: Float64Array.from(w) };
    const f = new RingRectFactor(sp);
    assert.equal(f.info.status, 'ok', JSON.stringify(f.info));
    const { mat, m1, m2 } = denseOf(sp);
    assert.equal(f.geometry.m1, m1);
    assert.equal(f.geometry.m2, m2);
    // applyA and applyAT are the naive matrix and its transpose.
    const x0 = Float64Array.from(toFloat64(randn([g.cIn * g.n1 * g.n2], { seed: 70 + k, dtype: 'float64' })));
    const ax = new Float64Array(g.cOut * m1 * m2);
    f.applyA(x0, ax);
    assert.ok(relArr(ax, matvec(mat, x0)) < 1e-14);
    const y0 = Float64Array.from(toFloat64(randn([g.cOut * m1 * m2], { seed: 80 + k, dtype: 'float64' })));
    const aty = new Float64Array(x0.length);
    f.applyAT(y0, aty);
    let d1 = 0;
    let d2 = 0;
    for (let i = 0; i < ax.length; i++) d1 += ax[i]! * y0[i]!;
    for (let i = 0; i < x0.length; i++) d2 += x0[i]! * aty[i]!;
    assert.ok(Math.abs(d1 - d2) <= 1e-12 * Math.abs(d1), `dot test ${d1} vs ${d2}`);
    const r = f.solve(y0);
    assert.ok(r.info.converged && r.info.normalResidual <= 1e-10, JSON.stringify(r.info));
    const ref = matvec(pinv(mat), y0);
    assert.ok(relArr(r.x, ref) <= 1e-9, `spec ${k}: ‖x̂ − A⁺y‖/‖A⁺y‖ = ${relArr(r.x, ref)}`);
  }
});

test('rectGeometry: the smallest torus on which no observed output wraps onto data, a multiple of the stride', () => {
  // 'same' 3×3, stride 1: N = n + 1 (as sameTorusSize); stride 2: rounded up to even; padding 3 on a 3×3: N ≥ m = n + 4.
  const base = { cOut: 1, cIn: 1, kh: 3, kw: 3 };
  const g1 = rectGeometry({ ...base, n1: 8, n2: 9, pt: 1, pb: 1, pl: 1, pr: 1 });
  assert.deepEqual([g1.N1, g1.N2, g1.M1, g1.M2, g1.m1, g1.m2], [9, 10, 9, 10, 8, 9]);
  const g2 = rectGeometry({ ...base, n1: 8, n2: 9, pt: 1, pb: 1, pl: 1, pr: 1, s1: 2, s2: 2 });
  assert.deepEqual([g2.N1, g2.N2, g2.M1, g2.M2, g2.m1, g2.m2, g2.cPhase], [10, 10, 5, 5, 4, 5, 4]);
  const g3 = rectGeometry({ ...base, n1: 8, n2: 8, pt: 3, pb: 3, pl: 0, pr: 0 });
  assert.deepEqual([g3.N1, g3.M1, g3.m1, g3.N2, g3.m2], [12, 12, 12, 8, 6]);
  assert.equal(g3.unknowns, 1 * (12 * 8 - 12 * 6) + 1 * (12 * 8 - 8 * 8));
});

test('zero-padded exact: rank-deficient operators are reported singular, not solved', () => {
  // Two identical output channels: A has no full row rank (Ĝ = ĈĈᴴ is singular at every frequency).
  const w = toFloat64(randn([2, 3, 3, 3], { seed: 31, dtype: 'float64' })).slice();
  for (let i = 0; i < 27; i++) w[27 + i] = w[i]!;
  const A = conv2d(new Tensor(w, [2, 3, 3, 3], 'float64'), { inShape: [3, 6, 7], padding: 1 });
  assert.equal(exactObstacle(A), null);
  const y = randn(A.outShape, { seed: 32, dtype: 'float64' });
  const r = convPinv(A, y, { method: 'exact' });
  assert.equal(r.info.status, 'singular');
  assert.equal(r.info.condEstimate, Infinity);
  assert.equal(r.info.converged, false);
  assert.match(r.info.fallback ?? '', /^krylov/);
  // The fallback answer is the bounded minimum-norm least-squares one: it matches the dense pinv.
  assert.ok(rel(r.x, convPinv(A, y, { method: 'dense' }).x) < 1e-6, `${rel(r.x, convPinv(A, y, { method: 'dense' }).x)}`);
  // A pure shift with c_out > c_in: Ĝ = ĈᴴĈ is fine, but the last row and column of x are never read, so A
  // has zero columns: the capacitance LU finds the tiny pivot.
  const ws = new Float64Array(3 * 2 * 9);
  ws[(0 * 2 + 0) * 9 + 8] = 1;
  ws[(1 * 2 + 1) * 9 + 8] = 1;
  ws[(2 * 2 + 0) * 9 + 8] = 1;
  ws[(2 * 2 + 1) * 9 + 8] = 1;
  const S = conv2d(new Tensor(ws, [3, 2, 3, 3], 'float64'), { inShape: [2, 7, 6], padding: 1 });
  const f = new Conv2dExactPinv(S);
  assert.equal(f.kind, 'rect');
  assert.equal(f.info.status, 'singular');
  const rs = convPinv(S, randn(S.outShape, { seed: 33, dtype: 'float64' }), { method: 'exact' });
  assert.equal(rs.info.status, 'singular');
  assert.equal(rs.info.converged, false);
});

test('zero-padded exact: what the two-ring solver cannot form is refused with the reason; auto takes the rest', () => {
  // Wide A (rows ≤ cols) with c_out > c_in·s²: CCᵀ singular on the torus.
  const wide = conv2d(randn([3, 2, 5, 5], { seed: 41, dtype: 'float64' }), { inShape: [2, 10, 10], padding: 1 });
  assert.ok(wide.outSize <= wide.inSize);
  assert.match(exactObstacle(wide)!, /c_out > c_in·s1·s2 = 2/);
  // Tall A with c_in·s² > c_out: CᵀC singular on the torus.
  const tall = conv2d(randn([2, 1, 3, 3], { seed: 42, dtype: 'float64' }), { inShape: [1, 8, 8], padding: 3, stride: 2 });
  assert.ok(tall.outSize > tall.inSize);
  assert.match(exactObstacle(tall)!, /c_in·s1·s2 = 4 > c_out/);
  assert.throws(() => chooseMethod(tall, 'exact'), /method 'exact' needs/);
  // 16,080 ring unknowns: 'auto' goes to Krylov and says why; method 'exact' would factorise (not run here: 2 GB).
  const big = conv2d(randn([16, 16, 3, 3], { seed: 43, dtype: 'float64' }), { inShape: [16, 200, 200], padding: 1, stride: 2 });
  assert.equal(exactObstacle(big), null);
  assert.equal(exactKind(big).unknowns, 16 * (101 * 101 - 100 * 100) + 16 * (202 * 202 - 200 * 200));
  assert.match(exactAutoObstacle(big)!, new RegExp(`16080 unknowns, above the automatic limit ${RECT_RING_MAX}; method 'exact' factorises it \\(2\\.1 GB`));
  assert.equal(chooseMethod(big), 'krylov');
  assert.equal(chooseMethod(big, 'exact'), 'exact');
  const yb = randn(big.outShape, { seed: 48, dtype: 'float64' });
  const kb = big.pinv(yb, { maxIter: 2 });
  assert.equal(kb.info.method, 'krylov');
  assert.match(kb.info.choice ?? '', /^auto: Krylov, not the exact ring solver: the ring system has 16080 unknowns/);
  // Above the hard limit even 'exact' refuses, naming the memory.
  const huge = conv2d(randn([32, 32, 3, 3], { seed: 43, dtype: 'float64' }), { inShape: [32, 256, 256], padding: 1, stride: 2 });
  assert.match(exactObstacle(huge)!, new RegExp(`above ${EXACT_RING_MAX} \\(dense capacitance LU, \\d+\\.\\d GB`));
  // Above the dense limit, auto now takes the exact solver for stride 2 and c_out ≠ c_in zero padding.
  const s2 = conv2d(randn([4, 4, 3, 3], { seed: 44, dtype: 'float64' }), { inShape: [4, 24, 24], padding: 1, stride: 2 });
  assert.equal(chooseMethod(s2), 'exact');
  const r = s2.pinv(randn(s2.outShape, { seed: 45, dtype: 'float64' }), { method: 'exact' });
  assert.equal(r.info.method, 'exact');
  assert.ok(r.info.converged && r.info.relNormalResidual <= 1e-10 && r.info.relResidual <= 1e-10, JSON.stringify(r.info));
  const co = conv2d(randn([6, 3, 3, 3], { seed: 46, dtype: 'float64' }), { inShape: [3, 16, 16], padding: 1 });
  assert.equal(chooseMethod(co), 'exact');
  const rc = co.pinv(randn(co.outShape, { seed: 47, dtype: 'float64' }), { method: 'exact' });
  assert.ok(rc.info.converged && rc.info.relNormalResidual <= 1e-10, JSON.stringify(rc.info));
});

test('property: on random small geometries the two-ring solve is A⁺y, and "singular" only when A is', () => {
  // Random pads (asymmetric, up to 3), strides 1–3, dilations 1–2, kernels 1–4, channels 1–3: whenever the
  // geometry is accepted, either the factor is 'ok' and x̂ = A⁺y (dense SVD pinv of the naive matrix), or it
  // says 'singular' and A really is (cond(A) > 1e12 among its min(rows, cols) singular values).
  const dim = fc.record({ n: fc.integer({ min: 3, max: 7 }), pb: fc.integer({ min: 0, max: 3 }), pa: fc.integer({ min: 0, max: 3 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }) });
  let solved = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), dim, dim, fc.integer({ min: 0, max: 1000 }), fc.constantFrom('zeros' as const, 'reflect' as const, 'replicate' as const), (co, ci, a, b, seed, mode) => {
      const g = { cOut: co, cIn: ci, kh: a.k, kw: b.k, n1: a.n, n2: b.n, pt: a.pb, pb: a.pa, pl: b.pb, pr: b.pa, s1: a.s, s2: b.s, d1: a.d, d2: b.d, mode };
      if (a.n + a.pb + a.pa < a.d * (a.k - 1) + 1 || b.n + b.pb + b.pa < b.d * (b.k - 1) + 1) return;
      // PyTorch's reflect needs pads below the size.
      if (mode === 'reflect' && Math.max(a.pb, a.pa) >= a.n) return;
      if (mode === 'reflect' && Math.max(b.pb, b.pa) >= b.n) return;
      if (rectObstacle(g) !== null) return;
      const sp: RectConvSpec = { ...g, weight: Float64Array.from(toFloat64(randn([co, ci, a.k, b.k], { seed, dtype: 'float64' }))) };
      const f = new RingRectFactor(sp);
      const { mat } = denseOf(sp);
      const s = svdvals(mat).data as Float64Array;
      const cond = s[0]! / s[Math.min(...mat.shape) - 1]!;
      if (f.info.status === 'singular') {
        assert.ok(!(cond < 1e12), `reported singular with cond(A) = ${cond}`);
        return;
      }
      const y = Float64Array.from(toFloat64(randn([mat.shape[0]!], { seed: seed + 1, dtype: 'float64' })));
      const r = f.solve(y);
      const err = relArr(r.x, matvec(pinv(mat), y));
      assert.ok(err <= 1e-13 * Math.max(1e3, cond * cond), `‖x̂ − A⁺y‖/‖A⁺y‖ = ${err}, cond ${cond}`);
      if (cond < 1e5) assert.ok(r.info.converged, JSON.stringify(r.info));
      solved++;
    }),
    { numRuns: 240, seed: 9 },
  );
  assert.ok(solved >= 30, `only ${solved} geometries were solvable: the generator no longer exercises the solver`);
});

test("krylovFirstBudget: LSQR's budget grows with the ring system and stays within [50, 3000]", () => {
  const small = conv2d(randn([2, 2, 3, 3], { seed: 1, dtype: 'float64' }), { inShape: [2, 24, 24], padding: 1, stride: 2 });
  const big = conv2d(randn([8, 8, 3, 3], { seed: 1, dtype: 'float64' }), { inShape: [8, 64, 64], padding: 1, stride: 2, paddingMode: 'reflect' });
  const bs = krylovFirstBudget(small, exactKind(small).unknowns);
  const bb = krylovFirstBudget(big, exactKind(big).unknowns);
  assert.equal(bs, 50, `a small ring gets the floor (${bs})`);
  assert.ok(bb > bs && bb <= 3000, `budget ${bb} for ${exactKind(big).unknowns} unknowns`);
  assert.equal(krylovFirstBudget(big, 1e6), 3000, 'capped');
  assert.equal(krylovFirstBudget(big, exactKind(big).unknowns), bb, 'deterministic: the geometry alone sets it');
});
