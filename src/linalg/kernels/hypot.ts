/**
 * √(a² + b²) for the rotation kernels. `Math.hypot` takes V8's generic varargs path and measured ~10× slower than
 * this in the QR/QL inner loops; here the plain formula is used unless a square could overflow or underflow, in
 * which case the larger magnitude is factored out.
 *
 * @example
 * ```ts
 * hypot2(3, 4); // 5
 * hypot2(3e200, 4e200); // 5e200
 * ```
 */
export function hypot2(a: number, b: number): number {
  const x = a < 0 ? -a : a;
  const y = b < 0 ? -b : b;
  const mx = x > y ? x : y;
  if (mx > 1e150 || (mx < 1e-150 && mx > 0)) {
    const r = (x > y ? y : x) / mx;
    return mx * Math.sqrt(1 + r * r);
  }
  return Math.sqrt(a * a + b * b);
}
