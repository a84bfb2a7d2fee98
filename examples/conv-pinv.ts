/**
 * The seed question — "y = K * x with a [c, c, 3, 3] kernel: how do I compute x̂ = A⁺y efficiently?" — in adjoint,
 * mirroring the PyTorch code of the question and of its answer line by line. The answer's rfftn/pinv/einsum/irfftn
 * pipeline is the circular case; `A.pinv(y)` does it with the pseudo-inverse of A itself (one cut-off for the whole
 * operator), for any padding.
 *
 * Run: node --import tsx examples/conv-pinv.ts
 */
import { randn } from '../src/tensor/random.js';
import { conv2d as F_conv2d } from '../src/nn/conv2d.js';
import { conv2d } from '../src/operators/conv2d.js';
import '../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../src/operators/linear-operator.js';
import type { Tensor } from '../src/tensor/tensor.js';

const relMse = (a: Tensor, b: Tensor): number => {
  const x = toFloat64(a);
  const y = toFloat64(b);
  let n = 0;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    n += (x[i]! - y[i]!) ** 2;
    d += y[i]! ** 2;
  }
  return n / d;
};

// c = 32
const c = 32;
// K = torch.randn(c, c, 3, 3)            (float64 here: the default cut-off is max(M, N)·ε, far larger in float32)
const K = randn([c, c, 3, 3], { seed: 0, dtype: 'float64' });
// x = torch.randn(1, c, 128, 128)
const x = randn([1, c, 128, 128], { seed: 1, dtype: 'float64' });
// y = F.conv2d(x, K, padding=1)
const y = F_conv2d(x, K, { padding: 1 });
// print(y.shape)
console.log(`y.shape: [${y.shape.join(', ')}]`);

// The answer's pipeline is the circular convolution: K_f = rfftn(K, s); K_f_inv = pinv(K_f.T).T; ...; irfftn.
// In adjoint the operator says what it is, and pinv picks the exact FFT path for it:
const Acirc = conv2d(K, { inShape: [c, 128, 128], padding: 1, paddingMode: 'circular' });
const yCirc = Acirc.apply(x); // y_hat = irfftn(einsum('jkxy,ikxy->ijxy', K_f.conj(), x_f), s)
const t0 = performance.now();
const { x: xCirc, info: infoCirc } = Acirc.pinv(yCirc); // x_hat = irfftn(einsum(K_f_inv.conj(), rfftn(y_hat)), s)
console.log(`circular: method ${infoCirc.method}, ${((performance.now() - t0) / 1000).toFixed(2)} s, rank ${infoCirc.rank}`);
// print(torch.mean((x - x_hat)**2) / torch.mean((x)**2))
console.log(`circular: relative MSE ${relMse(xCirc, x).toExponential(2)}, residual ${infoCirc.relResidual.toExponential(2)}`);

// The question's own operator (zero padding 1) is not a circulant: the answer's FFT pipeline is wrong at the
// border. A.pinv solves it exactly as a least-squares problem (Krylov, bounded, reporting convergence).
const A = conv2d(K, { inShape: [c, 128, 128], padding: 1 });
const t1 = performance.now();
const { x: xHat, info } = A.pinv(y, { maxIter: 60, tol: 1e-10 });
console.log(
  `zeros, padding 1: method ${info.method}, ${info.iterations} iterations, ${info.converged ? 'converged' : 'stopped at the cap'}, ` +
    `${((performance.now() - t1) / 1000).toFixed(1)} s, residual ${info.relResidual.toExponential(2)}, relative MSE ${relMse(xHat, x).toExponential(2)}`,
);
