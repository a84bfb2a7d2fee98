// n-D transforms against a separable naive DFT, the pruned rfftn path against the general path, dtypes,
// strided inputs and argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdjointError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randn } from '../../src/tensor/random.js';
import { contiguousStrides } from '../../src/tensor/shape.js';
import * as F from '../../src/fft/index.js';
import { setPruning } from '../../src/fft/nd.js';

/** Separable naive DFT of a complex128 contiguous array along `dims`, each padded/cropped to sizes. */
function naiveNd(data: Float64Array, shape: number[], dims: number[], sizes: number[], sign: number): { data: Float64Array; shape: number[] } {
  let cur = data;
  let curShape = shape.slice();
  for (let a = 0; a < dims.length; a++) {
    const d = dims[a]!;
    const n = sizes[a]!;
    const outShape = curShape.slice();
    outShape[d] = n;
    const st = contiguousStrides(curShape);
    const ost = contiguousStrides(outShape);
    const out = new Float64Array(2 * outShape.reduce((p, v) => p * v, 1));
    const total = out.length / 2;
    for (let o = 0; o < total; o++) {
      // multi-index of o in outShape
      let rem = o;
      let base = 0;
      let f = 0;
      for (let k = 0; k < outShape.length; k++) {
        const ik = Math.floor(rem / ost[k]!);
        rem -= ik * ost[k]!;
        if (k === d) f = ik;
        else base += ik * st[k]!;
      }
      let sr = 0, si = 0;
      for (let t = 0; t < Math.min(n, curShape[d]!); t++) {
        const ang = (sign * 2 * Math.PI * ((f * t) % n)) / n;
        const c = Math.cos(ang), s = Math.sin(ang);
        const xr = cur[2 * (base + t * st[d]!)]!, xi = cur[2 * (base + t * st[d]!) + 1]!;
        sr += xr * c - xi * s;
        si += xr * s + xi * c;
      }
      out[2 * o] = sr;
      out[2 * o + 1] = si;
    }
    cur = out;
    curShape = outShape;
  }
  return { data: cur, shape: curShape };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label: string): void {
  assert.equal(got.length, want.length, label);
  let scale = 1e-300;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol * scale, `${label}: element ${i}: ${got[i]} vs ${want[i]}`);
  }
}

test('fftn/ifftn on shapes mixing odd and even sizes match a separable naive DFT', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.boolean(),
      (shape, seed, inverse) => {
        const x = randn(shape, { seed, dtype: 'complex128' });
        const dims = shape.map((_, i) => i).reverse();
        const sizes = dims.map((d) => shape[d]! + ((seed + d) % 3) - 1 || 1);
        const y = (inverse ? F.ifftn : F.fftn)(x, { s: sizes, dim: dims, norm: 'forward' });
        const ref = naiveNd(x.data as Float64Array, shape, dims, sizes, inverse ? 1 : -1);
        const N = sizes.reduce((p, v) => p * v, 1);
        assert.deepEqual(y.shape, ref.shape);
        close(y.data, ref.data.map((v) => (inverse ? v : v / N)), 1e-12, `shape ${shape} s ${sizes}`);
      },
    ),
    { numRuns: 60 },
  );
});

test('rfftn and irfftn on odd/even shapes match the complex transforms', () => {
  for (const shape of [[3, 5, 4], [2, 7], [6, 9], [5, 1, 8]]) {
    const x = randn(shape, { seed: 11, dtype: 'float64' });
    const X = F.rfftn(x);
    const full = F.fftn(x);
    const last = shape[shape.length - 1]!;
    const m = (last >> 1) + 1;
    assert.deepEqual(X.shape, [...shape.slice(0, -1), m]);
    const fd = full.data;
    const want = new Float64Array(X.data.length);
    for (let r = 0; r < X.numel / m; r++) for (let k = 0; k < m; k++) {
      want[2 * (r * m + k)] = fd[2 * (r * last + k)]!;
      want[2 * (r * m + k) + 1] = fd[2 * (r * last + k) + 1]!;
    }
    close(X.data, want, 1e-13, `rfftn ${shape}`);
    const back = F.irfftn(X, { s: shape.slice(-X.ndim) });
    assert.equal(back.dtype, 'float64');
    close(back.data, x.data, 1e-13, `irfftn ${shape}`);
  }
});

