/**
 * The signals that stop a command and the exit code each one means: the same code whether the
 * second Ctrl-C quits at once (io.ts) or the first one cuts a run short (interrupt.ts).
 */
import { ExitCode } from '../exit-codes.js';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal's number, as shells report it. */
export function signalExitCode(signal: InterruptSignal): number {
  return signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
}
