/**
 * HdrHistogram's percentile-distribution text (`.hgrm`), one per variant, the format that
 * HdrHistogram's plotter and wrk2 read. Values in milliseconds.
 */
import type { VariantResult } from '../result.js';
import { decodeHistogram } from '../metrics/histogram.js';

/** Five percentile steps per halving of the distance to 100 %, as wrk2 and the Java reference print. */
const TICKS_PER_HALF_DISTANCE = 5;
/** Histograms are recorded in µs (metrics/histogram.ts); .hgrm files conventionally hold ms. */
const MICROSECONDS_PER_MS = 1000;

export function renderHgrm(v: VariantResult): string {
  return decodeHistogram(v.latencyHistogram).outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, MICROSECONDS_PER_MS);
}
