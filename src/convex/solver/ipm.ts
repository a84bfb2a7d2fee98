/**
 * Dense primal–dual interior-point method for conic programs in standard form
 *
 *     minimise cᵀx  subject to  A·x = b,  x = (x_free, x_lp, q₁, …, q_r, X₁, …, X_k),
 *     x_lp ≥ 0,  q_j ∈ second-order cone {u : u₀ ≥ ‖u₁‖},  X_i ⪰ 0,
 *
 * with dual  maximise bᵀy  subject to  Aᵀy + z = c,  z_free = 0,  z ∈ K.
 *
 * It follows the homogeneous self-dual embedding (τ, κ) so that infeasible and unbounded problems are detected
 * by certificates, with Nesterov–Todd scaling and Mehrotra's predictor–corrector (as CVXOPT's conelp and
 * SeDuMi/SDPT3). The Newton system is reduced to the Schur complement M = A_K·Ω·A_Kᵀ (one row per equality),
 * bordered by the free columns; this quasi-definite system is factored by a regularised LDLᵀ (plain Cholesky when
 * there are no free columns) with iterative refinement. For a PSD block, M_ij = tr(A_i·G·A_j·G) is formed from
 * the products A_j·G, whose nonzero rows are few because the A_j are sparse.
 *
 * Storage: x, z have length N = nFree + nLp + Σ q_j + Σ s_k²; a PSD block is stored full, row-major, symmetric. A is given
 * by CSR rows over that layout; off-diagonal coefficients of a PSD block must be split evenly over (p, q) and (q, p).
 */
import { cholesky, ldlQuasiDefinite, ldlSolve } from './dense.js';
import {
  applyOmega,
  jordanDivDiag,
  jordanDivSoc,
  jordanSoc,
  maxStepSoc,
  ntScalingSoc,
  jordanProduct,
  maxStepPsd,
  ntScalingPsd,
  scaleDual,
  unscalePrimal,
  type PsdScaling,
} from './cones.js';

/** A conic program in the solver's standard form (see the module comment). */
export interface ConeProgram {
  /** Number of equality rows. */
  m: number;
  /** Number of free columns (first in x). */
  nFree: number;
  /** Number of nonnegative columns (after the free ones). */
  nLp: number;
  /** Sizes of the second-order cone blocks (after the LP columns). */
  soc: readonly number[];
  /** Sizes of the PSD blocks (after the SOC blocks, each stored as s² entries). */
  psd: readonly number[];
  /** CSR row pointers of A (length m + 1). */
  rowPtr: Int32Array;
  /** CSR column indices into x. */
  col: Int32Array;
  /** CSR values. */
  val: Float64Array;
  /** Right-hand side (length m). */
  b: Float64Array;
  /** Cost vector (length N; symmetric within each PSD block). */
  c: Float64Array;
}

/** Solver status. */
export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'maxIterations' | 'numericalError';

/** Options of {@link solveConeProgram}. */
export interface IpmOptions {
  /** Iteration limit (default 100). */
  maxIterations?: number;
  /** Tolerance on relative primal/dual residuals and the relative gap (default 1e-8). */
  tol?: number;
  /** Print one line per iteration (default false). */
  verbose?: boolean;
  /** Where verbose lines go (default console.log). */
  log?: (line: string) => void;
}

/** Result of {@link solveConeProgram}: for 'optimal', x, y, z solve the primal and dual problems. */
export interface IpmResult {
  status: SolveStatus;
  /** Primal point (x/τ when optimal; the certificate direction when unbounded). */
  x: Float64Array;
  /** Dual multipliers of the equality rows (y/τ when optimal; the certificate when infeasible). */
  y: Float64Array;
  /** Dual slack (z/τ when optimal). */
  z: Float64Array;
  /** Primal objective cᵀx at the returned x. */
  primalObjective: number;
  /** Dual objective bᵀy at the returned y. */
  dualObjective: number;
  /** Iterations taken. */
  iterations: number;
  /** Final relative primal residual, dual residual and gap. */
  primalResidual: number;
  dualResidual: number;
  gap: number;
}

