// The recorded surface covers the raw one: every fft/nn export has a recorded counterpart, methods record,
// and the few extra rules (setIndex, contiguous, float32) behave.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as rawFft from '../../src/fft/index.js';
import * as rawNn from '../../src/nn/index.js';
import { tensor, zeros, Tensor } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import { rn } from './helpers.js';

describe('recorded surface', () => {
  test('fft and nn namespaces export every raw name; transforms are the recorded versions', () => {
    for (const k of Object.keys(rawFft)) assert.ok(k in A.fft, `fft.${k} missing`);
    for (const k of Object.keys(rawNn)) assert.ok(k in A.nn, `nn.${k} missing`);
    for (const k of ['fft', 'ifft', 'rfft', 'irfft', 'fftn', 'rfftn', 'irfftn', 'fftshift'] as const) assert.notEqual(A.fft[k], rawFft[k]);
    assert.notEqual(A.nn.conv2d, rawNn.conv2d);
  });
  test('methods and getters record', () => {
    const w = A.variable(tensor([[1, 2], [3, 4]], { dtype: 'float64' }));
    for (const t of [w.add(1), w.mul(w), w.sum(), w.reshape([4]), w.T, w.mT, w.real, w.exp(), w.index(0), w.to('complex128'), w.clone(), w.contiguous(), w.matmul(w), w.var(), w.pad([1, 1])]) {
      assert.equal(t.requiresGrad, true);
    }
  });
  test('contiguous and clone pass the gradient through', () => {
    assert.equal(A.gradcheck((t) => A.contiguous(t.mT), [rn([2, 3])]), true);
  });
  test('setIndex on a tensor that requires grad is an error; fine on plain tensors', () => {
    const w = A.variable(zeros([3], { dtype: 'float64' }));
    assert.throws(() => A.setIndex(w, [0], 1), /setIndex: writes in place/);
    const z = zeros([3], { dtype: 'float64' });
    A.setIndex(z, [0], 1);
    assert.deepEqual(z.toArray(), [1, 0, 0]);
    A.noGrad(() => A.setIndex(w, [1], 2));
    assert.deepEqual(w.toArray(), [0, 2, 0]);
  });
  test('float32 variables get float32 gradients; mixed precision promotes then casts back', () => {
    const w = A.variable(tensor([1, 2], { dtype: 'float32' }));
    const x = tensor([0.5, 0.25], { dtype: 'float64' });
    const [g] = A.gradients(() => w.mul(x).sum(), [w]);
    assert.equal(g.dtype, 'float32');
    assert.deepEqual(g.toArray(), [0.5, 0.25]);
  });
  test('variables must be float or complex; requiresGrad_ only on leaves', () => {
    assert.throws(() => A.variable(tensor([1, 2], { dtype: 'int32' })), /float or complex/);
    const w = A.variable(tensor([1], { dtype: 'float64' }));
    assert.throws(() => w.mul(2).requiresGrad_(), /leaf/);
    const t: Tensor = tensor([1, 2], { dtype: 'float64' }).requiresGrad_();
    const [g] = A.gradients(() => t.mul(t).sum(), [t]);
    assert.deepEqual(g.toArray(), [2, 4]);
  });
  test('gradients with respect to an intermediate (non-leaf) tensor is an error', () => {
    const w = A.variable(tensor([1], { dtype: 'float64' }));
    const h = w.mul(2);
    assert.throws(() => A.gradients(h.mul(h).sum(), [h]), /leaf/);
  });
});
