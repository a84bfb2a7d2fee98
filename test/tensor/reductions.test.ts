import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, full, tensor, zeros, type DType } from '../../src/index.js';
import {
  all,
  allclose,
  any,
  argmax,
  argmin,
  cumsum,
  isclose,
  logsumexp,
  max,
  maxWithIndices,
  mean,
  min,
  minWithIndices,
  norm,
  prod,
  std,
  sum,
  variance,
} from '../../src/tensor/reductions.js';
import '../../src/tensor/views.js';
import '../../src/tensor/slicing.js';

const names = (fn: () => unknown, arg: string) =>
  assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`));
const prodOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function allIndices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) {
    const next: number[][] = [];
    for (const p of out) for (let i = 0; i < n; i++) next.push([...p, i]);
    out = next;
  }
  return out;
}

/** Naive reference: groups the C-order elements by output position, then applies `f` to each group. */
function refReduce(shape: number[], flat: number[], dims: number[] | undefined, keepdim: boolean, f: (xs: number[]) => number): { shape: number[]; out: number[] } {
  const red = shape.map((_, i) => dims === undefined || dims.includes(i) || dims.includes(i - shape.length));
  const outShape = keepdim ? shape.map((n, i) => (red[i] ? 1 : n)) : shape.filter((_, i) => !red[i]);
  const keptShape = shape.filter((_, i) => !red[i]);
  const groups: number[][] = Array.from({ length: prodOf(keptShape) }, () => []);
  allIndices(shape).forEach((idx, k) => {
    let g = 0;
    idx.forEach((v, i) => {
      if (!red[i]) g = g * shape[i]! + v;
    });
    groups[g]!.push(flat[k]!);
  });
  return { shape: outShape, out: groups.map(f) };
}

const naive = {
  sum: (xs: number[]) => xs.reduce((a, b) => a + b, 0),
  prod: (xs: number[]) => xs.reduce((a, b) => a * b, 1),
  mean: (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length,
  max: (xs: number[]) => (xs.some(Number.isNaN) ? NaN : Math.max(...xs)),
  min: (xs: number[]) => (xs.some(Number.isNaN) ? NaN : Math.min(...xs)),
  any: (xs: number[]) => (xs.some((v) => v !== 0) ? 1 : 0),
  all: (xs: number[]) => (xs.every((v) => v !== 0) ? 1 : 0),
  var: (xs: number[]) => {
    if (xs.length === 0) return NaN; // as torch.var
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  },
  lse: (xs: number[]) => Math.log(xs.reduce((a, b) => a + Math.exp(b), 0)),
};

function close(got: number, want: number, tol: number, msg: string): void {
  if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${msg}: got ${got}, want NaN`);
  else if (!Number.isFinite(want)) assert.equal(got, want, msg);
  else assert.ok(Math.abs(got - want) <= tol * (1 + Math.abs(want)), `${msg}: got ${got}, want ${want}`);
}

const caseArb = fc
  .record({
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 }),
    seed: fc.nat(),
    keepdim: fc.boolean(),
    allDims: fc.boolean(),
    layout: fc.integer({ min: 0, max: 3 }),
  })
  .map((c) => {
    const n = prodOf(c.shape);
    // small integers (some zeros) so sums and products are exact in float64
    const flat = Array.from({ length: n }, (_, i) => (((c.seed + i * 2654435761) >>> 7) % 7) - 3);
    const nd = c.shape.length;
    const dims = c.allDims ? undefined : c.shape.map((_, i) => i).filter((i) => (c.seed >> i) & 1).map((i) => ((c.seed >> (i + 8)) & 1 ? i - nd : i));
    return { ...c, flat, dims };
  });

/**
 * The same values laid out four ways: contiguous; a transposed copy viewed back; a flipped copy flipped back
 * (negative strides); every other element of a twice-as-long last dim (not dense).
 */