function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]! * b[i]!;
  return s;
}

/** Sparse rows of A restricted to one PSD block, with the products T_j = A_j·G prepared per iteration. */
interface BlockRows {
  off: number;
  s: number;
  /** Rows of A with entries in this block. */
  rows: number[];
  /** For each such row: entry (p, q, a) triples within the block. */
  ep: Int32Array[];
  eq: Int32Array[];
  ea: Float64Array[];
  /** For each such row: the distinct p (nonzero rows of A_j) and a lookup p → slot (−1 if absent). */
  prow: Int32Array[];
  slot: Int32Array[];
  /** Per-row buffers for T_j = A_j·G restricted to its nonzero rows (|R_j| × s), and a dense s×s scratch. */
  T: Float64Array[];
  Tt: Float64Array;
}

/**
 * Adds the PSD block's part of the Schur complement, M_ij += tr(A_i·G·A_j·G), to the K×K matrix `Kmat`.
 * T_j = A_j·G costs nnz(A_j)·s; then M_ij = tr(T_i·T_j) = Σ_{r ∈ R_i} ⟨T_i[r, :], T_jᵀ[r, :]⟩ with T_jᵀ held
 * dense so both rows are contiguous (R_i: the nonzero rows of A_i).
 */
function addSchurPsd(blk: BlockRows, G: Float64Array, Kmat: Float64Array, K: number): void {
  const s = blk.s, nr = blk.rows.length, T = blk.T, Tt = blk.Tt;
  for (let j = 0; j < nr; j++) {
    const sl = blk.slot[j]!, t = T[j]!;
    t.fill(0);
    const ep = blk.ep[j]!, eqq = blk.eq[j]!, ea = blk.ea[j]!;
    for (let e = 0; e < ep.length; e++) {
      const base = sl[ep[e]!]! * s, gq = eqq[e]! * s, a = ea[e]!;
      for (let cc = 0; cc < s; cc++) t[base + cc]! += a * G[gq + cc]!;
    }
  }
  for (let j = 0; j < nr; j++) {
    const Tj = T[j]!, prj = blk.prow[j]!, rj = blk.rows[j]!;
    Tt.fill(0);
    for (let v = 0; v < prj.length; v++) {
      const c = prj[v]!, tv = v * s;
      for (let r = 0; r < s; r++) Tt[r * s + c] = Tj[tv + r]!;
    }
    for (let i = 0; i <= j; i++) {
      const Ti = T[i]!, pri = blk.prow[i]!;
      let sum = 0;
      for (let u = 0; u < pri.length; u++) {
        const ti = u * s, tr = pri[u]! * s;
        for (let c = 0; c < s; c++) sum += Ti[ti + c]! * Tt[tr + c]!;
      }
      const ri = blk.rows[i]!;
      Kmat[ri * K + rj]! += sum;
      if (ri !== rj) Kmat[rj * K + ri]! += sum;
    }
  }
}

/**
 * Solves a conic program in standard form. Never returns 'optimal' unless the relative residuals and gap are
 * within `tol`.
 *
 * @example
 * ```ts
 * // minimise x₀ + x₁ s.t. x₀ + 2x₁ = 1, x ≥ 0  →  x = [0, 0.5]
 * const r = solveConeProgram({ m: 1, nFree: 0, nLp: 2, soc: [], psd: [], rowPtr: Int32Array.of(0, 2), col: Int32Array.of(0, 1),
 *   val: Float64Array.of(1, 2), b: Float64Array.of(1), c: Float64Array.of(1, 1) });
 * ```
 */
