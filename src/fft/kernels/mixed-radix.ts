/**
 * Stockham autosort passes (radix 2, 3, 4, 5, 8, generated 7/11/13/17/19 in codelets.ts, and generic odd) over interleaved complex Float64Arrays.
 *
 * Layout: a batch of `B` transforms of length n is stored "lane-major": element i of transform b lives at
 * complex index i·B + b. A pass of radix p with l = product of earlier radices and m = n/(l·p) reads
 * Y_l(s, j) at (s + m·(q + p·j))·B + b and writes Y_{lp}(s, j + l·u) at (s + m·(j + l·u))·B + b, so the
 * innermost loop runs over R = m·B consecutive complex numbers on both sides (s and b merge), with one
 * twiddle per outer iteration. That makes the batched column transforms of the n-D driver stream memory.
 *
 * Recurrence (DIT, exponent sign σ): Y_{lp}(s, j + l·u) = Σ_q ω_p^{uq} · [ω_{lp}^{jq} · Y_l(s + m·q, j)].
 *
 * When both buffers are views of the WebAssembly kernel memory (fftWorkspace in wasm-stockham.ts), the radix 2, 3, 4,
 * 5 and 8 passes run as the SIMD kernels of stockham.wat instead, with the same arithmetic in the same order.
 */
import { pass7, pass11, pass13, pass17, pass19 } from './codelets.js';
import type { StockhamPass, StockhamPlan } from './plan.js';
import { wasmPass } from './wasm-stockham.js';

const SQRT3_2 = Math.sqrt(3) / 2;
const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

function pass2(x: Float64Array, y: Float64Array, ps: StockhamPass, R: number): void {
  const { l, tw } = ps;
  const lR2 = 2 * l * R;
  const R2 = 2 * R;
  for (let j = 0; j < l; j++) {
    const wr = tw[2 * j]!;
    const wi = tw[2 * j + 1]!;
    const ib = 2 * j * R2;
    const ob = j * R2;
    if (j === 0) {
      for (let t = 0; t < R2; t += 2) {
        const i0 = ib + t;
        const i1 = i0 + R2;
        const a0r = x[i0]!, a0i = x[i0 + 1]!;
        const a1r = x[i1]!, a1i = x[i1 + 1]!;
        const o0 = ob + t;
        y[o0] = a0r + a1r;
        y[o0 + 1] = a0i + a1i;
        y[o0 + lR2] = a0r - a1r;
        y[o0 + lR2 + 1] = a0i - a1i;
      }
      continue;
    }
    for (let t = 0; t < R2; t += 2) {
      const i0 = ib + t;
      const i1 = i0 + R2;
      const a0r = x[i0]!, a0i = x[i0 + 1]!;
      const br = x[i1]!, bi = x[i1 + 1]!;
      const a1r = br * wr - bi * wi;
      const a1i = br * wi + bi * wr;
      const o0 = ob + t;
      y[o0] = a0r + a1r;
      y[o0 + 1] = a0i + a1i;
      y[o0 + lR2] = a0r - a1r;
      y[o0 + lR2 + 1] = a0i - a1i;
    }
  }
}

