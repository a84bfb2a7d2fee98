import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdjointError } from '../../src/errors.js';
import { tensor } from '../../src/tensor/creation.js';
import type { DType } from '../../src/tensor/dtype.js';
import { einsum } from '../../src/tensor/einsum.js';
import { parseEquation } from '../../src/tensor/einsum-parse.js';
import { planContraction } from '../../src/tensor/einsum-plan.js';
import { matmul } from '../../src/tensor/matmul.js';
import { Tensor } from '../../src/tensor/tensor.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}

const isCplx = (d: DType) => d === 'complex64' || d === 'complex128';

function randTensor(shape: number[], dtype: DType, seed: number): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const C = dtype === 'float32' || dtype === 'complex64' ? Float32Array : dtype === 'int32' ? Int32Array : Float64Array;
  const data = new C(n * (isCplx(dtype) ? 2 : 1));
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'int32' ? Math.round(r() * 9) : r();
  return Tensor.fromStorage(data, shape, dtype);
}

/** Same values as randTensor(shape), but held as a dim-reversed (non-contiguous) view of a permuted buffer. */
function randReversedView(shape: number[], dtype: DType, seed: number): Tensor {
  const plain = randTensor(shape, dtype, seed);
  const rev = shape.slice().reverse();
  // write plain's values into a buffer laid out in reversed-dim C order
  const n = plain.numel;
  const sp = isCplx(dtype) ? 2 : 1;
  const C = plain.storage.constructor as Float64ArrayConstructor;
  const store = new C(n * sp);
  const revStrides = new Array<number>(rev.length);
  let acc = 1;
  for (let i = rev.length - 1; i >= 0; i--) {
    revStrides[i] = acc;
    acc *= rev[i]!;
  }
  const strides = revStrides.slice().reverse(); // stride of original dim d
  const d = plain.data;
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    let off = 0;
    for (let q = shape.length - 1; q >= 0; q--) {
      off += (rem % shape[q]!) * strides[q]!;
      rem = Math.floor(rem / shape[q]!);
    }
    for (let s = 0; s < sp; s++) store[off * sp + s] = d[flat * sp + s]!;
  }
  return Tensor.fromStorage(store as never, shape, dtype, strides, 0);
}

/** Naive einsum over explicit letters-only equations: loops over every assignment of every letter. */
function naiveEinsum(eq: string, ops: Tensor[]): { shape: number[]; re: number[]; im: number[] } {
  const [lhs, rhs] = eq.split('->') as [string, string];
  const terms = lhs.split(',');
  const size = new Map<string, number>();
  terms.forEach((t, i) => [...t].forEach((ch, d) => size.set(ch, ops[i]!.shape[d]!)));
  const letters = [...size.keys()];
  const data = ops.map((o) => o.data);
  const outShape = [...rhs].map((c) => size.get(c)!);
  const outN = outShape.reduce((a, b) => a * b, 1);
  const re = new Array<number>(outN).fill(0), im = new Array<number>(outN).fill(0);
  const val = new Map<string, number>(letters.map((l) => [l, 0]));
  const total = letters.reduce((a, l) => a * size.get(l)!, 1);
  for (let it = 0; it < total; it++) {
    let rem = it;
    for (const l of letters) {
      val.set(l, rem % size.get(l)!);
      rem = Math.floor(rem / size.get(l)!);
    }
    let pr = 1, pi = 0;
    terms.forEach((t, i) => {
      let flat = 0;
      [...t].forEach((ch, d) => (flat = flat * ops[i]!.shape[d]! + val.get(ch)!));
      const c = ops[i]!.isComplex;
      const xr = c ? data[i]![2 * flat]! : data[i]![flat]!, xi = c ? data[i]![2 * flat + 1]! : 0;
      [pr, pi] = [pr * xr - pi * xi, pr * xi + pi * xr];
    });
    let o = 0;
    for (const ch of rhs) o = o * size.get(ch)! + val.get(ch)!;
    re[o]! += pr;
    im[o]! += pi;
  }
  return { shape: outShape, re, im };
}

