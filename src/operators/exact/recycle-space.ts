/**
 * Krylov recycling for the ring system Γw = b of {@link RingValidFactor} (issue 9: cheap re-solves).
 *
 * The preconditioned CG search directions p_i of earlier solves, with q_i = Γp_i, are kept (restricted to the
 * ring, scaled to ‖p_i‖_Γ = 1). A later solve starts from the Galerkin projection w₀ = P W⁻¹ Pᵀb
 * (W = PᵀΓP, factorised by Cholesky) and keeps its own search directions Γ-orthogonal to span(P)
 * (deflated CG, Saad–Yeung–Erhel–Guyomarc'h 2000): p ← z + βp − P W⁻¹ Qᵀz. The part of the spectrum that
 * span(P) resolves no longer slows CG down. Nothing here changes what is solved: the residual that stops
 * CG is the recurrence residual of the same system, and the caller still checks the true normal-equation
 * residual. Loss of Γ-orthogonality among the stored directions is handled by using the full W (not its
 * diagonal), and directions that are (numerically) in the span of earlier ones are dropped at the Cholesky
 * pivot test.
 *
 * Memory: 2·k·R doubles for k directions on a ring of R unknowns, capped by `maxBytes`.
 */

/** Drop a direction whose Cholesky pivot (of the unit-diagonal W) falls below this: it adds nothing new. */
const PIVOT_DROP = 1e-8;

/**
 * Stored Γ-normalised search directions and W = PᵀΓP = LLᵀ on the ring.
 *
 * @example
 * ```ts
 * const s = new RecycleSpace(ringSize, 64 * 2 ** 20);
 * s.offer(p, q, pq); // after each CG step of a solve
 * s.commit();        // at the end of the pass
 * ```
 */
export class RecycleSpace {
  /** Length R of the (compact) ring vectors. */
  readonly length: number;
  /** Most directions that fit in the byte budget. */
  readonly capacity: number;
  private P: Float64Array[] = [];
  private Q: Float64Array[] = [];
  /** Directions offered during the current pass, committed at its end. */
  private pendP: Float64Array[] = [];
  private pendQ: Float64Array[] = [];
  /** W = PᵀQ (row-major, k×k, grown on commit) and its Cholesky factor (lower, row-major). */
  private W = new Float64Array(0);
  private L = new Float64Array(0);
  private cap = 0;
  /** Scratch: coefficients and a ring vector. */
  private c1 = new Float64Array(0);
  private c2 = new Float64Array(0);
  private readonly acc: Float64Array;

  constructor(length: number, maxBytes: number) {
    this.length = length;
    this.capacity = length > 0 ? Math.max(0, Math.floor(maxBytes / (16 * length))) : 0;
    this.acc = new Float64Array(length);
  }

  /** Directions in use. @example `space.size` */
  get size(): number {
    return this.P.length;
  }

  /** Bytes held by the stored directions. @example `space.bytes` */
  get bytes(): number {
    return 16 * this.length * (this.P.length + this.pendP.length) + 16 * this.cap * this.cap;
  }

  /** Drops every stored direction (frees the memory). @example `space.clear()` */
  clear(): void {
    this.P = [];
    this.Q = [];
    this.pendP = [];
    this.pendQ = [];
    this.W = new Float64Array(0);
    this.L = new Float64Array(0);
    this.cap = 0;
  }

  /** True while another direction would fit. @example `if (space.wantsMore) space.offer(p, q, pq)` */
  get wantsMore(): boolean {
    return this.P.length + this.pendP.length < this.capacity;
  }

  /**
   * Keeps p and q = Γp, scaled by 1/√(pᵀq), for the next pass. Ignored when the budget is full or pᵀq is
   * not positive.
   */
  offer(p: Float64Array, q: Float64Array, pq: number): void {
    if (!this.wantsMore || !(pq > 0) || !Number.isFinite(pq)) return;
    const s = 1 / Math.sqrt(pq);
    const R = this.length;
    const pp = new Float64Array(R);
    const qq = new Float64Array(R);
    for (let t = 0; t < R; t++) {
      pp[t] = s * p[t]!;
      qq[t] = s * q[t]!;
    }
    this.pendP.push(pp);
    this.pendQ.push(qq);
  }