function pass4(x: Float64Array, y: Float64Array, ps: StockhamPass, R: number, sign: number): void {
  const { l, tw } = ps;
  const lR2 = 2 * l * R;
  const R2 = 2 * R;
  for (let j = 0; j < l; j++) {
    const tb = 6 * j;
    const w1r = tw[tb]!, w1i = tw[tb + 1]!;
    const w2r = tw[tb + 2]!, w2i = tw[tb + 3]!;
    const w3r = tw[tb + 4]!, w3i = tw[tb + 5]!;
    const ib = 4 * j * R2;
    const ob = j * R2;
    const unit = j === 0;
    for (let t = 0; t < R2; t += 2) {
      const i0 = ib + t;
      const i1 = i0 + R2;
      const i2 = i1 + R2;
      const i3 = i2 + R2;
      const a0r = x[i0]!, a0i = x[i0 + 1]!;
      let a1r = x[i1]!, a1i = x[i1 + 1]!;
      let a2r = x[i2]!, a2i = x[i2 + 1]!;
      let a3r = x[i3]!, a3i = x[i3 + 1]!;
      if (!unit) {
        let r = a1r * w1r - a1i * w1i;
        a1i = a1r * w1i + a1i * w1r;
        a1r = r;
        r = a2r * w2r - a2i * w2i;
        a2i = a2r * w2i + a2i * w2r;
        a2r = r;
        r = a3r * w3r - a3i * w3i;
        a3i = a3r * w3i + a3i * w3r;
        a3r = r;
      }
      const t0r = a0r + a2r, t0i = a0i + a2i;
      const t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      // (a1 − a3)·(σ i)
      const t3r = -sign * (a1i - a3i), t3i = sign * (a1r - a3r);
      const o0 = ob + t;
      const o1 = o0 + lR2;
      const o2 = o1 + lR2;
      const o3 = o2 + lR2;
      y[o0] = t0r + t2r;
      y[o0 + 1] = t0i + t2i;
      y[o2] = t0r - t2r;
      y[o2 + 1] = t0i - t2i;
      y[o1] = t1r + t3r;
      y[o1 + 1] = t1i + t3i;
      y[o3] = t1r - t3r;
      y[o3 + 1] = t1i - t3i;
    }
  }
}

const SQRT1_2 = Math.SQRT1_2;

/** Radix 8 as two radix-4 halves (even/odd inputs) combined with ω_8^u; fewer passes for powers of two. */
function pass8(x: Float64Array, y: Float64Array, ps: StockhamPass, R: number, sign: number): void {
  const { l, tw } = ps;
  const lR2 = 2 * l * R;
  const R2 = 2 * R;
  for (let j = 0; j < l; j++) {
    const tb = 14 * j;
    const w1r = tw[tb]!, w1i = tw[tb + 1]!, w2r = tw[tb + 2]!, w2i = tw[tb + 3]!;
    const w3r = tw[tb + 4]!, w3i = tw[tb + 5]!, w4r = tw[tb + 6]!, w4i = tw[tb + 7]!;
    const w5r = tw[tb + 8]!, w5i = tw[tb + 9]!, w6r = tw[tb + 10]!, w6i = tw[tb + 11]!;
    const w7r = tw[tb + 12]!, w7i = tw[tb + 13]!;
    const ib = 8 * j * R2;
    const ob = j * R2;
    const unit = j === 0;
    for (let t = 0; t < R2; t += 2) {
      const i0 = ib + t;
      let a0r = x[i0]!, a0i = x[i0 + 1]!;
      let a1r = x[i0 + R2]!, a1i = x[i0 + R2 + 1]!;
      let a2r = x[i0 + 2 * R2]!, a2i = x[i0 + 2 * R2 + 1]!;
      let a3r = x[i0 + 3 * R2]!, a3i = x[i0 + 3 * R2 + 1]!;
      let a4r = x[i0 + 4 * R2]!, a4i = x[i0 + 4 * R2 + 1]!;
      let a5r = x[i0 + 5 * R2]!, a5i = x[i0 + 5 * R2 + 1]!;
      let a6r = x[i0 + 6 * R2]!, a6i = x[i0 + 6 * R2 + 1]!;
      let a7r = x[i0 + 7 * R2]!, a7i = x[i0 + 7 * R2 + 1]!;
      if (!unit) {
        let r = a1r * w1r - a1i * w1i; a1i = a1r * w1i + a1i * w1r; a1r = r;
        r = a2r * w2r - a2i * w2i; a2i = a2r * w2i + a2i * w2r; a2r = r;
        r = a3r * w3r - a3i * w3i; a3i = a3r * w3i + a3i * w3r; a3r = r;
        r = a4r * w4r - a4i * w4i; a4i = a4r * w4i + a4i * w4r; a4r = r;
        r = a5r * w5r - a5i * w5i; a5i = a5r * w5i + a5i * w5r; a5r = r;
        r = a6r * w6r - a6i * w6i; a6i = a6r * w6i + a6i * w6r; a6r = r;
        r = a7r * w7r - a7i * w7i; a7i = a7r * w7i + a7i * w7r; a7r = r;
      }
      // even half: radix 4 of a0, a2, a4, a6
      let t0r = a0r + a4r, t0i = a0i + a4i;
      let t1r = a0r - a4r, t1i = a0i - a4i;
      let t2r = a2r + a6r, t2i = a2i + a6i;
      let t3r = -sign * (a2i - a6i), t3i = sign * (a2r - a6r);
      const e0r = t0r + t2r, e0i = t0i + t2i;
      const e2r = t0r - t2r, e2i = t0i - t2i;
      const e1r = t1r + t3r, e1i = t1i + t3i;
      const e3r = t1r - t3r, e3i = t1i - t3i;
      // odd half: radix 4 of a1, a3, a5, a7
      t0r = a1r + a5r; t0i = a1i + a5i;
      t1r = a1r - a5r; t1i = a1i - a5i;
      t2r = a3r + a7r; t2i = a3i + a7i;
      t3r = -sign * (a3i - a7i); t3i = sign * (a3r - a7r);
      const o0r = t0r + t2r, o0i = t0i + t2i;
      const o2r = t0r - t2r, o2i = t0i - t2i;
      const o1r = t1r + t3r, o1i = t1i + t3i;
      const o3r = t1r - t3r, o3i = t1i - t3i;
      // ω8^1·o1, ω8^2·o2 = σi·o2, ω8^3·o3
      const p1r = (o1r - sign * o1i) * SQRT1_2, p1i = (o1i + sign * o1r) * SQRT1_2;
      const p2r = -sign * o2i, p2i = sign * o2r;
      const p3r = (-o3r - sign * o3i) * SQRT1_2, p3i = (sign * o3r - o3i) * SQRT1_2;
      const q0 = ob + t;
      y[q0] = e0r + o0r; y[q0 + 1] = e0i + o0i;
      y[q0 + 4 * lR2] = e0r - o0r; y[q0 + 4 * lR2 + 1] = e0i - o0i;
      y[q0 + lR2] = e1r + p1r; y[q0 + lR2 + 1] = e1i + p1i;
      y[q0 + 5 * lR2] = e1r - p1r; y[q0 + 5 * lR2 + 1] = e1i - p1i;
      y[q0 + 2 * lR2] = e2r + p2r; y[q0 + 2 * lR2 + 1] = e2i + p2i;
      y[q0 + 6 * lR2] = e2r - p2r; y[q0 + 6 * lR2 + 1] = e2i - p2i;
      y[q0 + 3 * lR2] = e3r + p3r; y[q0 + 3 * lR2 + 1] = e3i + p3i;
      y[q0 + 7 * lR2] = e3r - p3r; y[q0 + 7 * lR2 + 1] = e3i - p3i;
    }
  }
}

