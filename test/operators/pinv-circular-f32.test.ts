// The Gram path of the circular pseudo-inverse (src/operators/pinv/gram-truncated.ts): its block kernels
// against exact truncated pseudo-inverses built from prescribed SVDs (cut-offs straddled closely, clustered
// and exactly zero singular values, k = 0 and k = n), WebAssembly against the JS twins, and whole operators
// against the SVD path and the dense SVD pseudo-inverse, with the Moore–Penrose conditions of the truncation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import fc from 'fast-check';
import { CircularPinv, circularFftObstacle, geometry } from '../../src/operators/pinv/circular-fft.js';
import { columnSums, fillBlock, fillRealJs, pairedWeights } from '../../src/operators/pinv/circular-kernels.js';
import { gramFromLags, gramLagSums, lagSumsStride } from '../../src/operators/pinv/gram-lags.js';
import { ColumnOrder, applyJs, pairedAdjointSums, gramAuxLength, gramCountRange, gramFaults, gramLagTridiagRange, gramLambdaMax, gramPinvRange, gramSlotLength, gramTridiagRange, gramWLayout, sturmCount } from '../../src/operators/pinv/gram-truncated.js';
import { compileWasm, wasmDisabled } from '../../src/wasm/load.js';
import { WASM_BASE64 as BLOCK_WASM } from '../../src/operators/pinv/circular-block.wasm.js';
import { relErr as rel } from './dense-helpers.js';
import { withoutWasm } from '../wasm/helpers.js';
import { cholSolvePackedJs, hemmPackedJs, hpdShiftedFactorJs } from '../../src/operators/pinv/shifted-cholesky.js';
import { WASM_BASE64 as GRAM_WASM } from '../../src/operators/pinv/gram-truncated.wasm.js';

const envNoWasm = wasmDisabled();


function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A random n×n unitary (modified Gram–Schmidt on the columns of a random complex matrix), split re/im. */
function unitary(n: number, r: () => number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    re[i] = r();
    im[i] = r();
  }
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < j; l++) {
        let dr = 0, di = 0; // ⟨q_l, a_j⟩ = Σ conj(q_l)·a_j
        for (let i = 0; i < n; i++) {
          const a = re[i * n + l]!, b = im[i * n + l]!, c = re[i * n + j]!, d = im[i * n + j]!;
          dr += a * c + b * d;
          di += a * d - b * c;
        }
        for (let i = 0; i < n; i++) {
          const a = re[i * n + l]!, b = im[i * n + l]!;
          re[i * n + j] = re[i * n + j]! - (dr * a - di * b);
          im[i * n + j] = im[i * n + j]! - (dr * b + di * a);
        }
      }
    }
    let nr = 0;
    for (let i = 0; i < n; i++) nr += re[i * n + j]! ** 2 + im[i * n + j]! ** 2;
    nr = Math.sqrt(nr);
    for (let i = 0; i < n; i++) {
      re[i * n + j] = re[i * n + j]! / nr;
      im[i * n + j] = im[i * n + j]! / nr;
    }
  }
  return { re, im };
}

/**
 * B = U·diag(σ)·Vᴴ (interleaved, row-major) and its exact truncated pseudo-inverse P = V·diag(1/σ, σ > cut)·Uᴴ
 * (split: real parts then imaginary parts, P[j][o]).
 */
function prescribed(n: number, sigma: number[], cut: number, seed: number): { B: Float64Array; P: Float64Array; k: number } {
  const r = rng(seed);
  const U = unitary(n, r);
  const V = unitary(n, r);
  const B = new Float64Array(2 * n * n);
  const P = new Float64Array(2 * n * n);
  let k = 0;
  for (const s of sigma) if (!(s > cut)) k++;
  for (let o = 0; o < n; o++) {
    for (let j = 0; j < n; j++) {
      let br = 0, bi = 0, pr = 0, pi = 0;
      for (let t = 0; t < n; t++) {
        // U[o][t]·σ_t·conj(V[j][t])
        const ur = U.re[o * n + t]!, ui = U.im[o * n + t]!, vr = V.re[j * n + t]!, vi = V.im[j * n + t]!;
        const s = sigma[t]!;
        br += s * (ur * vr + ui * vi);
        bi += s * (ui * vr - ur * vi);
        // P[j][o] += V[j][t]·(1/σ_t)·conj(U[o][t])
        if (s > cut) {
          pr += (vr * ur + vi * ui) / s;
          pi += (vi * ur - vr * ui) / s;
        }
      }
      B[2 * (o * n + j)] = br;
      B[2 * (o * n + j) + 1] = bi;
      P[j * n + o] = pr;
      P[n * n + j * n + o] = pi;
    }
  }
  return { B, P, k };
}

