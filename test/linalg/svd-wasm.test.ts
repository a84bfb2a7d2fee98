// The SVD's WebAssembly SIMD kernels (svd-kernels.wat via svd-wasm.ts) against the plain-JS kernels they replace,
// kernel by kernel (odd lengths and offsets exercise the scalar tails) and end to end (svd with and without
// ADJOINT_NO_WASM), plus singular values of larger odd-shaped matrices against LAPACK (NumPy) fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { svd, svdvals } from '../../src/linalg/spectral.js';
import { reflectColumns, reflectRows } from '../../src/linalg/kernels/householder.js';
import { rotateAscending } from '../../src/linalg/kernels/rotations.js';
import { applyLeft, applyRight, bidiagonalQR, bidiagonalize } from '../../src/linalg/kernels/bidiagonal-svd.js';
import { svdArena, svdKernelsFor } from '../../src/linalg/kernels/svd-wasm.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { wasmDisabled } from '../../src/wasm/load.js';
import { ct, diagM, fro, mat, mul, orthoErr, randT, sub } from './spectral-helpers.js';
import { withoutWasm } from '../wasm/helpers.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/svd_wasm.json', import.meta.url), 'utf8')) as Record<
  string,
  { m: number; n: number; complex: boolean; seed: number; s: number[] }
>;
const EPS = 2 ** -52;
/** The kernel-level comparisons need the SIMD path: skipped when the whole run disables it (ADJOINT_NO_WASM=1). */
const kernelTest = { skip: wasmDisabled() ? 'ADJOINT_NO_WASM=1' : false };


let seed = 12345;
function rnd(): number {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647 - 0.5;
}

/** Arrays of the given lengths in the kernels' memory (the SIMD path), and equal copies as plain arrays. */
function pair(lengths: number[]): { w: Float64Array[]; j: Float64Array[] } {
  const w = svdArena({}, lengths, null);
  assert.ok(w, 'the SIMD kernels are available under Node 20');
  const j = lengths.map((l) => Float64Array.from({ length: l }, rnd));
  w.forEach((a, i) => a.set(j[i]!));
  assert.ok(svdKernelsFor(w[0]!.buffer) !== null && svdKernelsFor(j[0]!.buffer) === null);
  return { w, j };
}

