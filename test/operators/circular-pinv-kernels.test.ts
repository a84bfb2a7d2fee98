// The WebAssembly kernels of the circular pseudo-inverse (complex Gauss–Jordan, block evaluation, per-frequency
// products) against their JS fallbacks, naive residuals and the dense SVD pseudo-inverse.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { complexGaussJordan, type CertifiedInverseNorms } from '../../src/linalg/kernels/complex-gauss-jordan.js';
import { gaussJordanInverse, gaussJordanInverseJs } from '../../src/linalg/kernels/pinv.js';
import { randn } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { CircularPinv } from '../../src/operators/pinv/circular-fft.js';
import { wasmDisabled } from '../../src/wasm/load.js';
import { withoutWasm } from '../wasm/helpers.js';

/** The run itself disables WebAssembly (ADJOINT_NO_WASM=1): both sides then take the JS path. */
const envNoWasm = wasmDisabled();


function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** max |A·X − c·I| for A (n×n, split) and X in a workspace layout (leading dimension ld). */
function residual(n: number, ar: Float64Array, ai: Float64Array, xr: Float64Array, xi: Float64Array, ld: number, c: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let re = i === j ? -c : 0;
      let im = 0;
      for (let q = 0; q < n; q++) {
        const a = ar[i * n + q]!, b = ai[i * n + q]!, u = xr[q * ld + j]!, v = xi[q * ld + j]!;
        re += a * u - b * v;
        im += a * v + b * u;
      }
      worst = Math.max(worst, Math.hypot(re, im));
    }
  }
  return worst;
}

function load(n: number, ld: number, ar: Float64Array, ai: Float64Array, re: Float64Array, im: Float64Array): void {
  re.fill(0);
  im.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      re[i * ld + j] = ar[i * n + j]!;
      im[i * ld + j] = ai[i * n + j]!;
    }
  }
}

describe('complex Gauss–Jordan workspace', () => {
  for (const n of [1, 2, 3, 5, 8, 17, 32]) {
    test(`n = ${n}: SIMD and JS inverses agree and satisfy A·X = I`, () => {
      const r = rng(n);
      const ar = Float64Array.from({ length: n * n }, r);
      const ai = Float64Array.from({ length: n * n }, r);
      for (let i = 0; i < n; i++) ar[i * n + i] = ar[i * n + i]! + 2; // keep κ moderate
      const w = complexGaussJordan(n);
      load(n, w.ld, ar, ai, w.re, w.im);
      assert.ok(w.invert());
      const js = withoutWasm(() => complexGaussJordan(n));
      assert.equal(js.simd, false);
      load(n, js.ld, ar, ai, js.re, js.im);
      assert.ok(js.invert());
      assert.ok(residual(n, ar, ai, w.re, w.im, w.ld, 1) < 1e-13 * n);
      assert.ok(residual(n, ar, ai, js.re, js.im, js.ld, 1) < 1e-13 * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          assert.ok(Math.abs(w.re[i * w.ld + j]! - js.re[i * js.ld + j]!) < 1e-12);
          assert.ok(Math.abs(w.im[i * w.ld + j]! - js.im[i * js.ld + j]!) < 1e-12);
        }
        // padding columns stay zero
        for (let j = n; j < w.ld; j++) assert.equal(w.re[i * w.ld + j], 0);
      }
    });
  }

  test('certifiedInverse reports ‖X‖_F², max |re|+|im| and ‖(X/mx)⁻¹‖_F, and leaves outScale·X⁻¹', () => {
    for (const disabled of [false, true]) {
      const n = 7;
      const r = rng(99);
      const ar = Float64Array.from({ length: n * n }, () => 1e5 * r());
      const ai = Float64Array.from({ length: n * n }, () => 1e5 * r());
      const w = disabled ? withoutWasm(() => complexGaussJordan(n)) : complexGaussJordan(n);
      assert.equal(w.simd, !disabled && !envNoWasm);
      load(n, w.ld, ar, ai, w.re, w.im);
      let fro2 = 0;
      let mx = 0;
      for (let q = 0; q < n * n; q++) {
        fro2 += ar[q]! ** 2 + ai[q]! ** 2;
        mx = Math.max(mx, Math.abs(ar[q]!) + Math.abs(ai[q]!));
      }
      const out: CertifiedInverseNorms = { fro2: 0, mx: 0, fx: 0 };
      assert.ok(w.certifiedInverse(3, out));
      assert.ok(Math.abs(out.fro2 - fro2) <= 1e-12 * fro2);
      assert.equal(out.mx, mx);
      // ‖(X/mx)⁻¹‖_F = mx·‖X⁻¹‖_F, and the workspace now holds 3·X⁻¹
      let fx = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fx += w.re[i * w.ld + j]! ** 2 + w.im[i * w.ld + j]! ** 2;
      assert.ok(Math.abs(out.fx - (mx * Math.sqrt(fx)) / 3) < 1e-10 * out.fx);
      assert.ok(residual(n, ar, ai, w.re, w.im, w.ld, 3) < 1e-9);
    }
  });

  test('gaussJordanInverse (SIMD from n = 6) keeps the JS contract: same inverse, same minPivot refusals', () => {
    for (const n of [5, 6, 9, 16]) {
      const r = rng(40 + n);
      const ar = Float64Array.from({ length: n * n }, r);
      const ai = Float64Array.from({ length: n * n }, r);
      const [xr, xi, yr, yi] = [ar.slice(), ai.slice(), ar.slice(), ai.slice()];
      assert.ok(gaussJordanInverse(n, xr, xi, new Int32Array(n)));
      assert.ok(gaussJordanInverseJs(n, yr, yi, new Int32Array(n)));
      for (let q = 0; q < n * n; q++) {
        assert.ok(Math.abs(xr[q]! - yr[q]!) < 1e-10 * (1 + Math.abs(yr[q]!)));
        assert.ok(Math.abs(xi[q]! - yi[q]!) < 1e-10 * (1 + Math.abs(yi[q]!)));
      }
      assert.ok(residual(n, ar, ai, xr, xi, n, 1) < 1e-11);
      // minPivot above the first pivot's modulus: both refuse
      let big = 0;
      for (let q = 0; q < n * n; q++) big = Math.max(big, Math.hypot(ar[q]!, ai[q]!));
      assert.equal(gaussJordanInverse(n, ar.slice(), ai.slice(), new Int32Array(n), 2 * big), false);
      assert.equal(gaussJordanInverseJs(n, ar.slice(), ai.slice(), new Int32Array(n), 2 * big), false);
    }
  });

  test('singular, zero and non-finite matrices are refused', () => {
    for (const disabled of [false, true]) {
      const n = 4;
      const w = disabled ? withoutWasm(() => complexGaussJordan(n)) : complexGaussJordan(n);
      const out: CertifiedInverseNorms = { fro2: 0, mx: 0, fx: 0 };
      // rank 1
      const ar = new Float64Array(n * n).map((_, q) => (Math.floor(q / n) + 1) * ((q % n) + 1));
      const ai = new Float64Array(n * n);
      load(n, w.ld, ar, ai, w.re, w.im);
      assert.equal(w.invert(), false);
      load(n, w.ld, new Float64Array(n * n), ai, w.re, w.im);
      assert.equal(w.certifiedInverse(1, out), false);
      assert.equal(out.fx, Infinity);
      const bad = Float64Array.from({ length: n * n }, (_, q) => (q % (n + 1) === 0 ? 1 : 0));
      bad[5] = NaN;
      load(n, w.ld, bad, ai, w.re, w.im);
      assert.equal(w.certifiedInverse(1, out), false);
      bad[5] = Infinity;
      load(n, w.ld, bad, ai, w.re, w.im);
      assert.equal(w.certifiedInverse(1, out), false);
    }
  });
});