/** Both Gram passes on one block with cut-off `cut` and μ = max(λ_max, cut²). */
function gramBlock(n: number, B: Float64Array, cut: number): { P: Float64Array; k: number; lmax: number; mode: number } {
  const blocks = B.slice();
  const gs = new Float64Array(2 * n * n);
  const aux = new Float64Array(gramAuxLength(n));
  gramTridiagRange(n, blocks, gs, aux, 0, 1);
  const lmax = gramLambdaMax(n, aux, 0);
  const kOut = new Int32Array(1);
  gramCountRange(n, aux, cut * cut, kOut, 0, 1);
  const woff = new Float64Array(1);
  const wdata = new Float64Array(gramWLayout(n, kOut, woff));
  const mode = Uint8Array.of(7);
  gramPinvRange(n, blocks, gs, aux, Float64Array.of(cut * cut, Math.max(lmax, cut * cut), 1), kOut, wdata, woff, mode, 0, 1);
  // The block is kept in factors: P = S·F with F = Bᴴ in `blocks` (split) and S = G_k⁺ Hermitian, as the packed
  // Cholesky factor L' of G̃ at the start of the block's slot of `gs` with W in `wdata` (mode 0: S = (L'L'ᴴ)⁻¹ − WWᴴ)
  // or as its own packed lower triangle there (mode 1; k = n: zero). S's columns: S applied to the unit vectors.
  const nn = n * n;
  const half = (n * (n + 1)) / 2;
  const S = new Float64Array(2 * nn);
  if (mode[0] === 0) {
    const k = wdata.length / (2 * n);
    const m = new Float64Array(2 * half + wdata.length + 4 * nn + 2 * k * n);
    m.set(gs.subarray(0, 2 * half));
    m.set(wdata, 2 * half);
    const xr = 2 * half + wdata.length, xi = xr + nn, yr = xi + nn, yi = yr + nn;
    for (let t = 0; t < n; t++) m[xr + t * n + t] = 1;
    cholSolvePackedJs(m, n, n, k, 0, half, 2 * half, 2 * half + k * n, xr, xi, yr, yi, yi + nn);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < n; i++) {
        S[i * n + t] = m[yr + t * n + i]!;
        S[nn + i * n + t] = m[yi + t * n + i]!;
      }
    }
  } else {
    assert.equal(mode[0], 1, 'mode is 0 or 1');
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const q = i >= j ? (i * (i + 1)) / 2 + j : (j * (j + 1)) / 2 + i;
        S[i * n + j] = gs[q]!;
        S[nn + i * n + j] = i >= j ? gs[half + q]! : -gs[half + q]!;
      }
    }
  }
  if (kOut[0] !== n) for (let i = 0; i < n; i++) {
    for (let o = 0; o < n; o++) {
      const q = o * n + i;
      assert.ok(blocks[i * n + o] === B[2 * q] && blocks[nn + i * n + o] === -B[2 * q + 1]!, 'first factor is Bᴴ');
    }
  }
  const P = new Float64Array(2 * nn);
  for (let j = 0; j < n; j++) {
    for (let o = 0; o < n; o++) {
      let re = 0, im = 0;
      for (let i = 0; i < n; i++) {
        const a = S[j * n + i]!, b = S[nn + j * n + i]!, c = blocks[i * n + o]!, d = blocks[nn + i * n + o]!;
        re += a * c - b * d;
        im += a * d + b * c;
      }
      P[j * n + o] = re;
      P[nn + j * n + o] = im;
    }
  }
  return { P, k: kOut[0]!, lmax, mode: mode[0]! };
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

type BlockCase = { name: string; n: number; sigma: (n: number, r: () => number) => number[]; cut: number; tol: number };
const blockCases: BlockCase[] = [
  { name: 'generic, ~30% dropped', n: 12, sigma: (n, r) => Array.from({ length: n }, () => 0.05 + 0.95 * (r() + 0.5)), cut: 0.3, tol: 1e-11 },
  { name: 'n = 32, three dropped', n: 32, sigma: (n, r) => Array.from({ length: n }, (_, i) => (i < 3 ? 0.02 * (i + 1) : 0.2 + 0.8 * (r() + 0.5))), cut: 0.0625, tol: 1e-11 },
  { name: 'odd n = 5', n: 5, sigma: () => [1, 0.7, 0.31, 0.29, 0.01], cut: 0.3, tol: 1e-11 },
  { name: 'values straddling the cut-off by 1e-6', n: 10, sigma: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 0.3 * (1 + 1e-6) : i === 1 ? 0.3 * (1 - 1e-6) : i < 5 ? 0.05 * i : 0.5 + 0.05 * i)), cut: 0.3, tol: 1e-7 },
  { name: 'dropped pair 1e-9 apart (isolated for Newton only after many steps)', n: 12, sigma: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 0.1 : i === 1 ? Math.sqrt(0.01 * (1 + 1e-9)) : i === 2 ? 0.25 : 0.5 + 0.04 * i)), cut: 0.3, tol: 1e-10 },
  { name: 'clustered small values (five equal)', n: 16, sigma: (n) => Array.from({ length: n }, (_, i) => (i < 5 ? 1e-4 : 0.4 + 0.04 * i)), cut: 0.3, tol: 1e-11 },
  { name: 'exactly singular: four zero values', n: 12, sigma: (n) => Array.from({ length: n }, (_, i) => (i < 4 ? 0 : 0.5 + 0.05 * i)), cut: 0.1, tol: 1e-11 },
  { name: 'k = 0: every value kept', n: 8, sigma: (n) => Array.from({ length: n }, (_, i) => 0.5 + 0.1 * i), cut: 0.3, tol: 1e-12 },
  { name: 'k = n: cut-off above σ₁', n: 8, sigma: (n) => Array.from({ length: n }, (_, i) => 0.1 + 0.01 * i), cut: 0.5, tol: 0 },
  { name: 'zero block', n: 6, sigma: (n) => Array.from({ length: n }, () => 0), cut: 0.1, tol: 0 },
];

