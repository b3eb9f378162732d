/**
 * How a run shows its progress: the ink live view on a terminal, plain lines in CI and pipes
 * (no escape codes), nothing with --quiet. Everything goes to stderr; stdout is for the table.
 */
import type { CliIo } from './io.js';
import type { RunEvent } from '../runner.js';
import { describeRunEvent } from './progress.js';
import { displaySafe } from '../report/escape.js';

export type ProgressMode = 'live' | 'lines' | 'quiet';

export interface ProgressOutput {
  onEvent(event: RunEvent): void;
  /** Takes the live view off the screen's control; safe to call more than once. */
  stop(): void;
}

export function chooseProgressMode(io: CliIo, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return io.stderr.isTTY && !io.env.CI ? 'live' : 'lines';
}

export async function startProgressOutput(io: CliIo, mode: ProgressMode): Promise<ProgressOutput> {
  if (mode === 'quiet') return { onEvent: () => {}, stop: () => {} };
  const output = await openProgressOutput(io, mode);
  // Events carry the scenario's names: escaped once here, for the lines and the live view alike.
  return { onEvent: (event) => output.onEvent(displaySafe(event)), stop: output.stop };
}

async function openProgressOutput(io: CliIo, mode: Exclude<ProgressMode, 'quiet'>): Promise<ProgressOutput> {
  switch (mode) {
    case 'lines':
      return {
        onEvent(event) {
          // A terminal gets a progress line a second; logs one every five.
          if (event.type === 'progress' && !io.stderr.isTTY && Math.round(event.elapsedMs / 1000) % 5 !== 0) return;
          const line = describeRunEvent(event);
          if (line) io.stderr.write(line + '\n');
        },
        stop: () => {},
      };
    case 'live': {
      // Loaded only here: ink and React are most of what the CLI would otherwise load at start,
      // and a larger live heap lets V8 defer its first full collection (the memory benchmark).
      const [{ render }, { LiveStore }, { LiveRun }] = await Promise.all([import('ink'), import('./live/state.js'), import('./live/view.js')]);
      const store = new LiveStore();
      // 'live' is only chosen when stderr is a terminal, i.e. the process's real stream.
      const instance = render(<LiveRun store={store} />, { stdout: io.stderr as NodeJS.WriteStream, exitOnCtrlC: false, patchConsole: false });
      let mounted = true;
      return {
        onEvent: store.dispatch,
        stop() {
          if (!mounted) return;
          mounted = false;
          instance.unmount();
        },
      };
    }
  }
}
