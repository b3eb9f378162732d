/**
 * Stages: a level (a request rate, or a concurrency) that moves linearly from one target to the
 * next over each stage's duration, as k6's ramping executors do. Pure functions of time, so the
 * load models, the self-check and the tests read the same ramp.
 */
export interface Stage {
  duration: number;
  target: number;
}

interface Segment {
  startMs: number;
  durationMs: number;
  from: number;
  to: number;
  /** Arrivals expected before the segment starts (level × time, integrated). */
  countBefore: number;
}

export class Ramp {
  private readonly segments: Segment[] = [];
  /** How long the ramp lasts; Infinity for a constant level. */
  readonly durationMs: number;

  /** A constant `start`, or `start` then each stage in turn. */
  constructor(start: number, stages: readonly Stage[] = []) {
    let startMs = 0;
    let from = start;
    let countBefore = 0;
    for (const stage of stages) {
      this.segments.push({ startMs, durationMs: stage.duration, from, to: stage.target, countBefore });
      countBefore += ((from + stage.target) / 2) * (stage.duration / 1000);
      startMs += stage.duration;
      from = stage.target;
    }
    if (stages.length === 0) this.segments.push({ startMs: 0, durationMs: Infinity, from: start, to: start, countBefore: 0 });
    this.durationMs = stages.length === 0 ? Infinity : startMs;
  }

  /** The highest level the ramp reaches: how many closed-model workers it needs. */
  get peak(): number {
    return Math.max(...this.segments.flatMap((s) => [s.from, s.to]));
  }

  /** The level at `tMs` after the start; the last target holds after the ramp ends. */
  levelAt(tMs: number): number {
    const segment = this.segmentAt(tMs);
    if (tMs >= segment.startMs + segment.durationMs) return segment.to;
    return segment.from + (segment.to - segment.from) * ((tMs - segment.startMs) / segment.durationMs);
  }

  /** Arrivals (level per second, integrated) expected in [0, tMs]. */
  countAt(tMs: number): number {
    const segment = this.segmentAt(tMs);
    const tau = Math.min(tMs, segment.startMs + segment.durationMs) - segment.startMs;
    return segment.countBefore + ((segment.from + this.levelAt(segment.startMs + tau)) / 2) * (tau / 1000);
  }

  /** When the arrival numbered `index` (0-based) is due, in ms from the start; Infinity if never. */
  timeOf(index: number): number {
    // Arrival i is due when i arrivals have been expected before it: the first at t = 0.
    for (const segment of this.segments) {
      const segmentCount = Number.isFinite(segment.durationMs) ? ((segment.from + segment.to) / 2) * (segment.durationMs / 1000) : Infinity;
      const n = index - segment.countBefore;
      if (n >= segmentCount) continue;
      // Solve n = b·τ + a·τ² for τ (level from + slope·τ): the form without cancellation.
      const b = segment.from / 1000;
      const a = Number.isFinite(segment.durationMs) ? (segment.to - segment.from) / (2 * segment.durationMs * 1000) : 0;
      const root = Math.sqrt(Math.max(b * b + 4 * a * n, 0));
      const tau = n === 0 ? 0 : (2 * n) / (b + root);
      return segment.startMs + tau;
    }
    return Infinity;
  }

  private segmentAt(tMs: number): Segment {
    let found = this.segments[0];
    for (const segment of this.segments) if (segment.startMs <= tMs) found = segment;
    return found;
  }
}
