import { ExitCode } from '../exit-codes.js';

/**
 * What a command may touch of the outside world. The binary passes the real process; tests
 * pass buffers and trigger interrupts themselves, so the whole CLI runs in-process.
 */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Calls `listener` on Ctrl-C / SIGTERM until the returned function is called. */
  onInterrupt(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(listener) {
      let interrupts = 0;
      const handle = (signal: 'SIGINT' | 'SIGTERM') => {
        interrupts += 1;
        // A second signal means "now": nothing more is written, not even what the first one was writing.
        if (interrupts > 1) process.exit(signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted);
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
