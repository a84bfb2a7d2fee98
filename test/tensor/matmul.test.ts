import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdjointError } from '../../src/errors.js';
import { gemmBatchInner, gemmComplex, gemmInt32, gemmReal, type GemmOp } from '../../src/linalg/kernels/gemm.js';
import { tensor } from '../../src/tensor/creation.js';
import type { DType } from '../../src/tensor/dtype.js';
import { matmul } from '../../src/tensor/matmul.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** Small deterministic PRNG so failing fast-check cases replay exactly. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}

function randTensor(shape: number[], dtype: DType, seed: number): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const sp = dtype === 'complex64' || dtype === 'complex128' ? 2 : 1;
  const C = dtype === 'float32' || dtype === 'complex64' ? Float32Array : dtype === 'int32' ? Int32Array : Float64Array;
  const data = new C(n * sp);
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'int32' ? Math.round(r() * 9) : r();
  return Tensor.fromStorage(data, shape, dtype);
}

/** Element i (C order) of a contiguous data array as [re, im]. */
function el(d: ArrayLike<number>, i: number, cplx: boolean): [number, number] {
  return cplx ? [d[2 * i]!, d[2 * i + 1]!] : [d[i]!, 0];
}

/** Naive torch.matmul: explicit 1-D promotion, batch broadcasting by index arithmetic, triple loop. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; re: number[]; im: number[] } {
  const ac = a.isComplex, bc = b.isComplex;
  const ad = a.data, bd = b.data;
  const as = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const m = as[as.length - 2]!, k = as[as.length - 1]!, n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2), bb = bs.slice(0, -2);
  const nd = Math.max(ab.length, bb.length);
  const pa = [...Array(nd - ab.length).fill(1), ...ab], pb = [...Array(nd - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  const nb = batch.reduce((x, y) => x * y, 1);
  const re: number[] = [], im: number[] = [];
  for (let bi = 0; bi < nb; bi++) {
    // unravel bi over batch, then index a's and b's batch (size-1 dims read index 0)
    let rem = bi, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = nd - 1; d >= 0; d--) {
      const idx = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
      ia += (pa[d] === 1 ? 0 : idx) * sa;
      ib += (pb[d] === 1 ? 0 : idx) * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sr = 0, si = 0;
        for (let p = 0; p < k; p++) {
          const [xr, xi] = el(ad, ia * m * k + i * k + p, ac);
          const [yr, yi] = el(bd, ib * k * n + p * n + j, bc);
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        re.push(sr);
        im.push(si);
      }
    }
  }
  const shape = [...batch];
  if (a.ndim > 1) shape.push(m);
  if (b.ndim > 1) shape.push(n);
  return { shape, re, im };
}

function assertClose(got: Tensor, want: { shape: number[]; re: number[]; im: number[] }, tol: number): void {
  assert.deepEqual([...got.shape], want.shape);
  const d = got.data;
  const c = got.isComplex;
  for (let i = 0; i < want.re.length; i++) {
    const [r, im] = el(d, i, c);
    const scale = 1 + Math.abs(want.re[i]!) + Math.abs(want.im[i]!);
    assert.ok(Math.abs(r - want.re[i]!) <= tol * scale, `re[${i}]: ${r} vs ${want.re[i]}`);
    assert.ok(Math.abs(im - want.im[i]!) <= tol * scale, `im[${i}]: ${im} vs ${want.im[i]}`);
  }
}

describe('gemm kernels', () => {
  /** Naive op(X)[i][j] from a stored matrix with given strides. */
  const opAt = (x: Float64Array, off: number, rs: number, cs: number, op: GemmOp, i: number, j: number, cplx: boolean): [number, number] => {
    const e = op === 'N' ? off + i * rs + j * cs : off + j * rs + i * cs;
    if (!cplx) return [x[e]!, 0];
    return [x[2 * e]!, op === 'C' ? -x[2 * e + 1]! : x[2 * e + 1]!];
  };

  test('real and complex GEMM with N/T/C, arbitrary strides, offsets, alpha, beta and a broadcast batch', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 0, max: 11 }),
          n: fc.integer({ min: 0, max: 11 }),
          k: fc.integer({ min: 0, max: 9 }),
          opA: fc.constantFrom<GemmOp>('N', 'T', 'C'),
          opB: fc.constantFrom<GemmOp>('N', 'T', 'C'),
          cplx: fc.boolean(),
          aRowMajor: fc.boolean(),
          bRowMajor: fc.boolean(),
          beta: fc.constantFrom(0, 1, -0.5),
          seed: fc.integer({ min: 1, max: 1e9 }),
        }),
        ({ m, n, k, opA, opB, cplx, aRowMajor, bRowMajor, beta, seed }) => {
          const r = rng(seed);
          const nb = 2;
          const sp = cplx ? 2 : 1;
          // stored A is (m×k) for N, (k×m) for T/C; padded leading dims (+2) and an offset of 3 elements.
          const [ar, ac] = opA === 'N' ? [m, k] : [k, m];
          const [br, bcn] = opB === 'N' ? [k, n] : [n, k];
          const aLd = (aRowMajor ? ac : ar) + 2, bLd = (bRowMajor ? bcn : br) + 2;
          const aStr = aRowMajor ? [aLd, 1] : [1, aLd];
          const bStr = bRowMajor ? [bLd, 1] : [1, bLd];
          const aBatch = aLd * Math.max(aRowMajor ? ar : ac, 1) + 1;
          const a = new Float64Array(sp * (3 + nb * aBatch)).map(() => r());
          const b = new Float64Array(sp * (3 + bLd * Math.max(bRowMajor ? br : bcn, 1))).map(() => r()); // one B, broadcast
          const cLd = n + 1;
          const c = new Float64Array(sp * (nb * m * cLd + 1)).map(() => r());
          const c0 = c.slice();
          const alpha: [number, number] = cplx ? [0.7, -0.3] : [0.7, 0];
          const betaC: [number, number] = [beta, 0];
          const shape = { m, n, k, batchShape: [nb], opA, opB, alpha: cplx ? alpha : alpha[0], beta: cplx ? betaC : beta };
          const A = { data: a, offset: 3, rowStride: aStr[0]!, colStride: aStr[1]!, batchStrides: [aBatch] };
          const B = { data: b, offset: 3, rowStride: bStr[0]!, colStride: bStr[1]!, batchStrides: [0] };
          const C = { data: c, offset: 1, rowStride: cLd, colStride: 1, batchStrides: [m * cLd] };
          (cplx ? gemmComplex : gemmReal)(shape, A, B, C);
          for (let q = 0; q < nb; q++) {
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let sr = 0, si = 0;
                for (let p = 0; p < k; p++) {
                  const [xr, xi] = opAt(a, 3 + q * aBatch, aStr[0]!, aStr[1]!, opA, i, p, cplx);
                  const [yr, yi] = opAt(b, 3, bStr[0]!, bStr[1]!, opB, p, j, cplx);
                  sr += xr * yr - xi * yi;
                  si += xr * yi + xi * yr;
                }
                const e = 1 + q * m * cLd + i * cLd + j;
                const [c0r, c0i] = cplx ? [c0[2 * e]!, c0[2 * e + 1]!] : [c0[e]!, 0];
                const wr = alpha[0] * sr - alpha[1] * si + beta * c0r;
                const wi = alpha[0] * si + alpha[1] * sr + beta * c0i;
                const [gr, gi] = cplx ? [c[2 * e]!, c[2 * e + 1]!] : [c[e]!, 0];
                assert.ok(Math.abs(gr - wr) < 1e-12 && Math.abs(gi - wi) < 1e-12, `C[${q},${i},${j}] = ${gr},${gi} want ${wr},${wi}`);
              }
            }
          }
          // Padding between rows of C (column n) must be untouched.
          for (let q = 0; q < nb; q++) for (let i = 0; i < m; i++) {
            const e = 1 + q * m * cLd + i * cLd + n;
            assert.equal(c[sp * e], c0[sp * e]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('real GEMM across block boundaries (m, n, k larger than the blocking) matches naive', () => {
    const m = 101, n = 70, k = 300;
    const r = rng(7);
    const a = new Float64Array(m * k).map(() => r()), b = new Float64Array(k * n).map(() => r()), c = new Float64Array(m * n);
    gemmReal({ m, n, k, batchShape: [] }, { data: a, offset: 0, rowStride: k, colStride: 1, batchStrides: [] }, { data: b, offset: 0, rowStride: n, colStride: 1, batchStrides: [] }, { data: c, offset: 0, rowStride: n, colStride: 1, batchStrides: [] });
    for (let i = 0; i < m; i += 7) for (let j = 0; j < n; j += 3) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      assert.ok(Math.abs(c[i * n + j]! - s) < 1e-11, `C[${i},${j}] = ${c[i * n + j]} want ${s}`);
    }
  });

  test('beta = 0 overwrites NaN in C, and float32 storage works', () => {
    const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([1, 0, 0, 1]), c = new Float32Array([NaN, NaN, NaN, NaN]);
    const v = (data: Float32Array) => ({ data, offset: 0, rowStride: 2, colStride: 1, batchStrides: [] });
    gemmReal({ m: 2, n: 2, k: 2, batchShape: [] }, v(a), v(b), v(c));
    assert.deepEqual(Array.from(c), [1, 2, 3, 4]);
  });

  test('int32 GEMM is exact and wraps modulo 2^32 like torch', () => {
    const a = new Int32Array([2 ** 30, 3]), b = new Int32Array([4, 5]), c = new Int32Array(1);
    gemmInt32({ m: 1, n: 1, k: 2, batchShape: [] }, { data: a, offset: 0, rowStride: 2, colStride: 1, batchStrides: [] }, { data: b, offset: 0, rowStride: 1, colStride: 1, batchStrides: [] }, { data: c, offset: 0, rowStride: 1, colStride: 1, batchStrides: [] });
    assert.equal(c[0], 15); // 2^32 wraps to 0
  });

  test('batch-innermost kernel matches naive (real and complex)', () => {
    for (const cplx of [false, true]) {
      const m = 3, n = 3, k = 5, len = 600; // len > the 512 tile
      const sp = cplx ? 2 : 1;
      const r = rng(cplx ? 3 : 4);
      const x = new Float64Array(sp * m * k * len).map(() => r());
      const y = new Float64Array(sp * k * n * len).map(() => r());
      const z = new Float64Array(sp * n * m * len);
      // X[i,p,t] at (i*k+p)*len+t; Y[p,j,t] at (j*k+p)*len+t (n outer); Z[i,j,t] at (j*m+i)*len+t
      gemmBatchInner(cplx, m, n, k, len, x, 0, k * len, len, y, 0, len, k * len, z, 0, len, m * len);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < len; t += 37) {
        let sr = 0, si = 0;
        for (let p = 0; p < k; p++) {
          const xe = (i * k + p) * len + t, ye = (j * k + p) * len + t;
          const [xr, xi] = cplx ? [x[2 * xe]!, x[2 * xe + 1]!] : [x[xe]!, 0];
          const [yr, yi] = cplx ? [y[2 * ye]!, y[2 * ye + 1]!] : [y[ye]!, 0];
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        const ze = (j * m + i) * len + t;
        assert.ok(Math.abs(z[sp * ze]! - sr) < 1e-12, `re Z[${i},${j},${t}] = ${z[sp * ze]} want ${sr}`);
        if (cplx) assert.ok(Math.abs(z[2 * ze + 1]! - si) < 1e-12, `im Z[${i},${j},${t}] = ${z[2 * ze + 1]} want ${si}`);
      }
    }
  });
});

