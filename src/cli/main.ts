/**
 * The command line's entry: parse, run one command, and the one top-level catch. Commands are
 * thin; they return an exit code and never call process.exit, so tests run them in-process.
 */
import { CommanderError } from 'commander';
import type { CliIo } from './io.js';
import { createProgram } from './program.js';
import { PoolbenchError, ScenarioError, formatProblem } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { redactCredentials } from '../credentials.js';
import { visibleText } from '../report/escape.js';

export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const program = createProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The one place errors become text and exit codes: user errors without a stack, bugs with one. */
function reportError(error: unknown, io: CliIo): number {
  // A message may quote the scenario (a name, a target URL with its password): one safe line each.
  const line = (text: string) => io.stderr.write(visibleText(redactCredentials(text)) + '\n');
  if (error instanceof CommanderError) {
    // commander already printed the message (or the help/version text).
    return error.exitCode === 0 ? ExitCode.Success : ExitCode.InvalidInput;
  }
  if (error instanceof ScenarioError) {
    for (const problem of error.problems) line(formatProblem(problem));
    line(`${error.message}; nothing was run`);
    return error.exitCode;
  }
  if (error instanceof PoolbenchError) {
    line(`error: ${error.message}`);
    if (error.hint) line(`hint: ${error.hint}`);
    return error.exitCode;
  }
  // The stack keeps its line breaks (a bug report needs them), but not a password.
  io.stderr.write(`internal error — please report it with the lines below:\n${redactCredentials(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  return ExitCode.RunError;
}
