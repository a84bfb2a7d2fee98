// Accuracy of the complex and real FFT kernels against a naive DFT with compensated (Kahan/Neumaier) summation
// and exactly reduced angles, for every length 1..1024; large lengths via round trip and float32-vs-float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { randn } from '../../src/tensor/random.js';
import { fft, ifft, irfft, rfft } from '../../src/fft/api.js';
import { getPlan } from '../../src/fft/kernels/execute.js';

/**
 * Naive DFT, exponent sign −1, with the angle 2π·((f·t) mod n)/n and Neumaier-compensated sums, evaluated at
 * the bins `bins` (all when omitted; other bins are left 0).
 */
function naiveDft(re: Float64Array, im: Float64Array, cos: Float64Array, sin: Float64Array, bins?: number[]): [Float64Array, Float64Array] {
  const n = re.length;
  const outR = new Float64Array(n);
  const outI = new Float64Array(n);
  for (const f of bins ?? Array.from({ length: n }, (_, i) => i)) {
    let sr = 0, cr = 0, si = 0, ci = 0;
    let e = 0;
    for (let t = 0; t < n; t++) {
      const c = cos[e]!, s = sin[e]!;
      const vr = re[t]! * c + im[t]! * s;
      const vi = im[t]! * c - re[t]! * s;
      let u = sr + vr;
      cr += Math.abs(sr) >= Math.abs(vr) ? sr - u + vr : vr - u + sr;
      sr = u;
      u = si + vi;
      ci += Math.abs(si) >= Math.abs(vi) ? si - u + vi : vi - u + si;
      si = u;
      e += f;
      if (e >= n) e -= n;
    }
    outR[f] = sr + cr;
    outI[f] = si + ci;
  }
  return [outR, outI];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

test('fft matches a compensated naive DFT for every length 1..1024 (float64, within c·ε·log2 n)', () => {
  const eps = 2 ** -52;
  let worst = 0;
  const r = rng(7);
  for (let n = 1; n <= 1024; n++) {
    const cos = new Float64Array(n);
    const sin = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    const re = new Float64Array(n).map(() => r());
    const im = new Float64Array(n).map(() => r());
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      data[2 * i] = re[i]!;
      data[2 * i + 1] = im[i]!;
    }
    const y = fft(Tensor.fromStorage(data, [n], 'complex128')).data;
    // every bin up to n = 256; above, 64 bins spread over the spectrum (keeps the O(n²) reference fast)
    const bins = n <= 256 ? undefined : Array.from({ length: 64 }, (_, j) => Math.floor((j * n) / 64 + ((j * 7919) % Math.floor(n / 64))));
    const [er, ei] = naiveDft(re, im, cos, sin, bins);
    let err = 0, norm = 0;
    for (const i of bins ?? Array.from({ length: n }, (_, j) => j)) {
      err += (y[2 * i]! - er[i]!) ** 2 + (y[2 * i + 1]! - ei[i]!) ** 2;
      norm += er[i]! ** 2 + ei[i]! ** 2;
    }
    const rel = Math.sqrt(err / norm);
    const bound = 2 * eps * Math.max(1, Math.log2(n));
    worst = Math.max(worst, rel / bound);
    assert.ok(rel <= bound, `n=${n} (${getPlan(n, -1).kind}): relative error ${rel} > ${bound}`);
    // the real-input path on the real part
    if (n % 7 === 0 || n < 40) {
      const yr = rfft(Tensor.fromStorage(re.slice(), [n], 'float64')).data;
      const rbins = Array.from({ length: (n >> 1) + 1 }, (_, j) => j).filter((j) => n <= 256 || j % 8 === 3);
      const [rr, ri] = naiveDft(re, new Float64Array(n), cos, sin, rbins);
      let e2 = 0, n2 = 0;
      for (const i of rbins) {
        e2 += (yr[2 * i]! - rr[i]!) ** 2 + (yr[2 * i + 1]! - ri[i]!) ** 2;
        n2 += rr[i]! ** 2 + ri[i]! ** 2;
      }
      assert.ok(Math.sqrt(e2 / n2) <= bound, `rfft n=${n}: relative error ${Math.sqrt(e2 / n2)}`);
    }
  }
  assert.ok(worst > 0 && worst < 1);
  if (process.env.FFT_VERBOSE) console.log(`worst error / bound: ${worst}`);
});

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(e / n);
}

test('large lengths: round trip (float64) and float32 against float64', () => {
  for (const n of [1021, 4096, 12288, 2 ** 20]) {
    const x = randn([n], { seed: n, dtype: 'complex128' });
    const X = fft(x);
    const back = ifft(X);
    const rt = relErr(back.data, x.data);
    assert.ok(rt < 6 * 2 ** -52 * Math.log2(n), `n=${n}: round-trip error ${rt}`);
    // float32 input and storage, float64 twiddles: error of a float32 computation, measured against float64
    const x32 = Tensor.fromStorage(Float32Array.from(x.data), [n], 'complex64');
    const X32 = fft(x32);
    assert.equal(X32.dtype, 'complex64');
    const ref = fft(Tensor.fromStorage(Float64Array.from(x32.data), [n], 'complex128')).data;
    const e32 = relErr(X32.data, ref);
    assert.ok(e32 < 2 * 2 ** -23, `n=${n}: float32 error ${e32}`);
    // real round trip
    const xr = randn([n], { seed: n + 1, dtype: 'float64' });
    const rr = irfft(rfft(xr), { n });
    const e = relErr(rr.data, xr.data);
    assert.ok(e < 6 * 2 ** -52 * Math.log2(n), `n=${n}: real round-trip error ${e}`);
  }
});

test('Parseval and linearity hold for Bluestein lengths', () => {
  for (const n of [41, 97, 331, 1009]) {
    assert.equal(getPlan(n, -1).kind, 'bluestein');
    const x = randn([n], { seed: 3, dtype: 'complex128' });
    const X = fft(x, { norm: 'ortho' }).data;
    let ex = 0, eX = 0;
    const xd = x.data;
    for (let i = 0; i < 2 * n; i++) {
      ex += xd[i]! ** 2;
      eX += X[i]! ** 2;
    }
    assert.ok(Math.abs(ex - eX) / ex < 1e-13, `n=${n}: Parseval`);
  }
});