function pass3(x: Float64Array, y: Float64Array, ps: StockhamPass, R: number, sign: number): void {
  const { l, tw } = ps;
  const lR2 = 2 * l * R;
  const R2 = 2 * R;
  const c = sign * SQRT3_2;
  for (let j = 0; j < l; j++) {
    const tb = 4 * j;
    const w1r = tw[tb]!, w1i = tw[tb + 1]!;
    const w2r = tw[tb + 2]!, w2i = tw[tb + 3]!;
    const ib = 3 * j * R2;
    const ob = j * R2;
    for (let t = 0; t < R2; t += 2) {
      const i0 = ib + t;
      const i1 = i0 + R2;
      const i2 = i1 + R2;
      const a0r = x[i0]!, a0i = x[i0 + 1]!;
      const b1r = x[i1]!, b1i = x[i1 + 1]!;
      const b2r = x[i2]!, b2i = x[i2 + 1]!;
      const a1r = b1r * w1r - b1i * w1i, a1i = b1r * w1i + b1i * w1r;
      const a2r = b2r * w2r - b2i * w2i, a2i = b2r * w2i + b2i * w2r;
      const sr = a1r + a2r, si = a1i + a2i;
      const dr = a1r - a2r, di = a1i - a2i;
      const mr = a0r - 0.5 * sr, mi = a0i - 0.5 * si;
      const o0 = ob + t;
      const o1 = o0 + lR2;
      const o2 = o1 + lR2;
      y[o0] = a0r + sr;
      y[o0 + 1] = a0i + si;
      y[o1] = mr - c * di;
      y[o1 + 1] = mi + c * dr;
      y[o2] = mr + c * di;
      y[o2 + 1] = mi - c * dr;
    }
  }
}

