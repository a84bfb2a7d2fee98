import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AdjointError } from '../../src/errors.js';
import { isComplex, type DType } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor, zeros } from '../../src/tensor/creation.js';
import { div, floorDivide, remainder, type OnZero } from '../../src/tensor/division.js';

type N = number | string;
const fx = JSON.parse(readFileSync(new URL('../fixtures/elementwise.json', import.meta.url), 'utf8')) as { cdiv: [[N, N], [N, N], [N, N]][] };
const num = (v: N): number => (typeof v === 'number' ? v : Number(v));

const isErr = (arg: string, text?: string) => (e: unknown) => e instanceof AdjointError && e.argument === arg && (text === undefined || e.message.includes(text));

// Dividends and divisors with zeros of both signs, for every dtype. Real values only here (complex below).
const A = [1, -1, 0, 2.5, -0, 3, NaN, 6];
const B = [0, 0, 0, -0, -0, 2, 0, -4];

function realValues(dt: DType, v: number[]): number[] {
  if (dt === 'bool') return v.map((x) => (x !== 0 && !Number.isNaN(x) ? 1 : x !== x ? 1 : 0));
  if (dt === 'int32') return v.map((x) => (Number.isNaN(x) ? 7 : Math.trunc(x) + 0)); // + 0: int32 has no -0
  if (dt === 'float32') return v.map(Math.fround);
  return v;
}

for (const dt of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
  test(`div of ${dt} in every onZero mode`, () => {
    const a = realValues(dt, A);
    const b = realValues(dt, B);
    const ta = tensor(a, { dtype: dt });
    const tb = tensor(b, { dtype: dt });
    const outDt = dt === 'float64' ? 'float64' : 'float32';
    const round = (x: number) => (outDt === 'float32' ? Math.fround(x) : x);
    // ieee: exactly JS (IEEE 754) division, then stored in the result dtype.
    const ieee = div(ta, tb);
    assert.equal(ieee.dtype, outDt);
    assert.deepEqual(Array.from(ieee.data), a.map((x, i) => round(x / b[i]!)));
    assert.ok(Array.from(ieee.data).some((x) => x === Infinity) || dt === 'bool', 'x/0 gives Inf');
    assert.ok(Array.from(ieee.data).some((x) => Number.isNaN(x)), '0/0 gives NaN');
    // zero: 0 wherever the divisor is zero (also -0), IEEE elsewhere.
    const z = div(ta, tb, { onZero: 'zero' });
    assert.deepEqual(Array.from(z.data), a.map((x, i) => (b[i] === 0 ? 0 : round(x / b[i]!))));
    // error: names the first zero divisor.
    assert.throws(() => div(ta, tb, { onZero: 'error' }), isErr('b', "div: argument 'b' is zero at index [0]"));
    const nz = tb.dtype === 'bool' ? tensor([true], { dtype: 'bool' }) : tensor([2], { dtype: dt });
    assert.deepEqual(Array.from(div(ta, nz, { onZero: 'error' }).data), a.map((x) => round(x / (dt === 'bool' ? 1 : 2))));
    // The method form takes the same options.
    assert.deepEqual(Array.from(ta.div(tb, { onZero: 'zero' }).data), Array.from(z.data));
  });
}

for (const dt of ['complex64', 'complex128'] as DType[]) {
  test(`div of ${dt} in every onZero mode`, () => {
    const a = tensor([[1, 0], [1, 1], [0, 0], [-2, 3], [6, -4]], { dtype: dt });
    const b = tensor([[0, 0], [0, 0], [0, 0], [-0, 0], [0, 2]], { dtype: dt });
    const ieee = div(a, b);
    assert.equal(ieee.dtype, dt);
    // NumPy: divide each part by +0.
    assert.deepEqual(ieee.toArray(), [[Infinity, NaN], [Infinity, Infinity], [NaN, NaN], [-Infinity, Infinity], [-2, -3]]);
    assert.deepEqual(div(a, b, { onZero: 'zero' }).toArray(), [[0, 0], [0, 0], [0, 0], [0, 0], [-2, -3]]);
    assert.throws(() => div(a, b, { onZero: 'error' }), isErr('b', 'index [0]'));
    // A divisor with a zero real part only is not zero.
    assert.deepEqual((div(a, tensor([[0, 1]], { dtype: dt }), { onZero: 'error' }).toArray() as number[][])[0], [0, -1]);
    // Mixed real / complex promotes to complex.
    assert.equal(div(tensor([1], { dtype: 'float64' }), tensor([[1, 1]], { dtype: 'complex64' })).dtype, 'complex128');
  });
}