export function solveConeProgram(prob: ConeProgram, opts: IpmOptions = {}): IpmResult {
  const maxIter = opts.maxIterations ?? 100;
  const tol = opts.tol ?? 1e-8;
  const log = opts.log ?? ((l: string) => console.log(l));
  const { m, nFree: nf, nLp: nl, soc, psd, rowPtr, col, val, b, c } = prob;
  const lpOff = nf;
  const socOff: number[] = [];
  const blockOff: number[] = [];
  let N = nf + nl;
  for (const k of soc) {
    socOff.push(N);
    N += k;
  }
  const socEnd = N;
  for (const s of psd) {
    blockOff.push(N);
    N += s * s;
  }
  if (c.length !== N) throw new Error(`solveConeProgram: c has length ${c.length}, expected ${N}`);
  let nu = nl + soc.length;
  for (const s of psd) nu += s;

  // ---- static structure of A ----
  const Af = new Float64Array(m * nf); // dense free columns
  const lpCols: { r: number[]; a: number[] }[] = Array.from({ length: nl }, () => ({ r: [], a: [] }));
  // SOC blocks: the rows touching each block and their dense restrictions (length k)
  const socRows: { rows: number[]; vecs: Float64Array[] }[] = soc.map(() => ({ rows: [], vecs: [] }));
  const blocks: BlockRows[] = psd.map((s, k) => ({ off: blockOff[k]!, s, rows: [], ep: [], eq: [], ea: [], prow: [], slot: [], T: [], Tt: new Float64Array(s * s) }));
  for (let i = 0; i < m; i++) {
    const perBlock = new Map<number, { p: number[]; q: number[]; a: number[] }>();
    for (let t = rowPtr[i]!; t < rowPtr[i + 1]!; t++) {
      const j = col[t]!;
      const a = val[t]!;
      if (a === 0) continue;
      if (j < nf) Af[i * nf + j]! += a;
      else if (j < nf + nl) {
        lpCols[j - nf]!.r.push(i);
        lpCols[j - nf]!.a.push(a);
      } else if (j < socEnd) {
        let q = soc.length - 1;
        while (socOff[q]! > j) q--;
        const sr = socRows[q]!;
        if (sr.rows[sr.rows.length - 1] !== i) {
          sr.rows.push(i);
          sr.vecs.push(new Float64Array(soc[q]!));
        }
        sr.vecs[sr.vecs.length - 1]![j - socOff[q]!]! += a;
      } else {
        let k = blocks.length - 1;
        while (blocks[k]!.off > j) k--;
        const blk = blocks[k]!;
        const loc = j - blk.off;
        let e = perBlock.get(k);
        if (!e) perBlock.set(k, (e = { p: [], q: [], a: [] }));
        e.p.push(Math.floor(loc / blk.s));
        e.q.push(loc % blk.s);
        e.a.push(a);
      }
    }
    for (const [k, e] of perBlock) {
      const blk = blocks[k]!;
      blk.rows.push(i);
      blk.ep.push(Int32Array.from(e.p));
      blk.eq.push(Int32Array.from(e.q));
      blk.ea.push(Float64Array.from(e.a));
      const distinct = [...new Set(e.p)].sort((x, y) => x - y);
      blk.prow.push(Int32Array.from(distinct));
      const slot = new Int32Array(blk.s).fill(-1);
      distinct.forEach((p, idx) => (slot[p] = idx));
      blk.slot.push(slot);
      blk.T.push(new Float64Array(distinct.length * blk.s));
    }
  }

  const mulA = (x: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let t = rowPtr[i]!; t < rowPtr[i + 1]!; t++) s += val[t]! * x[col[t]!]!;
      out[i] = s;
    }
  };
  const mulAt = (y: Float64Array, out: Float64Array): void => {
    out.fill(0);
    for (let i = 0; i < m; i++) {
      const yi = y[i]!;
      if (yi === 0) continue;
      for (let t = rowPtr[i]!; t < rowPtr[i + 1]!; t++) out[col[t]!]! += val[t]! * yi;
    }
  };

  // ---- state ----
  const x = new Float64Array(N), z = new Float64Array(N), y = new Float64Array(m);
  for (let i = 0; i < nl; i++) x[lpOff + i] = z[lpOff + i] = 1;
  for (const o of socOff) x[o] = z[o] = 1;
  psd.forEach((s, k) => {
    for (let i = 0; i < s; i++) x[blockOff[k]! + i * s + i] = z[blockOff[k]! + i * s + i] = 1;
  });
  let tau = 1, kap = 1;

  const normB = norm2(b), normC = norm2(c);
  const rp = new Float64Array(m), rd = new Float64Array(N), tmpN = new Float64Array(N), tmpM = new Float64Array(m);
  const maxS = psd.reduce((a, s) => Math.max(a, s), 0);
  const work = [0, 1, 2, 3].map(() => new Float64Array(maxS * maxS));
  const maxQ = soc.reduce((a, k) => Math.max(a, k), 0);
  const tmpS = new Float64Array(maxS * maxS), tmpS2 = new Float64Array(Math.max(maxS * maxS, maxQ));
  const K = m + nf;
  const Kmat = new Float64Array(K * K), Kfac = new Float64Array(K * K);
  const sign = new Int8Array(K);
  for (let i = 0; i < K; i++) sign[i] = i < m ? 1 : -1;

  const result = (status: SolveStatus, it: number, pres: number, dres: number, gap: number, scaleX: number, scaleY: number): IpmResult => {
    const xo = x.map((v) => v * scaleX), yo = y.map((v) => v * scaleY), zo = z.map((v) => v * scaleY);
    return { status, x: xo, y: yo, z: zo, primalObjective: dot(c, xo), dualObjective: dot(b, yo), iterations: it, primalResidual: pres, dualResidual: dres, gap };
  };

  if (opts.verbose) log(' iter      pcost          dcost        gap      pres      dres');
  let lastPres = Infinity, lastDres = Infinity, lastGap = Infinity;
  for (let it = 0; it <= maxIter; it++) {
    // ---- residuals ----
    mulA(x, rp);
    for (let i = 0; i < m; i++) rp[i]! -= b[i]! * tau;
    mulAt(y, rd);
    for (let i = 0; i < N; i++) rd[i]! += z[i]! - c[i]! * tau;
    const cx = dot(c, x), by = dot(b, y);
    const rg = cx - by + kap;
    const xz = dot(x, z, nf);
    const mu = (xz + tau * kap) / (nu + 1);
    const pobj = cx / tau, dobj = by / tau;
    const pres = norm2(rp) / tau / (1 + normB);
    const dres = norm2(rd) / tau / (1 + normC);
    const gapAbs = Math.max(Math.abs(pobj - dobj), xz / (tau * tau));
    const gap = gapAbs / Math.max(1, Math.min(Math.abs(pobj), Math.abs(dobj)));
    lastPres = pres; lastDres = dres; lastGap = gap;
    if (opts.verbose) {
      log(`${String(it).padStart(4)}  ${pobj.toExponential(6).padStart(14)} ${dobj.toExponential(6).padStart(14)}  ${gap.toExponential(2)}  ${pres.toExponential(2)}  ${dres.toExponential(2)}`);
    }
    if (!Number.isFinite(pres + dres + gap + rg)) return result('numericalError', it, pres, dres, gap, 1 / tau, 1 / tau);
    if (pres <= tol && dres <= tol && gap <= tol) return result('optimal', it, pres, dres, gap, 1 / tau, 1 / tau);
    // Certificates (only once τ has fallen below κ, as the embedding drives τ → 0 exactly in these cases).
    if (tau < kap) {
      if (by > 0) {
        for (let i = 0; i < N; i++) tmpN[i] = rd[i]! + c[i]! * tau; // Aᵀy + z
        if (norm2(tmpN) / by <= tol * Math.max(1, normC)) return result('infeasible', it, pres, dres, gap, 0, 1 / by);
      }
      if (cx < 0) {
        for (let i = 0; i < m; i++) tmpM[i] = rp[i]! + b[i]! * tau; // A·x
        if (norm2(tmpM) / -cx <= tol * Math.max(1, normB)) return result('unbounded', it, pres, dres, gap, 1 / -cx, 0);
      }
    }
    if (it === maxIter) break;

    // ---- scaling ----
    const dlp = new Float64Array(nl), lamLp = new Float64Array(nl);
    for (let i = 0; i < nl; i++) {
      const xi = x[lpOff + i]!, zi = z[lpOff + i]!;
      dlp[i] = Math.sqrt(xi / zi);
      lamLp[i] = Math.sqrt(xi * zi);
    }
    const socSc: { W: Float64Array; Om: Float64Array; lambda: Float64Array }[] = [];
    for (let q = 0; q < soc.length; q++) {
      const k = soc[q]!, o = socOff[q]!;
      const sc = ntScalingSoc(k, x.subarray(o, o + k), z.subarray(o, o + k));
      if (!sc) return result('numericalError', it, pres, dres, gap, 1 / tau, 1 / tau);
      socSc.push(sc);
    }
    const symv = (k: number, A: Float64Array, v: Float64Array, out: Float64Array): void => {
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += A[i * k + j]! * v[j]!;
        out[i] = s;
      }
    };
    const scal: PsdScaling[] = [];
    for (let k = 0; k < psd.length; k++) {
      const s = psd[k]!, o = blockOff[k]!;
      const sc = ntScalingPsd(s, x.subarray(o, o + s * s), z.subarray(o, o + s * s), work);
      if (!sc) return result('numericalError', it, pres, dres, gap, 1 / tau, 1 / tau);
      scal.push(sc);
    }
    const omega = (v: Float64Array, out: Float64Array): void => {
      out.fill(0, 0, nf);
      for (let i = 0; i < nl; i++) out[lpOff + i] = dlp[i]! * dlp[i]! * v[lpOff + i]!;
      for (let q = 0; q < soc.length; q++) {
        const k = soc[q]!, o = socOff[q]!;
        symv(k, socSc[q]!.Om, v.subarray(o, o + k), out.subarray(o, o + k));
      }
      for (let k = 0; k < psd.length; k++) {
        const s = psd[k]!, o = blockOff[k]!;
        applyOmega(scal[k]!, v.subarray(o, o + s * s), out.subarray(o, o + s * s), tmpS);
      }
    };

    // ---- Schur complement K = [M A_f; A_fᵀ 0] ----
    Kmat.fill(0);
    for (let l = 0; l < nl; l++) {
      const { r, a } = lpCols[l]!;
      const w = dlp[l]! * dlp[l]!;
      for (let u = 0; u < r.length; u++) for (let v = 0; v < r.length; v++) Kmat[r[u]! * K + r[v]!]! += w * a[u]! * a[v]!;
    }
    for (let q = 0; q < soc.length; q++) {
      const { rows, vecs } = socRows[q]!, k = soc[q]!, Om = socSc[q]!.Om;
      const t = new Float64Array(k);
      for (let u = 0; u < rows.length; u++) {
        symv(k, Om, vecs[u]!, t);
        for (let w = 0; w <= u; w++) {
          const vw = vecs[w]!;
          let sum = 0;
          for (let e = 0; e < k; e++) sum += t[e]! * vw[e]!;
          Kmat[rows[u]! * K + rows[w]!]! += sum;
          if (u !== w) Kmat[rows[w]! * K + rows[u]!]! += sum;
        }
      }
    }
    for (let k = 0; k < blocks.length; k++) addSchurPsd(blocks[k]!, scal[k]!.G, Kmat, K);
    for (let i = 0; i < m; i++) for (let j = 0; j < nf; j++) {
      Kmat[i * K + m + j] = Af[i * nf + j]!;
      Kmat[(m + j) * K + i] = Af[i * nf + j]!;
    }
    let maxDiag = 0;
    for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, Math.abs(Kmat[i * K + i]!));
    Kfac.set(Kmat);
    ldlQuasiDefinite(K, Kfac, sign, 1e-14 * Math.max(1, maxDiag));
    const sol = new Float64Array(K), res = new Float64Array(K);
    const solveK = (rhs: Float64Array, out: Float64Array): void => {
      out.set(rhs);
      ldlSolve(K, Kfac, out);
      for (let ref = 0; ref < 3; ref++) {
        let rn = 0;
        for (let i = 0; i < K; i++) {
          let s = rhs[i]!;
          for (let j = 0; j < K; j++) s -= Kmat[i * K + j]! * out[j]!;
          res[i] = s;
          rn = Math.max(rn, Math.abs(s));
        }
        if (rn === 0) break;
        ldlSolve(K, Kfac, res);
        for (let i = 0; i < K; i++) out[i]! += res[i]!;
      }
    };

    const omRd = new Float64Array(N);
    omega(rd, omRd);
    // ---- the τ column: K·[dy₂; dx_f₂] = [b + A_K·Ω·c_K; c_f] ----
    const omc = new Float64Array(N);
    omega(c, omc);
    const v = new Float64Array(m);
    mulA(omc, v); // free part of omc is zero
    const rhs2 = new Float64Array(K);
    for (let i = 0; i < m; i++) rhs2[i] = b[i]! + v[i]!;
    for (let j = 0; j < nf; j++) rhs2[m + j] = c[j]!;
    const sol2 = new Float64Array(K);
    solveK(rhs2, sol2);
    let D = -dot(c, omc, nf) - kap / tau;
    for (let i = 0; i < m; i++) D += (v[i]! - b[i]!) * sol2[i]!;
    for (let j = 0; j < nf; j++) D += c[j]! * sol2[m + j]!;

    // ---- one Newton direction for given complementarity right-hand sides ----
    const dx = new Float64Array(N), dz = new Float64Array(N), dy = new Float64Array(m);
    const u = new Float64Array(N), h = new Float64Array(N), wdz = new Float64Array(N), wdx = new Float64Array(N);
    const direction = (eta: number, rc: Float64Array, rtau: number): { dtau: number; dkap: number } => {
      // u = λ⋄r_c (cone part), h = 𝒲ᵀu + η·Ω·R_d
      for (let i = 0; i < nl; i++) u[lpOff + i] = rc[lpOff + i]! / lamLp[i]!;
      for (let q = 0; q < soc.length; q++) {
        const k = soc[q]!, o = socOff[q]!;
        jordanDivSoc(k, socSc[q]!.lambda, rc.subarray(o, o + k), u.subarray(o, o + k));
      }
      for (let k = 0; k < psd.length; k++) {
        const s = psd[k]!, o = blockOff[k]!;
        jordanDivDiag(s, scal[k]!.lambda, rc.subarray(o, o + s * s), u.subarray(o, o + s * s));
      }
      for (let i = 0; i < nf; i++) h[i] = 0;
      for (let i = nf; i < N; i++) h[i] = eta * omRd[i]!;
      for (let i = 0; i < nl; i++) h[lpOff + i]! += dlp[i]! * u[lpOff + i]!;
      for (let q = 0; q < soc.length; q++) {
        const k = soc[q]!, o = socOff[q]!;
        symv(k, socSc[q]!.W, u.subarray(o, o + k), tmpS2);
        for (let t = 0; t < k; t++) h[o + t]! += tmpS2[t]!;
      }
      for (let k = 0; k < psd.length; k++) {
        const s = psd[k]!, o = blockOff[k]!;
        unscalePrimal(scal[k]!, u.subarray(o, o + s * s), tmpS2.subarray(0, s * s), tmpS);
        for (let t = 0; t < s * s; t++) h[o + t]! += tmpS2[t]!;
      }
      mulA(h, tmpM);
      const rhs1 = new Float64Array(K);
      for (let i = 0; i < m; i++) rhs1[i] = -eta * rp[i]! - tmpM[i]!;
      for (let j = 0; j < nf; j++) rhs1[m + j] = -eta * rd[j]!;
      solveK(rhs1, sol);
      let num = -eta * rg - rtau / tau - dot(c, h, nf);
      for (let i = 0; i < m; i++) num -= (v[i]! - b[i]!) * sol[i]!;
      for (let j = 0; j < nf; j++) num -= c[j]! * sol[m + j]!;
      const dtau = num / D;
      for (let i = 0; i < m; i++) dy[i] = sol[i]! + dtau * sol2[i]!;
      for (let j = 0; j < nf; j++) dx[j] = sol[m + j]! + dtau * sol2[m + j]!;
      mulAt(dy, tmpN);
      for (let i = nf; i < N; i++) dz[i] = -eta * rd[i]! - tmpN[i]! + c[i]! * dtau;
      for (let j = 0; j < nf; j++) dz[j] = 0;
      // dx_K = 𝒲ᵀu − Ω·dz_K = h − η·Ω·R_d − Ω·dz_K
      omega(dz, tmpN);
      for (let i = nf; i < N; i++) dx[i] = h[i]! - eta * omRd[i]! - tmpN[i]!;
      // scaled directions: 𝒲dz and 𝒲⁻ᵀdx = u − 𝒲dz
      for (let i = 0; i < nl; i++) {
        wdz[lpOff + i] = dlp[i]! * dz[lpOff + i]!;
        wdx[lpOff + i] = u[lpOff + i]! - wdz[lpOff + i]!;
      }
      for (let q = 0; q < soc.length; q++) {
        const k = soc[q]!, o = socOff[q]!;
        symv(k, socSc[q]!.W, dz.subarray(o, o + k), wdz.subarray(o, o + k));
        for (let t = 0; t < k; t++) wdx[o + t] = u[o + t]! - wdz[o + t]!;
      }
      for (let k = 0; k < psd.length; k++) {
        const s = psd[k]!, o = blockOff[k]!;
        scaleDual(scal[k]!, dz.subarray(o, o + s * s), wdz.subarray(o, o + s * s), tmpS);
        for (let t = 0; t < s * s; t++) wdx[o + t] = u[o + t]! - wdz[o + t]!;
      }
      const dkap = (rtau - kap * dtau) / tau;
      return { dtau, dkap };
    };
    const maxStep = (dtau: number, dkap: number): number => {
      let a = Infinity;
      for (let i = 0; i < nl; i++) {
        const l = lamLp[i]!;
        if (wdx[lpOff + i]! < 0) a = Math.min(a, -l / wdx[lpOff + i]!);
        if (wdz[lpOff + i]! < 0) a = Math.min(a, -l / wdz[lpOff + i]!);
      }
      for (let q = 0; q < soc.length; q++) {
        const k = soc[q]!, o = socOff[q]!, lam = socSc[q]!.lambda;
        a = Math.min(a, maxStepSoc(k, lam, wdx.subarray(o, o + k)), maxStepSoc(k, lam, wdz.subarray(o, o + k)));
      }
      for (let k = 0; k < psd.length; k++) {
        const s = psd[k]!, o = blockOff[k]!;
        a = Math.min(a, maxStepPsd(s, scal[k]!.lambda, wdx.subarray(o, o + s * s), tmpS));
        a = Math.min(a, maxStepPsd(s, scal[k]!.lambda, wdz.subarray(o, o + s * s), tmpS));
      }
      if (dtau < 0) a = Math.min(a, -tau / dtau);
      if (dkap < 0) a = Math.min(a, -kap / dkap);
      return a;
    };

    // ---- predictor ----
    const rc = new Float64Array(N);
    for (let i = 0; i < nl; i++) rc[lpOff + i] = -lamLp[i]! * lamLp[i]!;
    for (let q = 0; q < soc.length; q++) {
      const k = soc[q]!, o = socOff[q]!, lam = socSc[q]!.lambda;
      jordanSoc(k, lam, lam, rc.subarray(o, o + k));
      for (let t = 0; t < k; t++) rc[o + t] = -rc[o + t]!;
    }
    for (let k = 0; k < psd.length; k++) {
      const s = psd[k]!, o = blockOff[k]!, lam = scal[k]!.lambda;
      for (let i = 0; i < s; i++) rc[o + i * s + i] = -lam[i]! * lam[i]!;
    }
    const aff = direction(1, rc, -tau * kap);
    const alphaAff = Math.min(1, maxStep(aff.dtau, aff.dkap));
    const sigma = Math.min(1, Math.max(0, (1 - alphaAff) ** 3));
    // ---- corrector: r_c = −λ∘λ + σμe − (𝒲⁻ᵀdx_a)∘(𝒲dz_a) ----
    for (let i = 0; i < nl; i++) rc[lpOff + i]! += sigma * mu - wdx[lpOff + i]! * wdz[lpOff + i]!;
    for (let q = 0; q < soc.length; q++) {
      const k = soc[q]!, o = socOff[q]!;
      const prod = new Float64Array(k);
      jordanSoc(k, wdx.subarray(o, o + k), wdz.subarray(o, o + k), prod);
      for (let t = 0; t < k; t++) rc[o + t]! -= prod[t]!;
      rc[o]! += sigma * mu;
    }
    for (let k = 0; k < psd.length; k++) {
      const s = psd[k]!, o = blockOff[k]!;
      const prod = new Float64Array(s * s);
      jordanProduct(s, wdx.subarray(o, o + s * s), wdz.subarray(o, o + s * s), prod, tmpS);
      for (let t = 0; t < s * s; t++) rc[o + t]! -= prod[t]!;
      for (let i = 0; i < s; i++) rc[o + i * s + i]! += sigma * mu;
    }
    const cor = direction(1 - sigma, rc, -tau * kap + sigma * mu - aff.dtau * aff.dkap);
    let alpha = Math.min(1, 0.99 * maxStep(cor.dtau, cor.dkap));
    if (!(alpha > 0) || !Number.isFinite(alpha)) return result('numericalError', it, pres, dres, gap, 1 / tau, 1 / tau);
    // Near the boundary the eigenvalue-based step can overshoot by round-off: back off until every PSD block of
    // the new point has a Cholesky factor (what the next NT scaling needs).
    for (let tries = 0; ; tries++) {
      let ok = true;
      for (let k = 0; k < psd.length && ok; k++) {
        const s = psd[k]!, o = blockOff[k]!, t = work[0]!;
        for (const [v, dv] of [[x, dx], [z, dz]] as const) {
          for (let i = 0; i < s * s; i++) t[i] = v[o + i]! + alpha * dv[o + i]!;
          if (!cholesky(s, t)) ok = false;
        }
      }
      if (ok) break;
      if (tries === 30) return result('numericalError', it, pres, dres, gap, 1 / tau, 1 / tau);
      alpha *= 0.7;
    }
    for (let i = 0; i < N; i++) {
      x[i]! += alpha * dx[i]!;
      z[i]! += alpha * dz[i]!;
    }
    for (let i = 0; i < m; i++) y[i]! += alpha * dy[i]!;
    tau += alpha * cor.dtau;
    kap += alpha * cor.dkap;
    // keep the PSD blocks exactly symmetric
    for (let k = 0; k < psd.length; k++) {
      const s = psd[k]!, o = blockOff[k]!;
      for (let i = 0; i < s; i++) for (let j = 0; j < i; j++) {
        const a = 0.5 * (x[o + i * s + j]! + x[o + j * s + i]!), bb = 0.5 * (z[o + i * s + j]! + z[o + j * s + i]!);
        x[o + i * s + j] = x[o + j * s + i] = a;
        z[o + i * s + j] = z[o + j * s + i] = bb;
      }
    }
  }
  return result('maxIterations', maxIter, lastPres, lastDres, lastGap, 1 / tau, 1 / tau);
}
