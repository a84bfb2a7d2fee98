/**
 * What every CLI command module receives. A command lives in `src/cli/commands/<name>.ts`, exports a
 * `register<Name>(program, ctx)` function of type {@link CommandRegistrar}, and is listed once in
 * `COMMANDS` in `src/cli/main.ts`.
 */
import type { Command } from 'commander';

/** Where a command writes: injected so that tests can capture output without a child process. */
export interface CliContext {
  /** Writes to standard output (include the trailing newline). */
  stdout: (text: string) => void;
  /** Writes to standard error (include the trailing newline). */
  stderr: (text: string) => void;
}

/**
 * Adds one subcommand to the program. Actions report failure by throwing (an `AdjointError` for bad input);
 * `main` turns that into `adjoint: <message>` and a non-zero exit code.
 *
 * @example
 * ```ts
 * export const registerHello: CommandRegistrar = (program, ctx) => {
 *   program.command('hello').description('say hello').action(() => ctx.stdout('hello\n'));
 * };
 * ```
 */
export type CommandRegistrar = (program: Command, ctx: CliContext) => void;
