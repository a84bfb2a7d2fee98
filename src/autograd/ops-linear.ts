/**
 * Recorded matmul and einsum. Both are multilinear without conjugation, so the gradient of one operand is
 * the contraction of the output gradient with the conjugates of the other operands (an einsum again).
 */
import { AdjointError } from '../errors.js';
import * as C from '../tensor/complex-ops.js';
import { zeros } from '../tensor/creation.js';
import { einsum as rawEinsum } from '../tensor/einsum.js';
import { matmul as rawMatmul } from '../tensor/matmul.js';
import { sum as reductionsSum } from '../tensor/reductions.js';
import * as V from '../tensor/views.js';
import { Tensor } from '../tensor/tensor.js';
import { assignInto, fitGrad, sumToShape } from './grad-utils.js';
import { differentiable } from './wrap.js';

/**
 * Matrix product with torch.matmul semantics, recorded: ∂a = g·bᴴ, ∂b = aᴴ·g (1-D operands and broadcast
 * batch dims handled as in the forward).
 * @example `matmul(a, b)`
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return differentiable('matmul', [a, b], () => rawMatmul(a, b), (g) => {
    const a2 = a.ndim === 1 ? V.unsqueeze(a, 0) : a;
    const b2 = b.ndim === 1 ? V.unsqueeze(b, -1) : b;
    let g2 = g;
    if (a.ndim === 1) g2 = V.unsqueeze(g2, b.ndim === 1 ? 0 : -2);
    if (b.ndim === 1) g2 = V.unsqueeze(g2, -1);
    const ga = a.requiresGrad ? V.reshape(sumToShape(rawMatmul(g2, V.conjTranspose(b2)), a2.shape), a.shape) : null;
    const gb = b.requiresGrad ? V.reshape(sumToShape(rawMatmul(V.conjTranspose(a2), g2), b2.shape), b.shape) : null;
    return [ga === null ? null : fitGrad(ga, a), gb === null ? null : fitGrad(gb, b)];
  });
}

interface Parsed {
  inputs: string[][];
  output: string[];
}

/** Parses an einsum equation into one label list per operand, with '...' spelled out as fresh labels. */
function parse(equation: string, operands: readonly Tensor[]): Parsed {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.includes('->') ? eq.split('->') as [string, string] : [eq, undefined];
  const terms = lhs.split(',');
  const used = new Set(eq.replace(/[^A-Za-z]/g, '').split(''));
  const fresh: string[] = [];
  for (let c = 0x100; fresh.length < 32; c++) if (!used.has(String.fromCharCode(c))) fresh.push(String.fromCharCode(c));
  let ellRank = 0;
  terms.forEach((t, i) => {
    if (t.includes('...')) ellRank = Math.max(ellRank, (operands[i]?.ndim ?? 0) - t.replace('...', '').length);
  });
  const ell = fresh.slice(0, ellRank);
  const expand = (t: string, ndim: number): string[] => {
    if (!t.includes('...')) return t.split('');
    const [pre, post] = t.split('...') as [string, string];
    const k = ndim - pre.length - post.length;
    return [...pre.split(''), ...ell.slice(ellRank - k), ...post.split('')];
  };
  const inputs = terms.map((t, i) => expand(t, operands[i]?.ndim ?? 0));
  let output: string[];
  if (rhs !== undefined) output = rhs.includes('...') ? expand(rhs, ellRank + rhs.replace('...', '').length) : rhs.split('');
  else {
    const count = new Map<string, number>();
    for (const l of inputs.flat()) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count.keys()].filter((l) => count.get(l) === 1 && !ell.includes(l)).sort();
    output = [...ell, ...once];
  }
  return { inputs, output };
}

/**
 * einsum, recorded. The gradient of operand i is an einsum of the output gradient with the conjugated other
 * operands; labels summed in operand i alone are broadcast back, repeated labels (diagonals) are written
 * onto the diagonal, and size-1 broadcast dims are summed.
 * @example `einsum('ij,jk->ik', a, b)`
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  return differentiable('einsum', operands, () => rawEinsum(equation, ...operands), (g) => {
    const p = parse(equation, operands);
    return operands.map((x, i) => {
      if (!x.requiresGrad) return null;
      const mine = p.inputs[i]!;
      const others = p.inputs.filter((_, j) => j !== i);
      const avail = new Set([...p.output, ...others.flat()]);
      const uniq = [...new Set(mine)];
      const target = uniq.filter((l) => avail.has(l));
      const conjOthers = operands.filter((_, j) => j !== i).map((o) => C.conj(o));
      // Labels (ellipsis ones are outside A-Za-z) are renamed to letters for the raw einsum.
      const letters = new Map<string, string>();
      const alpha = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const rename = (ls: readonly string[]): string =>
        ls
          .map((l) => {
            if (!letters.has(l)) {
              if (letters.size >= alpha.length) throw new AdjointError('einsum: too many labels to differentiate', 'equation');
              letters.set(l, alpha[letters.size]!);
            }
            return letters.get(l)!;
          })
          .join('');
      const eq = `${[p.output, ...others].map(rename).join(',')}->${rename(target)}`;
      let gu = rawEinsum(eq, g, ...conjOthers);
      // Size of each unique label in x.
      const sizeOf = new Map<string, number>();
      mine.forEach((l, k) => sizeOf.set(l, x.shape[k]!));
      // Labels summed in x alone: broadcast back; broadcast (size-1) labels: sum.
      const ushape = uniq.map((l) => sizeOf.get(l)!);
      const full = uniq.map((l) => (target.includes(l) ? gu.shape[target.indexOf(l)]! : 1));
      gu = V.reshape(gu, full);
      const sumDims = uniq.map((l, k) => (ushape[k] === 1 && full[k] !== 1 ? k : -1)).filter((k) => k >= 0);
      if (sumDims.length > 0) gu = reductionsSum(gu, sumDims, true);
      gu = V.expand(gu, ushape);
      if (uniq.length === mine.length) return fitGrad(V.permute(gu, mine.map((l) => uniq.indexOf(l))), x);
      // Repeated labels: write onto the generalised diagonal of zeros.
      const z = zeros(x.shape, { dtype: gu.dtype });
      const zs = z.strides;
      const strides = uniq.map((l) => mine.reduce((s, m, k) => (m === l ? s + zs[k]! : s), 0));
      assignInto(Tensor.fromStorage(z.storage, ushape, z.dtype, strides, 0), gu);
      return fitGrad(z, x);
    });
  });
}