describe('Gram path kernels: truncated block pseudo-inverse', () => {
  for (const c of blockCases) {
    test(c.name, () => {
      const sigma = c.sigma(c.n, rng(7));
      const { B, P, k } = prescribed(c.n, sigma, c.cut, 3);
      const run = (): ReturnType<typeof gramBlock> => gramBlock(c.n, B, c.cut);
      const wasm = run();
      const js = withoutWasm(run);
      const s1 = Math.max(...sigma);
      for (const got of [wasm, js]) {
        assert.equal(got.k, k, 'dropped count');
        assert.equal(got.mode, k === c.n ? 1 : 0, 'kept as a Cholesky factor unless every value is dropped');
        assert.ok(Math.abs(got.lmax - s1 * s1) <= 1e-13 * Math.max(s1 * s1, 1e-300) + 1e-300, `λ_max ${got.lmax} vs ${s1 * s1}`);
        const err = maxDiff(got.P, P);
        if (c.tol === 0) assert.equal(maxAbs(got.P), 0);
        else assert.ok(err <= c.tol * maxAbs(P), `max error ${err} vs ‖P‖ ${maxAbs(P)}`);
      }
      // The twins round differently (the block products sum in another order), within the conditioning of the case.
      if (!envNoWasm) assert.ok(maxDiff(wasm.P, js.P) <= Math.max(c.tol, 1e-12) * Math.max(maxAbs(P), 1), 'wasm vs JS');
    });
  }

  test('Sturm counts equal the number of eigenvalues below x (tridiagonal 2, −1 with known spectrum)', () => {
    const n = 9;
    const d = new Float64Array(n).fill(2);
    const e2 = new Float64Array(n - 1).fill(1);
    const lam = Array.from({ length: n }, (_, j) => 2 - 2 * Math.cos((Math.PI * (j + 1)) / (n + 1)));
    for (const x of [-1, 0.05, 0.5, 1, 2.1, 3.9, 4.5]) {
      assert.equal(sturmCount(n, d, e2, 0, x, 1e-300), lam.filter((l) => l < x).length, `x = ${x}`);
    }
  });

  test('applyJs is bitwise the WebAssembly block product (same sums in the same order)', { skip: envNoWasm }, () => {
    const mod = compileWasm('circular-block', BLOCK_WASM);
    assert.ok(mod !== null);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { apply: (...a: number[]) => void };
    const r = rng(9);
    for (const [rows, cols, count] of [[7, 5, 3], [32, 32, 4], [6, 1, 9]] as const) {
      const len = 2 * rows * cols + 2 * count * rows + 2 * count * cols;
      const m = new Float64Array(memory.buffer, 0, len);
      for (let i = 0; i < 2 * rows * cols + 2 * count * rows; i++) m[i] = r();
      const pr = 0, pi = rows * cols, yr = 2 * rows * cols, yi = yr + count * rows, xr = yi + count * rows, xi = xr + count * cols;
      ex.apply(rows, cols, count, 8 * pr, 8 * pi, 8 * yr, 8 * yi, 8 * xr, 8 * xi);
      const wasm = m.slice(xr, xi + count * cols);
      const js = m.slice();
      applyJs(js, rows, cols, count, pr, pi, yr, yi, xr, xi);
      assert.deepEqual(js.subarray(xr, xi + count * cols), wasm);
    }
  });

  test('fillRealJs is bitwise the WebAssembly fillReal (real weights; odd and even widths)', { skip: envNoWasm }, () => {
    const mod = compileWasm('circular-block', BLOCK_WASM);
    assert.ok(mod !== null);
    const memory = new WebAssembly.Memory({ initial: 1 });
    memory.grow(1);
    const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { fillReal: (...a: number[]) => void };
    const r = rng(19);
    for (const [n, nt] of [[32, 3], [5, 2], [7, 4]] as const) {
      const nn = n * n;
      const tr = 0, ti = nt * nn, w = 2 * nt * nn, dr = w + nt, di = dr + nn;
      const m = new Float64Array(memory.buffer, 0, di + nn);
      for (let i = 0; i < dr; i++) m[i] = r();
      ex.fillReal(n, n, nt, n, 8 * dr, 8 * di, 0, 8 * tr, 8 * ti, 8 * w);
      const wasm = m.slice(dr, di + nn);
      const js = new Float64Array(2 * nn);
      fillRealJs(m, tr, ti, nn, nt, m.slice(w, w + nt), js, 0, nn);
      assert.deepEqual(js, wasm);
      // and the sum itself
      const q = 7 % nn;
      let sr = 0;
      for (let u = 0; u < nt; u++) sr += m[tr + u * nn + q]! * m[w + u]!;
      assert.equal(js[q], sr);
    }
  });

  test('applyJs is the naive complex product x[t][j] = Σ_o P[j][o]·y[t][o]', () => {
    const r = rng(5);
    const rows = 5, cols = 3, count = 4;
    const m = new Float64Array(2 * rows * cols + 2 * count * rows + 2 * count * cols);
    for (let i = 0; i < 2 * rows * cols + 2 * count * rows; i++) m[i] = r();
    const pr = 0, pi = rows * cols, yr = 2 * rows * cols, yi = yr + count * rows, xr = yi + count * rows, xi = xr + count * cols;
    applyJs(m, rows, cols, count, pr, pi, yr, yi, xr, xi);
    for (let t = 0; t < count; t++) {
      for (let j = 0; j < cols; j++) {
        let sr = 0, si = 0;
        for (let o = 0; o < rows; o++) {
          const a = m[pr + j * rows + o]!, b = m[pi + j * rows + o]!, c = m[yr + t * rows + o]!, d = m[yi + t * rows + o]!;
          sr += a * c - b * d;
          si += a * d + b * c;
        }
        assert.ok(Math.abs(m[xr + t * cols + j]! - sr) < 1e-14 && Math.abs(m[xi + t * cols + j]! - si) < 1e-14);
      }
    }
  });
});

/** Naive complex Gauss–Jordan inverse with partial pivoting (split re/im, row-major n×n), for reference. */
function naiveInverse(n: number, re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const ar = re.slice(), ai = im.slice();
  const xr = new Float64Array(n * n), xi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) xr[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.hypot(ar[r * n + c]!, ai[r * n + c]!) > Math.hypot(ar[piv * n + c]!, ai[piv * n + c]!)) piv = r;
    for (const m of [ar, ai, xr, xi]) for (let j = 0; j < n; j++) [m[c * n + j], m[piv * n + j]] = [m[piv * n + j]!, m[c * n + j]!];
    const pr = ar[c * n + c]!, pi = ai[c * n + c]!, d = pr * pr + pi * pi;
    const qr = pr / d, qi = -pi / d; // 1/pivot
    for (const [mr, mi] of [[ar, ai], [xr, xi]] as const) {
      for (let j = 0; j < n; j++) {
        const a = mr[c * n + j]!, b = mi[c * n + j]!;
        mr[c * n + j] = a * qr - b * qi;
        mi[c * n + j] = a * qi + b * qr;
      }
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const fr = ar[r * n + c]!, fi = ai[r * n + c]!;
      for (const [mr, mi] of [[ar, ai], [xr, xi]] as const) {
        for (let j = 0; j < n; j++) {
          const a = mr[c * n + j]!, b = mi[c * n + j]!;
          mr[r * n + j] = mr[r * n + j]! - (fr * a - fi * b);
          mi[r * n + j] = mi[r * n + j]! - (fr * b + fi * a);
        }
      }
    }
  }
  return { re: xr, im: xi };
}

