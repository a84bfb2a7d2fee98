import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError } from '../../src/errors.js';
import { allocStorage, isComplex, scalarsPer, type DType } from '../../src/tensor/dtype.js';
import { Tensor, type TensorLike } from '../../src/tensor/tensor.js';
import { arange, setDefaultDtype, tensor, zeros } from '../../src/tensor/creation.js';
import * as E from '../../src/tensor/elementwise.js';
import { div, floorDivide, remainder } from '../../src/tensor/division.js';
import { angle, conj, imag, real } from '../../src/tensor/complex-ops.js';
import { cdiv } from '../../src/tensor/kernels/elementwise.js';

type Fx = Record<string, unknown> & {
  promotion: Record<DType, Record<DType, DType>>;
  weakScalar: Record<DType, Record<string, DType>>;
  cunary: Record<string, [[N, N], [N, N]][]>;
  cabs: [[N, N], N][];
  cangle: [[N, N], N][];
  cpow: [[N, N], [N, N], [N, N]][];
  realPow: [N, N, N][];
  round: [N, N][];
};
type N = number | string;
const fx = JSON.parse(readFileSync(new URL('../fixtures/elementwise.json', import.meta.url), 'utf8')) as Fx;
const num = (v: N): number => (typeof v === 'number' ? v : Number(v));

const DTYPES: DType[] = ['bool', 'int32', 'float32', 'float64', 'complex64', 'complex128'];

// ---------------------------------------------------------------------------------------------
// A tensor with a random memory layout (permuted dims, gaps, offset) holding C-order `vals`
// (scalars: pairs for complex), so that the strided/broadcast kernels get non-contiguous input.

function layoutTensor(vals: readonly number[], shape: readonly number[], dtype: DType, perm: readonly number[], gap: number, offset: number): Tensor {
  const nd = shape.length;
  const strides = new Array<number>(nd).fill(0);
  let acc = gap;
  for (let k = nd - 1; k >= 0; k--) {
    const d = perm[k]!;
    strides[d] = acc;
    acc *= Math.max(shape[d]!, 1);
  }
  const n = shape.reduce((p, d) => p * d, 1);
  let span = offset + 1;
  for (let i = 0; i < nd; i++) span += (shape[i]! - 1) * strides[i]!;
  const sp = scalarsPer(dtype);
  const storage = allocStorage(dtype, Math.max(span, offset + 1) + 1);
  const idx = new Array<number>(nd).fill(0);
  for (let f = 0; f < n; f++) {
    let e = offset;
    for (let i = 0; i < nd; i++) e += idx[i]! * strides[i]!;
    for (let k = 0; k < sp; k++) storage[e * sp + k] = vals[f * sp + k]!;
    for (let i = nd - 1; i >= 0; i--) {
      if (++idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return Tensor.fromStorage(storage, shape, dtype, strides, offset);
}

interface Operand {
  kind: 'tensor' | 'scalar';
  dtype: DType;
  shape: number[];
  vals: number[]; // scalars in C order
  perm: number[];
  gap: number;
  offset: number;
  scalar: number | boolean;
}

function operandArb(outShape: number[]): fc.Arbitrary<Operand> {
  const rank = outShape.length;
  return fc
    .record({
      scalarKind: fc.integer({ min: 0, max: 7 }),
      r: fc.integer({ min: 0, max: rank }),
      ones: fc.array(fc.boolean(), { minLength: rank, maxLength: rank }),
      dtype: fc.constantFrom(...DTYPES),
      seedVals: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 200, maxLength: 200 }),
      permKeys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: rank, maxLength: rank }),
      gap: fc.integer({ min: 1, max: 2 }),
      offset: fc.integer({ min: 0, max: 3 }),
      scalarValue: fc.constantFrom<number | boolean>(true, false, 2, -3, 0, 0.5, -1.5),
    })
    .map(({ scalarKind, r, ones, dtype, seedVals, permKeys, gap, offset, scalarValue }) => {
      const shape = outShape.slice(rank - r).map((d, i) => (ones[i] ? 1 : d));
      const n = shape.reduce((p, d) => p * d, 1);
      const sp = scalarsPer(dtype);
      const vals: number[] = [];
      for (let i = 0; i < n * sp; i++) {
        const v = seedVals[i % 200]! * (i % 7 === 3 ? -1 : 1);
        vals.push(dtype === 'bool' ? (v > 0 ? 1 : 0) : v);
      }
      const perm = shape.map((_, i) => i).sort((x, y) => permKeys[x]! - permKeys[y]!);
      return { kind: scalarKind === 0 ? 'scalar' : 'tensor', dtype, shape, vals, perm, gap, offset, scalar: scalarValue } as Operand;
    });
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 }).map((s) => s.map((d, i) => (i % 2 === 1 && d === 0 ? 2 : d)));

