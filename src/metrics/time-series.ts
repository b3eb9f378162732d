/**
 * A variant's figures second by second: throughput, latency p50/p99 of the responses that
 * completed in that second, errors, and connections. One point per second, so a long run
 * costs a few numbers a second, never a per-request record.
 */
import { createHistogram, recordMs, type Histogram, percentilesMs } from './histogram.js';

export interface TimeSeriesPoint {
  /** Seconds since measuring started, at the end of this interval. */
  t: number;
  completed: number;
  rps: number;
  /** Latency of responses completed in this interval, ms; 0 when there were none. */
  p50: number;
  p99: number;
  errors: number;
  connectionsOpened: number;
  /** Connections the client held open at the end of the interval. */
  openConnections: number;
  /** Open model: the rate the schedule asked for in this interval (compare with `rps`). */
  targetRps?: number;
  /** The generator's event-loop delay p99 in this interval, ms (see load/self-check.ts). */
  loopDelayP99?: number;
}

/** Collects one interval at a time; the runner calls `take()` once a second. */
export class IntervalRecorder {
  private latency: Histogram = createHistogram();
  private completed = 0;
  private errors = 0;
  private lastTakenAt: number;
  private readonly startedAt: number;

  constructor(now = performance.now()) {
    this.startedAt = now;
    this.lastTakenAt = now;
  }

  recordResponse(latencyMs: number): void {
    recordMs(this.latency, latencyMs);
    this.completed += 1;
  }

  recordError(): void {
    this.errors += 1;
  }

  /** Adds figures recorded elsewhere (a generator worker thread) to the current interval. */
  add(latency: Histogram, completed: number, errors: number): void {
    this.latency.add(latency);
    this.completed += completed;
    this.errors += errors;
  }

  take(connections: { opened: number; open: number }, now = performance.now()): TimeSeriesPoint {
    const seconds = (now - this.lastTakenAt) / 1000;
    const [p50, p99] = this.completed ? percentilesMs(this.latency, [50, 99]) : [0, 0];
    const point: TimeSeriesPoint = {
      t: Math.round(((now - this.startedAt) / 1000) * 1000) / 1000,
      completed: this.completed,
      rps: seconds > 0 ? this.completed / seconds : 0,
      p50,
      p99,
      errors: this.errors,
      connectionsOpened: connections.opened,
      openConnections: connections.open,
    };
    this.latency.reset();
    this.completed = 0;
    this.errors = 0;
    this.lastTakenAt = now;
    return point;
  }
}
