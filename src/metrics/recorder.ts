/**
 * Collects one variant's measurements on the hot path. Everything is a counter or an HDR
 * histogram: no per-request allocation survives the request, so memory stays flat however
 * many requests a run sends.
 */
import { createHistogram, decodeHistogram, encodeHistogram, recordMs, type Histogram } from './histogram.js';
import { classifyError, classifyStatus } from './error-class.js';
import { IntervalRecorder } from './time-series.js';
import { CLIENT_CLOSE_CAUSES, type Acquired, type ClientCloseCause, type PoolListener } from '../clients/pool-observer.js';

/** A recorder's figures in a form that crosses threads: histograms encoded, maps as entries. */
export interface RecordedFigures {
  latency: string;
  uncorrectedLatency: string;
  connectTime: string;
  completed: number;
  failed: number;
  bytesReceived: number;
  errors: [string, number][];
  statuses: [number, number][];
  pool: PoolRecordedFigures;
}

/** The pool's figures (pool-observer.ts), in the same crossable form. */
export interface PoolRecordedFigures {
  acquireWait: string;
  idleBeforeReuse: string;
  latencyFresh: string;
  latencyReused: string;
  connectionLifetime: string;
  requestsPerConnection: string;
  requestsOnFresh: number;
  requestsOnReused: number;
  failuresOnReused: number;
  closes: Record<ClientCloseCause, number>;
}

/** What the pool observer reports, kept as HDR histograms and counters (see PoolFigures in result.ts). */
export class PoolRecorder implements PoolListener {
  readonly acquireWait: Histogram = createHistogram();
  readonly idleBeforeReuse: Histogram = createHistogram();
  readonly latencyFresh: Histogram = createHistogram();
  readonly latencyReused: Histogram = createHistogram();
  readonly connectionLifetime: Histogram = createHistogram();
  /** Counts, not times: recorded as whole numbers through the same ms scale. */
  readonly requestsPerConnection: Histogram = createHistogram();
  requestsOnFresh = 0;
  requestsOnReused = 0;
  failuresOnReused = 0;
  readonly closes = Object.fromEntries(CLIENT_CLOSE_CAUSES.map((cause) => [cause, 0])) as Record<ClientCloseCause, number>;

  constructor(private readonly connectTime: Histogram) {}

  connected(ms: number): void {
    recordMs(this.connectTime, ms);
  }

  acquired(attempt: Acquired): void {
    recordMs(this.acquireWait, attempt.waitMs);
    if (attempt.reused) {
      this.requestsOnReused += 1;
      recordMs(this.idleBeforeReuse, attempt.idleMs);
    } else {
      this.requestsOnFresh += 1;
    }
  }

  attemptFailed(reused: boolean): void {
    if (reused) this.failuresOnReused += 1;
  }

  connectionClosed(lifetimeMs: number, requests: number, cause: ClientCloseCause): void {
    recordMs(this.connectionLifetime, lifetimeMs);
    recordMs(this.requestsPerConnection, requests);
    this.closes[cause] += 1;
  }

  /** A completed request's latency, by whether its final attempt went out on a reused connection. */
  recordLatency(latencyMs: number, connection: Acquired | undefined): void {
    if (connection) recordMs(connection.reused ? this.latencyReused : this.latencyFresh, latencyMs);
  }

  figures(): PoolRecordedFigures {
    return {
      acquireWait: encodeHistogram(this.acquireWait),
      idleBeforeReuse: encodeHistogram(this.idleBeforeReuse),
      latencyFresh: encodeHistogram(this.latencyFresh),
      latencyReused: encodeHistogram(this.latencyReused),
      connectionLifetime: encodeHistogram(this.connectionLifetime),
      requestsPerConnection: encodeHistogram(this.requestsPerConnection),
      requestsOnFresh: this.requestsOnFresh,
      requestsOnReused: this.requestsOnReused,
      failuresOnReused: this.failuresOnReused,
      closes: { ...this.closes },
    };
  }