function build(o: Operand): TensorLike {
  return o.kind === 'scalar' ? o.scalar : layoutTensor(o.vals, o.shape, o.dtype, o.perm, o.gap, o.offset);
}

/** Expected result dtype from the PyTorch fixture (independent of the library's promotion code). */
function expectedType(ops: Operand[]): DType {
  const tensors = ops.filter((o) => o.kind === 'tensor');
  const scalars = ops.filter((o) => o.kind === 'scalar');
  if (tensors.length === 0) {
    const cat = Math.max(...scalars.map((s) => (typeof s.scalar === 'boolean' ? 0 : Number.isInteger(s.scalar) ? 1 : 2)));
    return (['bool', 'int32', 'float32'] as DType[])[cat]!;
  }
  let t = tensors[0]!.dtype;
  for (const o of tensors.slice(1)) t = fx.promotion[t][o.dtype];
  for (const s of scalars) {
    const key = typeof s.scalar === 'boolean' ? 'True' : Number.isInteger(s.scalar) ? '2' : '2.5';
    t = fx.weakScalar[t][key]!;
  }
  return t;
}

/** Element (re, im) of operand `o` at output multi-index `idx` (broadcasting by hand). */
function elementAt(o: Operand, idx: number[]): [number, number] {
  if (o.kind === 'scalar') return [Number(o.scalar), 0];
  const off = idx.length - o.shape.length;
  let f = 0;
  for (let i = 0; i < o.shape.length; i++) f = f * o.shape[i]! + (o.shape[i] === 1 ? 0 : idx[i + off]!);
  const sp = scalarsPer(o.dtype);
  return sp === 2 ? [o.vals[2 * f]!, o.vals[2 * f + 1]!] : [o.vals[f]!, 0];
}

/** Broadcast shape by hand: align right; a dim is the operands' non-1 size, else 1. */
function refBroadcast(ops: Operand[]): number[] {
  const shapes = ops.map((o) => (o.kind === 'scalar' ? [] : o.shape));
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const j = i - (rank - s.length);
      if (j >= 0 && s[j] !== 1) d = s[j]!;
    }
    out.push(d);
  }
  return out;
}

