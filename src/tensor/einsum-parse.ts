import { argError } from '../errors.js';

/** Label code of the ellipsis token inside a parsed term. */
export const ELLIPSIS = -1;

/**
 * A parsed einsum equation. Letters are coded in ASCII order, 'A'–'Z' → 0–25 and 'a'–'z' → 26–51
 * (so implicit output sorts like NumPy/PyTorch); `ELLIPSIS` (-1) marks '...'.
 */
export interface ParsedEquation {
  inputs: number[][];
  /** Explicit output after '->', or null when the equation has no '->' (implicit output). */
  output: number[] | null;
}

/** Code of a letter label, or -2 for any other character. @example `letterCode('a') // 26` */
export function letterCode(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97 + 26;
  return -2;
}

/** The letter of a label code. @example `codeLetter(26) // 'a'` */
export function codeLetter(code: number): string {
  return String.fromCharCode(code < 26 ? 65 + code : 97 + code - 26);
}

function parseTerm(term: string, where: string): number[] {
  const out: number[] = [];
  let sawEllipsis = false;
  for (let i = 0; i < term.length; i++) {
    const ch = term[i]!;
    if (ch === '.') {
      if (term.slice(i, i + 3) !== '...') throw argError('einsum', 'equation', `'.' only as part of '...' (in ${where})`, term);
      if (sawEllipsis) throw argError('einsum', 'equation', `at most one '...' per term (in ${where})`, term);
      sawEllipsis = true;
      out.push(ELLIPSIS);
      i += 2;
      continue;
    }
    const code = letterCode(ch);
    if (code < 0) throw argError('einsum', 'equation', `made of letters a-z, A-Z, '...', ',' and '->' (bad character '${ch}' in ${where})`, term);
    out.push(code);
  }
  return out;
}

/**
 * Parses an einsum equation such as `'ij,jk->ik'`, `'...ii->...i'` or `'ij,jk'` (implicit output).
 * Whitespace is ignored. Checks the syntax and the output term (no repeated letters, every output letter
 * present in some input); operand count and sizes are checked by {@link einsum}.
 *
 * @example
 * ```ts
 * parseEquation('ij,jk->ik'); // { inputs: [[34, 35], [35, 36]], output: [34, 36] }
 * ```
 */
export function parseEquation(equation: unknown): ParsedEquation {
  if (typeof equation !== 'string') throw argError('einsum', 'equation', 'a string such as "ij,jk->ik"', typeof equation);
  const eq = equation.replace(/\s+/g, '');
  const parts = eq.split('->');
  if (parts.length > 2) throw argError('einsum', 'equation', "at most one '->'", equation);
  const lhs = parts[0]!;
  if (lhs.includes('-') || lhs.includes('>') || (parts.length === 2 && (parts[1]!.includes('-') || parts[1]!.includes('>')))) {
    throw argError('einsum', 'equation', "'-' and '>' only as the arrow '->'", equation);
  }
  const inputs = lhs.split(',').map((t, i) => parseTerm(t, `input term ${i}`));
  let output: number[] | null = null;
  if (parts.length === 2) {
    const rhs = parts[1]!;
    if (rhs.includes(',')) throw argError('einsum', 'equation', 'a single output term after \'->\'', equation);
    output = parseTerm(rhs, 'the output term');
    const seen = new Set<number>();
    for (const c of output) {
      if (seen.has(c)) {
        throw argError('einsum', 'equation', `an output term without repeated subscripts (repeated '${c === ELLIPSIS ? '...' : codeLetter(c)}')`, equation);
      }
      seen.add(c);
      if (c !== ELLIPSIS && !inputs.some((t) => t.includes(c))) {
        throw argError('einsum', 'equation', `an output term whose subscripts appear in the inputs ('${codeLetter(c)}' does not)`, equation);
      }
    }
  }
  return { inputs, output };
}