  /**
   * Adds the offered directions: the new rows of W (k_new·k dot products of length R), then a fresh
   * Cholesky factorisation that drops directions with a pivot below {@link PIVOT_DROP}.
   */
  commit(): void {
    const nNew = this.pendP.length;
    if (nNew === 0) return;
    const k0 = this.P.length;
    const k = k0 + nNew;
    if (k > this.cap) {
      const cap = Math.min(this.capacity, Math.max(k, 2 * this.cap));
      const W = new Float64Array(cap * cap);
      for (let i = 0; i < k0; i++) for (let j = 0; j < k0; j++) W[i * cap + j] = this.W[i * this.cap + j]!;
      this.W = W;
      this.L = new Float64Array(cap * cap);
      this.c1 = new Float64Array(cap);
      this.c2 = new Float64Array(cap);
      this.cap = cap;
    }
    const allP = this.P.concat(this.pendP);
    const allQ = this.Q.concat(this.pendQ);
    this.pendP = [];
    this.pendQ = [];
    const cap = this.cap;
    for (let j = k0; j < k; j++) {
      const qj = allQ[j]!;
      for (let i = 0; i <= j; i++) {
        const v = dot(allP[i]!, qj);
        this.W[i * cap + j] = v;
        this.W[j * cap + i] = v;
      }
    }
    // Cholesky with drops; the kept directions are compacted in place.
    const keep: number[] = [];
    const L = this.L;
    for (let j = 0; j < k; j++) {
      const row = keep.length;
      // Provisional row `row` of L for candidate j.
      for (let a = 0; a < row; a++) {
        let s = this.W[keep[a]! * cap + j]!;
        for (let b = 0; b < a; b++) s -= L[a * cap + b]! * L[row * cap + b]!;
        L[row * cap + a] = s / L[a * cap + a]!;
      }
      let d = this.W[j * cap + j]!;
      for (let b = 0; b < row; b++) d -= L[row * cap + b]! ** 2;
      if (d > PIVOT_DROP * this.W[j * cap + j]!) {
        L[row * cap + row] = Math.sqrt(d);
        keep.push(j);
      }
    }
    if (keep.length < k) {
      const W2 = new Float64Array(cap * cap);
      for (let a = 0; a < keep.length; a++) for (let b = 0; b < keep.length; b++) W2[a * cap + b] = this.W[keep[a]! * cap + keep[b]!]!;
      this.W = W2;
    }
    this.P = keep.map((j) => allP[j]!);
    this.Q = keep.map((j) => allQ[j]!);
  }

  /** c ← W⁻¹c for the first k entries (two triangular solves with L). */
  private solveW(c: Float64Array): void {
    const k = this.P.length;
    const L = this.L;
    const cap = this.cap;
    for (let i = 0; i < k; i++) {
      let s = c[i]!;
      for (let j = 0; j < i; j++) s -= L[i * cap + j]! * c[j]!;
      c[i] = s / L[i * cap + i]!;
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = c[i]!;
      for (let j = i + 1; j < k; j++) s -= L[j * cap + i]! * c[j]!;
      c[i] = s / L[i * cap + i]!;
    }
  }

  /**
   * Galerkin step: w += P W⁻¹ Pᵀ r and r −= Q W⁻¹ Pᵀ r (no Γ application needed), so that Pᵀr = 0.
   */
  project(w: Float64Array, r: Float64Array): void {
    const k = this.P.length;
    if (k === 0) return;
    const c = this.c1;
    for (let i = 0; i < k; i++) c[i] = dot(this.P[i]!, r);
    this.solveW(c);
    this.combine(this.P, c, w, 1);
    this.combine(this.Q, c, r, -1);
  }

  /** p −= P W⁻¹ Qᵀ z: removes from the new search direction its Γ-projection on span(P). */
  deflate(z: Float64Array, p: Float64Array): void {
    const k = this.P.length;
    if (k === 0) return;
    const c = this.c2;
    for (let i = 0; i < k; i++) c[i] = dot(this.Q[i]!, z);
    this.solveW(c);
    this.combine(this.P, c, p, -1);
  }

  /** out += sign · Σ c_i V_i. */
  private combine(V: Float64Array[], c: Float64Array, out: Float64Array, sign: 1 | -1): void {
    const R = this.length;
    const acc = this.acc;
    acc.fill(0);
    for (let i = 0; i < V.length; i++) {
      const ci = c[i]!;
      if (ci === 0) continue;
      const v = V[i]!;
      for (let t = 0; t < R; t++) acc[t] += ci * v[t]!;
    }
    for (let t = 0; t < R; t++) out[t] += sign * acc[t]!;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
