// Composite functions against torch.autograd (test/fixtures/make_autograd_fixtures.py).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, complex as mkComplex } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';

interface Arr { data?: number[]; re?: number[]; im?: number[]; shape: number[] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/autograd/composites.json', import.meta.url), 'utf8')) as Record<string, Record<string, Arr & number>>;

function load(a: Arr): Tensor {
  if (a.data) return new Tensor(Float64Array.from(a.data), a.shape, 'float64');
  return mkComplex(new Tensor(Float64Array.from(a.re!), a.shape, 'float64'), new Tensor(Float64Array.from(a.im!), a.shape, 'float64'));
}
function assertClose(t: Tensor, ref: Arr, tol = 1e-9): void {
  assert.deepEqual([...t.shape], ref.shape);
  const r = load(ref).contiguousData();
  const d = t.contiguousData();
  let scale = 0;
  for (const v of r) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < r.length; i++) assert.ok(Math.abs(d[i]! - r[i]!) <= tol * Math.max(1, scale), `element ${i}: ${d[i]} vs ${r[i]}`);
}

describe('torch.autograd fixtures', () => {
  test("the seed answer's FFT convolution", () => {
    const f = fx.fft_conv!;
    const K = A.variable(load(f.K!));
    const x = A.variable(load(f.x!));
    const C = load(f.C!);
    const s = [6, 6];
    const cost = () => {
      const y = A.fft.irfftn(A.einsum('jkxy,ikxy->ijxy', A.fft.rfftn(K, { s }).conj(), A.fft.rfftn(x, { s })), { s });
      return y.pow(2).sum().add(y.mul(C).sum());
    };
    const [v, [gK, gx]] = A.valueAndGrad((k: Tensor, xx: Tensor) => {
      const y = A.fft.irfftn(A.einsum('jkxy,ikxy->ijxy', A.fft.rfftn(k, { s }).conj(), A.fft.rfftn(xx, { s })), { s });
      return y.pow(2).sum().add(y.mul(C).sum());
    }, [0, 1])(K, x);
    assert.ok(Math.abs((v.item() as number) - (f.loss as unknown as number)) < 1e-9 * Math.abs(f.loss as unknown as number));
    assertClose(gK!, f.gK!);
    assertClose(gx!, f.gx!);
    const byName = A.gradients(cost, { K, x });
    assertClose(byName.K, f.gK!);
  });

  test('conv2d (reflect padding, stride 2, bias) + tanh + MSE', () => {
    const f = fx.conv2d_chain!;
    const x = A.variable(load(f.x!));
    const w = A.variable(load(f.w!));
    const b = A.variable(load(f.b!));
    const T = load(f.target!);
    const [gx, gw, gb] = A.gradients(() => A.nn.conv2d(x, w, { bias: b, stride: 2, padding: 1, paddingMode: 'reflect' }).tanh().sub(T).pow(2).mean(), [x, w, b]);
    assertClose(gx!, f.gx!);
    assertClose(gw!, f.gw!);
    assertClose(gb!, f.gb!);
  });

  test('pinv of a complex matrix: |pinv(A) B|² + Re tr(pinv(A) Cᵀ)', () => {
    const f = fx.pinv_complex!;
    assert.deepEqual(f.A!.shape, [4, 3]);
    const Av = A.variable(load(f.A!));
    const B = load(f.B!);
    const C = load(f.C!);
    const loss = (): Tensor => {
      const P = A.linalg.pinv(Av);
      return A.add(A.abs(A.matmul(P, B)).pow(2).sum(), A.real(A.mul(P, C).sum()));
    };
    assert.ok(Math.abs(loss().item() as number - (f.loss as number)) <= 1e-9 * Math.max(1, Math.abs(f.loss as number)));
    const [gA] = A.gradients(loss, [Av]);
    assertClose(gA!, f.gA!);
  });
});