/** Operands of the final Gram step for order n and k vectors (layout of hpdShiftedFactorJs), G = CᴴC + δI. */
function hpdCase(n: number, k: number, seed: number): { m: Float64Array; o: Parameters<typeof hpdShiftedFactorJs>[4]; G: { re: Float64Array; im: Float64Array }; V: { re: Float64Array; im: Float64Array } } {
  const r = rng(seed);
  const nn = n * n;
  const o = { gr: 0, gi: nn, vr: 2 * nn, vi: 3 * nn, ar: 5 * nn, ai: 6 * nn, rd: 9 * nn };
  const m = new Float64Array(9 * nn + n);
  const C = Array.from({ length: 2 * nn }, () => r());
  const G = { re: new Float64Array(nn), im: new Float64Array(nn) };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let a = 0, b = 0; // (CᴴC)[i][j] = Σ_p conj(C[p][i])·C[p][j]
      for (let p = 0; p < n; p++) {
        const xr = C[p * n + i]!, xi = C[nn + p * n + i]!, yr = C[p * n + j]!, yi = C[nn + p * n + j]!;
        a += xr * yr + xi * yi;
        b += xr * yi - xi * yr;
      }
      G.re[i * n + j] = a + (i === j ? 0.05 : 0);
      G.im[i * n + j] = i === j ? 0 : b;
    }
  }
  // Only the lower triangle is the kernels' input; the rest of G's square is garbage they must not read.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      m[o.gr + i * n + j] = j <= i ? G.re[i * n + j]! : 1e300;
      m[o.gi + i * n + j] = j <= i ? G.im[i * n + j]! : -1e300;
    }
  }
  const V = { re: new Float64Array(k * n), im: new Float64Array(k * n) };
  for (let i = 0; i < k * n; i++) {
    V.re[i] = r();
    V.im[i] = r();
  }
  m.set(V.re, o.vr);
  m.set(V.im, o.vi);
  // garbage in the work area
  m.fill(7.5, o.ar, o.rd);
  return { m, o, G, V };
}

/** The Hermitian n×n matrix (L'·L'ᴴ) from L' packed at (lr, li) of `m` as hpdShiftedFactorJs leaves it (the diagonal's imaginary slots ignored). */
function fromPackedFactor(m: Float64Array, n: number, lr: number, li: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  const at = (i: number, j: number): [number, number] => (j > i ? [0, 0] : [m[lr + (i * (i + 1)) / 2 + j]!, j === i ? 0 : m[li + (i * (i + 1)) / 2 + j]!]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let a = 0, b = 0; // Σ_p L[i][p]·conj(L[j][p])
      for (let p = 0; p <= Math.min(i, j); p++) {
        const [x, y] = at(i, p), [u, v] = at(j, p);
        a += x * u + y * v;
        b += y * u - x * v;
      }
      re[i * n + j] = a;
      im[i * n + j] = b;
    }
  }
  return { re, im };
}

