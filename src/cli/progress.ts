/**
 * Plain progress lines on stderr while a run goes on: one when a variant starts and one every
 * few seconds. No escape codes, so CI logs and pipes stay readable.
 */
import type { RunEvent } from '../runner.js';
import { formatDuration, formatRate } from '../report/format.js';
import { formatFaultWindows } from '../report/fault-windows.js';

export function describeRunEvent(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return `target ${event.targetUrl}; ${event.variants.length} variant(s)`;
    case 'round-start':
      return `round ${event.round}/${event.rounds}`;
    case 'variant-start': {
      const limit = [event.durationMs !== undefined ? `for ${formatDuration(event.durationMs)}` : '', event.requests !== undefined ? `up to ${event.requests} requests` : '']
        .filter(Boolean)
        .join(', ');
      const faults = event.faultWindows ? `; fault windows ${formatFaultWindows(event.faultWindows)}` : '';
      return `[${event.index + 1}/${event.total}] ${event.name}: ${event.phase === 'warmup' ? 'warming up' : 'measuring'} ${limit}`.trimEnd() + faults;
    }
    case 'progress':
      return `  ${event.name}: ${formatDuration(event.elapsedMs)} · ${event.completed} done · ${formatRate(event.rps)} · p50 ${formatDuration(event.p50)} · p99 ${formatDuration(event.p99)} · ${event.errors} errors · ${event.connectionsOpened} connections`;
    case 'variant-end':
      return undefined;
  }
}