test('pruned rfftn of a small kernel zero-padded to a large size equals the general path and the naive DFT', () => {
  for (const [kshape, s] of [[[3, 3], [128, 128]], [[2, 5, 3], [16, 64]], [[4], [1000]], [[1, 3], [33, 65]]] as const) {
    const k = randn(kshape as unknown as number[], { seed: 5, dtype: 'float64' });
    const fast = F.rfftn(k, { s: s as unknown as number[] });
    setPruning(false);
    let general: Tensor;
    try {
      general = F.rfftn(k, { s: s as unknown as number[] });
    } finally {
      setPruning(true);
    }
    assert.deepEqual(fast.shape, general.shape);
    close(fast.data, general.data, 1e-13, `pruned vs general ${kshape} → ${s}`);
    // and the complex path, with the same pruning, against the naive DFT
    const dims = s.map((_, i) => kshape.length - s.length + i);
    const kc = Tensor.fromStorage(Float64Array.from((F.fftn(k, { dim: [] }).data)), [...kshape] as number[], 'complex128');
    const naive = naiveNd(kc.data as Float64Array, [...kshape] as number[], dims, [...s] as number[], -1);
    const last = s[s.length - 1]!;
    const m = (last >> 1) + 1;
    const want = new Float64Array(fast.data.length);
    for (let r = 0; r < fast.numel / m; r++) for (let q = 0; q < m; q++) {
      want[2 * (r * m + q)] = naive.data[2 * (r * last + q)]!;
      want[2 * (r * m + q) + 1] = naive.data[2 * (r * last + q) + 1]!;
    }
    close(fast.data, want, 1e-12, `pruned vs naive ${kshape} → ${s}`);
    // complex fftn prunes too
    const c = F.fftn(kc, { s: s as unknown as number[] });
    close(c.data, naive.data, 1e-12, `pruned fftn ${kshape} → ${s}`);
  }
});

test('dtypes follow torch: float32 → complex64, int32/bool → complex64, float64 → complex128', () => {
  const f32 = Tensor.fromStorage(new Float32Array([1, 2, 3, 4]), [4], 'float32');
  assert.equal(F.fft(f32).dtype, 'complex64');
  assert.equal(F.rfft(f32).dtype, 'complex64');
  assert.equal(F.irfft(F.rfft(f32)).dtype, 'float32');
  const i32 = Tensor.fromStorage(new Int32Array([1, 2, 3, 4]), [4], 'int32');
  assert.equal(F.fft(i32).dtype, 'complex64');
  assert.deepEqual(Array.from(F.rfft(i32).data), [10, 0, -2, 2, -2, 0]);
  const b = Tensor.fromStorage(new Uint8Array([1, 0, 1]), [3], 'bool');
  assert.deepEqual(Array.from(F.fft(b).data).map((v) => Math.round(v * 1e6) / 1e6), [2, 0, 0.5, 0.866025, 0.5, -0.866025]);
  assert.equal(F.hfft(i32).dtype, 'float32');
  assert.equal(F.fftfreq(4).dtype, 'float32');
  assert.equal(F.fftfreq(4, 1, { dtype: 'float64' }).dtype, 'float64');
  // float32 frequencies are float32(i) · float32(1/(n·d)) as in torch
  const fr = F.rfftfreq(10, 0.3).data;
  assert.equal(fr[3], Math.fround(3 * Math.fround(1 / (10 * 0.3))));
});

test('strided (non-contiguous) inputs are read correctly', () => {
  const base = randn([4, 6], { seed: 2, dtype: 'complex128' });
  // transpose view [6, 4]
  const t = Tensor.fromStorage(base.storage, [6, 4], 'complex128', [1, 6], 0);
  const dense = Tensor.fromStorage(t.contiguous().data, [6, 4], 'complex128');
  close(F.fft2(t).data, F.fft2(dense).data, 0, 'transposed fft2');
  const realBase = randn([5, 8], { seed: 3, dtype: 'float64' });
  const rt = Tensor.fromStorage(realBase.storage, [8, 5], 'float64', [1, 8], 0);
  close(F.rfft(rt, { dim: 0 }).data, F.rfft(Tensor.fromStorage(rt.contiguous().data, [8, 5], 'float64'), { dim: 0 }).data, 0, 'transposed rfft');
});

function throwsArg(fn: () => unknown, arg: string): void {
  assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg, `expected an AdjointError naming '${arg}'`);
}

