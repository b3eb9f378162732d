import { ExitCode } from './exit-codes.js';
import type { RunResult } from './result.js';

/**
 * A failure the user can act on. The CLI prints `message` and `hint` without a stack trace and
 * exits with `exitCode`. Anything that is not a PoolbenchError is a bug and gets the stack.
 */
export class PoolbenchError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, options: { code: string; exitCode?: number; hint?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PoolbenchError';
    this.code = options.code;
    this.exitCode = options.exitCode ?? ExitCode.RunError;
    this.hint = options.hint;
  }
}

/** One problem in a scenario file, located for the user. */
export interface ScenarioProblem {
  file: string;
  /** 1-based; 0 when the problem has no place in the file (e.g. the file is empty). */
  line: number;
  col: number;
  /** The YAML path, e.g. `variants[1].connections`; empty for the document itself. */
  path: string;
  message: string;
  hint?: string;
}

/** A scenario that did not validate; carries every problem found, not just the first. */
export class ScenarioError extends PoolbenchError {
  readonly problems: ScenarioProblem[];
  /** `total`: how many there were, when `problems` holds only the first of them. */
  constructor(problems: ScenarioProblem[], total = problems.length) {
    super(`${total} problem${total === 1 ? '' : 's'} in the scenario`, {
      code: 'POOLBENCH_INVALID_SCENARIO',
      exitCode: ExitCode.InvalidInput,
    });
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** `file:line:col path: message (hint)` — one line per problem, the form editors and CI logs link. */
export function formatProblem(p: ScenarioProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  // Without a place or a path, a colon still ends the source: `--set foo.bar=1: unknown key "foo"`.
  const path = p.path ? ` ${p.path}:` : p.line > 0 ? '' : ':';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}${path} ${p.message}${hint}`;
}

/**
 * A run that failed part-way: `result` holds what was measured before the failure, marked
 * partial, so the caller can still write it; `failure` is what went wrong.
 */
export class RunFailedError extends Error {
  readonly failure: unknown;
  readonly result: RunResult;
  constructor(failure: unknown, result: RunResult) {
    super(`the run failed after ${result.variants.length} variant(s): ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
    this.name = 'RunFailedError';
    this.failure = failure;
    this.result = result;
  }
}
