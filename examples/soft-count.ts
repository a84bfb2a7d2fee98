/**
 * "Count how many times 5.0 occurs in a tensor, differentiably, so that a loss can ask for exactly N of them"
 * (the PyTorch question behind `loss = N - (a == 5).sum()`). `(a == 5).sum()` has no gradient, so here:
 * - hardCountST: the exact count in the forward pass, the gradient of a Gaussian soft count backward
 *   (a straight-through estimator), trained with SGD until exactly N elements equal 5 (to within 1e-6);
 * - expectedCounts: the accepted answer's approach, predicting a distribution per element and matching the
 *   expected counts.
 *
 * Run: node --import tsx examples/soft-count.ts
 */
import { arange, randn, tensor } from '../src/index.js';
import { gradients, variable, abs, eq } from '../src/autograd/index.js';
import { exactCount, expectedCounts, hardCountST, softCount } from '../src/counting/index.js';
import { Adam, SGD } from '../src/optim/index.js';

const N = 3;
const a = variable(arange(0, 10, 1, { dtype: 'float64' }), { name: 'a' });
const opts = { kernel: 'gaussian' as const, bandwidth: 1, atol: 1e-6 };

try {
  gradients(() => eq(a, 5).to('float64').sum().sub(N).pow(2), [a]);
} catch (e) {
  console.log(`(a == 5).sum() is not differentiable: ${(e as Error).message.split(';')[0]}`);
}

console.log(`target: ${N} elements equal to 5; start a = [${(a.toArray() as number[]).join(', ')}]`);
const opt = new SGD([a], { lr: 0.2 });
for (let step = 0; step < 200; step++) {
  const count = exactCount(a, 5, opts.atol);
  const soft = softCount(a, 5, opts).item() as number;
  console.log(`step ${String(step).padStart(3)}: exact count = ${count}, soft count = ${soft.toFixed(4)}`);
  if (count === N) break;
  // loss = (N − count)², with the straight-through count: exact value, soft gradient.
  opt.step(gradients(() => hardCountST(a, 5, opts).sub(N).pow(2), [a]));
}
console.log(`final a = [${(a.toArray() as number[]).map((v) => v.toFixed(6)).join(', ')}]`);
console.log(`exact count of 5: ${exactCount(a, 5, opts.atol)} (target ${N})`);

// The answer's approach: logits [n, K] over the values 0..K−1, loss Σ_k |Z_k − target_k| on expected counts.
const K = 10;
const logits = variable(randn([10, K], { seed: 7, dtype: 'float64' }));
// Target: the value 5 occurs N times, the other nine values share the remaining 10 − N elements.
const targetCounts = tensor(Array.from({ length: K }, (_, k) => (k === 5 ? N : (10 - N) / (K - 1))), { dtype: 'float64' });
const adam = new Adam([logits], { lr: 0.1 });
for (let step = 0; step < 300; step++) adam.step(gradients(() => abs(expectedCounts(logits, { logits: true }).sub(targetCounts)).sum(), [logits]));
const Z = expectedCounts(logits, { logits: true }).toArray() as number[];
console.log(`expected counts after training: [${Z.map((v) => v.toFixed(2)).join(', ')}] (target ${N} for the value 5, ${((10 - N) / (K - 1)).toFixed(2)} for the others)`);
