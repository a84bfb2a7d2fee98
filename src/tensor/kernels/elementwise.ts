/**
 * Elementwise kernels: a strided row driver (odometer over outer dims, tight inner loop) and row kernels
 * for real, integer and complex operands. Pure functions over typed arrays; no Tensor import.
 *
 * Positions and strides are in storage scalars of each array: the caller doubles them for complex
 * (interleaved re/im) arrays, so one driver serves every dtype.
 */
import type { Storage } from '../dtype.js';

/** Row callback: `len` elements starting at `pos[k]` in operand k, stepping `inner[k]`. @example `const row: RowFn = (len, pos, inner) => {};` */
export type RowFn = (len: number, pos: readonly number[], inner: readonly number[]) => void;

/**
 * Runs `row` over every innermost row of an n-d iteration space shared by several operands.
 * Adjacent dims that are contiguous for every operand (or broadcast in both) are merged first, so
 * contiguous same-shape operands take one call with `len = numel`. Broadcast dims have stride 0.
 *
 * @example
 * ```ts
 * forEachRow([2, 3], [[3, 1], [0, 1]], [0, 0], (len, pos, inner) => { ... });
 * ```
 */
export function forEachRow(shape: readonly number[], strides: readonly (readonly number[])[], offsets: readonly number[], row: RowFn): void {
  const nops = strides.length;
  for (const d of shape) if (d === 0) return;
  // Collapse: drop size-1 dims, then merge dim i into i+1 when every operand's stride allows it.
  const cs: number[] = [];
  const cst: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const last = cs.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < nops; k++) if (cst[k]![last]! !== strides[k]![i]! * d) merge = false;
    if (merge) {
      cs[last] = cs[last]! * d;
      for (let k = 0; k < nops; k++) cst[k]![last] = strides[k]![i]!;
    } else {
      cs.push(d);
      for (let k = 0; k < nops; k++) cst[k]!.push(strides[k]![i]!);
    }
  }
  const pos = offsets.slice();
  if (cs.length === 0) {
    row(1, pos, new Array<number>(nops).fill(0));
    return;
  }
  const nd = cs.length;
  const len = cs[nd - 1]!;
  const inner = cst.map((s) => s[nd - 1]!);
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    row(len, pos, inner);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < nops; k++) pos[k]! += cst[k]![d]!;
      if (idx[d]! < cs[d]!) break;
      for (let k = 0; k < nops; k++) pos[k]! -= cst[k]![d]! * cs[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Real scalar helpers (C/NumPy semantics where JS differs)

/** C `pow`: unlike JS, 1**y = 1 for every y (NaN too) and (-1)**±Inf = 1. @example `cPow(1, NaN) // 1` */
export function cPow(x: number, y: number): number {
  if (x === 1) return 1;
  if ((y === Infinity || y === -Infinity) && x === -1) return 1;
  return Math.pow(x, y);
}

/** NumPy's float `remainder`: result has the sign of the divisor; x % 0 is NaN. @example `floatRemainder(-1, 3) // 2` */
export function floatRemainder(a: number, b: number): number {
  let mod = a % b; // JS % on numbers is C fmod: exact
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else if (b === b) mod = b < 0 || Object.is(b, -0) ? -0 : 0;
  return mod;
}

/** NumPy's float `floor_divide` (via divmod, so that a == b*q + r holds closely); x // 0 is ±Inf or NaN. @example `floatFloorDivide(-7, 2) // -4` */
export function floatFloorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div !== 0) {
    let fl = Math.floor(div);
    if (div - fl > 0.5) fl += 1;
    return fl;
  }
  return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
}

/** Round half to even (C `rint`, NumPy/PyTorch `round`). @example `roundHalfEven(2.5) // 2` */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds halves up; fix exact halves whose rounded value is odd.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r === 0 && x < 0 ? -0 : r;
}

/** Integer power with int32 wrap-around (exponent must be >= 0). @example `intPow(3, 4) // 81` */
export function intPow(base: number, e: number): number {
  let r = 1;
  let b = base | 0;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e = Math.floor(e / 2);
  }
  return r;
}

