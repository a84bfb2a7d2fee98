// Property tests (fast-check): broadcasting gradients equal naive sums, and einsum gradients on random
// equations (repeated labels, labels summed in one operand only, broadcast dims) pass gradcheck.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { randn } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';

const shapePair = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom('both', 'a1', 'b1', 'aMissing')), { minLength: 0, maxLength: 3 })
  .map((dims) => {
    const a: number[] = [];
    const b: number[] = [];
    dims.forEach(([n, kind]) => {
      if (kind === 'aMissing' && a.length === 0) {
        b.push(n);
        return;
      }
      a.push(kind === 'a1' ? 1 : n);
      b.push(kind === 'b1' ? 1 : n);
    });
    return { a, b };
  });

describe('autograd properties', () => {
  test('d/da Σ (a·b) under broadcasting is b summed over the broadcast dims (naive loop)', () => {
    fc.assert(
      fc.property(shapePair, fc.integer({ min: 0, max: 1000 }), ({ a: sa, b: sb }, seed) => {
        const a = A.variable(randn(sa, { seed, dtype: 'float64' }));
        const b = randn(sb, { seed: seed + 1, dtype: 'float64' });
        const [g] = A.gradients(() => A.mul(a, b).sum(), [a]);
        assert.deepEqual([...g.shape], sa);
        // Naive: iterate over the broadcast result, add b's element into a's position.
        const out = [...(sb.length > sa.length ? sb.slice(0, sb.length - sa.length) : []), ...sa.map((d, i) => Math.max(d, sb[sb.length - sa.length + i] ?? 1))];
        const nd = out.length;
        const pa = [...Array(nd - sa.length).fill(1), ...sa];
        const pb = [...Array(nd - sb.length).fill(1), ...sb];
        const want = new Float64Array(pa.reduce((x, y) => x * y, 1));
        const bd = b.contiguousData();
        const total = out.reduce((x, y) => x * y, 1);
        for (let f = 0; f < total; f++) {
          let rem = f;
          let ia = 0;
          let ib = 0;
          let sA = 1;
          let sB = 1;
          for (let d = nd - 1; d >= 0; d--) {
            const idx = rem % out[d]!;
            rem = Math.floor(rem / out[d]!);
            ia += (pa[d] === 1 ? 0 : idx) * sA;
            ib += (pb[d] === 1 ? 0 : idx) * sB;
            sA *= pa[d]!;
            sB *= pb[d]!;
          }
          want[ia] = want[ia]! + bd[ib]!;
        }
        const got = g.contiguousData();
        want.forEach((v, i) => assert.ok(Math.abs(v - got[i]!) < 1e-12));
      }),
      { numRuns: 60 },
    );
  });

  test('einsum gradients on random two-operand equations pass gradcheck', () => {
    const labels = 'abcd';
    const term = fc.array(fc.constantFrom(...labels.split('')), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(term, term, fc.boolean(), fc.integer({ min: 0, max: 100 }), (t1, t2, explicit, seed) => {
        const size: Record<string, number> = { a: 2, b: 3, c: 1, d: 2 };
        const used = [...new Set([...t1, ...t2])];
        const out = used.filter((_, i) => (seed + i) % 2 === 0);
        const eq = `${t1.join('')},${t2.join('')}${explicit ? `->${out.join('')}` : ''}`;
        const x = randn(t1.map((l) => size[l]!), { seed, dtype: 'float64' });
        const y = randn(t2.map((l) => size[l]!), { seed: seed + 1, dtype: 'float64' });
        assert.equal(A.gradcheck((p, q) => A.einsum(eq, p, q), [x, y], { projections: 1 }), true, eq);
      }),
      { numRuns: 40 },
    );
  });
});