  add(figures: PoolRecordedFigures): void {
    this.acquireWait.add(decodeHistogram(figures.acquireWait));
    this.idleBeforeReuse.add(decodeHistogram(figures.idleBeforeReuse));
    this.latencyFresh.add(decodeHistogram(figures.latencyFresh));
    this.latencyReused.add(decodeHistogram(figures.latencyReused));
    this.connectionLifetime.add(decodeHistogram(figures.connectionLifetime));
    this.requestsPerConnection.add(decodeHistogram(figures.requestsPerConnection));
    this.requestsOnFresh += figures.requestsOnFresh;
    this.requestsOnReused += figures.requestsOnReused;
    this.failuresOnReused += figures.failuresOnReused;
    for (const cause of CLIENT_CLOSE_CAUSES) this.closes[cause] += figures.closes[cause];
  }
}

export class VariantRecorder {
  /**
   * Time to the end of the response body, for completed responses: from the intended start under
   * the open model (coordinated-omission corrected), from the send under the closed model.
   */
  readonly latency: Histogram = createHistogram();
  /** Open model only: from the actual send, as a tool without the correction would report it. */
  readonly uncorrectedLatency: Histogram = createHistogram();
  /** Time to open a connection (TCP, plus TLS for https), as the client saw it. */
  readonly connectTime: Histogram = createHistogram();
  /** The pool's own figures, per attempt and per connection; the client reports into it. */
  readonly pool = new PoolRecorder(this.connectTime);
  completed = 0;
  failed = 0;
  bytesReceived = 0;
  readonly errors = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  /** The current second's figures, for the time series; starts when the recorder is made. */
  readonly interval = new IntervalRecorder();

  recordResponse(latencyMs: number, status: number, bytes: number, uncorrectedMs?: number, connection?: Acquired): void {
    recordMs(this.latency, latencyMs);
    this.pool.recordLatency(latencyMs, connection);
    if (uncorrectedMs !== undefined) recordMs(this.uncorrectedLatency, uncorrectedMs);
    this.interval.recordResponse(latencyMs);
    this.completed += 1;
    this.bytesReceived += bytes;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    const statusError = classifyStatus(status);
    if (statusError !== undefined) this.countError(statusError);
  }

  recordFailure(error: unknown): void {
    this.failed += 1;
    this.countError(classifyError(error));
  }

  /** Everything recorded so far, for another thread to `add`. */
  figures(): RecordedFigures {
    return {
      latency: encodeHistogram(this.latency),
      uncorrectedLatency: encodeHistogram(this.uncorrectedLatency),
      connectTime: encodeHistogram(this.connectTime),
      completed: this.completed,
      failed: this.failed,
      bytesReceived: this.bytesReceived,
      errors: [...this.errors],
      statuses: [...this.statuses],
      pool: this.pool.figures(),
    };
  }

  /** Adds another recorder's figures, losslessly (HDR histograms add bucket by bucket), to this one and to the current interval. */
  add(figures: RecordedFigures): void {
    const latency = decodeHistogram(figures.latency);
    this.latency.add(latency);
    this.uncorrectedLatency.add(decodeHistogram(figures.uncorrectedLatency));
    this.connectTime.add(decodeHistogram(figures.connectTime));
    this.pool.add(figures.pool);
    this.completed += figures.completed;
    this.failed += figures.failed;
    this.bytesReceived += figures.bytesReceived;
    let errors = 0;
    for (const [name, n] of figures.errors) {
      this.errors.set(name, (this.errors.get(name) ?? 0) + n);
      errors += n;
    }
    for (const [status, n] of figures.statuses) this.statuses.set(status, (this.statuses.get(status) ?? 0) + n);
    this.interval.add(latency, figures.completed, errors);
  }

  /** Requests that failed or answered with a 4xx/5xx status. */
  get errorCount(): number {
    let total = 0;
    for (const n of this.errors.values()) total += n;
    return total;
  }

  private countError(name: string): void {
    this.interval.recordError();
    this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
  }
}

/** The pool listener of whichever recorder is current (the runner starts a new one after the warm-up). */
export function poolListenerOf(current: () => VariantRecorder): PoolListener {
  return {
    connected: (ms) => current().pool.connected(ms),
    acquired: (attempt) => current().pool.acquired(attempt),
    attemptFailed: (reused) => current().pool.attemptFailed(reused),
    connectionClosed: (lifetimeMs, requests, cause) => current().pool.connectionClosed(lifetimeMs, requests, cause),
  };
}
