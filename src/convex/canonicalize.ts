/**
 * Canonicalisation to the solver's standard form (see solver/ipm.ts): minimise cᵀx subject to A·x = b with
 * x = (free, nonnegative, PSD blocks).
 *
 * - A variable declared `psd`, or constrained by `psd(V)` on the bare variable, is replaced by a PSD block: a
 *   real symmetric n×n variable by an n×n block S, a Hermitian n×n variable F by a 2n×2n real block M through
 *   F = (M₁₁ + M₂₂)/2 + i·(M₂₁ − M₁₂)/2. (M ⪰ 0 implies F ⪰ 0, and F ⪰ 0 gives M = [[Re F, −Im F], [Im F, Re F]]
 *   ⪰ 0, so this is exact and needs no extra equalities: the Schur complement has one row per user equality.)
 * - A `nonneg` variable becomes nonnegative columns; every other variable scalar is a free column.
 * - `psd(E)` of a general expression adds a block S with equalities E = S (for a Hermitian E: E equals the
 *   compression of a 2n×2n block, as above); `le`/`ge` add nonnegative slacks; `soc(t, x)` adds a second-order
 *   cone block q with q = (t, x); complex equalities split into real and imaginary rows.
 */
import { AdjointError } from '../errors.js';
import type { Constraint } from './constraints.js';
import { affAddTo, affConst, imOf, isRealArray, newContext, type Affine, type AffineArray, type BuildContext, type Expression } from './expression.js';
import type { ConeProgram } from './solver/ipm.js';
import { triIndex, Variable } from './variable.js';

/** Where a constraint's multipliers live in the standard form. */
export type ConstraintMap =
  | { kind: 'rows'; shape: readonly number[]; re: number[]; im: number[] | null }
  | { kind: 'lp'; shape: readonly number[]; cols: number[] }
  | { kind: 'block'; off: number; s: number; hermitian: boolean }
  | { kind: 'soc'; off: number; k: number }
  | { kind: 'none' };

/** The canonical problem and what is needed to map a solution back. */
export interface Canonical {
  program: ConeProgram;
  ctx: BuildContext;
  /** x-contributions of every variable scalar (global id → pairs). */
  expansion: Map<number, { idx: number[]; val: number[] }>;
  variables: Variable[];
  objective: Affine;
  constraintMaps: ConstraintMap[];
}

type Pairs = { idx: number[]; val: number[] };

/** Contributions of a symmetric-matrix entry S[p, q] of a block stored full: split evenly over (p, q) and (q, p). */
function symEntry(out: Pairs, off: number, s: number, p: number, q: number, w: number): void {
  if (p === q) {
    out.idx.push(off + p * s + p);
    out.val.push(w);
  } else {
    out.idx.push(off + p * s + q, off + q * s + p);
    out.val.push(w / 2, w / 2);
  }
}

function affDiffIsZero(a: Affine, b: Affine, sign: number): boolean {
  const d = affConst(0);
  affAddTo(d, a);
  affAddTo(d, b, -sign);
  let scale = Math.abs(a.c) + Math.abs(b.c);
  for (const v of a.coef.values()) scale = Math.max(scale, Math.abs(v));
  const tol = 1e-12 * Math.max(1, scale);
  if (Math.abs(d.c) > tol) return false;
  for (const v of d.coef.values()) if (Math.abs(v) > tol) return false;
  return true;
}

/** Checks that a square affine array is symmetric (real) or Hermitian (complex); returns whether it is complex. */
function checkHermitian(E: AffineArray, label: string): boolean {
  const n = E.shape[0]!;
  const complex = !isRealArray(E);
  const im = imOf(E);
  for (let p = 0; p < n; p++) for (let q = p; q < n; q++) {
    const okRe = affDiffIsZero(E.re[p * n + q]!, E.re[q * n + p]!, 1);
    const okIm = !complex || affDiffIsZero(im[p * n + q]!, im[q * n + p]!, -1);
    if (!okRe || !okIm) {
      throw new AdjointError(
        `psd: '${label}' is not ${complex ? 'Hermitian' : 'symmetric'} (entries [${p}, ${q}] and [${q}, ${p}] differ); ` +
          `declare the variable with { symmetric: true } or { hermitian: true }, or constrain (X + Xᴴ)/2`,
        'X',
      );
    }
  }
  return complex;
}

/**
 * Builds the standard-form conic program of `objective` (minimised; pass the negation to maximise) and
 * `constraints`.
 *
 * @example
 * ```ts
 * const can = canonicalize(objExpr, [psd(F)]);
 * ```
 */
