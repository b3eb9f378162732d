/**
 * Collects one variant's measurements on the hot path. Everything is a counter or an HDR
 * histogram: no per-request allocation survives the request, so memory stays flat however
 * many requests a run sends.
 */
import { createHistogram, recordMs, type Histogram } from './histogram.js';
import { classifyError, classifyStatus } from './error-class.js';
import { IntervalRecorder } from './time-series.js';

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
