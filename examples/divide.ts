/**
 * Elementwise division of two 65356×1 vectors that contain zeros (the classic OpenCV question: "cv::divide gives 0
 * where the divisor is 0 — what should it give?"). adjoint follows IEEE 754 like NumPy and PyTorch by default
 * (x/0 = ±Inf, 0/0 = NaN) and lets you choose OpenCV's old behaviour ('zero') or an error ('error').
 *
 * Run: node --import tsx examples/divide.ts
 */
import { AdjointError } from '../src/errors.js';
import { tensor } from '../src/tensor/creation.js';
import { div } from '../src/tensor/division.js';
import { isinf, isnan } from '../src/tensor/elementwise.js';
import type { Tensor } from '../src/tensor/tensor.js';

const n = 65356;
const num = new Float64Array(n);
const den = new Float64Array(n);
for (let i = 0; i < n; i++) {
  num[i] = i % 5 === 0 ? 0 : (i % 7) - 3; // some zero numerators, some negative ones
  den[i] = i % 4 === 0 ? 0 : (i % 3) + 1; // every 4th divisor is zero
}
const a = tensor(num, { shape: [n, 1] });
const b = tensor(den, { shape: [n, 1] });

const count = (t: Tensor): number => Array.from(t.data).reduce((s, v) => s + v, 0);
const show = (t: Tensor): string =>
  Array.from(t.data.subarray(0, 8))
    .map((v) => String(v))
    .join(', ');

console.log(`a, b: shape [${a.shape}], ${count(b.eq(0))} zero divisors`);
console.log(`a[0:8] = ${show(a)}`);
console.log(`b[0:8] = ${show(b)}`);

const ieee = div(a, b); // same as a.div(b) or div(a, b, { onZero: 'ieee' })
console.log(`\nonZero 'ieee' (default, like NumPy/PyTorch): a/b[0:8] = ${show(ieee)}`);
console.log(`  ${count(isnan(ieee))} NaN (0/0) and ${count(isinf(ieee))} ±Inf (x/0)`);

const zero = div(a, b, { onZero: 'zero' });
console.log(`\nonZero 'zero' (OpenCV's cv::divide): a/b[0:8] = ${show(zero)}`);
console.log(`  ${count(isnan(zero))} NaN, ${count(isinf(zero))} Inf`);

try {
  div(a, b, { onZero: 'error' });
} catch (e) {
  if (!(e instanceof AdjointError)) throw e;
  console.log(`\nonZero 'error': throws AdjointError: ${e.message}`);
}

// Integer operands: div is true division (to float), as in PyTorch.
const ints = div(tensor([7, -7, 0], { dtype: 'int32' }), tensor([2, 0, 0], { dtype: 'int32' }));
console.log(`\nint32 [7, -7, 0] / [2, 0, 0] = [${show(ints)}] (${ints.dtype})`);