export function canonicalize(objectiveExpr: Expression, sense: 1 | -1, constraints: readonly Constraint[]): Canonical {
  const ctx = newContext();
  const obj = objectiveExpr.build(ctx);
  if (obj.re.length !== 1) {
    throw new AdjointError(`Problem: the objective '${objectiveExpr.label}' must be a scalar, got shape [${obj.shape.join(', ')}]`, 'objective');
  }
  if (!isRealArray(obj)) {
    throw new AdjointError(
      `Problem: the objective '${objectiveExpr.label}' is complex valued; minimize/maximize need a real expression: take real(…) of it`,
      'objective',
    );
  }
  const built = constraints.map((c) => ({ e: c.expr.build(ctx), x: c.x ? c.x.build(ctx) : null }));
  const variables = [...ctx.variables] as Variable[];

  // ---- decide the cone of every variable ----
  const substituted = new Map<Variable, number>(); // variable → psd block index
  const blockSizes: number[] = [];
  const newBlock = (s: number): number => (blockSizes.push(s), blockSizes.length - 1);
  for (const v of variables) if (v.psd) substituted.set(v, newBlock(v.hermitian ? 2 * v.shape[0]! : v.shape[0]!));
  const constraintBlock = new Map<number, number>(); // constraint index → block (substitution or generic)
  constraints.forEach((c, ci) => {
    if (c.kind !== 'psd') return;
    const v = c.expr;
    if (v instanceof Variable && (v.symmetric || v.hermitian) && !v.nonneg) {
      if (!substituted.has(v)) substituted.set(v, newBlock(v.hermitian ? 2 * v.shape[0]! : v.shape[0]!));
      if (!constraintBlock.has(ci)) {
        constraintBlock.set(ci, substituted.get(v)!);
        return;
      }
    }
  });
  const genericBlockOf = new Map<number, { block: number; complex: boolean }>();
  const socSizes: number[] = [];
  const socOfConstraint = new Map<number, number>();
  constraints.forEach((c, ci) => {
    if (c.kind === 'psd' && !constraintBlock.has(ci)) {
      const complex = checkHermitian(built[ci]!.e, c.expr.label);
      const n = c.expr.shape[0]!;
      genericBlockOf.set(ci, { block: newBlock(complex ? 2 * n : n), complex });
    } else if (c.kind === 'soc') {
      const k = built[ci]!.x!.re.length;
      if (!isRealArray(built[ci]!.e) || !isRealArray(built[ci]!.x!)) throw new AdjointError(`soc: arguments must be real expressions`, 'x');
      socOfConstraint.set(ci, socSizes.length);
      socSizes.push(k + 1);
    }
  });

  let nFree = 0;
  let nLp = 0;
  const freeOf = new Map<Variable, number>();
  const lpOf = new Map<Variable, number>();
  for (const v of variables) {
    if (substituted.has(v)) continue;
    if (v.nonneg) {
      lpOf.set(v, nLp);
      nLp += v.scalarCount;
    } else {
      freeOf.set(v, nFree);
      nFree += v.scalarCount;
    }
  }
  const slackOf = new Map<number, number>();
  constraints.forEach((c, ci) => {
    if (c.kind !== 'nonneg') return;
    if (!isRealArray(built[ci]!.e)) {
      throw new AdjointError(`le/ge: '${c.expr.label}' is complex valued; inequalities need real expressions: compare real(…) or imag(…)`, 'b');
    }
    slackOf.set(ci, nLp);
    nLp += built[ci]!.e.re.length;
  });
  const blockOff: number[] = [];
  const socOff: number[] = [];
  let N = nFree + nLp;
  for (const k of socSizes) {
    socOff.push(N);
    N += k;
  }
  for (const s of blockSizes) {
    blockOff.push(N);
    N += s * s;
  }

  // ---- expansion of every variable scalar into x ----
  const expansion = new Map<number, Pairs>();
  for (const v of variables) {
    const b = v.base;
    if (substituted.has(v)) {
      const k = substituted.get(v)!;
      const off = blockOff[k]!, n = v.shape[0]!;
      if (v.hermitian) {
        const s = 2 * n, nRe = (n * (n + 1)) / 2;
        for (let p = 0; p < n; p++) for (let q = p; q < n; q++) {
          const re: Pairs = { idx: [], val: [] };
          symEntry(re, off, s, p, q, 0.5);
          symEntry(re, off, s, p + n, q + n, 0.5);
          expansion.set(b + triIndex(n, p, q), re);
          if (q > p) {
            const im: Pairs = { idx: [], val: [] };
            symEntry(im, off, s, p + n, q, 0.5);
            symEntry(im, off, s, p, q + n, -0.5);
            expansion.set(b + nRe + triIndex(n, p, q) - (p + 1), im);
          }
        }
      } else {
        for (let p = 0; p < n; p++) for (let q = p; q < n; q++) {
          const e: Pairs = { idx: [], val: [] };
          symEntry(e, off, n, p, q, 1);
          expansion.set(b + triIndex(n, p, q), e);
        }
      }
    } else {
      const start = v.nonneg ? nFree + lpOf.get(v)! : freeOf.get(v)!;
      for (let t = 0; t < v.scalarCount; t++) expansion.set(b + t, { idx: [start + t], val: [1] });
    }
  }

  // ---- rows ----
  const rowPtr: number[] = [0];
  const colIdx: number[] = [];
  const vals: number[] = [];
  const bv: number[] = [];
  const addAff = (acc: Map<number, number>, a: Affine, w = 1): void => {
    for (const [id, coef] of a.coef) {
      const e = expansion.get(id)!;
      for (let t = 0; t < e.idx.length; t++) acc.set(e.idx[t]!, (acc.get(e.idx[t]!) ?? 0) + w * coef * e.val[t]!);
    }
  };
  const addPairs = (acc: Map<number, number>, p: Pairs): void => {
    for (let t = 0; t < p.idx.length; t++) acc.set(p.idx[t]!, (acc.get(p.idx[t]!) ?? 0) + p.val[t]!);
  };
  /** Emits the row Σ (affine parts) + extra = 0, i.e. A·x = −constant. Returns the row index. */
  const emit = (parts: [Affine, number][], extra: Pairs | null): number => {
    const acc = new Map<number, number>();
    let cst = 0;
    for (const [a, w] of parts) {
      addAff(acc, a, w);
      cst += w * a.c;
    }
    if (extra) addPairs(acc, extra);
    const keys = [...acc.keys()].sort((x, y) => x - y);
    for (const k of keys) {
      const v = acc.get(k)!;
      if (v !== 0) {
        colIdx.push(k);
        vals.push(v);
      }
    }
    rowPtr.push(colIdx.length);
    bv.push(-cst);
    return bv.length - 1;
  };

  const constraintMaps: ConstraintMap[] = constraints.map((c, ci) => {
    const E = built[ci]!.e;
    if (c.kind === 'eq') {
      const re = E.re.map((a) => emit([[a, 1]], null));
      const im = isRealArray(E) ? null : imOf(E).map((a) => emit([[a, 1]], null));
      return { kind: 'rows', shape: E.shape, re, im };
    }
    if (c.kind === 'nonneg') {
      const start = nFree + slackOf.get(ci)!;
      const cols = E.re.map((a, t) => {
        emit([[a, 1]], { idx: [start + t], val: [-1] });
        return start + t;
      });
      return { kind: 'lp', shape: E.shape, cols };
    }
    if (c.kind === 'psd' && constraintBlock.has(ci)) {
      const k = constraintBlock.get(ci)!;
      return { kind: 'block', off: blockOff[k]!, s: blockSizes[k]!, hermitian: (c.expr as Variable).hermitian };
    }
    if (c.kind === 'soc') {
      // q = (t, x): rows q₀ − t = 0 and q_i − x_i = 0
      const q = socOfConstraint.get(ci)!;
      const off = socOff[q]!, k = socSizes[q]!;
      const X = built[ci]!.x!;
      emit([[E.re[0]!, 1]], { idx: [off], val: [-1] });
      for (let i = 1; i < k; i++) emit([[X.re[i - 1]!, 1]], { idx: [off + i], val: [-1] });
      return { kind: 'soc', off, k };
    }
    const { block, complex } = genericBlockOf.get(ci)!;
    const off = blockOff[block]!, s = blockSizes[block]!;
    {
      const n = E.shape[0]!;
      const im = imOf(E);
      for (let p = 0; p < n; p++) for (let q = p; q < n; q++) {
        const neg: Pairs = { idx: [], val: [] };
        if (complex) {
          symEntry(neg, off, s, p, q, -0.5);
          symEntry(neg, off, s, p + n, q + n, -0.5);
        } else symEntry(neg, off, s, p, q, -1);
        emit([[E.re[p * n + q]!, 0.5], [E.re[q * n + p]!, 0.5]], neg);
        if (complex && q > p) {
          const negIm: Pairs = { idx: [], val: [] };
          symEntry(negIm, off, s, p + n, q, -0.5);
          symEntry(negIm, off, s, p, q + n, 0.5);
          emit([[im[p * n + q]!, 0.5], [im[q * n + p]!, -0.5]], negIm);
        }
      }
      return { kind: 'block', off, s, hermitian: complex };
    }
  });

  const c = new Float64Array(N);
  const objAff = obj.re[0]!;
  for (const [id, coef] of objAff.coef) {
    const e = expansion.get(id)!;
    for (let t = 0; t < e.idx.length; t++) c[e.idx[t]!]! += sense * coef * e.val[t]!;
  }
  const program: ConeProgram = {
    m: bv.length,
    nFree,
    nLp,
    soc: socSizes,
    psd: blockSizes,
    rowPtr: Int32Array.from(rowPtr),
    col: Int32Array.from(colIdx),
    val: Float64Array.from(vals),
    b: Float64Array.from(bv),
    c,
  };
  return { program, ctx, expansion, variables, objective: objAff, constraintMaps };
}