/** Python-style integer modulo (sign of the divisor); divisor must be non-zero. @example `intRemainder(-7, 2) // 1` */
export function intRemainder(a: number, b: number): number {
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r;
}

/** Integer floor division (divisor non-zero); exact for int32 operands in double arithmetic. @example `intFloorDivide(-7, 2) // -4` */
export function intFloorDivide(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Logistic function, written to avoid overflow of exp for large |x|. @example `sigmoid(0) // 0.5` */
export function sigmoidReal(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// ---------------------------------------------------------------------------------------------
// Real binary rows

/** Binary ops with a dedicated tight loop (no per-element call). @example `const op: FastBinaryOp = 'add';` */
export type FastBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'imul' | 'or' | 'and';

// Contiguous float64/float32 add/sub/mul/div: the hot path. Each function sees a single typed-array type, so V8's
// element accesses stay monomorphic (a shared generic loop that has also seen Int32Array/Uint8Array is measurably
// slower). Written out per type on purpose: closures from one factory would share their type feedback.
function addF64(o: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
}
function subF64(o: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!;
}
function mulF64(o: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!;
}
function divF64(o: Float64Array, a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!;
}
function addF32(o: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
}
function subF32(o: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!;
}
function mulF32(o: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!;
}
function divF32(o: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!;
}
const F64 = { add: addF64, sub: subF64, mul: mulF64, div: divF64 };
const F32 = { add: addF32, sub: subF32, mul: mulF32, div: divF32 };

/**
 * Unit-stride float add/sub/mul/div on same-typed float64 or float32 arrays; returns false (doing nothing) when
 * the arrays do not qualify, so the caller falls back to {@link binaryRowFast}.
 *
 * @example
 * ```ts
 * contiguousFloatOp('add', n, out, 0, a, 0, b, 0); // true
 * ```
 */
export function contiguousFloatOp(op: 'add' | 'sub' | 'mul' | 'div', len: number, out: Storage, po: number, a: Storage, pa: number, b: Storage, pb: number): boolean {
  const whole = (x: Storage, p: number) => (p === 0 && x.length === len ? x : x.subarray(p, p + len));
  if (out instanceof Float64Array && a instanceof Float64Array && b instanceof Float64Array) {
    F64[op](whole(out, po) as Float64Array, whole(a, pa) as Float64Array, whole(b, pb) as Float64Array, len);
    return true;
  }
  if (out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array) {
    F32[op](whole(out, po) as Float32Array, whole(a, pa) as Float32Array, whole(b, pb) as Float32Array, len);
    return true;
  }
  return false;
}

/**
 * out[po + i*so] = a[pa + i*sa] (op) b[pb + i*sb] for i < len, one tight loop per op. `imul` is int32 multiply
 * with wrap-around; `or`/`and` are for bool storage (0/1). A stride-1 case lets V8 drop the index arithmetic.
 *
 * @example
 * ```ts
 * binaryRowFast('add', 3, out, 0, 1, a, 0, 1, b, 0, 0); // out = a + b[0]
 * ```
 */
export function binaryRowFast(op: FastBinaryOp, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number): void {
  const unit = so === 1 && sa === 1 && sb === 1;
  if (unit && len >= 64 && (op === 'add' || op === 'sub' || op === 'mul' || op === 'div') && contiguousFloatOp(op, len, out, po, a, pa, b, pb)) return;
  switch (op) {
    case 'add':
      if (unit) for (let i = 0; i < len; i++) out[po + i] = a[pa + i]! + b[pb + i]!;
      else for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! + b[pb]!;
      return;
    case 'sub':
      if (unit) for (let i = 0; i < len; i++) out[po + i] = a[pa + i]! - b[pb + i]!;
      else for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! - b[pb]!;
      return;
    case 'mul':
      if (unit) for (let i = 0; i < len; i++) out[po + i] = a[pa + i]! * b[pb + i]!;
      else for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! * b[pb]!;
      return;
    case 'div':
      if (unit) for (let i = 0; i < len; i++) out[po + i] = a[pa + i]! / b[pb + i]!;
      else for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! / b[pb]!;
      return;
    case 'imul':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = Math.imul(a[pa]!, b[pb]!);
      return;
    case 'or':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! !== 0 || b[pb]! !== 0 ? 1 : 0;
      return;
    case 'and':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! !== 0 && b[pb]! !== 0 ? 1 : 0;
      return;
  }
}

/**
 * out[po + i*so] = f(a[...], b[...]) for rarer binary ops (one call per element).
 * @example `binaryRowFn(Math.atan2, n, out, 0, 1, y, 0, 1, x, 0, 1)`
 */
export function binaryRowFn(f: (x: number, y: number) => number, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number): void {
  for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = f(a[pa]!, b[pb]!);
}

/** Comparison and logical ops writing 0/1 into bool storage. @example `const op: CompareOp = 'lt';` */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'xor';

/**
 * out[...] = a[...] (cmp) b[...] ? 1 : 0 on real values; `xor` is logical exclusive-or of "nonzero".
 * @example `compareRow('lt', n, out, 0, 1, a, 0, 1, b, 0, 1)`
 */
export function compareRow(op: CompareOp, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number): void {
  switch (op) {
    case 'eq':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! === b[pb]! ? 1 : 0;
      return;
    case 'ne':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! !== b[pb]! ? 1 : 0;
      return;
    case 'lt':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! < b[pb]! ? 1 : 0;
      return;
    case 'le':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! <= b[pb]! ? 1 : 0;
      return;
    case 'gt':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! > b[pb]! ? 1 : 0;
      return;
    case 'ge':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = a[pa]! >= b[pb]! ? 1 : 0;
      return;
    case 'xor':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) out[po] = (a[pa]! !== 0) !== (b[pb]! !== 0) ? 1 : 0;
      return;
  }
}

/**
 * Complex equality (`eq`) or inequality: both parts compared. Complex positions/strides in scalars.
 * @example `complexEqRow(true, n, out, 0, 1, a, 0, 2, b, 0, 2)`
 */
export function complexEqRow(eq: boolean, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number): void {
  for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) {
    const same = a[pa]! === b[pb]! && a[pa + 1]! === b[pb + 1]!;
    out[po] = same === eq ? 1 : 0;
  }
}

