/**
 * The one place that owns HDR histogram settings. Every latency poolbench records goes
 * through here, so histograms from any run (or worker) can be decoded and merged losslessly.
 *
 * Values are recorded in microseconds (3 significant digits: ±0.1 % at any magnitude),
 * figures are reported in milliseconds.
 */
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** One hour in µs: anything slower is clamped and still counted, never dropped. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

const SETTINGS = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: HIGHEST_TRACKABLE_US,
  numberOfSignificantValueDigits: 3,
  bitBucketSize: 32,
  // The pure-JS implementation: the WebAssembly one needs explicit destroy() calls and is no
  // faster at the rates a single client process reaches.
  useWebAssembly: false,
} as const;

export function createHistogram(): Histogram {
  return hdr.build(SETTINGS);
}

/** Records a latency given in milliseconds. */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(us < 1 ? 1 : us > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : us);
}

/** HdrHistogram's compressed base64 form, readable by every HdrHistogram implementation. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, SETTINGS.bitBucketSize, SETTINGS.useWebAssembly);
  // Decoding yields the stored ranges; copy into our settings so merges line up.
  const histogram = createHistogram();
  histogram.add(decoded);
  return histogram;
}

/**
 * One histogram holding every value of the encoded ones (from worker threads, or saved runs).
 * HDR histograms with the same settings add bucket by bucket, so nothing is lost.
 */
export function mergeEncodedHistograms(encoded: readonly string[]): Histogram {
  const merged = createHistogram();
  for (const one of encoded) merged.add(decodeHistogram(one));
  return merged;
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** The figures reports show, in milliseconds. An empty histogram gives zeros and count 0. */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const ms = (us: number) => us / 1000;
  return {
    count,
    min: ms(histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    stdev: ms(histogram.stdDeviation),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}

/** Latency (ms) at each percentile, for distribution tables. */
export function percentilesMs(histogram: Histogram, percentiles: readonly number[]): number[] {
  return percentiles.map((p) => histogram.getValueAtPercentile(p) / 1000);
}

/**
 * Counts of recorded values in each bucket `[edges[i], edges[i+1])` (ms). Values at or above
 * the last edge land in the last bucket, so every recorded value is counted once.
 */
export function bucketCounts(histogram: Histogram, edgesMs: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(edgesMs.length - 1, 0)).fill(0);
  if (counts.length === 0) return counts;
  const iterator = (histogram as hdr.JsHistogram).recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    const ms = step.valueIteratedTo / 1000;
    let bucket = 0;
    while (bucket < counts.length - 1 && ms >= edgesMs[bucket + 1]) bucket++;
    counts[bucket] += step.countAtValueIteratedTo;
  }
  return counts;
}
