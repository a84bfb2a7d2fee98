/**
 * The seed question — "y = K * x with a [c, c, 3, 3] kernel: how do I compute x̂ = A⁺y efficiently?" — in adjoint,
 * mirroring the PyTorch code of the question and of its answer line by line. The answer's rfftn/pinv/einsum/irfftn
 * pipeline is the circular case; `A.pinv(y)` does it with the pseudo-inverse of A itself (one cut-off for the whole
 * operator); for the question's own zero padding it is exact too (a pad-ring capacitance LU).
 *
 * Run: node --import tsx examples/conv-pinv.ts
 */
// What `import { randn, nn, operators } from 'adjoint'` gives under Node (with the worker pool on both cores).
import { randn, nn, operators, nodeBackendReady, type Tensor } from '../src/node/index.js';

const F_conv2d = nn.conv2d;
const conv2d = operators.conv2d;
await nodeBackendReady();
const toFloat64 = (t: Tensor): ArrayLike<number> => t.data as ArrayLike<number>;

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
// border. A.pinv solves it exactly: a capacitance system on the one-pixel ring that embeds A in a 129×129 torus
// (8,224 unknowns, LU-factorised once; about 30 s here, a new y then costs about a second).
const A = conv2d(K, { inShape: [c, 128, 128], padding: 1 });
const t1 = performance.now();
const { x: xHat, info } = A.pinv(y);
console.log(
  `zeros, padding 1: method ${info.method}, ${info.converged ? 'converged' : 'NOT converged'}, status ${info.status}, ` +
    `cond ≈ ${info.condEstimate?.toExponential(1)}, ${((performance.now() - t1) / 1000).toFixed(1)} s, ` +
    `residual ${info.relResidual.toExponential(2)}, relative MSE ${relMse(xHat, x).toExponential(2)}`,
);