function outIndices(shape: number[]): number[][] {
  const n = shape.reduce((p, d) => p * d, 1);
  const out: number[][] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    out.push(idx.slice());
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** Stores a computed real value the way a dtype would. */
function store(dt: DType, v: number): number {
  if (dt === 'float32' || dt === 'complex64') return Math.fround(v);
  if (dt === 'int32') return v | 0;
  if (dt === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

type RefOp = (a: [number, number], b: [number, number], dt: DType) => [number, number] | 'throws';

const REF: Record<string, { fn: (a: TensorLike, b: TensorLike) => Tensor; ref: RefOp; out?: (dt: DType) => DType }> = {
  add: { fn: E.add, ref: (a, b, dt) => (dt === 'bool' ? [a[0] || b[0] ? 1 : 0, 0] : [a[0] + b[0], a[1] + b[1]]) },
  sub: { fn: E.sub, ref: (a, b, dt) => (dt === 'bool' ? 'throws' : [a[0] - b[0], a[1] - b[1]]) },
  mul: {
    fn: E.mul,
    ref: (a, b, dt) => (dt === 'int32' ? [Math.imul(a[0], b[0]), 0] : [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]]),
  },
  maximum: { fn: E.maximum, ref: (a, b, dt) => (isComplex(dt) ? 'throws' : [Math.max(a[0], b[0]), 0]) },
  minimum: { fn: E.minimum, ref: (a, b, dt) => (isComplex(dt) ? 'throws' : [Math.min(a[0], b[0]), 0]) },
  eq: { fn: E.eq, ref: (a, b) => [a[0] === b[0] && a[1] === b[1] ? 1 : 0, 0], out: () => 'bool' },
  ne: { fn: E.ne, ref: (a, b) => [a[0] !== b[0] || a[1] !== b[1] ? 1 : 0, 0], out: () => 'bool' },
  lt: { fn: E.lt, ref: (a, b, dt) => (isComplex(dt) ? 'throws' : [a[0] < b[0] ? 1 : 0, 0]), out: () => 'bool' },
  ge: { fn: E.ge, ref: (a, b, dt) => (isComplex(dt) ? 'throws' : [a[0] >= b[0] ? 1 : 0, 0]), out: () => 'bool' },
  logicalXor: { fn: E.logicalXor, ref: (a, b) => [(a[0] !== 0 || a[1] !== 0) !== (b[0] !== 0 || b[1] !== 0) ? 1 : 0, 0], out: () => 'bool' },
  logicalAnd: { fn: E.logicalAnd, ref: (a, b) => [(a[0] !== 0 || a[1] !== 0) && (b[0] !== 0 || b[1] !== 0) ? 1 : 0, 0], out: () => 'bool' },
  div: {
    fn: (a, b) => div(a, b),
    // Real division only (complex division is checked against NumPy fixtures); int/bool divide in float32.
    ref: (a, b, dt) => (isComplex(dt) ? 'throws' : [a[0] / b[0], 0]),
    out: (dt) => (dt === 'bool' || dt === 'int32' ? 'float32' : dt),
  },
};

describe('broadcasting binary ops match a naive nested-loop reference', () => {
  for (const [name, spec] of Object.entries(REF)) {
    test(name, () => {
      fc.assert(
        fc.property(
          shapeArb.chain((s) => fc.tuple(fc.constant(s), operandArb(s), operandArb(s))),
          ([outShape, oa, ob]) => {
            const shape = refBroadcast([oa, ob]);
            const dt = expectedType([oa, ob]);
            const isDiv = name === 'div';
            if (isDiv && isComplex(dt)) return; // see fixtures
            const outDt = spec.out ? spec.out(dt) : dt;
            const idxs = outIndices(shape);
            const ref = idxs.map((idx) => {
              // Operands are first converted to the compute dtype (float32 rounding of scalars, etc.).
              const cd = isDiv && (dt === 'bool' || dt === 'int32') ? 'float32' : dt;
              const a = elementAt(oa, idx).map((v) => store(cd, v)) as [number, number];
              const b = elementAt(ob, idx).map((v) => store(cd, v)) as [number, number];
              return spec.ref(a, b, cd);
            });
            const throws = ref.includes('throws') || ((name === 'lt' || name === 'ge' || name === 'maximum' || name === 'minimum') && isComplex(dt)) || (name === 'sub' && dt === 'bool');
            if (throws) {
              assert.throws(() => spec.fn(build(oa), build(ob)), AdjointError);
              return;
            }
            const got = spec.fn(build(oa), build(ob));
            assert.equal(got.dtype, outDt);
            assert.deepEqual(got.shape, shape);
            const want: number[] = [];
            for (const r of ref as [number, number][]) {
              want.push(store(outDt, r[0]));
              if (isComplex(outDt)) want.push(store(outDt, r[1]));
            }
            assert.deepEqual(Array.from(got.data), want);
          },
        ),
        { numRuns: 150, seed: name.length * 7919 },
      );
    });
  }

  test('where broadcasts three operands', () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) => fc.tuple(fc.constant(s), operandArb(s), operandArb(s), operandArb(s))),
        ([outShape, oc, oa, ob]) => {
          const shape = refBroadcast([oc, oa, ob]);
          const dt = expectedType([oa, ob]);
          const got = E.where(build(oc), build(oa), build(ob));
          assert.equal(got.dtype, dt);
          assert.deepEqual(got.shape, shape);
          const want: number[] = [];
          for (const idx of outIndices(shape)) {
            const c = elementAt(oc, idx);
            const v = c[0] !== 0 || c[1] !== 0 ? elementAt(oa, idx) : elementAt(ob, idx);
            want.push(store(dt, v[0]));
            if (isComplex(dt)) want.push(store(dt, v[1]));
          }
          assert.deepEqual(Array.from(got.data), want);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});

test('type promotion matches PyTorch for every pair of dtypes and for weak scalars', () => {
  for (const a of DTYPES) {
    for (const b of DTYPES) {
      assert.equal(E.resultType(zeros([1], { dtype: a }), zeros([1], { dtype: b })), fx.promotion[a][b], `${a} + ${b}`);
      assert.equal(E.add(zeros([2], { dtype: a }), zeros([1], { dtype: b })).dtype, fx.promotion[a][b]);
    }
    assert.equal(E.resultType(zeros([1], { dtype: a }), true), fx.weakScalar[a]['True']);
    assert.equal(E.resultType(zeros([1], { dtype: a }), 2), fx.weakScalar[a]['2']);
    assert.equal(E.resultType(zeros([1], { dtype: a }), 2.5), fx.weakScalar[a]['2.5']);
  }
  // int32 + 2.5 follows the default float dtype, as PyTorch does.
  setDefaultDtype('float64');
  try {
    assert.equal(E.add(arange(3), 2.5).dtype, 'float64');
    assert.equal(E.exp(arange(3)).dtype, 'float64');
  } finally {
    setDefaultDtype('float32');
  }
  assert.equal(E.add(2, 3).dtype, 'int32');
  assert.equal(E.add(2, 0.5).dtype, 'float32');
  // Weak scalars are rounded to the tensor's dtype first, as PyTorch does: float32(0.1) == 0.1 is true.
  assert.deepEqual(E.eq(tensor([0.1]), 0.1).toArray(), [true]);
  assert.deepEqual(E.eq(tensor([0.1], { dtype: 'float64' }), Math.fround(0.1)).toArray(), [false]);
});

test('int32 arithmetic wraps around like C', () => {
  const big = tensor([2147483647, -2147483648, 65536], { dtype: 'int32' });
  assert.deepEqual(E.add(big, 1).toArray(), [-2147483648, -2147483647, 65537]);
  assert.deepEqual(E.mul(big, tensor([2, 1, 65536], { dtype: 'int32' })).toArray(), [-2, -2147483648, 0]);
  assert.deepEqual(E.neg(big).toArray(), [-2147483647, -2147483648, -65536]);
  assert.deepEqual(E.pow(tensor([3, -2, 2], { dtype: 'int32' }), tensor([4, 3, 31], { dtype: 'int32' })).toArray(), [81, -8, -2147483648]);
  assert.throws(
    () => E.pow(tensor([3, 2], { dtype: 'int32' }), tensor([[1, 1], [2, -1]], { dtype: 'int32' })),
    (e: unknown) => e instanceof AdjointError && e.argument === 'b' && e.message.includes('[1, 1]'),
  );
  assert.equal(E.pow(arange(3), -1.5).dtype, 'float32');
});

test('bool arithmetic follows PyTorch', () => {
  const t = tensor([true, false, true]);
  const u = tensor([true, false, false]);
  assert.deepEqual(E.add(t, u).toArray(), [true, false, true]);
  assert.deepEqual(E.mul(t, u).toArray(), [true, false, false]);
  assert.deepEqual(E.add(t, 1).toArray(), [2, 1, 2]);
  assert.equal(E.add(t, 1).dtype, 'int32');
  assert.throws(() => E.sub(t, u), AdjointError);
  assert.throws(() => E.neg(t), AdjointError);
  assert.equal(E.square(t).dtype, 'int32');
  assert.deepEqual(E.sign(t).toArray(), [true, false, true]);
});

// ---------------------------------------------------------------------------------------------
// Unary ops

function close(got: number, want: number, rtol: number, atol: number, what: string): void {
  if (Number.isNaN(want)) return assert.ok(Number.isNaN(got), `${what}: got ${got}, want NaN`);
  if (!Number.isFinite(want)) return assert.equal(got, want, what);
  assert.ok(Math.abs(got - want) <= atol + rtol * Math.abs(want), `${what}: got ${got}, want ${want}`);
}

const CUNARY: Record<string, (t: Tensor) => Tensor> = {
  exp: E.exp, log: E.log, sqrt: E.sqrt, sin: E.sin, cos: E.cos, tan: E.tan, tanh: E.tanh, expm1: E.expm1, log1p: E.log1p,
  reciprocal: E.reciprocal, sigmoid: E.sigmoid, sign: E.sign, square: E.square,
};

test('complex unary functions match NumPy, including branch cuts and signed zeros', () => {
  for (const [name, rows] of Object.entries(fx.cunary)) {
    const f = CUNARY[name]!;
    assert.ok(f, name);
    const zs = rows.map((r) => [num(r[0][0]), num(r[0][1])]);
    const got = f(tensor(zs as [number, number][], { dtype: 'complex128' })).data;
    rows.forEach((r, i) => {
      const [wr, wi] = [num(r[1][0]), num(r[1][1])];
      const what = `${name}(${zs[i]}) = ${got[2 * i]} + ${got[2 * i + 1]}i, NumPy ${wr} + ${wi}i`;
      // Relative to the modulus: componentwise relative error is meaningless when one part is tiny.
      const scale = Math.hypot(wr, wi);
      const tol = Number.isFinite(scale) ? 1e-13 * scale + 1e-300 : 0;
      close(got[2 * i]!, wr, 0, tol, what);
      close(got[2 * i + 1]!, wi, 0, tol, what);
      // Exact sign of zero parts on the branch cuts (sqrt(-4 - 0i) = -2i, log(-1 - 0i) = -πi).
      if (wi === 0 && (name === 'sqrt' || name === 'log') && zs[i]![1] === 0) assert.equal(Object.is(got[2 * i + 1], -0) || got[2 * i + 1]! < 0, Object.is(wi, -0) || wi < 0, what);
    });
  }
  const s = E.sqrt(tensor([[-4, 0], [-4, -0]], { dtype: 'complex128' })).toArray();
  assert.deepEqual(s, [[0, 2], [0, -2]]);
  const l = E.log(tensor([[-1, 0], [-1, -0]], { dtype: 'complex128' })).toArray();
  assert.deepEqual(l, [[0, Math.PI], [0, -Math.PI]]);
});

test('complex abs is overflow-safe and angle matches NumPy', () => {
  const zs = fx.cabs.map((r) => [num(r[0][0]), num(r[0][1])] as [number, number]);
  const a = E.abs(tensor(zs, { dtype: 'complex128' }));
  assert.equal(a.dtype, 'float64');
  fx.cabs.forEach((r, i) => close(a.data[i]!, num(r[1]), 1e-15, 0, `abs(${zs[i]})`));
  const g = angle(tensor(zs, { dtype: 'complex128' }));
  fx.cangle.forEach((r, i) => close(g.data[i]!, num(r[1]), 1e-15, 0, `angle(${zs[i]})`));
  assert.equal(E.abs(tensor([[1e300, 1e300]], { dtype: 'complex128' })).item(), Math.SQRT2 * 1e300);
  assert.equal(E.abs(tensor([[3, 4]], { dtype: 'complex64' })).dtype, 'float32');
  assert.deepEqual(angle(tensor([-2, 0, 3, NaN], { dtype: 'float64' })).toArray(), [Math.PI, 0, 0, NaN]);
});

test('complex pow matches NumPy (integer powers exact, principal branch otherwise)', () => {
  const as = fx.cpow.map((r) => [num(r[0][0]), num(r[0][1])] as [number, number]);
  const bs = fx.cpow.map((r) => [num(r[1][0]), num(r[1][1])] as [number, number]);
  const got = E.pow(tensor(as, { dtype: 'complex128' }), tensor(bs, { dtype: 'complex128' })).data;
  fx.cpow.forEach((r, i) => {
    const [wr, wi] = [num(r[2][0]), num(r[2][1])];
    const tol = 1e-14 * (Number.isFinite(Math.hypot(wr, wi)) ? Math.hypot(wr, wi) : 0);
    close(got[2 * i]!, wr, 0, tol, `pow(${as[i]}, ${bs[i]}) re`);
    close(got[2 * i + 1]!, wi, 0, tol, `pow(${as[i]}, ${bs[i]}) im`);
  });
  assert.deepEqual(E.pow(tensor([[0, 1]], { dtype: 'complex128' }), 2).toArray(), [[-1, 0]]);
});

test('real pow follows C (1 ** NaN = 1) like NumPy', () => {
  const a = fx.realPow.map((r) => num(r[0]));
  const b = fx.realPow.map((r) => num(r[1]));
  const got = E.pow(tensor(a, { dtype: 'float64' }), tensor(b, { dtype: 'float64' })).data;
  fx.realPow.forEach((r, i) => close(got[i]!, num(r[2]), 1e-15, 0, `pow(${a[i]}, ${b[i]})`));
});

test('round is half-to-even like NumPy; floor/ceil/trunc; ints pass through', () => {
  const xs = fx.round.map((r) => num(r[0]));
  assert.deepEqual(Array.from(E.round(tensor(xs, { dtype: 'float64' })).data), fx.round.map((r) => num(r[1])));
  assert.deepEqual(E.floor(tensor([-1.5, 1.5])).toArray(), [-2, 1]);
  assert.deepEqual(E.ceil(tensor([-1.5, 1.5])).toArray(), [-1, 2]);
  assert.deepEqual(E.trunc(tensor([-1.5, 1.5])).toArray(), [-1, 1]);
  const i = tensor([3, -4], { dtype: 'int32' });
  assert.equal(E.floor(i).dtype, 'int32');
  assert.deepEqual(E.round(i).toArray(), [3, -4]);
  assert.throws(() => E.floor(tensor([[1, 1]], { dtype: 'complex64' })), (e: unknown) => e instanceof AdjointError && e.argument === 'x');
});

test('real unary ops: values, dtypes and special values', () => {
  const x = tensor([-2, -0.5, 0, 0.5, 3, NaN, Infinity, -Infinity], { dtype: 'float64' });
  const d = Array.from(x.data);
  const check = (t: Tensor, f: (v: number) => number) => assert.deepEqual(Array.from(t.data), d.map(f));
  check(E.neg(x), (v) => -v);
  check(E.exp(x), Math.exp);
  check(E.log1p(x), Math.log1p);
  check(E.expm1(x), Math.expm1);
  check(E.abs(x), Math.abs);
  check(E.sign(x), (v) => (v > 0 ? 1 : v < 0 ? -1 : v));
  check(E.relu(x), (v) => (Number.isNaN(v) ? NaN : v > 0 ? v : 0));
  check(E.square(x), (v) => v * v);
  check(E.reciprocal(x), (v) => 1 / v);
  check(E.tanh(x), Math.tanh);
  check(E.isnan(x), (v) => (Number.isNaN(v) ? 1 : 0));
  check(E.isfinite(x), (v) => (Number.isFinite(v) ? 1 : 0));
  check(E.isinf(x), (v) => (v === Infinity || v === -Infinity ? 1 : 0));
  // sigmoid does not overflow for large |x| and is exact at 0.
  assert.deepEqual(E.sigmoid(tensor([-1000, 0, 1000], { dtype: 'float64' })).toArray(), [0, 0.5, 1]);
  // int/bool inputs of float functions compute in the default float dtype.
  assert.equal(E.sqrt(tensor([4], { dtype: 'int32' })).dtype, 'float32');
  assert.equal(E.sin(tensor([true])).dtype, 'float32');
  assert.equal(E.abs(tensor([-3], { dtype: 'int32' })).dtype, 'int32');
  assert.deepEqual(E.isnan(tensor([1], { dtype: 'int32' })).toArray(), [false]);
  // complex isnan/isinf/isfinite look at both parts.
  const z = tensor([[1, NaN], [Infinity, 0], [1, 2]], { dtype: 'complex128' });
  assert.deepEqual(E.isnan(z).toArray(), [true, false, false]);
  assert.deepEqual(E.isinf(z).toArray(), [false, true, false]);
  assert.deepEqual(E.isfinite(z).toArray(), [false, false, true]);
  // non-contiguous input
  const m = Tensor.fromStorage(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3], 'float64', [1, 2]);
  assert.deepEqual(E.square(m).toArray(), [[1, 9, 25], [4, 16, 36]]);
});

// ---------------------------------------------------------------------------------------------
// Complex parts

test('real/imag of complex tensors are views sharing storage', () => {
  const z = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'complex128' });
  const r = real(z);
  const i = imag(z);
  assert.equal(r.dtype, 'float64');
  assert.equal(r.storage, z.storage);
  assert.deepEqual(r.strides, [2]);
  assert.equal(i.offset, 1);
  assert.deepEqual(r.toArray(), [1, 3, 5]);
  assert.deepEqual(i.toArray(), [2, 4, 6]);
  // Writes show through.
  i.storage[2 * 1 + 1] = 40;
  assert.deepEqual(z.toArray(), [[1, 2], [3, 40], [5, 6]]);
  // Views of views: a strided complex view (every other element, offset 1).
  const v = Tensor.fromStorage(z.storage, [1], 'complex128', [2], 1);
  assert.deepEqual(imag(v).toArray(), [40]);
  assert.deepEqual(z.real.toArray(), [1, 3, 5]);
  assert.deepEqual(z.imag.toArray(), [2, 40, 6]);
  // Elementwise ops read the strided view correctly.
  assert.deepEqual(E.add(z.real, z.imag).toArray(), [3, 43, 11]);
  const x = tensor([1, 2], { dtype: 'float32' });
  assert.equal(real(x), x);
  assert.throws(() => imag(x), (e: unknown) => e instanceof AdjointError && e.argument === 't');
  assert.deepEqual(conj(z).toArray(), [[1, -2], [3, -40], [5, -6]]);
  assert.equal(conj(x), x);
  assert.deepEqual(E.abs(tensor([[3, -4]], { dtype: 'complex64' })).toArray(), [5]);
});