function build(shape: number[], flat: number[], layout: number, dtype: DType = 'float64'): Tensor {
  const t = tensor(Float64Array.from(flat), { shape }).to(dtype);
  if (shape.length === 0 || layout === 0) return t;
  if (layout === 1) return shape.length < 2 ? t : t.transpose(0, -1).contiguous().transpose(0, -1);
  if (layout === 2) return t.flip(-1).contiguous().flip(-1);
  const wide = new Float64Array(flat.length * 2).fill(1e6);
  flat.forEach((v, i) => (wide[2 * i] = v));
  return tensor(wide, { shape: [...shape.slice(0, -1), 2 * shape[shape.length - 1]!] }).to(dtype).index('..., ::2');
}

test('sum/prod/mean/max/min/any/all match the grouped naive reference (random shapes, dims, keepdim, layouts)', () => {
  fc.assert(
    fc.property(caseArb, fc.constantFrom('float64', 'float32', 'int32', 'complex64') as fc.Arbitrary<DType>, ({ shape, flat, dims, keepdim, layout }, dtype) => {
      const x = build(shape, flat, layout, dtype);
      const tag = JSON.stringify({ shape, dims, keepdim, layout, dtype });
      for (const [name, fn, ref] of [
        ['sum', sum, naive.sum],
        ['prod', prod, naive.prod],
        ['mean', mean, naive.mean],
        ['max', max, naive.max],
        ['min', min, naive.min],
        ['any', any, naive.any],
        ['all', all, naive.all],
      ] as const) {
        const want = refReduce(shape, flat, dims, keepdim, ref);
        const emptyGroups = want.out.length > 0 && (dims === undefined ? prodOf(shape) === 0 : dims.some((d) => shape[d < 0 ? d + shape.length : d] === 0));
        if ((name === 'mean' && dtype === 'int32') || ((name === 'max' || name === 'min') && dtype === 'complex64')) {
          names(() => fn(x, dims, keepdim), 'input');
          continue;
        }
        if ((name === 'max' || name === 'min') && emptyGroups) {
          names(() => fn(x, dims, keepdim), 'input');
          continue;
        }
        const got = fn(x, dims, keepdim);
        assert.deepEqual(got.shape, want.shape, `${name} ${tag}`);
        const outDtype = name === 'any' || name === 'all' ? 'bool' : name === 'sum' || name === 'prod' ? (dtype === 'int32' ? 'int32' : dtype) : dtype;
        assert.equal(got.dtype, outDtype, `${name} ${tag}`);
        const raw = Array.from(got.data, Number);
        // complex results: the imaginary parts are 0 here (real values stored as complex)
        const data = dtype === 'complex64' && outDtype !== 'bool' ? raw.filter((_, i) => i % 2 === 0) : raw;
        if (dtype === 'complex64' && outDtype !== 'bool') {
          const imOk = raw.every((v, i) => i % 2 === 0 || v === 0 || (name === 'mean' && Number.isNaN(v) && Number.isNaN(raw[i - 1]!)));
          assert.ok(imOk, `${name} ${tag}: imaginary parts`);
        }
        want.out.forEach((w, i) => close(data[i]!, w, dtype === 'float64' ? 1e-12 : 1e-6, `${name} ${tag} [${i}]`));
      }
    }),
    { numRuns: 150 },
  );
});

test('variance/std/norm/logsumexp match the naive reference', () => {
  fc.assert(
    fc.property(caseArb, ({ shape, flat, dims, keepdim, layout }) => {
      const x = build(shape, flat, layout);
      const tag = JSON.stringify({ shape, dims, keepdim, layout });
      const check = (got: Tensor, want: { shape: number[]; out: number[] }, what: string) => {
        assert.deepEqual(got.shape, want.shape, `${what} ${tag}`);
        const d = Array.from(got.data, Number);
        want.out.forEach((w, i) => close(d[i]!, w, 1e-12, `${what} ${tag} [${i}]`));
      };
      check(variance(x, dims, { keepdim }), refReduce(shape, flat, dims, keepdim, naive.var), 'var');
      check(std(x, dims, { keepdim, correction: 0 }), refReduce(shape, flat, dims, keepdim, (xs) => {
        const m = naive.mean(xs);
        return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
      }), 'std');
      check(logsumexp(x, dims, keepdim), refReduce(shape, flat, dims, keepdim, naive.lse), 'logsumexp');
      for (const p of [2, 1, 3, 0.5, 0, Infinity, -Infinity, -1.5]) {
        const want = refReduce(shape, flat, dims, keepdim, (xs) => {
          const a = xs.map(Math.abs);
          if (p === Infinity) return a.length ? Math.max(...a) : 0;
          if (p === -Infinity) return a.length ? Math.min(...a) : Infinity;
          if (p === 0) return a.filter((v) => v !== 0).length;
          return a.reduce((s, v) => s + v ** p, 0) ** (1 / p);
        });
        const emptyGroups = want.out.length > 0 && prodOf(shape) === 0 && (dims === undefined || dims.some((d) => shape[d < 0 ? d + shape.length : d] === 0));
        if (emptyGroups && (p < 0 || p === Infinity)) names(() => norm(x, p, dims, keepdim), 'input'); // as torch.linalg.vector_norm
        else check(norm(x, p, dims, keepdim), want, `norm p=${p}`);
      }
    }),
    { numRuns: 120 },
  );
});

