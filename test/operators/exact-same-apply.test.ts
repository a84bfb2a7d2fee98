// RingSameFactor.applyA (the library's conv2d when its padding argument can express the pads) against the
// direct padded loop, for symmetric pads, PyTorch's asymmetric 'same' split, dilation and every padding mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingSameFactor } from '../../src/operators/exact/ring-same.js';
import { randn } from '../../src/tensor/random.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';

const cases = [
  { k: [3, 3], pads: [1, 1], dil: 1 },
  { k: [2, 4], pads: [0, 1], dil: 1 }, // torch's 'same': extra row/col at the bottom/right
  { k: [3, 3], pads: [2, 2], dil: 2 },
  { k: [5, 3], pads: [2, 1], dil: 1 },
] as const;

for (const cs of cases)
  for (const mode of ['zeros', 'reflect', 'replicate'] as const) {
    test(`'same' applyA = direct loop: k=${cs.k} pads=${cs.pads} dilation ${cs.dil} ${mode}`, () => {
      const c = 2;
      const n1 = 9;
      const n2 = 8;
      const weight = Float64Array.from(toFloat64(randn([c, c, cs.k[0], cs.k[1]], { seed: 3, dtype: 'float64' })));
      const f = new RingSameFactor({ weight, c, kh: cs.k[0], kw: cs.k[1], n1, n2, pt: cs.pads[0], pl: cs.pads[1], d1: cs.dil, d2: cs.dil, mode });
      const x = Float64Array.from(toFloat64(randn([c, n1, n2], { seed: 4, dtype: 'float64' })));
      const a = new Float64Array(c * n1 * n2);
      const b = new Float64Array(c * n1 * n2);
      f.applyA(x, a);
      f.applyADirect(x, b);
      let err = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        err = Math.max(err, Math.abs(a[i]! - b[i]!));
        nb = Math.max(nb, Math.abs(b[i]!));
      }
      assert.ok(nb > 0 && err <= 1e-13 * nb, `max difference ${err} (scale ${nb})`);
    });
  }
