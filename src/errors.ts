/**
 * The one error type that adjoint throws for bad input or failed numerics.
 *
 * @example
 * ```ts
 * try { zeros([-1]); } catch (e) { if (e instanceof AdjointError) console.log(e.argument); } // 'shape'
 * ```
 */
export class AdjointError extends Error {
  /** Name of the offending argument, when one argument is to blame. */
  readonly argument: string | undefined;
  constructor(message: string, argument?: string) {
    super(message);
    this.name = 'AdjointError';
    this.argument = argument;
  }
}

/** Formats a value for an error message without dumping large arrays. @example `describeValue([1, 2]) // '[1, 2]'` */
export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return v.length > 8 ? `[${v.slice(0, 8).join(', ')}, …] (length ${v.length})` : `[${v.join(', ')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(length ${(v as unknown as { length: number }).length})`;
  return String(v);
}

/**
 * Builds an {@link AdjointError} that names the function, the argument, what was expected and what came.
 *
 * @example
 * ```ts
 * throw argError('reshape', 'shape', 'a list of non-negative integers', [-2]);
 * ```
 */
export function argError(fn: string, arg: string, expected: string, got?: unknown): AdjointError {
  const tail = got === undefined ? '' : `, got ${describeValue(got)}`;
  return new AdjointError(`${fn}: argument '${arg}' must be ${expected}${tail}`, arg);
}
