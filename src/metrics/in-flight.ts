/**
 * Requests in flight over time, weighted by how long each level lasted: the L of Little's law,
 * measured rather than derived (the planner checks L = λW with it, and reads pool waits from
 * the time spent above the pool size). Two clock reads per request, one number per level.
 */

export interface InFlightSummary {
  /** Time-weighted mean of requests in flight. */
  mean: number;
  max: number;
  /** distribution[n]: share of the window's time with exactly n requests in flight. */
  distribution: number[];
}

export class InFlightGauge {
  private level = 0;
  private max = 0;
  private readonly timeAtLevel: number[] = [0];
  private lastChangeAt: number;

  constructor(now = performance.now()) {
    this.lastChangeAt = now;
  }

  enter(now = performance.now()): void {
    this.advance(now);
    this.level += 1;
    if (this.level > this.max) {
      this.max = this.level;
      this.timeAtLevel[this.level] = 0;
    }
  }

  leave(now = performance.now()): void {
    this.advance(now);
    this.level -= 1;
  }

  summary(now = performance.now()): InFlightSummary {
    this.advance(now);
    const total = this.timeAtLevel.reduce((sum, ms) => sum + ms, 0);
    const distribution = this.timeAtLevel.map((ms) => (total > 0 ? ms / total : 0));
    return { mean: meanLevel(distribution), max: this.max, distribution };
  }

  private advance(now: number): void {
    this.timeAtLevel[this.level] += now - this.lastChangeAt;
    this.lastChangeAt = now;
  }
}

/** One summary for consecutive windows (repeated trials), each weighted by its length in ms. */
export function mergeInFlight(windows: readonly { summary: InFlightSummary; durationMs: number }[]): InFlightSummary {
  const total = windows.reduce((sum, w) => sum + w.durationMs, 0);
  const distribution = new Array<number>(Math.max(...windows.map((w) => w.summary.distribution.length))).fill(0);
  for (const { summary, durationMs } of windows) summary.distribution.forEach((share, level) => (distribution[level] += total > 0 ? (share * durationMs) / total : 0));
  return { mean: meanLevel(distribution), max: Math.max(...windows.map((w) => w.summary.max)), distribution };
}

/** The mean level of a distribution of time shares over levels 0, 1, 2, … */
function meanLevel(distribution: readonly number[]): number {
  return distribution.reduce((sum, share, level) => sum + share * level, 0);
}
