/**
 * What timed faults cost a client: requests lost (failed, or answered 4xx/5xx after any
 * retries) among those started inside a fault window, and the time it took to recover — from
 * a window's end to the last loss before the next window. Two counters and a timestamp per
 * window; nothing per request is kept.
 */
/** A window of the measured run in which some instance is faulty, in ms from its start. */
export interface FaultWindow {
  startMs: number;
  /** Infinity when the window lasts to the end of the run. */
  endMs: number;
}

export interface FaultWindowFigures {
  windows: FaultWindow[];
  /** Requests started inside a window that did not succeed. */
  requestsLost: number;
  /** Requests started inside a window. */
  requestsInWindows: number;
  /** Longest time from a window's end to the last loss before the next window; 0 when none came after. */
  recoveryMs: number;
}

/**
 * The upstream's fault clock starts when it zeroes its counters, a moment before the client's
 * measuring clock (the reset's answer travels back over IPC): a window is taken to open this
 * much earlier than its nominal start, so its first losses are not blamed on the one before.
 */
const CLOCK_SKEW_MS = 50;

export class FaultWindowRecorder {
  private requestsLost = 0;
  private requestsInWindows = 0;
  /** Per window: when the last loss between its start and the next window's start happened. */
  private readonly lastLossAt: number[];

  /** `windows` sorted by start, in ms from `origin` (a performance.now() value). */
  constructor(private readonly windows: FaultWindow[], private readonly origin: number) {
    this.lastLossAt = windows.map(() => -Infinity);
  }

  /** One request's outcome, at its end; `latencyMs` places its start. */
  record(succeeded: boolean, latencyMs: number, now = performance.now()): void {
    const endedAt = now - this.origin;
    const startedAt = endedAt - latencyMs;
    if (this.windows.some((w) => startedAt >= w.startMs - CLOCK_SKEW_MS && startedAt < w.endMs)) {
      this.requestsInWindows++;
      if (!succeeded) this.requestsLost++;
    }
    if (succeeded) return;
    // The window this loss follows: the last one that started before it.
    for (let i = this.windows.length - 1; i >= 0; i--) {
      if (this.windows[i].startMs - CLOCK_SKEW_MS <= endedAt) {
        this.lastLossAt[i] = endedAt;
        break;
      }
    }
  }

  figures(): FaultWindowFigures {
    const recoveries = this.windows.map((w, i) => (Number.isFinite(w.endMs) ? Math.max(0, this.lastLossAt[i] - w.endMs) : 0));
    return {
      windows: this.windows,
      requestsLost: this.requestsLost,
      requestsInWindows: this.requestsInWindows,
      recoveryMs: Math.max(0, ...recoveries),
    };
  }
}