// ---------------------------------------------------------------------------------------------
// Logical, where, clamp

test('logical ops treat nonzero (and NaN) as true', () => {
  const a = tensor([0, 1, NaN, -2], { dtype: 'float64' });
  const b = tensor([0, 0, 1, 1], { dtype: 'int32' });
  assert.deepEqual(E.logicalAnd(a, b).toArray(), [false, false, true, true]);
  assert.deepEqual(E.logicalOr(a, b).toArray(), [false, true, true, true]);
  assert.deepEqual(E.logicalXor(a, b).toArray(), [false, true, false, false]);
  assert.deepEqual(E.logicalNot(a).toArray(), [true, false, false, false]);
  assert.deepEqual(E.logicalNot(tensor([[0, 0], [0, 1]], { dtype: 'complex64' })).toArray(), [true, false]);
  assert.deepEqual(a.logicalAnd(true).toArray(), [false, true, true, true]);
});

test('clamp follows torch.clamp (NaN propagates, min > max gives max, promotion)', () => {
  const x = tensor([-2, 0.5, 3, NaN], { dtype: 'float64' });
  assert.deepEqual(E.clamp(x, { min: 0, max: 1 }).toArray(), [0, 0.5, 1, NaN]);
  assert.deepEqual(E.clamp(x, { min: 0 }).toArray(), [0, 0.5, 3, NaN]);
  assert.deepEqual(E.clamp(x, { max: 0 }).toArray(), [-2, 0, 0, NaN]);
  assert.deepEqual(E.clamp(x, { min: 2, max: 1 }).toArray(), [1, 1, 1, NaN]);
  assert.deepEqual(x.clamp({ min: tensor([0, 1, 2, 3], { dtype: 'float64' }) }).toArray(), [0, 1, 3, NaN]);
  const i = tensor([1, 5], { dtype: 'int32' });
  assert.equal(E.clamp(i, { max: 3 }).dtype, 'int32');
  assert.equal(E.clamp(i, { max: 3.5 }).dtype, 'float32');
  assert.throws(() => E.clamp(x, {}), (e: unknown) => e instanceof AdjointError && e.argument === 'options');
  assert.throws(() => E.clamp(tensor([[1, 1]], { dtype: 'complex64' }), { min: 0 }), (e: unknown) => e instanceof AdjointError && e.argument === 'x');
  assert.throws(() => E.clamp(x, { min: zeros([3]) }), (e: unknown) => e instanceof AdjointError && e.argument === 'min');
});