test('complex division matches NumPy on special values, zero divisors and huge/tiny operands', () => {
  const as = fx.cdiv.map((r) => [num(r[0][0]), num(r[0][1])] as [number, number]);
  const bs = fx.cdiv.map((r) => [num(r[1][0]), num(r[1][1])] as [number, number]);
  const got = div(tensor(as, { dtype: 'complex128' }), tensor(bs, { dtype: 'complex128' })).data;
  fx.cdiv.forEach((r, i) => {
    const want = [num(r[2][0]), num(r[2][1])];
    for (let k = 0; k < 2; k++) {
      const g = got[2 * i + k]!;
      const w = want[k]!;
      const what = `(${as[i]}) / (${bs[i]}) part ${k}: got ${g}, NumPy ${w}`;
      if (!Number.isFinite(w)) assert.ok(Object.is(g, w), what);
      else assert.ok(Math.abs(g - w) <= 1e-15 * Math.hypot(want[0]!, want[1]!), what);
    }
  });
});

test("onZero: 'error' names the multi-index in the broadcast result", () => {
  const a = zeros([4, 2], { dtype: 'float64' });
  const b = tensor([[1, 1], [1, 1], [1, 1], [1, 0]], { dtype: 'float64' });
  assert.throws(() => div(a, b, { onZero: 'error' }), (e: unknown) => e instanceof AdjointError && e.message === "div: argument 'b' is zero at index [3, 1] (onZero: 'error')");
  // A broadcast divisor: the zero of a [2] row is first met at [0, 1] of the [4, 2] result.
  assert.throws(() => div(a, tensor([1, 0]), { onZero: 'error' }), isErr('b', 'index [0, 1]'));
  // A column divisor [4, 1] broadcast along dim 1.
  assert.throws(() => div(a, tensor([[1], [1], [0], [1]]), { onZero: 'error' }), isErr('b', 'index [2, 0]'));
  // A scalar zero divisor.
  assert.throws(() => div(a, 0, { onZero: 'error' }), isErr('b', 'index [0, 0]'));
  // 'zero' mode with a broadcast, strided divisor (a transposed view).
  const bt = Tensor.fromStorage(new Float64Array([2, 0, 4, 5]), [2, 2], 'float64', [1, 2]); // [[2, 4], [0, 5]]
  assert.deepEqual(div(tensor([[8, 8], [8, 10]], { dtype: 'float64' }), bt, { onZero: 'zero' }).toArray(), [[4, 2], [0, 2]]);
  // Size-0 results never throw.
  assert.deepEqual(div(zeros([0, 2]), zeros([2]), { onZero: 'error' }).shape, [0, 2]);
});

test('integer floorDivide and remainder by zero throw naming the index; float ones follow IEEE', () => {
  const a = tensor([[5, -7], [3, 4]], { dtype: 'int32' });
  const b = tensor([[2, 3], [0, 1]], { dtype: 'int32' });
  assert.throws(() => floorDivide(a, b), isErr('b', "floorDivide: argument 'b' is zero at index [1, 0]"));
  assert.throws(() => remainder(a, b), isErr('b', "remainder: argument 'b' is zero at index [1, 0]"));
  assert.throws(() => floorDivide(a, 0), isErr('b', 'index [0, 0]'));
  assert.deepEqual(floorDivide(a, 2).toArray(), [[2, -4], [1, 2]]);
  assert.deepEqual(remainder(a, -3).toArray(), [[-1, -1], [0, -2]]);
  assert.equal(floorDivide(a, 2).dtype, 'int32');
  const f = tensor([1, -1, 0], { dtype: 'float64' });
  assert.deepEqual(floorDivide(f, 0).toArray(), [Infinity, -Infinity, NaN]);
  assert.deepEqual(remainder(f, 0).toArray(), [NaN, NaN, NaN]);
  assert.equal(floorDivide(a, 2.5).dtype, 'float32');
  assert.throws(() => floorDivide(tensor([true]), tensor([true])), isErr('a'));
  assert.throws(() => remainder(tensor([[1, 1]], { dtype: 'complex64' }), 1), isErr('a'));
});

test('div: integer true division goes to float; bad options are rejected', () => {
  assert.deepEqual(div(tensor([7, -7], { dtype: 'int32' }), 2).toArray(), [3.5, -3.5]);
  assert.equal(div(tensor([7], { dtype: 'int32' }), tensor([2], { dtype: 'int32' })).dtype, 'float32');
  assert.throws(() => div(tensor([1]), tensor([1]), { onZero: 'nan' as OnZero }), isErr('onZero', "'ieee'"));
  assert.throws(() => div(tensor([1]), tensor([1]), 3 as never), isErr('options'));
  assert.throws(() => div(zeros([3]), zeros([2])), isErr('b', 'cannot be broadcast'));
  assert.throws(() => div('1' as never, 1), isErr('a'));
  // complex64 results are rounded to float32 parts.
  const q = div(tensor([[1, 0]], { dtype: 'complex64' }), tensor([[3, 0]], { dtype: 'complex64' }));
  assert.ok(isComplex(q.dtype));
  assert.deepEqual(Array.from(q.data), [Math.fround(1 / 3), 0]);
});