function pass5(x: Float64Array, y: Float64Array, ps: StockhamPass, R: number, sign: number): void {
  const { l, tw } = ps;
  const lR2 = 2 * l * R;
  const R2 = 2 * R;
  const s1 = sign * S51, s2 = sign * S52;
  for (let j = 0; j < l; j++) {
    const tb = 8 * j;
    const w1r = tw[tb]!, w1i = tw[tb + 1]!;
    const w2r = tw[tb + 2]!, w2i = tw[tb + 3]!;
    const w3r = tw[tb + 4]!, w3i = tw[tb + 5]!;
    const w4r = tw[tb + 6]!, w4i = tw[tb + 7]!;
    const ib = 5 * j * R2;
    const ob = j * R2;
    for (let t = 0; t < R2; t += 2) {
      const i0 = ib + t;
      const i1 = i0 + R2;
      const i2 = i1 + R2;
      const i3 = i2 + R2;
      const i4 = i3 + R2;
      const a0r = x[i0]!, a0i = x[i0 + 1]!;
      let br = x[i1]!, bi = x[i1 + 1]!;
      const a1r = br * w1r - bi * w1i, a1i = br * w1i + bi * w1r;
      br = x[i2]!;
      bi = x[i2 + 1]!;
      const a2r = br * w2r - bi * w2i, a2i = br * w2i + bi * w2r;
      br = x[i3]!;
      bi = x[i3 + 1]!;
      const a3r = br * w3r - bi * w3i, a3i = br * w3i + bi * w3r;
      br = x[i4]!;
      bi = x[i4 + 1]!;
      const a4r = br * w4r - bi * w4i, a4i = br * w4i + bi * w4r;
      const s14r = a1r + a4r, s14i = a1i + a4i;
      const d14r = a1r - a4r, d14i = a1i - a4i;
      const s23r = a2r + a3r, s23i = a2i + a3i;
      const d23r = a2r - a3r, d23i = a2i - a3i;
      // y1/y4 = A1 ± iB1, y2/y3 = A2 ± iB2 (B carries σ through s1, s2)
      const A1r = a0r + C51 * s14r + C52 * s23r, A1i = a0i + C51 * s14i + C52 * s23i;
      const A2r = a0r + C52 * s14r + C51 * s23r, A2i = a0i + C52 * s14i + C51 * s23i;
      const B1r = s1 * d14r + s2 * d23r, B1i = s1 * d14i + s2 * d23i;
      const B2r = s2 * d14r - s1 * d23r, B2i = s2 * d14i - s1 * d23i;
      const o0 = ob + t;
      const o1 = o0 + lR2;
      const o2 = o1 + lR2;
      const o3 = o2 + lR2;
      const o4 = o3 + lR2;
      y[o0] = a0r + s14r + s23r;
      y[o0 + 1] = a0i + s14i + s23i;
      y[o1] = A1r - B1i;
      y[o1 + 1] = A1i + B1r;
      y[o4] = A1r + B1i;
      y[o4 + 1] = A1i - B1r;
      y[o2] = A2r - B2i;
      y[o2 + 1] = A2i + B2r;
      y[o3] = A2r + B2i;
      y[o3 + 1] = A2i - B2r;
    }
  }
}