/**
 * out[...] = f(a[...]) for real unary ops.
 * @example `unaryRow(Math.exp, n, out, 0, 1, a, 0, 1)`
 */
export function unaryRow(f: (x: number) => number, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number): void {
  if (so === 1 && sa === 1) for (let i = 0; i < len; i++) out[po + i] = f(a[pa + i]!);
  else for (let i = 0; i < len; i++, po += so, pa += sa) out[po] = f(a[pa]!);
}

/**
 * Selects a[...] where c[...] is nonzero, else b[...]; `sp` scalars per element of a, b and out.
 * @example `whereRow(n, 1, out, 0, 1, c, 0, 1, a, 0, 1, b, 0, 1)`
 */
export function whereRow(len: number, sp: 1 | 2, out: Storage, po: number, so: number, c: Storage, pc: number, sc: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number): void {
  for (let i = 0; i < len; i++, po += so, pc += sc, pa += sa, pb += sb) {
    if (c[pc]! !== 0) {
      out[po] = a[pa]!;
      if (sp === 2) out[po + 1] = a[pa + 1]!;
    } else {
      out[po] = b[pb]!;
      if (sp === 2) out[po + 1] = b[pb + 1]!;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Complex scalar math: each function writes (re, im) into out[p], out[p + 1]. Principal branches follow
// C99/NumPy, including signed zeros on the branch cuts (sqrt(-1 - 0i) = -i, log(-1 - 0i) = -πi).

/** A complex function of one argument writing its result into `out[p]`, `out[p + 1]`. @example `const f: ComplexFn = cexp;` */
export type ComplexFn = (re: number, im: number, out: Storage, p: number) => void;
/** A complex function of two arguments writing its result into `out[p]`, `out[p + 1]`. @example `const f: ComplexFn2 = cdiv;` */
export type ComplexFn2 = (ar: number, ai: number, br: number, bi: number, out: Storage, p: number) => void;

/** |x + iy| without overflow or needless underflow. @example `cabs(3, 4) // 5` */
export function cabs(x: number, y: number): number {
  return Math.hypot(x, y);
}

/**
 * Complex division by Smith's algorithm (scales by the larger part of the divisor, so no overflow for huge
 * or tiny divisors). Division by 0 + 0i divides each part by +0 as NumPy does: (1+0i)/0 = Inf + NaN·i,
 * (1+1i)/0 = Inf + Inf·i, 0/0 = NaN + NaN·i.
 *
 * @example
 * ```ts
 * cdiv(1, 0, 0, 1, out, 0); // out = [0, -1]
 * ```
 */
export function cdiv(ar: number, ai: number, br: number, bi: number, out: Storage, p: number): void {
  const abr = Math.abs(br);
  const abi = Math.abs(bi);
  if (abr >= abi) {
    if (abr === 0 && abi === 0) {
      out[p] = ar / abr;
      out[p + 1] = ai / abr;
    } else {
      const rat = bi / br;
      const scl = 1 / (br + bi * rat);
      out[p] = (ar + ai * rat) * scl;
      out[p + 1] = (ai - ar * rat) * scl;
    }
  } else {
    const rat = br / bi;
    const scl = 1 / (bi + br * rat);
    out[p] = (ar * rat + ai) * scl;
    out[p + 1] = (ai * rat - ar) * scl;
  }
}

/** Complex multiplication. @example `cmul(0, 1, 0, 1, out, 0) // out = [-1, 0]` */
export function cmul(ar: number, ai: number, br: number, bi: number, out: Storage, p: number): void {
  out[p] = ar * br - ai * bi;
  out[p + 1] = ar * bi + ai * br;
}

/** e^z. exp(x + 0i) keeps a zero imaginary part even for x = Inf. @example `cexp(0, Math.PI, out, 0) // ≈ [-1, 0]` */
export function cexp(x: number, y: number, out: Storage, p: number): void {
  if (y === 0) {
    out[p] = Math.exp(x);
    out[p + 1] = y;
    return;
  }
  const e = Math.exp(x);
  out[p] = e * Math.cos(y);
  out[p + 1] = e * Math.sin(y);
}

/** Principal log: ln|z| + i·arg z with arg in (-π, π]; |z| near 1 uses log1p to keep digits. @example `clog(-1, 0, out, 0) // [0, π]` */
export function clog(x: number, y: number, out: Storage, p: number): void {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = Math.max(ax, ay);
  const small = Math.min(ax, ay);
  let re: number;
  if (big > 0.5 && big < 2 && small < 1) {
    // ln|z| = ½·log1p((big-1)(big+1) + small²): avoids cancellation when |z| ≈ 1.
    re = 0.5 * Math.log1p((big - 1) * (big + 1) + small * small);
  } else {
    re = Math.log(Math.hypot(x, y));
  }
  out[p] = re;
  out[p + 1] = Math.atan2(y, x);
}

const SQRT_BIG = 2 ** 1020;

/** Principal square root (C99 csqrt special values; Re ≥ 0, Im has the sign of Im z). @example `csqrt(-4, 0, out, 0) // [0, 2]` */
export function csqrt(x: number, y: number, out: Storage, p: number): void {
  if (x === 0 && y === 0) {
    out[p] = 0;
    out[p + 1] = y;
    return;
  }
  if (y === Infinity || y === -Infinity) {
    out[p] = Infinity;
    out[p + 1] = y;
    return;
  }
  if (x !== x) {
    out[p] = x;
    out[p + 1] = NaN;
    return;
  }
  if (x === Infinity) {
    out[p] = x;
    out[p + 1] = y !== y ? y : y < 0 || Object.is(y, -0) ? -0 : 0;
    return;
  }
  if (x === -Infinity) {
    out[p] = y !== y ? NaN : 0;
    out[p + 1] = y < 0 || Object.is(y, -0) ? -Infinity : Infinity;
    if (y !== y) out[p + 1] = Infinity; // sign unspecified in C99; NumPy gives +Inf
    return;
  }
  let sx = x;
  let sy = y;
  let scale = 1;
  if (Math.abs(x) >= SQRT_BIG || Math.abs(y) >= SQRT_BIG) {
    sx *= 0.25;
    sy *= 0.25;
    scale = 2;
  }
  const h = Math.hypot(sx, sy);
  if (sx >= 0) {
    const t = Math.sqrt((sx + h) * 0.5);
    out[p] = t * scale;
    out[p + 1] = (sy / (2 * t)) * scale;
  } else {
    const t = Math.sqrt((h - sx) * 0.5);
    out[p] = (Math.abs(sy) / (2 * t)) * scale;
    out[p + 1] = (sy < 0 || Object.is(sy, -0) ? -t : t) * scale;
  }
}

/** sin z = sin x cosh y + i cos x sinh y. @example `csin(0, 1, out, 0) // [0, sinh 1]` */
export function csin(x: number, y: number, out: Storage, p: number): void {
  out[p] = Math.sin(x) * Math.cosh(y);
  out[p + 1] = y === 0 ? y * Math.cos(x) : Math.cos(x) * Math.sinh(y);
}

/** cos z = cos x cosh y − i sin x sinh y. @example `ccos(0, 1, out, 0) // [cosh 1, -0]` */
export function ccos(x: number, y: number, out: Storage, p: number): void {
  out[p] = Math.cos(x) * Math.cosh(y);
  out[p + 1] = -(Math.sin(x) * Math.sinh(y));
}

/** tanh z, stable for large |Re z| (Kahan's formulation, as in C libraries). @example `ctanh(0, Math.PI / 4, out, 0) // [0, 1]` */
export function ctanh(x: number, y: number, out: Storage, p: number): void {
  if (Math.abs(x) >= 22) {
    // tanh → ±1; the imaginary part decays like 4 sin y cos y e^{-2|x|}.
    const e = Math.exp(-2 * Math.abs(x));
    out[p] = x > 0 ? 1 : -1;
    out[p + 1] = y === 0 ? y : 4 * Math.sin(y) * Math.cos(y) * e;
    return;
  }
  if (y === 0) {
    out[p] = Math.tanh(x);
    out[p + 1] = y;
    return;
  }
  const t = Math.tan(y);
  const beta = 1 + t * t;
  const s = Math.sinh(x);
  const rho = Math.sqrt(1 + s * s);
  const den = 1 + beta * s * s;
  out[p] = (beta * rho * s) / den;
  out[p + 1] = t / den;
}

/** tan z = −i·tanh(i z). @example `ctan(1, 0, out, 0) // [tan 1, 0]` */
export function ctan(x: number, y: number, out: Storage, p: number): void {
  ctanh(-y, x, out, p);
  const u = out[p]!;
  out[p] = out[p + 1]!;
  out[p + 1] = -u;
}

/** e^z − 1 with the real part computed without cancellation for small z. @example `cexpm1(1e-10, 0, out, 0)` */
export function cexpm1(x: number, y: number, out: Storage, p: number): void {
  if (Math.abs(x) < 1 && Math.abs(y) < 1) {
    const s = Math.sin(y / 2);
    out[p] = Math.expm1(x) * Math.cos(y) - 2 * s * s;
    out[p + 1] = Math.exp(x) * Math.sin(y);
    return;
  }
  cexp(x, y, out, p);
  out[p] = out[p]! - 1;
}

/** log(1 + z) with the real part via log1p for small z. @example `clog1p(1e-10, 0, out, 0)` */
export function clog1p(x: number, y: number, out: Storage, p: number): void {
  if (Math.abs(x) < 0.5 && Math.abs(y) < 0.5) {
    out[p] = 0.5 * Math.log1p(x * (2 + x) + y * y);
    out[p + 1] = Math.atan2(y, 1 + x);
    return;
  }
  clog(1 + x, y, out, p);
}

/** Logistic 1 / (1 + e^{−z}). @example `csigmoid(0, 0, out, 0) // [0.5, 0]` */
export function csigmoid(x: number, y: number, out: Storage, p: number): void {
  cexp(-x, -y, out, p);
  cdiv(1, 0, 1 + out[p]!, out[p + 1]!, out, p);
}

/** 1 / z (Smith's algorithm; 1/0 = Inf + NaN·i as in NumPy). @example `creciprocal(0, 2, out, 0) // [0, -0.5]` */
export function creciprocal(x: number, y: number, out: Storage, p: number): void {
  cdiv(1, 0, x, y, out, p);
}

/** z / |z| (0 for 0), PyTorch's `sgn` and NumPy 2's `sign`. @example `csign(3, 4, out, 0) // [0.6, 0.8]` */
export function csign(x: number, y: number, out: Storage, p: number): void {
  const r = Math.hypot(x, y);
  if (r === 0) {
    out[p] = 0;
    out[p + 1] = 0;
  } else if (r === Infinity) {
    // Scale down first so that Inf/Inf does not give NaN for a finite direction.
    const ix = x === Infinity ? 1 : x === -Infinity ? -1 : 0;
    const iy = y === Infinity ? 1 : y === -Infinity ? -1 : 0;
    const n = Math.hypot(ix, iy);
    out[p] = ix / n;
    out[p + 1] = iy / n;
  } else {
    out[p] = x / r;
    out[p + 1] = y / r;
  }
}

/** −z. @example `cneg(1, 2, out, 0) // [-1, -2]` */
export function cneg(x: number, y: number, out: Storage, p: number): void {
  out[p] = -x;
  out[p + 1] = -y;
}

/** Complex conjugate x − iy. @example `cconj(1, 2, out, 0) // [1, -2]` */
export function cconj(x: number, y: number, out: Storage, p: number): void {
  out[p] = x;
  out[p + 1] = -y;
}

/** z². @example `csquare(0, 1, out, 0) // [-1, 0]` */
export function csquare(x: number, y: number, out: Storage, p: number): void {
  out[p] = x * x - y * y;
  out[p + 1] = 2 * x * y;
}

/**
 * Complex power a^b, NumPy's `npy_cpow` rules: z^0 = 1; 0^b = 0 for real b > 0, else NaN + NaN·i;
 * small integer exponents (|n| < 100) by repeated squaring (exact results for e.g. i^2); otherwise exp(b log a).
 *
 * @example
 * ```ts
 * cpow(0, 1, 2, 0, out, 0); // [-1, 0]
 * ```
 */
export function cpow(ar: number, ai: number, br: number, bi: number, out: Storage, p: number): void {
  if (br === 0 && bi === 0) {
    out[p] = 1;
    out[p + 1] = 0;
    return;
  }
  if (ar === 0 && ai === 0) {
    if (br > 0 && bi === 0) {
      out[p] = 0;
      out[p + 1] = 0;
    } else {
      out[p] = NaN;
      out[p + 1] = NaN;
    }
    return;
  }
  if (bi === 0 && Number.isInteger(br) && br > -100 && br < 100) {
    let n = Math.abs(br);
    // Binary exponentiation on (pr, pi) with running square (sr, si).
    let pr = 1;
    let pi = 0;
    let sr = ar;
    let si = ai;
    let first = true;
    while (n > 0) {
      if (n & 1) {
        if (first) {
          pr = sr;
          pi = si;
          first = false;
        } else {
          const t = pr * sr - pi * si;
          pi = pr * si + pi * sr;
          pr = t;
        }
      }
      n >>= 1;
      if (n > 0) {
        const t = sr * sr - si * si;
        si = 2 * sr * si;
        sr = t;
      }
    }
    if (br < 0) cdiv(1, 0, pr, pi, out, p);
    else {
      out[p] = pr;
      out[p + 1] = pi;
    }
    return;
  }
  clog(ar, ai, out, p);
  const lr = out[p]!;
  const li = out[p + 1]!;
  cexp(br * lr - bi * li, br * li + bi * lr, out, p);
}

/**
 * Complex add/sub/mul/div/pow over rows; positions and strides in scalars (2 per element).
 * add/sub/mul are inline loops; div and pow call {@link cdiv}/{@link cpow}.
 *
 * @example
 * ```ts
 * complexBinaryRow('mul', n, out, 0, 2, a, 0, 2, b, 0, 0);
 * ```
 */
export function complexBinaryRow(op: 'add' | 'sub' | 'mul' | 'div' | 'pow', len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) {
        out[po] = a[pa]! + b[pb]!;
        out[po + 1] = a[pa + 1]! + b[pb + 1]!;
      }
      return;
    case 'sub':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) {
        out[po] = a[pa]! - b[pb]!;
        out[po + 1] = a[pa + 1]! - b[pb + 1]!;
      }
      return;
    case 'mul':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) {
        const ar = a[pa]!;
        const ai = a[pa + 1]!;
        const br = b[pb]!;
        const bi = b[pb + 1]!;
        out[po] = ar * br - ai * bi;
        out[po + 1] = ar * bi + ai * br;
      }
      return;
    case 'div':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) cdiv(a[pa]!, a[pa + 1]!, b[pb]!, b[pb + 1]!, out, po);
      return;
    case 'pow':
      for (let i = 0; i < len; i++, po += so, pa += sa, pb += sb) cpow(a[pa]!, a[pa + 1]!, b[pb]!, b[pb + 1]!, out, po);
      return;
  }
}