describe('matmul', () => {
  const dtypes: DType[] = ['float64', 'float32', 'complex128', 'complex64'];

  test('property: matches naive torch.matmul over 1-D promotion, batch broadcasting, size 0/1 dims and dtype promotion', () => {
    const dim = fc.integer({ min: 0, max: 4 });
    const batchDim = fc.constantFrom(1, 1, 2, 3, 0);
    fc.assert(
      fc.property(
        fc.record({
          m: dim,
          n: dim,
          k: dim,
          aNd: fc.integer({ min: 1, max: 4 }),
          bNd: fc.integer({ min: 1, max: 4 }),
          aBatch: fc.array(batchDim, { minLength: 2, maxLength: 2 }),
          bBatch: fc.array(batchDim, { minLength: 2, maxLength: 2 }),
          da: fc.constantFrom(...dtypes),
          db: fc.constantFrom(...dtypes),
          transposeA: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1e9 }),
        }),
        ({ m, n, k, aNd, bNd, aBatch, bBatch, da, db, transposeA, seed }) => {
          // make batch dims broadcast-compatible: where both are > 1 and differ, set b's to 1
          // batch dims aligned from the right; where both sizes differ and neither is 1, b gets 1
          const ab = aNd >= 2 ? aBatch.slice(2 - (aNd - 2)) : [];
          const bb = bNd >= 2 ? bBatch.slice(2 - (bNd - 2)) : [];
          for (let i = 1; i <= Math.min(ab.length, bb.length); i++) {
            const x = ab[ab.length - i]!, y = bb[bb.length - i]!;
            if (x !== y && x !== 1 && y !== 1) bb[bb.length - i] = 1;
          }
          const aShape = aNd === 1 ? [k] : [...ab, m, k];
          const bShape = bNd === 1 ? [k] : [...bb, k, n];
          let a = randTensor(aShape, da, seed);
          if (transposeA && aNd >= 2) {
            // same values, but as a transposed (non-contiguous) view of a [.., k, m] buffer
            const sh = [...aShape.slice(0, -2), k, m];
            const base = randTensor(sh, da, seed);
            const st = [...base.strides];
            const nd = st.length;
            [st[nd - 1], st[nd - 2]] = [st[nd - 2]!, st[nd - 1]!];
            a = Tensor.fromStorage(base.storage, aShape, da, st, 0);
          }
          const b = randTensor(bShape, db, seed + 1);
          const got = matmul(a, b);
          const want = naiveMatmul(a, b);
          const low = [da, db].some((d) => d === 'float32' || d === 'complex64') && got.dtype !== 'float64' && got.dtype !== 'complex128';
          assertClose(got, want, low ? 1e-5 : 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('dtype promotion and result dtypes', () => {
    const f32 = tensor([[1, 2]], { dtype: 'float32' });
    const c128 = tensor([[[1, 1]], [[0, 1]]], { dtype: 'complex128' });
    const r = matmul(f32, c128);
    assert.equal(r.dtype, 'complex128');
    assert.deepEqual(r.toArray(), [[[1, 3]]]);
    assert.equal(matmul(tensor([1, 2], { dtype: 'float32' }), tensor([3, 4], { dtype: 'float64' })).dtype, 'float64');
    assert.equal(matmul(tensor([1, 2], { dtype: 'int32' }), tensor([3, 4], { dtype: 'float32' })).dtype, 'float32');
  });

  test('1-D @ 1-D is a 0-d dot product; int32 is exact', () => {
    const d = matmul(tensor([1, 2, 3], { dtype: 'int32' }), tensor([4, 5, 6], { dtype: 'int32' }));
    assert.equal(d.dtype, 'int32');
    assert.deepEqual(d.shape, []);
    assert.equal(d.item(), 32);
    const big = matmul(tensor([[46341, 1]], { dtype: 'int32' }), tensor([[46341], [1]], { dtype: 'int32' }));
    assert.equal(big.item(), (46341 * 46341 + 1) | 0); // wraps like int32 arithmetic
  });

  test('a stack of matrices times one shared matrix (batch folded into rows), also with strided views', () => {
    const a = randTensor([3, 2, 5, 4], 'float64', 21), b = randTensor([4, 6], 'float64', 22);
    assertClose(matmul(a, b), naiveMatmul(a, b), 1e-12);
    // b as a transposed view and a with a broadcast (stride-0) batch dim
    const bt = Tensor.fromStorage(randTensor([6, 4], 'float64', 23).storage, [4, 6], 'float64', [1, 4], 0);
    const ab = Tensor.fromStorage(randTensor([2, 5, 4], 'float64', 24).storage, [3, 2, 5, 4], 'float64', [0, 20, 4, 1], 0);
    assertClose(matmul(ab, bt), naiveMatmul(ab.contiguous(), bt.contiguous()), 1e-12);
  });

  test('Tensor.matmul method', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    assert.deepEqual(a.matmul(a).toArray(), [[7, 10], [15, 22]]);
  });

  test('bad input names the argument and the dims', () => {
    const isErr = (arg: string, re: RegExp) => (e: unknown) => e instanceof AdjointError && e.argument === arg && re.test(e.message);
    assert.throws(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]])), isErr('b', /size 3.*\[1, 2\]/));
    assert.throws(() => matmul(tensor([1, 2]), tensor([1, 2, 3])), isErr('b', /\[2\]/));
    assert.throws(() => matmul(tensor(1), tensor([1])), isErr('a', /at least 1-D/));
    assert.throws(() => matmul(tensor([1]), tensor(1)), isErr('b', /at least 1-D/));
    assert.throws(() => matmul(tensor([[[1]], [[1]]]), tensor([[[1]], [[1]], [[1]]])), isErr('b', /broadcast/));
    assert.throws(() => matmul(tensor([true]), tensor([true])), isErr('a', /bool/));
    assert.throws(() => matmul([1] as unknown as Tensor, tensor([1])), isErr('a', /Tensor/));
  });
});