test('argmax/argmin/maxWithIndices: first occurrence, NaN wins, against a naive scan', () => {
  fc.assert(
    fc.property(caseArb, fc.boolean(), ({ shape, flat, seed, keepdim, layout }, withNaN) => {
      fc.pre(shape.length > 0 && prodOf(shape) > 0);
      const vals = flat.map((v, i) => (withNaN && (seed + i) % 11 === 0 ? NaN : v));
      const x = build(shape, vals, layout);
      const d = seed % shape.length;
      const scan = (sign: 1 | -1) => (xs: number[]) => {
        let best = 0;
        for (let i = 1; i < xs.length; i++) {
          if (Number.isNaN(xs[best]!)) break;
          if (Number.isNaN(xs[i]!) || (xs[i]! - xs[best]!) * sign > 0) best = i;
        }
        return best;
      };
      const wantMax = refReduce(shape, vals, [d], keepdim, scan(1));
      const wantMin = refReduce(shape, vals, [d], keepdim, scan(-1));
      assert.deepEqual(argmax(x, d, keepdim).shape, wantMax.shape);
      assert.deepEqual(Array.from(argmax(x, d, keepdim).data), wantMax.out);
      assert.deepEqual(Array.from(argmin(x, d, keepdim).data), wantMin.out);
      const mw = maxWithIndices(x, d, keepdim);
      assert.deepEqual(Array.from(mw.indices.data), wantMax.out);
      const mv = refReduce(shape, vals, [d], keepdim, naive.max);
      mv.out.forEach((w, i) => close(mw.values.data[i]!, w, 0, 'max values'));
      assert.deepEqual(Array.from(minWithIndices(x, d).indices.data), refReduce(shape, vals, [d], false, scan(-1)).out);
      // flattened argmax
      assert.equal(argmax(x).item(), scan(1)(vals));
      assert.deepEqual(argmax(x, undefined, true).shape, shape.map(() => 1));
    }),
    { numRuns: 150 },
  );
});

test('cumsum matches a running sum along the dim', () => {
  fc.assert(
    fc.property(caseArb, ({ shape, flat, seed, layout }) => {
      fc.pre(shape.length > 0);
      const x = build(shape, flat, layout);
      const d = seed % shape.length;
      const got = cumsum(x, d - shape.length);
      const st = shape.map((_, i) => prodOf(shape.slice(i + 1)));
      const want = allIndices(shape).map((idx) => {
        let s = 0;
        for (let k = 0; k <= idx[d]!; k++) s += flat[idx.reduce((acc, v, i) => acc + (i === d ? k : v) * st[i]!, 0)]!;
        return s;
      });
      assert.deepEqual(Array.from(got.data), want);
    }),
  );
  assert.deepEqual(cumsum(tensor([true, true, false]), 0).toArray(), [1, 2, 2]);
  assert.equal(cumsum(tensor([true]), 0).dtype, 'int32');
  assert.deepEqual(cumsum(tensor([[1, 2], [3, -4]], { dtype: 'complex64' }), 0).toArray(), [[1, 2], [4, -2]]);
});

