import { signalExitCode, type InterruptSignal } from '../exit-codes.js';

/**
 * What a command may touch of the outside world. The binary passes the real process; tests
 * pass buffers and trigger interrupts themselves, so the whole CLI runs in-process.
 */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Calls `listener` on Ctrl-C / SIGTERM until the returned function is called. */
  onInterrupt(listener: (signal: InterruptSignal) => void): () => void;
}

/**
 * A process stream that a closed reader cannot crash: `poolbench report x.json | head` closes
 * stdout early, and the EPIPE that follows would otherwise surface as an uncaught error with a
 * stack trace. Once the reader is gone, later writes are dropped; the command still finishes
 * (its reports written, its exit code kept), as it would have with its output discarded.
 */
function closableStream(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  // EPIPE, then ERR_STREAM_DESTROYED for each later write: nobody is reading, and no one to tell.
  // The stream itself is kept (not wrapped): the live view renders to the real stderr.
  stream.on('error', () => {});
  return stream;
}

export function processIo(): CliIo {
  return {
    stdout: closableStream(process.stdout),
    stderr: closableStream(process.stderr),
    env: process.env,
    onInterrupt(listener) {
      let interrupts = 0;
      const handle = (signal: InterruptSignal) => {
        interrupts += 1;
        // A second signal means "now": nothing more is written, not even what the first one was writing.
        if (interrupts > 1) process.exit(signalExitCode(signal));
        listener(signal);
      };
      const onSigint = () => handle('SIGINT');
      const onSigterm = () => handle('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      return () => {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      };
    },
  };
}
