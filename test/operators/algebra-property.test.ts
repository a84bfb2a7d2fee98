import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { randn } from '../../src/index.js';
import * as operators from '../../src/operators/index.js';
import type { LinearOperator } from '../../src/operators/index.js';
import { assertClose, conjT, dense, lincomb, matmul, type Dense } from './dense-helpers.js';

// Random expression trees of small matrices (real and complex) built with compose/add/sub/scale/H, checked
// against the same algebra on dense matrices, and dot-tested.
const step = fc.record({
  kind: fc.integer({ min: 0, max: 4 }),
  k: fc.integer({ min: 1, max: 4 }),
  complex: fc.boolean(),
  alpha: fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })),
});

test('operator algebra agrees with dense algebra on random expression trees', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.array(step, { maxLength: 6 }), (m, n, c0, steps) => {
      let seed = 1;
      const leaf = (rows: number, cols: number, complex: boolean): { op: LinearOperator; d: Dense } => {
        const t = randn([rows, cols], { seed: seed++, dtype: complex ? 'complex128' : 'float64' });
        return { op: operators.matrix(t), d: dense(t) };
      };
      let { op, d } = leaf(m, n, c0);
      for (const s of steps) {
        if (s.kind === 0) {
          const r = leaf(d.n, s.k, s.complex);
          op = op.compose(r.op);
          d = matmul(d, r.d);
        } else if (s.kind === 1 || s.kind === 2) {
          const r = leaf(d.m, d.n, s.complex);
          const sg = s.kind === 1 ? 1 : -1;
          op = sg === 1 ? op.add(r.op) : op.sub(r.op);
          d = lincomb(d, [1, 0], r.d, [sg, 0]);
        } else if (s.kind === 3) {
          const alpha: [number, number] = [s.alpha[0] / 2, s.alpha[1] / 2];
          op = op.scale(alpha);
          d = lincomb(d, alpha, d, [0, 0]);
        } else {
          op = op.H;
          d = conjT(d);
        }
      }
      assert.deepEqual([...op.outShape, ...op.inShape], [d.m, d.n]);
      const got = dense(op.toDense());
      assertClose({ re: got.re, im: got.im }, { re: d.re, im: d.im }, 1e-12, op.name);
      const r = operators.dottest(op, { seed });
      assert.ok(r.passed, `${op.name}: ${r.relError}`);
    }),
    { numRuns: 150, seed: 20261126 },
  );
});
