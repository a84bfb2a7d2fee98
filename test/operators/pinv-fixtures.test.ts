import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import type { PaddingMode } from '../../src/nn/conv-args.js';

interface Fixture {
  name: string;
  kind: 'dense' | 'seed';
  K: number[];
  kshape: number[];
  inShape: number[];
  padding: [number, number];
  mode: PaddingMode;
  stride: number;
  dilation: number;
  y: number[];
  yshape: number[];
  x: number[];
  rank: number;
}

const file = join(import.meta.dirname, '..', 'fixtures', 'conv_pinv', 'conv_pinv_fixtures.json');
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Fixture[] };

function rel(a: Float64Array, b: readonly number[]): number {
  let n = 0;
  let d = 0;
  for (let i = 0; i < b.length; i++) {
    n += (a[i]! - b[i]!) ** 2;
    d += b[i]! ** 2;
  }
  return d === 0 ? Math.sqrt(n) : Math.sqrt(n / d);
}

describe('conv2d pinv against PyTorch (torch.linalg.pinv of the materialised operator; the seed pipeline)', () => {
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    test(c.name, () => {
      const A = conv2d(new Tensor(Float64Array.from(c.K), c.kshape, 'float64'), {
        inShape: c.inShape,
        padding: c.padding,
        paddingMode: c.mode,
        stride: c.stride,
        dilation: c.dilation,
      });
      const y = new Tensor(Float64Array.from(c.y), c.yshape, 'float64');
      const methods = c.mode === 'circular' ? (['auto', 'dense'] as const) : (['dense', 'krylov'] as const);
      for (const method of methods) {
        const r = convPinv(A, y, { method, tol: 1e-13, maxIter: 20000 });
        if (c.mode === 'circular' && method === 'auto') assert.equal(r.info.method, 'fft');
        const tol = method === 'krylov' ? 1e-6 : 1e-10;
        const e = rel(toFloat64(r.x), c.x);
        assert.ok(e < tol, `${method}: relative difference ${e}`);
        if (r.info.rank !== undefined) assert.equal(r.info.rank, c.rank);
      }
    });
  }
});