function close(a: Float64Array, b: Float64Array, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  let mx = 0, err = 0;
  for (let i = 0; i < a.length; i++) {
    mx = Math.max(mx, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  assert.ok(err <= tol * Math.max(mx, 1), `${what}: max error ${err} (scale ${mx})`);
}

test('reflectColumns: SIMD kernel equals the JS loops (real, complex, odd lengths and offsets)', kernelTest, () => {
  for (const cplx of [false, true]) {
    for (const len of [1, 2, 3, 7, 8, 33]) {
      for (const cols of [1, 2, 3, 5]) {
        const ld = len + 3, vo = 1, xo = 2;
        const { w, j } = pair([len + vo, len + vo, ld * cols + xo, ld * cols + xo]);
        const t0 = rnd(), t1 = cplx ? rnd() : 0;
        const run = (a: Float64Array[]) => reflectColumns(len, a[0]!, cplx ? a[1]! : null, vo, t0, t1, a[2]!, cplx ? a[3]! : null, xo, ld, cols);
        run(w);
        run(j);
        close(w[2]!, j[2]!, 8 * EPS, `re ${cplx} ${len}×${cols}`);
        close(w[3]!, j[3]!, 8 * EPS, `im ${cplx} ${len}×${cols}`);
      }
    }
  }
});

test('reflectRows: SIMD kernel equals the JS loops', kernelTest, () => {
  for (const cplx of [false, true]) {
    for (const rows of [1, 2, 5, 16, 31]) {
      for (const cols of [1, 2, 3, 6]) {
        const ld = rows + 2, g0 = ld + 1, v0 = ld;
        const size = ld * (cols + 1) + 1;
        const { w, j } = pair([size, size, rows + 1, rows + 1]);
        const t0 = rnd(), t1 = cplx ? rnd() : 0;
        const run = (a: Float64Array[]) => reflectRows(rows, cols, a[0]!, cplx ? a[1]! : null, g0, ld, v0, t0, t1, a[2]!, a[3]!);
        run(w);
        run(j);
        close(w[0]!, j[0]!, 8 * EPS, `re ${cplx} ${rows}×${cols}`);
        close(w[1]!, j[1]!, 8 * EPS, `im ${cplx} ${rows}×${cols}`);
      }
    }
  }
});

test('rotateAscending: SIMD kernel equals the JS loops', kernelTest, () => {
  for (const n of [1, 2, 3, 4, 5, 9, 12]) {
    for (const [k, end] of [[0, n - 1], [1, n - 1], [0, Math.max(0, n - 3)]] as const) {
      const { w, j } = pair([n * n, n, n]);
      for (const a of [w, j]) {
        for (let i = 0; i < n; i++) {
          const t = 2 * Math.PI * (i + 1) / 7;
          a[1]![i] = Math.cos(t);
          a[2]![i] = Math.sin(t);
        }
      }
      rotateAscending(w[0]!, n, n, k, end, w[1]!, w[2]!);
      rotateAscending(j[0]!, n, n, k, end, j[1]!, j[2]!);
      close(w[0]!, j[0]!, 8 * EPS, `n=${n} rotations ${k}..${end}`);
    }
  }
});

test('bidiagonalQR: the SIMD sweep gives the JS values and rotations', kernelTest, () => {
  for (const n of [2, 3, 8, 17]) {
    const { w, j } = pair([n, n, n * n, n * n, 4 * n]);
    for (const a of [w, j]) a[1]![n - 1] = 0;
    assert.ok(bidiagonalQR(n, w[0]!, w[1]!, w[2]!, w[3]!, 75, w[4]!));
    assert.ok(bidiagonalQR(n, j[0]!, j[1]!, j[2]!, j[3]!, 75, j[4]!));
    close(w[0]!, j[0]!, 0, `σ n=${n}`); // same operations in the same order: bit-identical values
    close(w[2]!, j[2]!, 64 * EPS, `U_B n=${n}`);
    close(w[3]!, j[3]!, 64 * EPS, `V_B n=${n}`);
  }
  // The iteration bound is reported the same way by both.
  const { w, j } = pair([6, 6, 36, 36, 24]);
  for (const a of [w, j]) {
    a[1]![5] = 0;
    assert.equal(bidiagonalQR(6, a[0]!, a[1]!, a[2]!, a[3]!, 0, a[4]!), false);
  }
});

test('bidiagonalize, applyLeft, applyRight: SIMD kernels equal the JS loops (real and complex, tall and square)', kernelTest, () => {
  for (const cplx of [false, true]) {
    for (const [m, n] of [[1, 1], [2, 2], [5, 3], [9, 9], [17, 12], [32, 32]] as const) {
      // gr gi d e tq tp w X(re) X(im) Y(re) Y(im)
      const { w, j } = pair([m * n, m * n, n, n, 2 * n, 2 * n, 2 * m + 2, m * m, m * m, n * n, n * n]);
      const run = (a: Float64Array[]) => {
        const gi = cplx ? a[1]! : null;
        bidiagonalize(m, n, a[0]!, gi, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!);
        applyLeft(m, n, m, a[0]!, gi, a[4]!, a[7]!, cplx ? a[8]! : null);
        applyRight(m, n, a[0]!, gi, a[5]!, a[9]!, cplx ? a[10]! : null, a[6]!);
      };
      run(w);
      run(j);
      const names = ['G re', 'G im', 'd', 'e', 'τ_Q', 'τ_P', '', 'QX re', 'QX im', 'PY re', 'PY im'];
      for (const i of [0, 1, 2, 3, 4, 5, 7, 8, 9, 10]) {
        if (!cplx && (i === 1 || i === 8 || i === 10)) continue;
        close(w[i]!, j[i]!, 64 * m * EPS, `${cplx ? 'complex' : 'real'} ${m}×${n} ${names[i]}`);
      }
    }
  }
});

/** The fixture's deterministic matrix (see test/fixtures/make_svd_wasm_fixtures.py). */
function fixtureMatrix(m: number, n: number, cplx: boolean, sd: number): Tensor {
  const d = new Float64Array(m * n * (cplx ? 2 : 1));
  for (let i = 0; i < m; i++)
    for (let c = 0; c < n; c++) {
      const re = Math.sin(0.37 * (i + 1) * (c + 2) + 0.11 * sd);
      if (cplx) {
        d[2 * (i * n + c)] = re;
        d[2 * (i * n + c) + 1] = Math.cos(0.53 * (i + 2) * (c + 1) - 0.07 * sd);
      } else d[i * n + c] = re;
    }
  return new Tensor(d, [m, n], cplx ? 'complex128' : 'float64');
}

/** ‖A − U·Σ·Vh‖_F/‖A‖_F and the orthonormality errors of U and Vh. */
function svdErrors(A: Tensor, r: { U: Tensor; S: Tensor; Vh: Tensor }): number[] {
  const U = mat(r.U), Vh = mat(r.Vh), Am = mat(A);
  const rec = mul(mul(U, diagM(Array.from(r.S.data), U.n, Vh.m)), Vh);
  return [fro(sub(Am, rec)) / fro(Am), orthoErr(U), orthoErr(ct(Vh))];
}

test('svd with SIMD kernels: singular values match LAPACK, factors reconstruct, and agree with the JS path', () => {
  for (const [name, f] of Object.entries(fixtures)) {
    const A = fixtureMatrix(f.m, f.n, f.complex, f.seed);
    const k = Math.min(f.m, f.n), big = Math.max(f.m, f.n);
    const sw = Array.from(svdvals(A).data);
    const sj = Array.from(withoutWasm(() => svdvals(A)).data);
    for (let i = 0; i < k; i++) {
      assert.ok(Math.abs(sw[i]! - f.s[i]!) <= 8 * big * EPS * f.s[0]!, `${name} σ_${i}: ${sw[i]} vs LAPACK ${f.s[i]}`);
      assert.ok(Math.abs(sw[i]! - sj[i]!) <= 8 * big * EPS * f.s[0]!, `${name} σ_${i}: SIMD ${sw[i]} vs JS ${sj[i]}`);
    }
    for (const full of [true, false]) {
      const rw = svd(A, { fullMatrices: full });
      const rj = withoutWasm(() => svd(A, { fullMatrices: full }));
      const ew = svdErrors(A, rw), ej = svdErrors(A, rj);
      for (const [i, what] of ['reconstruction', 'U orthonormal', 'V orthonormal'].entries()) {
        assert.ok(ew[i]! <= 10 * big * EPS, `${name} full=${full} SIMD ${what}: ${ew[i]}`);
        assert.ok(ej[i]! <= 10 * big * EPS, `${name} full=${full} JS ${what}: ${ej[i]}`);
      }
      // Same algorithm and sign choices: the singular vectors of well-separated singular values agree.
      close(rw.S.data as Float64Array, rj.S.data as Float64Array, 8 * big * EPS, `${name} S`);
      const cw = sw.length, sep = (j: number) => j >= cw || Math.min(j > 0 ? sw[j - 1]! - sw[j]! : Infinity, j + 1 < cw ? sw[j]! - sw[j + 1]! : Infinity) > 1e-6 * sw[0]!;
      const U = [mat(rw.U), mat(rj.U)], V = [mat(rw.Vh), mat(rj.Vh)];
      let compared = 0;
      for (let j = 0; j < U[0]!.n; j++) {
        if (!sep(j)) continue;
        compared++;
        for (let i = 0; i < U[0]!.m; i++) {
          const q = i * U[0]!.n + j;
          assert.ok(Math.abs(U[0]!.re[q]! - U[1]!.re[q]!) + Math.abs(U[0]!.im[q]! - U[1]!.im[q]!) <= 1e-9, `${name} full=${full} U[${i}, ${j}]`);
        }
      }
      for (let j = 0; j < V[0]!.m; j++) {
        if (!sep(j)) continue;
        for (let i = 0; i < V[0]!.n; i++) {
          const q = j * V[0]!.n + i;
          assert.ok(Math.abs(V[0]!.re[q]! - V[1]!.re[q]!) + Math.abs(V[0]!.im[q]! - V[1]!.im[q]!) <= 1e-9, `${name} full=${full} Vh[${j}, ${i}]`);
        }
      }
      assert.ok(compared >= Math.min(k, 8), `${name}: compared ${compared} singular vectors`);
    }
  }
});

test('batched svd with SIMD kernels: many small complex and real blocks, odd sizes, both paths', () => {
  let sd = 300;
  for (const [b, m, n, dt] of [[40, 32, 32, 'complex128'], [25, 7, 5, 'complex128'], [25, 5, 11, 'float64'], [20, 16, 16, 'float64'], [6, 1, 3, 'complex128']] as const) {
    const A = randT([b, m, n], dt, sd++);
    const rw = svd(A, { fullMatrices: false });
    const rj = withoutWasm(() => svd(A, { fullMatrices: false }));
    close(rw.S.data as Float64Array, rj.S.data as Float64Array, 16 * Math.max(m, n) * EPS, `${b}×${m}×${n} ${dt} S`);
    for (const bi of [0, b - 1]) {
      const U = mat(rw.U, bi), Vh = mat(rw.Vh, bi), Ab = mat(A, bi);
      const k = Math.min(m, n);
      const s = Array.from(rw.S.data.subarray(bi * k, bi * k + k));
      const err = fro(sub(Ab, mul(mul(U, diagM(s, U.n, Vh.m)), Vh))) / fro(Ab);
      assert.ok(err <= 10 * Math.max(m, n) * EPS, `${b}×${m}×${n} ${dt} matrix ${bi}: ${err}`);
      assert.ok(orthoErr(U) <= 10 * Math.max(m, n) * EPS && orthoErr(ct(Vh)) <= 10 * Math.max(m, n) * EPS);
    }
  }
});

test('a matrix larger than the initial SIMD memory grows it, and smaller ones keep working afterwards', () => {
  // 200×170 complex with vectors needs ~2.7 MiB of scratch (the kernels' memory starts at 2 MiB).
  const small = randT([3, 16, 16], 'complex128', 900);
  const big = randT([1, 200, 170], 'complex128', 901);
  const before = svd(small).S.data.slice();
  const rb = svd(big, { fullMatrices: false });
  const ref = withoutWasm(() => svdvals(big)).data;
  close(rb.S.data as Float64Array, ref as Float64Array, 16 * 200 * EPS, 'big S');
  const [rec, ou, ov] = svdErrors(big, rb);
  assert.ok(rec! <= 10 * 200 * EPS && ou! <= 10 * 200 * EPS && ov! <= 10 * 200 * EPS, `big: ${rec} ${ou} ${ov}`);
  assert.deepEqual(Array.from(svd(small).S.data), Array.from(before));
});
