/**
 * A variant's figures second by second: throughput, latency p50/p99 of the responses that
 * completed in that second, errors, connections, and the pool's own state. One point per
 * second, so a long run costs a few numbers a second, never a per-request record.
 */
import { createHistogram, recordMs, type Histogram, percentilesMs } from './histogram.js';

/**
 * A pool's state at one moment, in the same words for every client kind that can tell (HikariCP's
 * active/idle/pending gauges):
 * - `connected`: connections open (HTTP/2: sessions), connected = idle + busy;
 * - `idle`: open, with no request in progress;
 * - `busy`: open, with at least one request in progress;
 * - `pending`: requests the client was handed that wait for a connection or a stream (a new
 *   connection's connect included), not yet sent.
 */
export interface PoolState {
  connected: number;
  idle: number;
  busy: number;
  pending: number;
}

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
  /** The client's pool at the end of the interval; absent for a client that cannot tell (autocannon). */
  pool?: PoolState;
}

/** A variant's pool state over its series: means over the samples (one a second), and peaks. */
export interface PoolStateSummary {
  samples: number;
  meanConnected: number;
  peakConnected: number;
  meanBusy: number;
  meanIdle: number;
  meanPending: number;
  peakPending: number;
}

/** Undefined when no point carries the pool's state. */
export function summarizePoolState(points: readonly TimeSeriesPoint[]): PoolStateSummary | undefined {
  const states = points.flatMap((p) => (p.pool ? [p.pool] : []));
  if (states.length === 0) return undefined;
  const mean = (pick: (s: PoolState) => number) => states.reduce((sum, s) => sum + pick(s), 0) / states.length;
  const peak = (pick: (s: PoolState) => number) => Math.max(...states.map(pick));
  return {
    samples: states.length,
    meanConnected: mean((s) => s.connected),
    peakConnected: peak((s) => s.connected),
    meanBusy: mean((s) => s.busy),
    meanIdle: mean((s) => s.idle),
    meanPending: mean((s) => s.pending),
    peakPending: peak((s) => s.pending),
  };
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