/**
 * Complex → complex unary map; positions/strides in scalars.
 * @example `complexUnaryRow(cexp, n, out, 0, 2, a, 0, 2)`
 */
export function complexUnaryRow(f: ComplexFn, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number): void {
  for (let i = 0; i < len; i++, po += so, pa += sa) f(a[pa]!, a[pa + 1]!, out, po);
}

/**
 * Complex → real (or bool) unary map, e.g. abs, angle, isnan; `a` positions in scalars, `out` in elements.
 * @example `complexToRealRow(cabs, n, out, 0, 1, a, 0, 2)`
 */
export function complexToRealRow(f: (re: number, im: number) => number, len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number): void {
  for (let i = 0; i < len; i++, po += so, pa += sa) out[po] = f(a[pa]!, a[pa + 1]!);
}

/**
 * Flat index (C order over `shape`) of the first element of the view (offset, strides; `sp` scalars per element)
 * for which `pred(re, im)` holds (`im` is 0 for real storage), or -1. Used by checks such as "divisor is zero"
 * on broadcast operands, so the index is the one in the broadcast output.
 *
 * @example
 * ```ts
 * firstIndexWhere((re) => re === 0, b, 0, [2, 2], [0, 1], 1); // first zero of a row broadcast over 2 rows
 * ```
 */