test('dtypes: int/bool sums are int32, complex sum/mean/prod/norm/var, errors for mean of int and max of complex', () => {
  const i = tensor([1, 2, 3], { dtype: 'int32' });
  assert.equal(sum(i).dtype, 'int32');
  assert.equal(sum(i).item(), 6);
  assert.equal(prod(tensor([true, true])).dtype, 'int32');
  assert.equal(sum(tensor([true, true, false])).item(), 2);
  assert.equal(max(i).dtype, 'int32');
  assert.equal(max(tensor([false, true])).item(), true);
  assert.equal(sum(tensor([1, 2], { dtype: 'float32' })).dtype, 'float32');
  const c = tensor([[1, 2], [3, -1]], { dtype: 'complex128' }); // 1+2i, 3-i
  assert.deepEqual(sum(c).item(), [4, 1]);
  assert.deepEqual(mean(c).item(), [2, 0.5]);
  assert.deepEqual(prod(c).item(), [5, 5]); // (1+2i)(3-i) = 3 - i + 6i + 2 = 5 + 5i
  assert.equal(norm(c).dtype, 'float64');
  close(norm(c).item() as number, Math.sqrt(5 + 10), 1e-15, 'complex norm');
  close(variance(c).item() as number, (1 + 2.25 + 1 + 2.25) / 1, 1e-15, 'complex var'); // |z - mean|^2 summed / (n-1)
  assert.equal(norm(tensor([3, 4], { dtype: 'complex64' })).dtype, 'float32');
  names(() => mean(i), 'input');
  names(() => variance(i), 'input');
  names(() => norm(i), 'input');
  names(() => max(c), 'input');
  names(() => argmax(c), 'input');
  names(() => logsumexp(c), 'input');
  assert.equal(logsumexp(i).dtype, 'float32');
});

test('empty reductions: identities, NaN mean, errors for max/argmax', () => {
  const e = zeros([2, 0]);
  assert.deepEqual(sum(e, 1).toArray(), [0, 0]);
  assert.deepEqual(prod(e, 1).toArray(), [1, 1]);
  assert.ok(Number.isNaN(mean(e).item() as number), 'mean of nothing');
  assert.deepEqual(any(e, 1).toArray(), [false, false]);
  assert.deepEqual(all(e, 1).toArray(), [true, true]);
  assert.deepEqual(max(e, 0).shape, [0]); // nothing to reduce per output, and no outputs
  names(() => max(e, 1), 'input');
  names(() => argmax(e), 'input');
  assert.equal(norm(e).item(), 0);
  names(() => norm(e, -Infinity), 'input');
  assert.equal(logsumexp(e).item(), -Infinity);
  // an empty dims list reduces nothing (NumPy's meaning)
  assert.deepEqual(sum(tensor([[1, 2]]), []).toArray(), [[1, 2]]);
});

test('NaN and infinities propagate like PyTorch', () => {
  const x = tensor([1, NaN, 3, -Infinity], { dtype: 'float64' });
  assert.ok(Number.isNaN(max(x).item() as number), 'max with NaN');
  assert.ok(Number.isNaN(min(x).item() as number), 'min with NaN');
  assert.equal(argmax(x).item(), 1);
  assert.equal(argmin(x).item(), 1);
  assert.equal(max(tensor([1, Infinity, 2])).item(), Infinity);
  assert.equal(logsumexp(tensor([-Infinity, -Infinity], { dtype: 'float64' })).item(), -Infinity);
  assert.equal(logsumexp(tensor([1, Infinity], { dtype: 'float64' })).item(), Infinity);
  assert.equal(norm(tensor([1, Infinity], { dtype: 'float64' })).item(), Infinity);
  assert.equal(norm(tensor([2, Infinity], { dtype: 'float64' }), -1).item(), 2); // (2^-1 + 0)^-1
  assert.equal(norm(tensor([Infinity, -Infinity], { dtype: 'float64' }), -1).item(), Infinity);
  assert.equal(norm(tensor([2, 0], { dtype: 'float64' }), -1).item(), 0);
  assert.equal(norm(x, 0).item(), 4); // NaN and -Inf count as nonzero (torch.linalg.vector_norm gives 4)
});