test('remainder and floorDivide match NumPy (floats) and PyTorch (ints) for negative operands', () => {
  const rows = fx.realRemFloorDiv as [N, N, N, N][];
  const a = tensor(rows.map((r) => num(r[0])), { dtype: 'float64' });
  const b = tensor(rows.map((r) => num(r[1])), { dtype: 'float64' });
  const rem = remainder(a, b).data;
  const fd = floorDivide(a, b).data;
  rows.forEach((r, i) => {
    assert.ok(Object.is(rem[i], num(r[2])), `remainder(${num(r[0])}, ${num(r[1])}) = ${rem[i]}, NumPy ${num(r[2])}`);
    assert.ok(Object.is(fd[i], num(r[3])), `floorDivide(${num(r[0])}, ${num(r[1])}) = ${fd[i]}, NumPy ${num(r[3])}`);
  });
  const irows = fx.intRemFloorDiv as [number, number, number, number][];
  const ia = tensor(irows.map((r) => r[0]), { dtype: 'int32' });
  const ib = tensor(irows.map((r) => r[1]), { dtype: 'int32' });
  assert.equal(remainder(ia, ib).dtype, 'int32');
  assert.deepEqual(Array.from(remainder(ia, ib).data), irows.map((r) => r[2]));
  assert.deepEqual(Array.from(floorDivide(ia, ib).data), irows.map((r) => r[3]));
});