describe('Gram path: the shifted Cholesky factor G̃ = L·Lᴴ, G̃ = G + μ·VVᴴ, and its solve', () => {
  for (const [n, k] of [[8, 0], [8, 3], [7, 2], [1, 0], [2, 1], [32, 4], [5, 5]] as const) {
    test(`n = ${n}, k = ${k}: L'·L'ᴴ = G̃/scale, reciprocals on the diagonal; WebAssembly bitwise the JS twin`, () => {
      const { m, o, G, V } = hpdCase(n, k, 100 + 10 * n + k);
      const mu = 3.25, scale = 1.5;
      const js = m.slice();
      assert.equal(hpdShiftedFactorJs(js, n, k, mu, o, scale), true);
      const gr = G.re.slice(), gi = G.im.slice();
      for (let t = 0; t < k; t++) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const a = V.re[t * n + i]!, b = V.im[t * n + i]!, c = V.re[t * n + j]!, d = V.im[t * n + j]!;
            gr[i * n + j] = gr[i * n + j]! + mu * (a * c + b * d);
            gi[i * n + j] = gi[i * n + j]! + mu * (b * c - a * d);
          }
        }
      }
      const LL = fromPackedFactor(js, n, o.ar, o.ai);
      let err = 0, big = 0;
      for (let q = 0; q < n * n; q++) {
        err = Math.max(err, Math.abs(LL.re[q]! - gr[q]! / scale), Math.abs(LL.im[q]! - gi[q]! / scale));
        big = Math.max(big, Math.abs(gr[q]! / scale));
      }
      assert.ok(err <= 1e-13 * big, `‖L'L'ᴴ − G̃/scale‖ ${err} vs ${big}`);
      for (let i = 0; i < n; i++) {
        const d = (i * (i + 1)) / 2 + i;
        assert.ok(js[o.ar + d]! > 0 && Math.abs(js[o.ai + d]! * js[o.ar + d]! - 1) <= 1e-15, `diagonal ${i}: L' > 0 and its reciprocal`);
      }
      if (!envNoWasm) {
        const mod = compileWasm('gram-truncated', GRAM_WASM);
        assert.ok(mod !== null);
        const memory = new WebAssembly.Memory({ initial: Math.ceil((8 * m.length) / 65536) });
        const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { hpdFactor: (...a: number[]) => number };
        new Float64Array(memory.buffer).set(m);
        assert.equal(ex.hpdFactor(n, k, mu, 8 * o.gr, 8 * o.gi, 8 * o.vr, 8 * o.vi, 1 / Math.sqrt(scale), Math.sqrt(scale), 8 * o.ar, 8 * o.ai, 8 * o.rd), 1);
        const w = new Float64Array(memory.buffer, 0, m.length);
        const half = (n * (n + 1)) / 2;
        assert.deepEqual(w.slice(o.ar, o.ar + half), js.slice(o.ar, o.ar + half));
        assert.deepEqual(w.slice(o.ai, o.ai + half), js.slice(o.ai, o.ai + half));
      }
    });
  }

  test('a G̃ that is not positive definite (or not finite) is refused by both', () => {
    for (const n of [6, 7]) {
      for (const bad of [-1, NaN, Infinity]) {
        const { m, o } = hpdCase(n, 0, 5);
        m[o.gr + 3 * n + 3] = bad === -1 ? -50 : bad;
        assert.equal(hpdShiftedFactorJs(m.slice(), n, 0, 1, o, 1), false, `${bad}`);
        if (!envNoWasm) {
          const mod = compileWasm('gram-truncated', GRAM_WASM)!;
          const memory = new WebAssembly.Memory({ initial: 1 });
          const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { hpdFactor: (...a: number[]) => number };
          new Float64Array(memory.buffer).set(m);
          assert.equal(ex.hpdFactor(n, 0, 1, 8 * o.gr, 8 * o.gi, 8 * o.vr, 8 * o.vi, 1, 1, 8 * o.ar, 8 * o.ai, 8 * o.rd), 0, `wasm ${bad}`);
        }
      }
    }
  });

  test('cholSolvePacked: y_t = (L\'L\'ᴴ)⁻¹x_t − W·Wᴴx_t (naive inverse; WebAssembly bitwise)', () => {
    const r = rng(41);
    for (const [n, count, k] of [[1, 1, 0], [4, 2, 1], [7, 1, 3], [32, 4, 3], [9, 3, 0]] as const) {
      const half = (n * (n + 1)) / 2;
      const lr = 0, li = half, wr = 2 * half, wi = wr + k * n, xr = wi + k * n, xi = xr + count * n, yr = xi + count * n, yi = yr + count * n, c = yi + count * n;
      const m = new Float64Array(c + 2 * k * count);
      for (let q = 0; q < yr; q++) m[q] = r();
      // a well-conditioned L': unit-ish diagonal dominant, reciprocals in the diagonal's imaginary slots
      for (let i = 0; i < n; i++) {
        const d = (i * (i + 1)) / 2 + i;
        m[lr + d] = 2 + Math.abs(m[lr + d]!);
        m[li + d] = 1 / m[lr + d]!;
        for (let j = 0; j < i; j++) {
          m[lr + (i * (i + 1)) / 2 + j]! /= n;
          m[li + (i * (i + 1)) / 2 + j]! /= n;
        }
      }
      m.fill(9, yr); // garbage: y and c are overwritten
      const js = m.slice();
      cholSolvePackedJs(js, n, count, k, lr, li, wr, wi, xr, xi, yr, yi, c);
      const LL = fromPackedFactor(m, n, lr, li);
      const inv = naiveInverse(n, LL.re, LL.im);
      let big = 0, err = 0;
      for (let t = 0; t < count; t++) {
        for (let i = 0; i < n; i++) {
          let sr = 0, si = 0;
          for (let j = 0; j < n; j++) {
            let a = inv.re[i * n + j]!, b = inv.im[i * n + j]!; // S[i][j] = inv − Σ_s W_s[i]·conj(W_s[j])
            for (let s = 0; s < k; s++) {
              const p = m[wr + s * n + i]!, q = m[wi + s * n + i]!, u = m[wr + s * n + j]!, v = m[wi + s * n + j]!;
              a -= p * u + q * v;
              b -= q * u - p * v;
            }
            const u = m[xr + t * n + j]!, v = m[xi + t * n + j]!;
            sr += a * u - b * v;
            si += a * v + b * u;
          }
          err = Math.max(err, Math.abs(js[yr + t * n + i]! - sr), Math.abs(js[yi + t * n + i]! - si));
          big = Math.max(big, Math.abs(sr), Math.abs(si));
        }
      }
      assert.ok(err <= 1e-13 * n * Math.max(big, 1), `n = ${n}: ${err}`);
      if (!envNoWasm) {
        const mod = compileWasm('gram-truncated', GRAM_WASM)!;
        const memory = new WebAssembly.Memory({ initial: 1 });
        const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { cholSolvePacked: (...a: number[]) => void };
        new Float64Array(memory.buffer).set(m);
        ex.cholSolvePacked(n, count, k, 8 * lr, 8 * li, 8 * wr, 8 * wi, 8 * xr, 8 * xi, 8 * yr, 8 * yi, 8 * c);
        assert.deepEqual(new Float64Array(memory.buffer, 0, m.length).slice(), js);
      }
    }
  });

  test('hemmPacked: y_t = S·x_t from the packed lower triangle of a Hermitian S (naive dense product; WebAssembly bitwise)', () => {
    const r = rng(31);
    for (const [n, count] of [[1, 1], [4, 2], [7, 1], [32, 4]] as const) {
      const half = (n * (n + 1)) / 2;
      const pr = 0, pi = half, xr = 2 * half, xi = xr + count * n, yr = xi + count * n, yi = yr + count * n;
      const m = new Float64Array(yi + count * n);
      for (let q = 0; q < yr; q++) m[q] = r();
      for (let i = 0; i < n; i++) m[pi + (i * (i + 1)) / 2 + i] = 0; // (the format's diagonal is real)
      m.fill(9, yr); // garbage: y is overwritten
      const js = m.slice();
      hemmPackedJs(js, n, count, pr, pi, xr, xi, yr, yi);
      let big = 0, err = 0;
      for (let t = 0; t < count; t++) {
        for (let i = 0; i < n; i++) {
          let sr = 0, si = 0;
          for (let j = 0; j < n; j++) {
            const q = i >= j ? (i * (i + 1)) / 2 + j : (j * (j + 1)) / 2 + i;
            const a = m[pr + q]!, b = i >= j ? m[pi + q]! : -m[pi + q]!; // S[i][j]
            const u = m[xr + t * n + j]!, v = m[xi + t * n + j]!;
            sr += a * u - b * v;
            si += a * v + b * u;
          }
          err = Math.max(err, Math.abs(js[yr + t * n + i]! - sr), Math.abs(js[yi + t * n + i]! - si));
          big = Math.max(big, Math.abs(sr), Math.abs(si));
        }
      }
      assert.ok(err <= 1e-14 * n * Math.max(big, 1), `n = ${n}: ${err}`);
      if (!envNoWasm) {
        const mod = compileWasm('gram-truncated', GRAM_WASM)!;
        const memory = new WebAssembly.Memory({ initial: 1 });
        const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { hemmPacked: (...a: number[]) => void };
        new Float64Array(memory.buffer).set(m);
        ex.hemmPacked(n, count, 8 * pr, 8 * pi, 8 * xr, 8 * xi, 8 * yr, 8 * yi);
        assert.deepEqual(new Float64Array(memory.buffer, 0, m.length).slice(), js);
      }
    }
  });
});