function maxDiff(a: Tensor, b: Tensor): number {
  const x = toFloat64(a);
  const y = toFloat64(b);
  assert.equal(x.length, y.length);
  let d = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    s = Math.max(s, Math.abs(y[i]!));
  }
  return d / Math.max(s, 1e-300);
}

describe('circular pinv: the WebAssembly path equals the JS path and the dense pseudo-inverse', () => {
  const cases: Array<{ name: string; co: number; ci: number; s: number; rtol?: number; damp?: number }> = [
    { name: 'square blocks, certified inverses (even n)', co: 4, ci: 4, s: 1 },
    { name: 'square blocks, odd n (padded rows, scalar tails)', co: 3, ci: 3, s: 1 },
    { name: 'a cut-off no inverse can clear: every block through the SVD, blocks kept from the fused pass', co: 4, ci: 4, s: 1, rtol: 0.3 },
    { name: 'rectangular blocks (stride 2)', co: 3, ci: 3, s: 2 },
    { name: 'damped', co: 4, ci: 4, s: 1, damp: 0.3 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const w = randn([c.co, c.ci, 3, 3], { seed: 5, dtype: 'float64' });
      const mk = () => conv2d(w, { inShape: [c.ci, 10, 12], padding: 1, stride: c.s, paddingMode: 'circular' });
      const A = mk();
      const y = randn([3, ...A.outShape], { seed: 6, dtype: 'float64' });
      const opts = { residual: false, ...(c.rtol !== undefined ? { rtol: c.rtol } : {}), ...(c.damp !== undefined ? { damp: c.damp } : {}) };
      const fast = convPinv(A, y, { method: 'fft', ...opts });
      const slow = withoutWasm(() => convPinv(mk(), y, { method: 'fft', ...opts }));
      const dense = convPinv(mk(), y, { method: 'dense', ...opts });
      assert.equal(fast.info.rank, slow.info.rank);
      assert.equal(fast.info.rank, dense.info.rank);
      assert.ok(maxDiff(fast.x, slow.x) < 1e-12, `wasm vs JS ${maxDiff(fast.x, slow.x)}`);
      assert.ok(maxDiff(fast.x, dense.x) < 1e-10, `fft vs dense ${maxDiff(fast.x, dense.x)}`);
      if (c.rtol !== undefined) assert.equal(fast.info.fastBlocks, 0);
      if (c.rtol === undefined && c.damp === undefined && c.s === 1) assert.ok(fast.info.fastBlocks! > 0);
    });
  }

  test('re-solving with the kept factorisation: a batch equals its items solved one by one', () => {
    const w = randn([4, 4, 3, 3], { seed: 8, dtype: 'float64' });
    const A = conv2d(w, { inShape: [4, 8, 8], padding: 1, paddingMode: 'circular' });
    const fac = new CircularPinv(A);
    const y = randn([3, 4, 8, 8], { seed: 9, dtype: 'float64' });
    const all = toFloat64(fac.solve(y));
    const yd = toFloat64(y);
    const per = 4 * 64;
    for (let i = 0; i < 3; i++) {
      const one = toFloat64(fac.solve(randnLike(yd.subarray(i * per, (i + 1) * per))));
      for (let q = 0; q < per; q++) assert.ok(Math.abs(one[q]! - all[i * per + q]!) < 1e-13);
    }
  });
});

function randnLike(d: Float64Array): Tensor {
  const t = randn([1, 4, 8, 8], { seed: 0, dtype: 'float64' });
  toFloat64(t).set(d);
  return t;
}
