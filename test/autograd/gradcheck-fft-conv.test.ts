// The fft family and the convolutions against finite differences: every norm, padded/cropped lengths,
// odd and even half spectra, every conv option and padding mode.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import { cn, rn } from './helpers.js';

type F = (...xs: Tensor[]) => Tensor;
const check = (f: F, xs: Tensor[]) => assert.equal(A.gradcheck(f, xs, { atol: 1e-6, rtol: 1e-5 }), true);
const norms = ['backward', 'ortho', 'forward'] as const;

describe('gradcheck: fft family', () => {
  test('fft / ifft: each norm, n shorter and longer, real and complex input, other dim', () => {
    for (const norm of norms) {
      check((x) => A.fft.fft(x, { norm }), [cn([5])]);
      check((x) => A.fft.ifft(x, { norm, n: 7 }), [cn([2, 5])]);
      check((x) => A.fft.fft(x, { norm, n: 3, dim: 0 }), [rn([5, 2])]);
    }
  });
  test('rfft: even and odd n, cropped and padded, each norm', () => {
    for (const norm of norms) {
      check((x) => A.fft.rfft(x, { norm }), [rn([6])]);
      check((x) => A.fft.rfft(x, { norm }), [rn([2, 7])]);
      check((x) => A.fft.rfft(x, { norm, n: 4 }), [rn([6])]);
      check((x) => A.fft.rfft(x, { norm, n: 9, dim: 0 }), [rn([5, 2])]);
    }
  });
  test('irfft: half-spectrum weighting (even and odd n), input longer/shorter than n/2+1', () => {
    for (const norm of norms) {
      check((x) => A.fft.irfft(x, { norm }), [cn([4])]);
      check((x) => A.fft.irfft(x, { norm, n: 7 }), [cn([4])]);
      check((x) => A.fft.irfft(x, { norm, n: 4 }), [cn([2, 5])]);
      check((x) => A.fft.irfft(x, { norm, n: 12 }), [cn([3])]);
    }
  });
  test('hfft / ihfft', () => {
    check((x) => A.fft.hfft(x, { n: 6 }), [cn([4])]);
    check((x) => A.fft.ihfft(x, { norm: 'ortho' }), [rn([5])]);
  });
  test('n-D: fftn, ifftn, fft2, rfftn, irfftn, rfft2, irfft2 with s and dim', () => {
    check((x) => A.fft.fftn(x), [cn([3, 4])]);
    check((x) => A.fft.ifftn(x, { s: [5, 2], norm: 'ortho' }), [cn([3, 4])]);
    check((x) => A.fft.fft2(x), [rn([2, 3, 3])]);
    check((x) => A.fft.rfftn(x, { s: [4, 6] }), [rn([3, 5])]);
    check((x) => A.fft.rfftn(x, { dim: [0, 2], norm: 'forward' }), [rn([3, 2, 5])]);
    check((x) => A.fft.irfftn(x, { s: [4, 6] }), [cn([3, 4])]);
    check((x) => A.fft.irfftn(x, { s: [3, 5], norm: 'ortho' }), [cn([3, 3])]);
    check((x) => A.fft.rfft2(x), [rn([4, 5])]);
    check((x) => A.fft.irfft2(x), [cn([3, 3])]);
  });
  test('fftshift / ifftshift', () => {
    check((x) => A.fft.fftshift(x), [rn([5, 4])]);
    check((x) => A.fft.ifftshift(x, { dim: 0 }), [cn([5, 2])]);
  });
  test("the seed answer's FFT convolution: irfftn(einsum(rfftn(K).conj(), rfftn(x)))", () => {
    const s = [6, 6];
    const f = (K: Tensor, x: Tensor) => {
      const Kf = A.fft.rfftn(K, { s });
      const xf = A.fft.rfftn(x, { s });
      return A.fft.irfftn(A.einsum('jkxy,ikxy->ijxy', Kf.conj(), xf), { s });
    };
    check(f, [rn([2, 3, 3, 3]), rn([1, 3, 6, 6])]);
  });
});

describe('gradcheck: conv2d and convTranspose2d', () => {
  const cases: Array<[string, A.nn.Conv2dOptions]> = [
    ['plain', {}],
    ['stride 2, padding 1', { stride: 2, padding: 1 }],
    ['dilation 2, padding [1, 2]', { dilation: 2, padding: [1, 2] }],
    ['groups 2', { groups: 2, padding: 1 }],
    ["'same' with even kernel", { padding: 'same' }],
    ['circular', { padding: 1, paddingMode: 'circular' }],
    ['reflect, stride 2', { padding: 1, paddingMode: 'reflect', stride: 2 }],
    ['replicate, dilation', { padding: 2, paddingMode: 'replicate', dilation: 2 }],
    ['stride [2, 1] skipping rows', { stride: [2, 1] }],
  ];
  for (const [name, o] of cases) {
    test(`conv2d ${name}`, () => {
      const k = name.includes('even') ? 2 : 3;
      const cin = 4;
      const w = rn([2, o.groups ? cin / o.groups : cin, k, k]);
      const b = rn([2]);
      check((x, ww, bb) => A.nn.conv2d(x, ww, { ...o, bias: bb }), [rn([2, cin, 6, 6]), w, b]);
    });
  }
  test('conv2d complex, unbatched', () => {
    check((x, w) => A.nn.conv2d(x, w, { padding: 1 }), [cn([2, 5, 4]), cn([3, 2, 3, 3])]);
    check((x, w) => A.nn.conv2d(x, w, { stride: 2 }), [rn([2, 5, 5]), cn([3, 2, 2, 2])]);
  });
  const tcases: Array<[string, A.nn.ConvTranspose2dOptions]> = [
    ['plain', {}],
    ['stride 2, padding 1, outputPadding 1', { stride: 2, padding: 1, outputPadding: 1 }],
    ['dilation 3 with outputPadding 2 > stride', { dilation: 3, outputPadding: 2, stride: 1 }],
    ['groups 2', { groups: 2, stride: 2 }],
  ];
  for (const [name, o] of tcases) {
    test(`convTranspose2d ${name}`, () => {
      check((x, w, b) => A.nn.convTranspose2d(x, w, { ...o, bias: b }), [rn([2, 4, 3, 3]), rn([4, 3, 3, 3]), rn([o.groups ? 6 : 3])]);
    });
  }
  test('convTranspose2d complex', () => {
    check((x, w) => A.nn.convTranspose2d(x, w, { stride: 2 }), [cn([1, 2, 3, 3]), cn([2, 2, 2, 2])]);
  });
  test('pad2d and pad2dAdjoint', () => {
    check((x) => A.nn.pad2d(x, [1, 2, 2, 0], 'reflect'), [rn([2, 4, 4])]);
    check((y) => A.nn.pad2dAdjoint(y, 1, 'circular'), [rn([2, 5, 5])]);
  });
});