test('norm is overflow- and underflow-safe', () => {
  const big = tensor([3e300, 4e300], { dtype: 'float64' });
  close(norm(big).item() as number, 5e300, 1e-15, 'big');
  const tiny = tensor([3e-300, 4e-300], { dtype: 'float64' });
  close((norm(tiny).item() as number) / 1e-300, 5, 1e-15, 'tiny');
  close((norm(big, 3).item() as number) / 1e300, Math.cbrt(27 + 64), 1e-14, 'p=3');
  close(norm(tensor([3, 4]), 'fro').item() as number, 5, 0, 'fro');
  names(() => norm(tensor([1]), NaN), 'p');
});

test('summation error does not grow linearly with n', () => {
  // float32: 1e6 copies of fl32(0.1) against the float64 reference (float32 running sum is off by ~1%).
  const n = 1e6;
  const s32 = sum(full([n], 0.1, { dtype: 'float32' })).item() as number;
  const ref = Math.fround(0.1) * n;
  assert.ok(Math.abs(s32 - ref) <= ref * 2 ** -23, `float32 sum ${s32} vs ${ref}`);
  let naive32 = 0;
  for (let i = 0; i < 1e5; i++) naive32 = Math.fround(naive32 + Math.fround(0.1));
  assert.ok(Math.abs(naive32 - Math.fround(0.1) * 1e5) > 1e-3, 'the naive float32 loop really is inaccurate');
  // float64: the naive loop is off by ~1e-6 here; pairwise is within a couple of ulps of the exact 1e5.
  const s64 = sum(full([n], 0.1, { dtype: 'float64' })).item() as number;
  assert.ok(Math.abs(s64 - 1e5) < 1e-9, `float64 sum ${s64}`);
  // outer-dim reduction (row accumulation, compensated) and a multi-group reduction
  const cols = sum(full([200000, 3], 0.1, { dtype: 'float64' }), 0).data;
  for (const v of cols) assert.ok(Math.abs(v - 20000) < 1e-10, `column sum ${v}`);
  const mid = sum(full([50, 4000, 5], 0.1, { dtype: 'float64' }), [0, 1]).data;
  for (const v of mid) assert.ok(Math.abs(v - 20000) < 1e-10, `multi-dim sum ${v}`);
  const v = variance(tensor(Float64Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 2))), 0, { correction: 0 }).item() as number;
  close(v, 0.25, 1e-12, 'variance with a large mean');
});

test('isclose / allclose with broadcasting, tolerances and equalNan', () => {
  const a = tensor([[1, 2, NaN, Infinity]], { dtype: 'float64' });
  const b = tensor([[1 + 1e-9], [1.1]], { dtype: 'float64' });
  assert.deepEqual(isclose(a, b).toArray(), [[true, false, false, false], [false, false, false, false]]);
  assert.deepEqual(isclose(a, a).toArray(), [[true, true, false, true]]);
  assert.deepEqual(isclose(a, a, { equalNan: true }).toArray(), [[true, true, true, true]]);
  assert.deepEqual(isclose(tensor([100]), tensor([101]), { rtol: 0.01, atol: 0 }).toArray(), [true]);
  assert.deepEqual(isclose(tensor([100]), tensor([101]), { rtol: 0.005, atol: 0 }).toArray(), [false]);
  assert.deepEqual(isclose(tensor([Infinity]), tensor([-Infinity])).toArray(), [false]);
  assert.deepEqual(isclose(tensor([1e30, Infinity]), tensor([Infinity, 1e30])).toArray(), [false, false]);
  assert.equal(allclose(tensor([1, 2]), 1, { atol: 1 }), true);
  assert.equal(allclose(tensor([1, 2]), tensor([1, 2.01])), false);
  assert.equal(tensor([1, 2]).allclose(tensor([[1, 2], [1, 2]])), true);
  const c = tensor([[1, 1]], { dtype: 'complex128' });
  assert.deepEqual(isclose(c, tensor([[1, 1 + 1e-9]], { dtype: 'complex64' })).toArray(), [true]);
  assert.deepEqual(isclose(c, 1).toArray(), [false]);
  names(() => isclose(tensor([1, 2]), tensor([1, 2, 3])), 'b');
  names(() => isclose(tensor([1]), tensor([1]), { rtol: -1 }), 'rtol');
  names(() => allclose('x' as unknown as Tensor, 1), 'a');
});

