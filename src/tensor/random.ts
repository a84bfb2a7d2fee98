import { argError } from '../errors.js';
import { castStorage } from './cast.js';
import { checkDType, isComplex, type DType } from './dtype.js';
import { getDefaultDtype } from './creation.js';
import { checkShape, numel } from './shape.js';
import { Tensor } from './tensor.js';

/** Options for {@link rand} and {@link randn}. */
export interface RandomOptions {
  /** Seed: the same seed gives the same numbers on every run and platform. Omitted: a fresh random seed. */
  seed?: number;
  /** Floating dtype (real or complex); defaults to the default float dtype. */
  dtype?: DType;
}

/**
 * A small, fast, portable generator: xoshiro128** seeded through splitmix32. All arithmetic is 32-bit
 * integer (Math.imul, >>>), so the stream is identical on every JS engine.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * g.uniform(); // in [0, 1)
 * ```
 */
export class Generator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw argError('Generator', 'seed', 'a finite number', seed);
    // splitmix32 expands the seed (low and high 32 bits) into four words of state.
    let x = (Math.trunc(seed) >>> 0) ^ Math.imul(Math.floor(Math.trunc(seed) / 2 ** 32) | 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal variate (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function setup(fn: string, shape: readonly number[] | number, options: RandomOptions): { s: number[]; dt: DType; g: Generator } {
  const s = checkShape(shape, 'shape', fn);
  const dt = options.dtype === undefined ? getDefaultDtype() : checkDType(options.dtype, 'dtype', fn);
  if (dt === 'int32' || dt === 'bool') throw argError(fn, 'dtype', 'a floating dtype (float32, float64, complex64, complex128)', dt);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  return { s, dt, g: new Generator(seed) };
}

/**
 * Uniform samples in [0, 1). Complex dtypes draw real and imaginary parts independently, as PyTorch does.
 *
 * @example
 * ```ts
 * rand([2, 3], { seed: 0, dtype: 'float64' });
 * ```
 */
export function rand(shape: readonly number[] | number, options: RandomOptions = {}): Tensor {
  const { s, dt, g } = setup('rand', shape, options);
  const n = numel(s) * (isComplex(dt) ? 2 : 1);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = g.uniform();
  return fromScalars(vals, s, dt);
}

/**
 * Standard normal samples. For complex dtypes each part has variance 1/2, so that E|z|² = 1, as in PyTorch.
 *
 * @example
 * ```ts
 * randn([100], { seed: 1, dtype: 'float64' });
 * ```
 */
export function randn(shape: readonly number[] | number, options: RandomOptions = {}): Tensor {
  const { s, dt, g } = setup('randn', shape, options);
  const cplx = isComplex(dt);
  const n = numel(s) * (cplx ? 2 : 1);
  const vals = new Float64Array(n);
  const scale = cplx ? Math.SQRT1_2 : 1;
  for (let i = 0; i < n; i++) vals[i] = g.normal() * scale;
  return fromScalars(vals, s, dt);
}

function fromScalars(vals: Float64Array, s: number[], dt: DType): Tensor {
  const real: DType = dt === 'complex64' || dt === 'float32' ? 'float32' : 'float64';
  const storage = castStorage(vals, 'float64', real, vals.length);
  return new Tensor(storage, s, dt);
}
