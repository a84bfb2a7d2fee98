/**
 * Which pseudo-inverse path `Conv2dOperator.pinv` takes: the exact FFT path whenever the operator is a
 * circulant (circular padding, stride dividing the size), the dense SVD for small operators, the exact ring
 * solvers (exact/) for larger real 'valid' convolutions (padding 0, groups 1, c_out ≤ c_in·s², undamped) and
 * zero-, reflect- or replicate-padded ones of any pads, stride, dilation and c_out/c_in (ring ≤ RECT_RING_MAX
 * unknowns; square stride-1 'same' through the smaller pad-ring LU, ≤ SAME_RING_MAX), and the Krylov path
 * otherwise.
 */
import { AdjointError } from '../../errors.js';
import type { Conv2dOperator } from '../conv2d.js';
import { circularFftObstacle } from './circular-fft.js';
import { DENSE_AUTO_MAX_UNKNOWNS, DENSE_MAX_ENTRIES } from './dense.js';
import { exactAutoObstacle, exactObstacle, exactWellPosed } from '../exact/conv2d-exact.js';


/** A pseudo-inverse method; 'auto' picks one. @example `const m: ConvPinvMethod = 'fft';` */
export type ConvPinvMethod = 'auto' | 'fft' | 'dense' | 'exact' | 'krylov';

/**
 * Resolves `method` for `op`: 'auto' → 'fft' when exact, else 'dense' up to {@link DENSE_AUTO_MAX_UNKNOWNS}
 * unknowns, else 'exact' (ring solvers) for a well-posed real 'valid' or padded (zeros, reflect, replicate) convolution when undamped, else
 * 'krylov'. An explicit method that cannot apply throws, saying why.
 *
 * @example `chooseMethod(A, 'auto') // 'fft'`
 */
export function chooseMethod(op: Conv2dOperator, method: ConvPinvMethod = 'auto', damp = 0): 'fft' | 'dense' | 'exact' | 'krylov' {
  const fn = `${op.name}.pinv`;
  if (method === 'fft') {
    const why = circularFftObstacle(op);
    if (why !== null) throw new AdjointError(`${fn}: method 'fft' needs a circular convolution whose stride divides the input size: ${why}`, 'method');
    return 'fft';
  }
  if (method === 'dense') {
    if (op.inSize * op.outSize > DENSE_MAX_ENTRIES) {
      throw new AdjointError(`${fn}: method 'dense' would build a ${op.outSize} × ${op.inSize} matrix, above ${DENSE_MAX_ENTRIES} entries; use 'krylov'`, 'method');
    }
    return 'dense';
  }
  if (method === 'exact') {
    const why = exactObstacle(op);
    if (why !== null) throw new AdjointError(`${fn}: method 'exact' needs a real 'valid' convolution or a zero-, reflect- or replicate-padded one whose normal equations the ring solvers can form, groups 1: ${why}`, 'method');
    if (damp !== 0) throw new AdjointError(`${fn}: method 'exact' solves the undamped problem; use 'krylov', 'dense' or 'fft' with damp`, 'method');
    return 'exact';
  }
  if (method === 'krylov') return 'krylov';
  if (method !== 'auto') throw new AdjointError(`${fn}: argument 'method' must be 'auto', 'fft', 'dense', 'exact' or 'krylov', got ${JSON.stringify(method)}`, 'method');
  if (circularFftObstacle(op) === null) return 'fft';
  if (op.inSize <= DENSE_AUTO_MAX_UNKNOWNS && op.outSize <= 4 * DENSE_AUTO_MAX_UNKNOWNS) return 'dense';
  // c_out > c_in·s²: G = CCᵀ is singular and the ring solver would only give a regularised answer.
  if (damp === 0 && exactAutoObstacle(op) === null && exactWellPosed(op)) return 'exact';
  return 'krylov';
}
