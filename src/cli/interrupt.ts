/**
 * How commands answer Ctrl-C and SIGTERM. The commands that send load (`run`, `plan`): the first
 * signal stops the load and lets the command write what was measured, marked partial; a second
 * one quits at once, writing nothing (see io.ts). The servers (`serve`, `proxy`) run until the
 * first signal, then stop and say what they did.
 */
import type { CliIo } from './io.js';
import type { InterruptSignal } from '../exit-codes.js';

/**
 * Runs `work` with a signal that aborts, with the signal's name as reason, on the first Ctrl-C or
 * SIGTERM; the process's default handling comes back when `work` settles. `beforeMessage` runs
 * before the "stopping" line is printed (the live view must let go of the terminal first).
 */
export async function untilInterrupted<T>(io: CliIo, work: (signal: AbortSignal) => Promise<T>, beforeMessage?: () => void): Promise<T> {
  const stopper = new AbortController();
  const release = io.onInterrupt((signal) => {
    beforeMessage?.();
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once, without a report)\n`);
    stopper.abort(signal);
  });
  try {
    return await work(stopper.signal);
  } finally {
    release();
  }
}

/** Resolves with the first Ctrl-C or SIGTERM, after which the process's default handling is back. */
export function waitForInterrupt(io: CliIo): Promise<InterruptSignal> {
  return new Promise((resolve) => {
    const stopListening = io.onInterrupt((signal) => {
      stopListening();
      resolve(signal);
    });
  });
}