type OpCase = { co: number; ci: number; h: number; w: number; s: number; rtol: number };
const opCases: OpCase[] = [
  { co: 4, ci: 4, h: 8, w: 6, s: 1, rtol: 0.2 },
  { co: 3, ci: 3, h: 6, w: 7, s: 1, rtol: 0.35 },
  { co: 8, ci: 2, h: 8, w: 8, s: 2, rtol: 0.25 },
];

describe('circular pinv, Gram path: whole operators', () => {
  for (const c of opCases) {
    for (const dtype of ['float32', 'float64'] as const) {
      test(`${JSON.stringify(c)} ${dtype}: equals the SVD path and the dense pseudo-inverse`, () => {
        const K = randn([c.co, c.ci, 3, 3], { seed: 21, dtype });
        const A = conv2d(K, { inShape: [c.ci, c.h, c.w], padding: 1, stride: c.s, paddingMode: 'circular' });
        const y = randn([2, ...A.outShape], { seed: 22, dtype });
        const viaSvd = new CircularPinv(A, { rtol: c.rtol }, 'svd');
        const gram = new CircularPinv(A, { rtol: c.rtol }, 'gram');
        const auto = new CircularPinv(A, { rtol: c.rtol });
        assert.equal(gram.info.svdBlocks, 0);
        assert.ok(gram.info.gramBlocks > 0);
        assert.equal(auto.info.gramBlocks, gram.info.gramBlocks, 'auto takes the Gram path under a high rtol');
        assert.equal(gram.info.rank, viaSvd.info.rank);
        assert.ok(gram.info.rank < A.inSize, 'the cut-off drops something');
        assert.ok(Math.abs(gram.info.sigmaMax - viaSvd.info.sigmaMax) <= 1e-12 * viaSvd.info.sigmaMax);
        const xg = gram.solve(y), xs = viaSvd.solve(y);
        assert.equal(xg.dtype, dtype);
        assert.ok(rel(xg, xs) < (dtype === 'float32' ? 1e-6 : 1e-11), `vs SVD path: ${rel(xg, xs)}`);
        const dn = convPinv(A, y, { method: 'dense', rtol: c.rtol });
        assert.equal(dn.info.rank, gram.info.rank);
        assert.ok(rel(xg, dn.x) < (dtype === 'float32' ? 1e-5 : 1e-10), `vs dense: ${rel(xg, dn.x)}`);
      });
    }
  }

  test('random geometries (kernel sizes, dilations, pads, strides, rtol): the Gram path solves as the SVD path does (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 2, max: 6 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          d1: fc.integer({ min: 1, max: 2 }),
          d2: fc.integer({ min: 1, max: 2 }),
          s: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 3, max: 7 }),
          w: fc.integer({ min: 3, max: 7 }),
          top: fc.integer({ min: 0, max: 3 }),
          left: fc.integer({ min: 0, max: 3 }),
          rtol: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
          seed: fc.integer({ min: 0, max: 10000 }),
        }),
        (p) => {
          const h = p.h * p.s, w = p.w * p.s;
          // (square blocks, which the Gram path needs: c_out = c_in·s²)
          const ci = p.s === 1 ? p.c : Math.min(p.c, 3), co = ci * p.s * p.s;
          const K = randn([co, ci, p.kh, p.kw], { seed: p.seed, dtype: 'float32' });
          // circular pads for which the output is the input size / stride (the FFT path's geometry), when any
          const ph = (p.kh - 1) * p.d1, pw = (p.kw - 1) * p.d2;
          const pt = p.top % (ph + 1), pl = p.left % (pw + 1);
          let A: ReturnType<typeof conv2d> | null = null;
          try {
            A = conv2d(K, { inShape: [ci, h, w], padding: [pt, pl], dilation: [p.d1, p.d2], stride: p.s, paddingMode: 'circular' });
          } catch {
            A = null;
          }
          fc.pre(A !== null && circularFftObstacle(A) === null);
          const y = randn([2, ...A.outShape], { seed: p.seed + 1, dtype: 'float32' });
          const gram = new CircularPinv(A, { rtol: p.rtol }, 'gram');
          const viaSvd = new CircularPinv(A, { rtol: p.rtol }, 'svd');
          assert.equal(gram.info.rank, viaSvd.info.rank, 'rank');
          const xs = viaSvd.solve(y);
          const err = rel(gram.solve(y), xs);
          assert.ok(err < 2e-6 || (toFloat64(xs).every((v) => v === 0) && err === 0), `vs SVD path: ${err} (${JSON.stringify(p)})`);
        },
      ),
      { numRuns: 120, seed: 17 },
    );
  });

  test('Moore–Penrose conditions of the truncation, float32, rtol = 0.3', () => {
    const K = randn([3, 3, 3, 3], { seed: 31, dtype: 'float32' });
    const A = conv2d(K, { inShape: [3, 4, 6], padding: 1, paddingMode: 'circular' });
    const fac = new CircularPinv(A, { rtol: 0.3 });
    assert.ok(fac.info.gramBlocks > 0);
    const M = A.outSize, N = A.inSize;
    // Dense A (M×N) and X = A⁺_cut (N×M), column by column from unit vectors.
    const eyeN = new Float32Array(N * N);
    for (let i = 0; i < N; i++) eyeN[i * N + i] = 1;
    const AE = toFloat64(A.apply(new Tensor(eyeN, [N, ...A.inShape], 'float32'))); // row i: A·e_i
    const eyeM = new Float32Array(M * M);
    for (let i = 0; i < M; i++) eyeM[i * M + i] = 1;
    const XE = toFloat64(fac.solve(new Tensor(eyeM, [M, ...A.outShape], 'float32'))); // row i: X·e_i
    const a = (r: number, col: number): number => AE[col * M + r]!;
    const x = (r: number, col: number): number => XE[col * N + r]!;
    const XA = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let q = 0; q < M; q++) s += x(i, q) * a(q, j);
      XA[i * N + j] = s;
    }
    const AX = new Float64Array(M * M);
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) {
      let s = 0;
      for (let q = 0; q < N; q++) s += a(i, q) * x(q, j);
      AX[i * M + j] = s;
    }
    let trace = 0;
    let symXA = 0, symAX = 0, xax = 0, xMax = 0;
    for (let i = 0; i < N; i++) trace += XA[i * N + i]!;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) symXA = Math.max(symXA, Math.abs(XA[i * N + j]! - XA[j * N + i]!));
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) symAX = Math.max(symAX, Math.abs(AX[i * M + j]! - AX[j * M + i]!));
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) {
      let s = 0;
      for (let q = 0; q < N; q++) s += XA[i * N + q]! * x(q, j);
      xax = Math.max(xax, Math.abs(s - x(i, j)));
      xMax = Math.max(xMax, Math.abs(x(i, j)));
    }
    // XA and AX are orthogonal projectors of rank(A⁺_cut) (tr XA = rank), and XAX = X; AXA = A fails by design.
    assert.ok(fac.info.rank < N && fac.info.rank > 0);
    assert.ok(Math.abs(trace - fac.info.rank) < 1e-3, `tr(XA) = ${trace}, rank ${fac.info.rank}`);
    assert.ok(symXA < 1e-5 && symAX < 1e-5, `symmetry ${symXA} ${symAX}`);
    assert.ok(xax < 1e-5 * xMax, `XAX − X: ${xax}`);
  });

  test('auto under a high rtol where no certified inverse can qualify: Gram path; the SVD path agrees (c = 8, 32×32, rtol = 0.2)', () => {
    const K = randn([8, 8, 3, 3], { seed: 41, dtype: 'float32' });
    const A = conv2d(K, { inShape: [8, 32, 32], padding: 1, paddingMode: 'circular' });
    const y = randn([1, ...A.outShape], { seed: 42, dtype: 'float32' });
    const gram = new CircularPinv(A, { rtol: 0.2 });
    const viaSvd = new CircularPinv(A, { rtol: 0.2 }, 'svd');
    assert.equal(gram.info.svdBlocks, 0);
    assert.equal(gram.info.gramBlocks, gram.info.blocks);
    assert.equal(gram.info.rank, viaSvd.info.rank);
    assert.ok(rel(gram.solve(y), viaSvd.solve(y)) < 1e-6);
  });
});