function assertClose(got: Tensor, want: { shape: number[]; re: number[]; im: number[] }, tol: number): void {
  assert.deepEqual([...got.shape], want.shape);
  const d = got.data;
  const c = got.isComplex;
  for (let i = 0; i < want.re.length; i++) {
    const r = c ? d[2 * i]! : d[i]!, im = c ? d[2 * i + 1]! : 0;
    const scale = 1 + Math.abs(want.re[i]!) + Math.abs(want.im[i]!);
    assert.ok(Math.abs(r - want.re[i]!) <= tol * scale && Math.abs(im - want.im[i]!) <= tol * scale, `[${i}] got ${r},${im} want ${want.re[i]},${want.im[i]}`);
  }
}

const isErr = (arg: string, re?: RegExp) => (e: unknown) => e instanceof AdjointError && e.argument === arg && (!re || re.test(e.message));

describe('einsum', () => {
  test('property: random equations (repeats, sums, outer products, 1–4 operands, size 0/1, real/complex, strided) match naive loops', () => {
    const pool = 'abcdeB';
    fc.assert(
      fc.property(
        fc.record({
          sizes: fc.array(fc.constantFrom(0, 1, 2, 2, 3, 3), { minLength: pool.length, maxLength: pool.length }),
          terms: fc.array(fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
          outPick: fc.array(fc.boolean(), { minLength: pool.length, maxLength: pool.length }),
          outShuffle: fc.integer({ min: 0, max: 1000 }),
          dtypes: fc.array(fc.constantFrom<DType>('float64', 'complex128', 'float64', 'float32'), { minLength: 4, maxLength: 4 }),
          reversed: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
          seed: fc.integer({ min: 1, max: 1e9 }),
        }),
        ({ sizes, terms, outPick, outShuffle, dtypes, reversed, seed }) => {
          const used = [...new Set(terms.flat())];
          let out = used.filter((l) => outPick[l]);
          // deterministic shuffle of the output letters
          out = out.map((l, i) => [l, (i * 7919 + outShuffle) % 101] as const).sort((a, b) => a[1] - b[1]).map((p) => p[0]);
          const eq = terms.map((t) => t.map((l) => pool[l]).join('')).join(',') + '->' + out.map((l) => pool[l]).join('');
          const ops = terms.map((t, i) => {
            const shape = t.map((l) => sizes[l]!);
            return reversed[i] ? randReversedView(shape, dtypes[i]!, seed + i) : randTensor(shape, dtypes[i]!, seed + i);
          });
          const got = einsum(eq, ...ops);
          const dts = dtypes.slice(0, ops.length);
          const want = naiveEinsum(eq, ops);
          const low = dts.includes('float32');
          assertClose(got, want, low ? 1e-5 : 1e-11);
          const wantDtype = dts.includes('complex128') ? 'complex128' : dts.includes('float64') ? 'float64' : 'float32';
          assert.equal(got.dtype, wantDtype);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('property: ij,jk->ik and batched bij,bjk->bik agree with matmul', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e9 }), (m, k, n, b, seed) => {
        const x = randTensor([b, m, k], 'complex128', seed), y = randTensor([b, k, n], 'complex128', seed + 1);
        assertClose(einsum('bij,bjk->bik', x, y), { shape: [b, m, n], ...split(matmul(x, y)) }, 1e-12);
      }),
      { numRuns: 100 },
    );
  });

  test('property: contractions with large contiguous batch labels (batch-innermost kernel) match naive', () => {
    fc.assert(
      fc.property(
        fc.record({
          j: fc.integer({ min: 0, max: 3 }),
          k: fc.integer({ min: 0, max: 3 }),
          i: fc.integer({ min: 1, max: 3 }),
          x: fc.integer({ min: 4, max: 9 }),
          outFree: fc.constantFrom('ij', 'ji'),
          dt: fc.constantFrom<DType>('complex128', 'float64'),
          reversedY: fc.boolean(),
          seed: fc.integer({ min: 1, max: 1e9 }),
        }),
        ({ j, k, i, x, outFree, dt, reversedY, seed }) => {
          const eq = `jkxy,ikxy->${outFree}xy`;
          const kf = randTensor([j, k, x, 8], dt, seed);
          // a dim-reversed Y has non-unit batch strides and must take the GEMM path instead
          const xf = reversedY ? randReversedView([i, k, x, 8], dt, seed + 1) : randTensor([i, k, x, 8], dt, seed + 1);
          assertClose(einsum(eq, kf, xf), naiveEinsum(eq, [kf, xf]), 1e-12);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('trace, diagonal, transpose, sum, outer product', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 10]], { dtype: 'float64' });
    assert.equal(einsum('ii->', a).item(), 16);
    assert.equal(einsum('ii', a).item(), 16);
    assert.deepEqual(einsum('ii->i', a).toArray(), [1, 5, 10]);
    assert.deepEqual(einsum('ij->ji', a).toArray(), [[1, 4, 7], [2, 5, 8], [3, 6, 10]]);
    const same = einsum('ij->ij', a);
    assert.notEqual(same.storage, a.storage); // always a fresh result, never an alias of an input
    assert.deepEqual(same.toArray(), a.toArray());
    assert.deepEqual(einsum('ij->', a).item(), 46);
    assert.deepEqual(einsum('ij->j', a).toArray(), [12, 15, 19]);
    assert.deepEqual(einsum('i,j->ij', tensor([1, 2], { dtype: 'float64' }), tensor([3, 4, 5], { dtype: 'float64' })).toArray(), [[3, 4, 5], [6, 8, 10]]);
    // a 3-index diagonal of a [2,2,2] tensor
    const t = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: 'float64' });
    assert.deepEqual(einsum('iii->i', t).toArray(), [1, 8]);
    assert.deepEqual(einsum('iij->j', t).toArray(), [1 + 7, 2 + 8]);
  });

  test('implicit output: letters appearing once, alphabetical with upper case first', () => {
    const a = randTensor([2, 3], 'float64', 1), b = randTensor([3, 4], 'float64', 2);
    assertClose(einsum('ij,jk', a, b), naiveEinsum('ij,jk->ik', [a, b]), 1e-12);
    assertClose(einsum('ba', a), naiveEinsum('ba->ab', [a]), 0);
    assertClose(einsum('aB', a), naiveEinsum('aB->Ba', [a]), 0);
    assertClose(einsum('ij,ij', a, a), naiveEinsum('ij,ij->', [a, a]), 1e-12);
  });

  test("'...' broadcasting, explicit and implicit", () => {
    const x = randTensor([2, 1, 3, 4], 'float64', 3), y = randTensor([5, 4, 2], 'complex128', 4);
    const got = einsum('...ij,...jk->...ik', x, y);
    assert.deepEqual(got.shape, [2, 5, 3, 2]);
    // reference: expand x's size-1 dim by hand and use letters
    const xe = Tensor.fromStorage(x.storage, [2, 5, 3, 4], 'float64', [12, 0, 4, 1], 0);
    assertClose(got, naiveEinsum('abij,bjk->abik', [xe.contiguous(), y]), 1e-12);
    // implicit: '...' dims first, then the once-appearing letters
    assertClose(einsum('...ij,...jk', x, y), naiveEinsum('abij,bjk->abik', [xe.contiguous(), y]), 1e-12);
    // '...' diagonal and '...' summed away when absent from an explicit output
    const z = randTensor([2, 3, 3], 'float64', 5);
    assertClose(einsum('...ii->...i', z), naiveEinsum('aii->ai', [z]), 0);
    assertClose(einsum('...ii->i', z), naiveEinsum('aii->i', [z]), 1e-12);
    assertClose(einsum('i...->...', randTensor([3], 'float64', 6)), naiveEinsum('i->', [randTensor([3], 'float64', 6)]), 1e-12);
  });

  test('3- and 4-operand chains match naive, and the planner picks the cheap order', () => {
    const a = randTensor([3, 4], 'float64', 7), b = randTensor([4, 5], 'complex128', 8), c = randTensor([5, 2], 'float64', 9), d = randTensor([2, 3], 'float64', 10);
    assertClose(einsum('ij,jk,kl->il', a, b, c), naiveEinsum('ij,jk,kl->il', [a, b, c]), 1e-12);
    assertClose(einsum('ij,jk,kl,lm->im', a, b, c, d), naiveEinsum('ij,jk,kl,lm->im', [a, b, c, d]), 1e-12);
    assertClose(einsum('ij,jk,kl,li->', a, b, c, randTensor([2, 3], 'float64', 11)), naiveEinsum('ij,jk,kl,li->', [a, b, c, randTensor([2, 3], 'float64', 11)]), 1e-12);
    // 9 operands: beyond the exact DP, the greedy planner orders the chain
    const eq9 = 'ab,bc,cd,de,ef,fg,gh,hi,ij->aj';
    const sz9: Record<string, number> = { a: 2, b: 3, c: 2, d: 1, e: 3, f: 2, g: 2, h: 3, i: 2, j: 2 };
    const chain = eq9.split('->')[0]!.split(',').map((t, q) => randTensor([sz9[t[0]!]!, sz9[t[1]!]!], q % 3 ? 'float64' : 'complex128', 40 + q));
    assertClose(einsum(eq9, ...chain), naiveEinsum(eq9, chain), 1e-12);
    // a[i,j] b[j,k] v[k] -> i: multiplying b·v first costs n² instead of n³
    const sz = new Map([[0, 100], [1, 100], [2, 100]]);
    assert.deepEqual(planContraction([[0, 1], [1, 2], [2]], [0], sz), [0, [1, 2]]);
    assert.deepEqual(planContraction([[2], [1, 2], [0, 1]], [0], sz), [[0, 1], 2]);
  });

  test("the seed's 'jkxy,ikxy->ijxy' (small, on both the GEMM and the batch-innermost paths)", () => {
    for (const [x, y] of [[5, 6], [8, 9]]) {
      for (const dt of ['complex128', 'complex64'] as const) {
        const kf = randTensor([4, 3, x!, y!], dt, 12), xf = randTensor([2, 3, x!, y!], dt, 13);
        assertClose(einsum('jkxy,ikxy->ijxy', kf, xf), naiveEinsum('jkxy,ikxy->ijxy', [kf, xf]), dt === 'complex64' ? 1e-5 : 1e-12);
      }
    }
    const kf = randTensor([4, 3, 8, 9], 'float64', 14), xf = randTensor([2, 3, 8, 9], 'float64', 15);
    assertClose(einsum('jkxy,ikxy->ijxy', kf, xf), naiveEinsum('jkxy,ikxy->ijxy', [kf, xf]), 1e-12);
    assertClose(einsum('jkxy,ikxy->jixy', kf, xf), naiveEinsum('jkxy,ikxy->jixy', [kf, xf]), 1e-12);
  });

  test('int32 operands are exact', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    const r = einsum('ij,jk->ik', a, a);
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(r.toArray(), [[7, 10], [15, 22]]);
    assert.equal(einsum('ii', a).item(), 5);
  });

  test('Tensor.einsum method', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    assert.deepEqual(a.einsum('ij,jk->ik', a).toArray(), [[7, 10], [15, 22]]);
  });

  test('malformed equations and operands name the argument', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const v = tensor([1, 2, 3], { dtype: 'float64' });
    assert.throws(() => einsum('ij;jk', a, a), isErr('equation', /';'/));
    assert.throws(() => einsum('i1', a), isErr('equation', /'1'/));
    assert.throws(() => einsum('ij..->i', a), isErr('equation', /\.\.\./));
    assert.throws(() => einsum('...i...->i', a), isErr('equation', /at most one/));
    assert.throws(() => einsum('ij->i->j', a), isErr('equation', /->/));
    assert.throws(() => einsum('ij->ii', a), isErr('equation', /repeated 'i'/));
    assert.throws(() => einsum('ij->k', a), isErr('equation', /'k'/));
    assert.throws(() => einsum('ij,jk->ik', a), isErr('operands', /2 tensors/));
    assert.throws(() => einsum('ijk->i', a), isErr('operands[0]', /3 dims/));
    assert.throws(() => einsum('ij,jk->ik', a, randTensor([3, 2], 'float64', 3)), isErr('operands[1]', /size 3 for subscript 'j'.*size 2/));
    assert.throws(() => einsum('ii->i', tensor([[1, 2, 3]], { dtype: 'float64' })), isErr('operands[0]', /subscript 'i'/));
    assert.throws(() => einsum('...i,...i->...', randTensor([2, 3], 'float64', 1), randTensor([4, 3], 'float64', 2)), isErr('operands[1]', /broadcast/));
    assert.throws(() => einsum('i', tensor([true])), isErr('operands[0]', /bool/));
    assert.throws(() => einsum(3 as unknown as string, a), isErr('equation'));
    assert.throws(() => einsum('i,i', v, 5 as unknown as Tensor), isErr('operands[1]', /Tensor/));
    assert.deepEqual(parseEquation(' i j , j k -> i k '), parseEquation('ij,jk->ik'));
  });
});

function split(t: Tensor): { re: number[]; im: number[] } {
  const d = t.data;
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < t.numel; i++) {
    re.push(t.isComplex ? d[2 * i]! : d[i]!);
    im.push(t.isComplex ? d[2 * i + 1]! : 0);
  }
  return { re, im };
}