/** Generic odd prime radix p: pairs q and p−q so each output pair costs (p−1)/2 real multiply-adds per part. */
function passGeneric(x: Float64Array, y: Float64Array, ps: StockhamPass, R: number, scratch: Float64Array): void {
  const { p, l, tw } = ps;
  const cosT = ps.cosT!;
  const sinT = ps.sinT!;
  const lR2 = 2 * l * R;
  const R2 = 2 * R;
  const h = (p - 1) >> 1;
  // scratch: [sum re, sum im, diff re, diff im] for q = 1..h
  for (let j = 0; j < l; j++) {
    const tb = 2 * (p - 1) * j;
    const ib = p * j * R2;
    const ob = j * R2;
    for (let t = 0; t < R2; t += 2) {
      const i0 = ib + t;
      const a0r = x[i0]!, a0i = x[i0 + 1]!;
      let sumr = a0r, sumi = a0i;
      for (let q = 1; q <= h; q++) {
        const iq = i0 + q * R2;
        const ir = i0 + (p - q) * R2;
        const wqr = tw[tb + 2 * (q - 1)]!, wqi = tw[tb + 2 * (q - 1) + 1]!;
        const wrr = tw[tb + 2 * (p - q - 1)]!, wri = tw[tb + 2 * (p - q - 1) + 1]!;
        const xr = x[iq]!, xi = x[iq + 1]!;
        const zr = x[ir]!, zi = x[ir + 1]!;
        const ar = xr * wqr - xi * wqi, ai = xr * wqi + xi * wqr;
        const cr = zr * wrr - zi * wri, ci = zr * wri + zi * wrr;
        const k = 4 * q;
        scratch[k] = ar + cr;
        scratch[k + 1] = ai + ci;
        scratch[k + 2] = ar - cr;
        scratch[k + 3] = ai - ci;
        sumr += ar + cr;
        sumi += ai + ci;
      }
      const o0 = ob + t;
      y[o0] = sumr;
      y[o0 + 1] = sumi;
      for (let u = 1; u <= h; u++) {
        let Ar = a0r, Ai = a0i, Br = 0, Bi = 0;
        let e = 0;
        for (let q = 1; q <= h; q++) {
          e += u;
          if (e >= p) e -= p;
          const c = cosT[e]!, s = sinT[e]!;
          const k = 4 * q;
          Ar += c * scratch[k]!;
          Ai += c * scratch[k + 1]!;
          Br += s * scratch[k + 2]!;
          Bi += s * scratch[k + 3]!;
        }
        const ou = o0 + u * lR2;
        const ov = o0 + (p - u) * lR2;
        y[ou] = Ar - Bi;
        y[ou + 1] = Ai + Br;
        y[ov] = Ar + Bi;
        y[ov + 1] = Ai - Br;
      }
    }
  }
}

/**
 * Runs every pass of a Stockham plan on a lane-major batch of `B` transforms held in `a` (length ≥ 2·n·B),
 * ping-ponging with `b` (same size). Returns whichever of the two holds the result.
 *
 * @example
 * ```ts
 * const out = runStockham(buildStockham(8, -1), data, tmp, 1);
 * ```
 */
export function runStockham(plan: StockhamPlan, a: Float64Array, b: Float64Array, B = 1): Float64Array {
  let x = a;
  let y = b;
  const scratch = plan.maxGeneric > 0 ? new Float64Array(4 * (plan.maxGeneric + 1)) : undefined;
  for (const ps of plan.passes) {
    const R = ps.m * B;
    // scratch from fftWorkspace lives in WebAssembly memory: the SIMD pass where there is one
    if (!wasmPass(ps, x, y, R, plan.sign)) jsPass(ps, x, y, R, plan.sign, scratch);
    const t = x;
    x = y;
    y = t;
  }
  return x;
}

/** One Stockham pass x → y in JavaScript (the radix's codelet, or the generic pass with `scratch`). */
function jsPass(ps: StockhamPass, x: Float64Array, y: Float64Array, R: number, sign: number, scratch: Float64Array | undefined): void {
  switch (ps.p) {
    case 2:
      pass2(x, y, ps, R);
      break;
    case 3:
      pass3(x, y, ps, R, sign);
      break;
    case 4:
      pass4(x, y, ps, R, sign);
      break;
    case 5:
      pass5(x, y, ps, R, sign);
      break;
    case 8:
      pass8(x, y, ps, R, sign);
      break;
    case 7:
      pass7(x, y, ps, R, sign);
      break;
    case 11:
      pass11(x, y, ps, R, sign);
      break;
    case 13:
      pass13(x, y, ps, R, sign);
      break;
    case 17:
      pass17(x, y, ps, R, sign);
      break;
    case 19:
      pass19(x, y, ps, R, sign);
      break;
    default:
      passGeneric(x, y, ps, R, scratch!);
  }
}
