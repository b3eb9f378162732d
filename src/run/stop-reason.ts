/**
 * Why a run stopped before its end, as a value: the runner aborts its stopper with one of these
 * and the result records it as it is — no message is parsed back into a reason.
 */
import type { RunResult } from '../result.js';
import { isInterruptSignal } from '../exit-codes.js';

export type Interruption = NonNullable<RunResult['interruption']>;

export function upstreamExited(what: string, code: number | null, signal: NodeJS.Signals | null): Interruption {
  return { reason: 'upstream-exited', message: `the ${what} exited unexpectedly (code ${code}, signal ${signal})` };
}

/**
 * An abort reason as an interruption. The caller's signal may carry 'SIGINT' or 'SIGTERM' (the
 * CLI's Ctrl-C and SIGTERM); the runner's own reasons are interruptions already; anything else
 * stopped the run as an error.
 */
export function interruptionOf(reason: unknown): Interruption {
  if (isInterruption(reason)) return reason;
  if (isInterruptSignal(reason)) return { reason, message: `interrupted by ${reason}` };
  return { reason: 'error', message: String(reason instanceof Error ? reason.message : reason) };
}

function isInterruption(reason: unknown): reason is Interruption {
  return typeof reason === 'object' && reason !== null && 'reason' in reason && 'message' in reason;
}
