/**
 * Latency per request path, beside the overall histogram: a slow route holding fast requests
 * back (head-of-line blocking) shows only when each route's latency is seen on its own.
 */
import { createHistogram, encodeHistogram, recordMs, summarize, type Histogram, type LatencySummary } from './histogram.js';

export interface RouteFigures {
  count: number;
  latency: LatencySummary;
  latencyHistogram: string;
}

export class RouteLatencyRecorder {
  private readonly histograms = new Map<string, Histogram>();

  record(path: string, latencyMs: number): void {
    let histogram = this.histograms.get(path);
    if (histogram === undefined) this.histograms.set(path, (histogram = createHistogram()));
    recordMs(histogram, latencyMs);
  }

  /** By path, in the order the paths were first answered. */
  figures(): Record<string, RouteFigures> {
    const figures: Record<string, RouteFigures> = {};
    for (const [path, histogram] of this.histograms) {
      figures[path] = { count: histogram.totalCount, latency: summarize(histogram), latencyHistogram: encodeHistogram(histogram) };
    }
    return figures;
  }
}