export function firstIndexWhere(pred: (re: number, im: number) => boolean, src: Storage, offset: number, shape: readonly number[], strides: readonly number[], sp: 1 | 2): number {
  const nd = shape.length;
  for (const d of shape) if (d === 0) return -1;
  if (nd === 0) return pred(src[offset * sp]!, sp === 2 ? src[offset * sp + 1]! : 0) ? 0 : -1;
  const idx = new Array<number>(nd).fill(0);
  const inner = shape[nd - 1]!;
  const is = strides[nd - 1]! * sp;
  let base = offset * sp;
  let flat = 0;
  for (;;) {
    let q = base;
    for (let j = 0; j < inner; j++, q += is, flat++) if (pred(src[q]!, sp === 2 ? src[q + 1]! : 0)) return flat;
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]! * sp;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * sp * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return -1;
  }
}

/**
 * Sets out[...] to zero (both parts when `spOut` is 2) wherever the divisor b[...] is zero (both parts when `spB` is 2).
 * @example `zeroWhereZeroRow(n, out, 0, 1, 1, b, 0, 1, 1)`
 */
export function zeroWhereZeroRow(len: number, out: Storage, po: number, so: number, spOut: 1 | 2, b: Storage, pb: number, sb: number, spB: 1 | 2): void {
  for (let i = 0; i < len; i++, po += so, pb += sb) {
    if (b[pb] === 0 && (spB === 1 || b[pb + 1] === 0)) {
      out[po] = 0;
      if (spOut === 2) out[po + 1] = 0;
    }
  }
}
