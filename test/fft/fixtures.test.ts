// numpy.fft reference results (test/fixtures/make_fft_fixtures.py) for padding/cropping, dim orders, every norm,
// odd and even irfft lengths, hfft/ihfft, fftfreq/rfftfreq and the shifts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import * as F from '../../src/fft/index.js';

interface Enc { shape: number[]; dtype: 'float64' | 'complex128'; data: number[] }
interface Case { op: string; opts: Record<string, unknown>; input: Enc; expect: Enc }

const fixture = JSON.parse(readFileSync(new URL('../fixtures/fft/numpy_fft.json', import.meta.url), 'utf8')) as { cases: Case[] };

function dec(e: Enc): Tensor {
  return Tensor.fromStorage(Float64Array.from(e.data), e.shape, e.dtype);
}

function run(c: Case): Tensor {
  const x = dec(c.input);
  const o = c.opts as { n?: number; d?: number } & Record<string, never>;
  switch (c.op) {
    case 'fftfreq':
      return F.fftfreq(o.n!, o.d, { dtype: 'float64' });
    case 'rfftfreq':
      return F.rfftfreq(o.n!, o.d, { dtype: 'float64' });
    default: {
      const f = (F as unknown as Record<string, (t: Tensor, opts: unknown) => Tensor>)[c.op]!;
      return f(x, c.opts);
    }
  }
}

test(`numpy.fft fixtures (${fixture.cases.length} cases)`, () => {
  assert.ok(fixture.cases.length > 100);
  for (const c of fixture.cases) {
    const label = `${c.op} ${JSON.stringify(c.opts)} on [${c.input.shape}] ${c.input.dtype}`;
    const y = run(c);
    assert.deepEqual(y.shape, c.expect.shape, label);
    const expectComplex = c.expect.dtype === 'complex128';
    const gotComplex = y.dtype === 'complex128';
    if (c.op.endsWith('shift')) assert.equal(y.dtype, c.input.dtype, label);
    else assert.equal(gotComplex, expectComplex, `${label}: dtype ${y.dtype}`);
    const got = y.data;
    let scale = 0;
    for (const v of c.expect.data) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < c.expect.data.length; i++) {
      const err = Math.abs(got[i]! - c.expect.data[i]!);
      assert.ok(err <= 1e-12 * Math.max(scale, 1), `${label}: element ${i}: ${got[i]} vs ${c.expect.data[i]}`);
    }
  }
});