test('bad dims and keepdim name the argument; methods match free functions', () => {
  const x = tensor([[1, 2], [3, 4]]);
  names(() => sum(x, 2), 'dim');
  names(() => sum(x, [0, -2]), 'dim');
  names(() => sum(x, 0, 'yes' as unknown as boolean), 'keepdim');
  names(() => argmax(x, [0] as unknown as number), 'dim');
  names(() => cumsum(x, 5), 'dim');
  names(() => variance(x, 0, { correction: NaN }), 'correction');
  assert.deepEqual(x.sum(0).toArray(), sum(x, 0).toArray());
  assert.deepEqual(x.mean(-1, true).toArray(), [[1.5], [3.5]]);
  assert.deepEqual(x.max().item(), 4);
  assert.deepEqual(x.var(1).toArray(), [0.5, 0.5]);
  assert.deepEqual(x.argmin(0).toArray(), [0, 0]);
  assert.equal(x.any().item(), true);
  assert.deepEqual(x.cumsum(1).toArray(), [[1, 3], [3, 7]]);
});

interface FixResult {
  shape: number[];
  re: number[];
  im?: number[];
}
const redFix = JSON.parse(readFileSync(new URL('../fixtures/reduce_fixtures.json', import.meta.url), 'utf8')) as {
  cases: { shape: number[]; dims: number[] | null; keepdim: boolean; kind: 'real' | 'complex'; re: number[]; im?: number[]; results: Record<string, FixResult> }[];
};

test('reductions match PyTorch on random real and complex tensors (fixture)', () => {
  assert.ok(redFix.cases.length >= 16, 'reduction fixture cases');
  for (const c of redFix.cases) {
    const n = c.re.length;
    const x =
      c.kind === 'real'
        ? tensor(Float64Array.from(c.re), { shape: c.shape })
        : tensor(Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? c.re[i >> 1]! : c.im![i >> 1]!)), { shape: c.shape, dtype: 'complex128' });
    const dims = c.dims ?? undefined;
    const d0 = (c.dims ?? [0])[0]!;
    const ours: Record<string, () => Tensor> = {
      sum: () => sum(x, dims, c.keepdim),
      mean: () => mean(x, dims, c.keepdim),
      prod: () => prod(x, dims, c.keepdim),
      var: () => variance(x, dims, { keepdim: c.keepdim }),
      std0: () => std(x, dims, { keepdim: c.keepdim, correction: 0 }),
      cumsum: () => cumsum(x, d0),
      amax: () => max(x, dims, c.keepdim),
      amin: () => min(x, dims, c.keepdim),
      logsumexp: () => logsumexp(x, dims, c.keepdim),
      argmax: () => argmax(x, d0, c.keepdim),
      argmin: () => argmin(x, d0, c.keepdim),
    };
    for (const p of ['2', '1', '0.5', '3', 'inf', '-inf', '0', '-1.5']) {
      ours[`norm${p}`] = () => norm(x, p === 'inf' ? Infinity : p === '-inf' ? -Infinity : Number(p), dims, c.keepdim);
    }
    for (const [name, want] of Object.entries(c.results)) {
      const tag = `${name} ${c.kind} ${JSON.stringify({ shape: c.shape, dims: c.dims, keepdim: c.keepdim })}`;
      const got = ours[name]!();
      assert.deepEqual(got.shape, want.shape, tag);
      const data = Array.from(got.data, Number);
      if (want.im) {
        want.re.forEach((w, i) => close(data[2 * i]!, w, 1e-13, `${tag} re[${i}]`));
        want.im.forEach((w, i) => close(data[2 * i + 1]!, w, 1e-13, `${tag} im[${i}]`));
      } else want.re.forEach((w, i) => close(data[i]!, w, 1e-13, `${tag} [${i}]`));
    }
  }
});
