/**
 * Collects one variant's measurements on the hot path. Everything is a counter or an HDR
 * histogram: no per-request allocation survives the request, so memory stays flat however
 * many requests a run sends.
 */
import { createHistogram, decodeHistogram, encodeHistogram, recordMs, type Histogram } from './histogram.js';
import { classifyError, classifyStatus } from './error-class.js';
import { IntervalRecorder } from './time-series.js';

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
  completed = 0;
  failed = 0;
  bytesReceived = 0;
  readonly errors = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  /** The current second's figures, for the time series; starts when the recorder is made. */
  readonly interval = new IntervalRecorder();

  recordResponse(latencyMs: number, status: number, bytes: number, uncorrectedMs?: number): void {
    recordMs(this.latency, latencyMs);
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

  recordConnect(ms: number): void {
    recordMs(this.connectTime, ms);
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
    };
  }

  /** Adds another recorder's figures, losslessly (HDR histograms add bucket by bucket), to this one and to the current interval. */
  add(figures: RecordedFigures): void {
    const latency = decodeHistogram(figures.latency);
    this.latency.add(latency);
    this.uncorrectedLatency.add(decodeHistogram(figures.uncorrectedLatency));
    this.connectTime.add(decodeHistogram(figures.connectTime));
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