// Stride 1: G from the kernel's lag sums (gram-lags.ts) and Bᴴ from the adjoint column sums, against the block
// evaluated from the taps (fillBlock) and its Gram product by naive loops.
function denseBlock(geom: Float64Array, w: Float64Array, g: number): { re: Float64Array; im: Float64Array } {
  const n = geom[0]!;
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  fillBlock(geom, columnSums(geom, w), g, re, im, n, new Float64Array(2 * geom[2]!));
  return { re, im };
}

test('ColumnOrder visits every block of a range exactly once, column by column (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (g2h, a, b) => {
      const start = Math.min(a, b), end = Math.max(a, b);
      const seen: number[] = [];
      for (let it = new ColumnOrder(start, end, g2h), g = it.next(); g >= 0; g = it.next()) seen.push(g);
      assert.deepEqual(seen.slice().sort((x, y) => x - y), Array.from({ length: end - start }, (_, i) => start + i));
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]! % g2h <= seen[i]! % g2h, 'column-major');
    }),
  );
});

test('pooled scratch: factorisations alive at once and solved interleaved give what fresh ones give (bitwise)', () => {
  const mk = (seed: number) => conv2d(randn([6, 6, 3, 3], { seed, dtype: 'float32' }), { inShape: [6, 10, 8], padding: 1, paddingMode: 'circular' });
  const A1 = mk(41), A2 = mk(42);
  const y = randn([2, 6, 10, 8], { seed: 43, dtype: 'float32' });
  const f1 = new CircularPinv(A1, { rtol: 0.1 }, 'gram');
  const f2 = new CircularPinv(A2, { rtol: 0.1 }, 'gram');
  const x2 = toFloat64(f2.solve(y));
  const x1 = toFloat64(f1.solve(y));
  assert.deepEqual(toFloat64(f1.solve(y)), x1);
  assert.deepEqual(toFloat64(new CircularPinv(A1, { rtol: 0.1 }, 'gram').solve(y)), x1);
  assert.deepEqual(toFloat64(new CircularPinv(A2, { rtol: 0.1 }, 'gram').solve(y)), x2);
  assert.ok(maxDiff(x1, x2) > 0);
});

