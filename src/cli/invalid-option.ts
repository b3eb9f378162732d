/** The error of a command-line value the user got wrong: exit code 2, no stack, the flag named in the message. */
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export function invalidOption(message: string, hint?: string): PoolbenchError {
  return new PoolbenchError(message, { code: 'POOLBENCH_INVALID_OPTION', exitCode: ExitCode.InvalidInput, hint });
}

/** `--flag: expected <what>, but found "<value>"`. */
export function invalidValue(flag: string, value: string, expected: string, hint?: string): PoolbenchError {
  return invalidOption(`${flag}: expected ${expected}, but found ${JSON.stringify(value)}`, hint);
}
