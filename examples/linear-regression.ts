/**
 * The TensorFlow question "how do I get the gradient with respect to W and b only, and know which is which?"
 * (tf.gradients(cost, [W, b])), in adjoint: the same linear model and cost, the gradients in the order asked
 * for and by name (the data X and Y never appear), then a fit of W and b with SGD (Nesterov momentum).
 *
 * Run: node --import tsx examples/linear-regression.ts
 */
import { randn } from '../src/index.js';
import { gradients, variable } from '../src/autograd/index.js';
import { SGD, CosineAnnealingLR } from '../src/optim/index.js';

const nSamples = 100;
// Data from Y = 3·X + 2 plus a little noise.
const X = randn([nSamples], { seed: 1, dtype: 'float64' });
const Y = X.mul(3).add(2).add(randn([nSamples], { seed: 2, dtype: 'float64' }).mul(0.1));

// Model weights, as tf.Variable(rng.randn(), name=...).
const W = variable(randn([], { seed: 3, dtype: 'float64' }), { name: 'weight' });
const b = variable(randn([], { seed: 4, dtype: 'float64' }), { name: 'bias' });

// pred = X·W + b; cost = Σ (pred − Y)² / (2·n)
const cost = () => X.mul(W).add(b).sub(Y).pow(2).sum().div(2 * nSamples);

const [dW, db] = gradients(cost, [W, b]); // same order as asked
const named = gradients(cost, { W, b }); //  { W: Tensor, b: Tensor }
console.log(`W = ${(W.item() as number).toFixed(6)}, b = ${(b.item() as number).toFixed(6)}`);
console.log(`dcost/dW = ${(dW.item() as number).toFixed(6)}, dcost/db = ${(db.item() as number).toFixed(6)}`);
console.log(`by name: ${Object.entries(named).map(([k, v]) => `${k}: ${(v.item() as number).toFixed(6)}`).join(', ')}`);

const opt = new SGD([W, b], { lr: 0.5, momentum: 0.9, nesterov: true });
const sched = new CosineAnnealingLR(opt, { tMax: 200, etaMin: 0.01 });
for (let epoch = 1; epoch <= 200; epoch++) {
  opt.step(gradients(cost, [W, b]));
  sched.step();
  if (epoch % 40 === 0) console.log(`epoch ${epoch}: cost = ${(cost().item() as number).toExponential(4)}, W = ${(W.item() as number).toFixed(4)}, b = ${(b.item() as number).toFixed(4)}`);
}

// The least-squares solution, for comparison.
const xs = X.toArray() as number[];
const ys = Y.toArray() as number[];
const mx = xs.reduce((s, v) => s + v, 0) / nSamples;
const my = ys.reduce((s, v) => s + v, 0) / nSamples;
let sxy = 0;
let sxx = 0;
xs.forEach((x, i) => {
  sxy += (x - mx) * (ys[i]! - my);
  sxx += (x - mx) ** 2;
});
const wLs = sxy / sxx;
console.log(`fitted W = ${(W.item() as number).toFixed(6)}, b = ${(b.item() as number).toFixed(6)}; least squares W = ${wLs.toFixed(6)}, b = ${(my - wLs * mx).toFixed(6)}`);