describe('Gram path, stride 1: lag sums and adjoint blocks', () => {
  test('G from the lag sums = BᴴB (random kernels, sizes, dilations, pads; property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          c: fc.integer({ min: 1, max: 4 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          n1: fc.integer({ min: 2, max: 9 }),
          n2: fc.integer({ min: 2, max: 9 }),
          d1: fc.integer({ min: 1, max: 3 }),
          d2: fc.integer({ min: 1, max: 3 }),
          top: fc.integer({ min: 0, max: 4 }),
          left: fc.integer({ min: 0, max: 4 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (p) => {
          const r = rng(p.seed);
          const w = Float64Array.from({ length: p.c * p.c * p.kh * p.kw }, () => r());
          const geom = geometry(p.c, p.c, p.kh, p.kw, p.n1, p.n2, 1, 1, p.d1, p.d2, p.top, p.left);
          const g2h = geom[14]!;
          const lags = gramLagSums(geom, w);
          assert.equal(lags.length, g2h * lagSumsStride(p.c, p.kh));
          const params = Float64Array.of(p.c, p.kh, p.n1, p.d1, g2h);
          const n = p.c;
          const m = new Float64Array(2 * n * n);
          const ts = pairedAdjointSums(geom, w);
          const bh = new Float64Array(2 * n * n);
          const wt = new Float64Array(p.kh);
          const ph = new Float64Array(2);
          for (let g = 0; g < p.n1 * g2h; g++) {
            const { re, im } = denseBlock(geom, w, g);
            gramFromLags(params, lags, g, m, 0, n * n, new Float64Array(2 * p.kh));
            let scale = 1e-300;
            for (const v of re) scale = Math.max(scale, v * v);
            for (const v of im) scale = Math.max(scale, v * v);
            for (let i = 0; i < n; i++) {
              for (let j = 0; j <= i; j++) {
                let sr = 0, si = 0; // (BᴴB)[i][j] = Σ_o conj(B[o][i])·B[o][j]
                for (let o = 0; o < n; o++) {
                  const ar = re[o * n + i]!, ai = -im[o * n + i]!, br = re[o * n + j]!, bi = im[o * n + j]!;
                  sr += ar * br - ai * bi;
                  si += ar * bi + ai * br;
                }
                assert.ok(Math.abs(m[i * n + j]! - sr) <= 1e-12 * n * scale * 10, `re G[${i}][${j}] ${m[i * n + j]} vs ${sr}`);
                assert.ok(Math.abs(m[n * n + i * n + j]! - si) <= 1e-12 * n * scale * 10, `im G[${i}][${j}]`);
              }
              assert.equal(m[n * n + i * n + i], 0, 'real diagonal');
            }
            // Bᴴ from the paired adjoint column sums (the solve's first factor): real weights by the JS twin of the
            // SIMD fillReal, times the phase e^{−iψ}.
            const g1 = Math.floor(g / g2h), g2 = g - g1 * g2h;
            pairedWeights(p.kh, g1, p.d1, p.top, p.n1, wt, ph);
            fillRealJs(ts, g2 * p.kh * n * n, ts.length / 2 + g2 * p.kh * n * n, n * n, p.kh, wt, bh, 0, n * n);
            for (let c = 0; c < n; c++) {
              for (let o = 0; o < n; o++) {
                const xr = bh[c * n + o]!, xi = bh[n * n + c * n + o]!;
                const br = xr * ph[0]! - xi * ph[1]!, bi = xr * ph[1]! + xi * ph[0]!;
                assert.ok(Math.abs(br - re[o * n + c]!) <= 1e-13 * (1 + Math.sqrt(scale)), `Re Bᴴ ${br} vs ${re[o * n + c]}`);
                assert.ok(Math.abs(bi + im[o * n + c]!) <= 1e-13 * (1 + Math.sqrt(scale)), 'Im Bᴴ');
              }
            }
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  for (const dtype of ['float32', 'float64'] as const) {
    test(`uneven kernel 2×4, dilation [2, 1], 'same' (asymmetric pads), groups 2, ${dtype}: equals the SVD path and the dense pseudo-inverse`, () => {
      const K = randn([4, 2, 2, 4], { seed: 51, dtype });
      const A = conv2d(K, { inShape: [4, 6, 7], padding: 'same', dilation: [2, 1], groups: 2, paddingMode: 'circular' });
      const y = randn([2, ...A.outShape], { seed: 52, dtype });
      const gram = new CircularPinv(A, { rtol: 0.25 }, 'gram');
      const viaSvd = new CircularPinv(A, { rtol: 0.25 }, 'svd');
      assert.equal(gram.info.svdBlocks, 0);
      assert.equal(gram.info.rank, viaSvd.info.rank);
      assert.ok(gram.info.rank < A.inSize, 'the cut-off drops something');
      assert.ok(Math.abs(gram.info.sigmaMax - viaSvd.info.sigmaMax) <= 1e-12 * viaSvd.info.sigmaMax);
      const xg = gram.solve(y);
      assert.ok(rel(xg, viaSvd.solve(y)) < (dtype === 'float32' ? 1e-6 : 1e-11), `vs SVD path: ${rel(xg, viaSvd.solve(y))}`);
      const dn = convPinv(A, y, { method: 'dense', rtol: 0.25 });
      assert.equal(dn.info.rank, gram.info.rank);
      assert.ok(rel(xg, dn.x) < (dtype === 'float32' ? 1e-5 : 1e-10), `vs dense: ${rel(xg, dn.x)}`);
    });
  }

  for (const s of [1, 2]) {
    test(`blocks the Gram passes cannot settle fall back to the SVD with the same cut-off (stride ${s}, injected)`, () => {
      const K = randn([s === 1 ? 4 : 8, 2 * (s === 1 ? 2 : 1), 3, 3], { seed: 61, dtype: 'float32' });
      const A = conv2d(K, { inShape: [s === 1 ? 4 : 2, 8, 6], padding: 1, stride: s, paddingMode: 'circular' });
      const y = randn([2, ...A.outShape], { seed: 62, dtype: 'float32' });
      const viaSvd = new CircularPinv(A, { rtol: 0.2 }, 'svd');
      gramFaults.every = 3;
      let gram: CircularPinv;
      try {
        gram = new CircularPinv(A, { rtol: 0.2 }, 'gram');
      } finally {
        gramFaults.every = 0;
      }
      assert.ok(gram.info.svdBlocks > 0 && gram.info.gramBlocks > 0, JSON.stringify(gram.info));
      assert.equal(gram.info.rank, viaSvd.info.rank);
      assert.ok(rel(gram.solve(y), viaSvd.solve(y)) < 1e-6);
    });
  }
});

test('Gram path, stride 1: pass 1 from the lag sums, WebAssembly against the JS twins (T, reflectors, ‖B‖_F²)', () => {
  const n = 6, kh = 3, kw = 2, n1 = 7, n2 = 6;
  const r = rng(77);
  const w = Float64Array.from({ length: n * n * kh * kw }, () => r());
  const geom = geometry(n, n, kh, kw, n1, n2, 1, 1, 2, 1, 1, 0);
  const g2h = geom[14]!;
  const count = n1 * g2h;
  const lags = gramLagSums(geom, w);
  const params = Float64Array.of(n, kh, n1, 2, g2h, 1);
  const run = (): { gs: Float64Array; aux: Float64Array; fro: Float64Array } => {
    const gs = new Float64Array(count * gramSlotLength(n, true));
    const aux = new Float64Array(count * gramAuxLength(n));
    const fro = new Float64Array(count);
    gramLagTridiagRange(params, lags, gs, aux, fro, 0, count);
    return { gs, aux, fro };
  };
  const a = run();
  const b = withoutWasm(run);
  for (const key of ['gs', 'aux', 'fro'] as const) {
    const x = a[key], y = b[key];
    const tol = 1e-12 * Math.max(1, maxAbs(y));
    assert.ok(maxDiff(x, y) <= tol, `${key}: ${maxDiff(x, y)}`);
  }
  assert.ok(maxAbs(a.fro) > 0);
});
