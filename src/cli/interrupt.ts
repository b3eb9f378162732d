/**
 * How the commands that send load (`run`, `plan`) answer Ctrl-C and SIGTERM: the first signal
 * stops the load and lets the command write what was measured, marked partial; a second one
 * quits at once, writing nothing (see io.ts). The exit code says which signal it was.
 */
import type { CliIo } from './io.js';

export interface InterruptListener {
  /** Aborted, with the signal's name as reason, on the first Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /** Stops listening; the process's default handling comes back. */
  release(): void;
}

/** `beforeMessage` runs before the "stopping" line is printed (the live view must let go of the terminal first). */
export function stopOnInterrupt(io: CliIo, beforeMessage?: () => void): InterruptListener {
  const stopper = new AbortController();
  const release = io.onInterrupt((signal) => {
    beforeMessage?.();
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once, without a report)\n`);
    stopper.abort(signal);
  });
  return { signal: stopper.signal, release };
}
