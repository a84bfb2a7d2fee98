/**
 * The `adjoint` command-line tool. Run as `adjoint <command> …` (bin/adjoint.js), as
 * `node dist/cli/main.js …`, or from source with `node --import tsx src/cli/main.ts …`.
 *
 * Exit codes: 0 success, 1 a failed command (bad file, bad input), 2 a usage error (unknown option, missing
 * argument). Errors are one line, `adjoint: <message>`, with no stack trace unless ADJOINT_DEBUG is set.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { AdjointError } from '../errors.js';
import type { CliContext, CommandRegistrar } from './command.js';
import { registerInfo } from './commands/info.js';
import { registerConvPinv } from './commands/conv-pinv.js';
import { registerDemo } from './commands/demo.js';

/**
 * Every subcommand, in the order `--help` lists them. To add one, write `src/cli/commands/<name>.ts`
 * exporting a {@link CommandRegistrar} and append it here.
 */
export const COMMANDS: readonly CommandRegistrar[] = [registerInfo, registerConvPinv, registerDemo];

/**
 * The version in package.json. Both src/cli/main.ts and dist/cli/main.js sit two levels below it.
 * @example `packageVersion() // '0.1.0'`
 */
export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/**
 * Builds the commander program with every command registered, writing through `ctx`.
 * @example `buildProgram(ctx).parseAsync(['info', 'x.npy'], { from: 'user' })`
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('adjoint');
  program
    .description('Numerical linear algebra on tensors: command-line tools')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: ctx.stdout,
      writeErr: ctx.stderr,
      outputError: (text, write) => write(`adjoint: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .showSuggestionAfterError();
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Writes to the real process streams. */
const processContext: CliContext = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Runs the CLI on `argv` (the arguments after the script name) and returns the exit code; it never calls
 * `process.exit`, so output is flushed and tests can call it in-process.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['info', 'x.npy']);
 * ```
 */
export async function main(argv: readonly string[] = process.argv.slice(2), ctx: CliContext = processContext): Promise<number> {
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed help, the version, or `adjoint: <usage error>`.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof AdjointError) {
      ctx.stderr(`adjoint: ${e.message}\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    ctx.stderr(`adjoint: unexpected error: ${msg}\n`);
    if (process.env['ADJOINT_DEBUG'] && e instanceof Error && e.stack) ctx.stderr(`${e.stack}\n`);
    else ctx.stderr('adjoint: (set ADJOINT_DEBUG=1 for a stack trace)\n');
    return 1;
  }
}

/** True when this module is the script node was started with (not when it is imported, e.g. by bin/). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main();