// ---------------------------------------------------------------------------------------------
// Bad input

test('bad input names the argument', () => {
  const names = (fn: () => unknown, arg: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`), `expected an error naming '${arg}'`);
  names(() => E.add(zeros([2, 3]), zeros([4])), 'b');
  names(() => E.mul(zeros([2, 3]), zeros([3, 3])), 'b');
  names(() => E.where(zeros([2]), zeros([3]), 0), 'a');
  names(() => E.where(zeros([3]), zeros([3]), zeros([2])), 'b');
  const z = tensor([[1, 2]], { dtype: 'complex64' });
  names(() => E.lt(z, 1), 'a');
  names(() => E.ge(1, z), 'b');
  names(() => E.gt(z, z), 'a');
  names(() => E.maximum(zeros([1]), z), 'b');
  names(() => E.add(zeros([1]), 'x' as never), 'b');
  names(() => E.add(null as never, 1), 'a');
  names(() => E.exp([1, 2] as never), 'x');
  names(() => E.relu(z), 'x');
  // complex equality is allowed.
  assert.deepEqual(E.eq(z, tensor([[1, 2]], { dtype: 'complex128' })).toArray(), [true]);
});

test('Tensor methods dispatch to the free functions', () => {
  const x = tensor([1, -2, 3], { dtype: 'float64' });
  assert.deepEqual(x.add(1).mul(2).sub(x).toArray(), [3, 0, 5]);
  assert.deepEqual(x.pow(2).toArray(), [1, 4, 9]);
  assert.deepEqual(x.abs().neg().toArray(), [-1, -2, -3]);
  assert.deepEqual(x.where(x.gt(0), 0).toArray(), [1, 0, 3]);
  assert.deepEqual(x.maximum(0).minimum(2).toArray(), [1, 0, 2]);
  assert.deepEqual(x.eq(3).logicalOr(x.lt(0)).toArray(), [false, true, true]);
  assert.deepEqual(x.div(2).toArray(), [0.5, -1, 1.5]);
  assert.deepEqual(x.floorDivide(2).toArray(), [0, -1, 1]);
  assert.deepEqual(x.remainder(2).toArray(), [1, 0, 1]);
  assert.ok(Math.abs(x.atan2(1).data[0]! - Math.PI / 4) < 1e-15);
});

test('complex division kernel: Smith scaling avoids overflow', () => {
  const out = new Float64Array(2);
  cdiv(1e300, 1e300, 1e300, 1e300, out, 0);
  assert.deepEqual(Array.from(out), [1, 0]);
});