test('argument errors name the argument', () => {
  const x = randn([4, 5], { seed: 1, dtype: 'float64' });
  throwsArg(() => F.fft(x, { n: 0 }), 'n');
  throwsArg(() => F.fft(x, { n: 2.5 }), 'n');
  throwsArg(() => F.irfft(x, { n: -3 }), 'n');
  throwsArg(() => F.fft(x, { dim: 2 }), 'dim');
  throwsArg(() => F.fft(x, { dim: -3 }), 'dim');
  throwsArg(() => F.fftn(x, { dim: [0, 0] }), 'dim');
  throwsArg(() => F.fftn(x, { dim: [1, -1] }), 'dim');
  throwsArg(() => F.fftn(x, { s: [3, 0] }), 's');
  throwsArg(() => F.fftn(x, { s: [3, -2] }), 's');
  throwsArg(() => F.fftn(x, { s: [3, 1.5] }), 's');
  throwsArg(() => F.fftn(x, { s: [3, 3], dim: [0] }), 's');
  throwsArg(() => F.fftn(x, { s: [3, 3, 3] }), 's');
  throwsArg(() => F.fft2(randn([4], { seed: 0 })), 'dim');
  throwsArg(() => F.fft(x, { norm: 'unitary' as never }), 'norm');
  throwsArg(() => F.rfft(F.fft(x)), 'input');
  throwsArg(() => F.ihfft(F.fft(x)), 'input');
  throwsArg(() => F.irfft(Tensor.fromStorage(new Float64Array(2), [1], 'complex128')), 'n');
  throwsArg(() => F.fft(Tensor.fromStorage(new Float64Array(0), [0], 'float64')), 'n');
  throwsArg(() => F.fft(Tensor.fromStorage(new Float64Array(1), [], 'float64')), 'dim');
  throwsArg(() => F.rfftn(x, { dim: [] }), 'dim');
  throwsArg(() => F.fftfreq(-1), 'n');
  throwsArg(() => F.fftshift(x, { dim: 3 }), 'dim');
  // irfft with an explicit n works on size-1 input
  assert.deepEqual(F.irfft(Tensor.fromStorage(new Float64Array([2, 5]), [1], 'complex128'), { n: 3 }).shape, [3]);
  // fftn with empty dim list is a promoted copy
  assert.equal(F.fftn(x, { dim: [] }).dtype, 'complex128');
});

test('Bluestein and generated odd radices inside n-D batches (lanes) match the naive DFT', () => {
  for (const shape of [[41, 6], [5, 43], [3, 17, 7], [2, 13, 11], [19, 4]]) {
    const x = randn(shape, { seed: 9, dtype: 'complex128' });
    const dims = shape.map((_, i) => i).reverse();
    const y = F.fftn(x);
    const ref = naiveNd(x.data as Float64Array, shape, dims, dims.map((d) => shape[d]!), -1);
    close(y.data, ref.data, 1e-12, `fftn ${shape}`);
    const back = F.ifftn(y);
    close(back.data, x.data, 1e-13, `ifftn ${shape}`);
  }
});

test('outer-axis passes over long runs of neighbouring columns (native-copy gather/scatter) match a naive DFT, complex128 and complex64', () => {
  // 96 neighbouring columns form one block: the gather and scatter copy runs of 96 lanes with set()
  const shape = [16, 96];
  const x = randn(shape, { seed: 21, dtype: 'complex128' });
  const ref = naiveNd(x.data as Float64Array, shape, [0], [16], -1);
  close(F.fft(x, { dim: 0 }).data, ref.data, 1e-13, 'complex128 dim 0');
  const x32 = Tensor.fromStorage(Float32Array.from(x.data as Float64Array), shape, 'complex64');
  const ref32 = naiveNd(Float64Array.from(x32.data as Float32Array), shape, [0], [16], -1);
  const y32 = F.fft(x32, { dim: 0 });
  assert.ok(y32.data instanceof Float32Array);
  close(y32.data, ref32.data, 1e-5, 'complex64 dim 0');
  // rfftn float32 through the fused last-two pass (its plane is copied out with set())
  const r = randn([3, 8, 16], { seed: 22, dtype: 'float64' });
  const r32 = Tensor.fromStorage(Float32Array.from(r.data as Float64Array), [3, 8, 16], 'float32');
  const R64 = F.rfftn(Tensor.fromStorage(Float64Array.from(r32.data as Float32Array), [3, 8, 16], 'float64'));
  const R32 = F.rfftn(r32);
  assert.ok(R32.data instanceof Float32Array);
  close(R32.data, R64.data, 1e-5, 'rfftn float32');
});
