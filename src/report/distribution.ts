/**
 * One variant's latency distribution for the terminal: a percentile table and a small text
 * histogram. Decoded from the encoded histogram, so a saved report renders the same.
 */
import type { VariantResult } from '../result.js';
import { bucketCounts, decodeHistogram, percentilesMs } from '../metrics/histogram.js';
import { formatCount, formatDuration } from './format.js';

export const DISTRIBUTION_PERCENTILES = [50, 75, 90, 95, 99, 99.9, 99.99, 100] as const;
const BUCKETS = 10;
const BAR_WIDTH = 40;

/** Latency (ms) at each of DISTRIBUTION_PERCENTILES, from the saved histogram. */
export function distributionPercentiles(v: VariantResult): number[] {
  return percentilesMs(decodeHistogram(v.latencyHistogram), DISTRIBUTION_PERCENTILES);
}

/** `p50`, `p99.9`, `max`: the column names for DISTRIBUTION_PERCENTILES. */
export const percentileLabel = (p: number): string => (p === 100 ? 'max' : `p${p}`);

export function renderDistribution(v: VariantResult): string {
  if (v.latency.count === 0) return `${v.name}: no completed requests`;
  const histogram = decodeHistogram(v.latencyHistogram);
  const values = percentilesMs(histogram, DISTRIBUTION_PERCENTILES);
  const percentileLine = DISTRIBUTION_PERCENTILES.map((p, i) => `${percentileLabel(p)} ${formatDuration(values[i])}`).join('  ');

  // Linear buckets from the fastest response to p99.9: the far tail goes in the last bucket
  // instead of squashing every other bar into one column.
  const low = v.latency.min;
  const high = Math.max(v.latency.p999, low + 0.001);
  const edges = Array.from({ length: BUCKETS + 1 }, (_, i) => low + ((high - low) * i) / BUCKETS);
  const counts = bucketCounts(histogram, edges);
  const largest = Math.max(...counts, 1);
  const labelWidth = Math.max(...edges.map((e) => formatDuration(e).length));
  const bars = counts.map((count, i) => {
    const label = formatDuration(edges[i]).padStart(labelWidth);
    const bar = '█'.repeat(Math.round((count / largest) * BAR_WIDTH)) || (count > 0 ? '▏' : '');
    return `  ${label} ${i === counts.length - 1 ? '≥' : ' '} ${bar.padEnd(BAR_WIDTH)} ${formatCount(count)}`;
  });
  return [`${v.name} — ${formatCount(v.latency.count)} responses`, `  ${percentileLine}`, ...bars].join('\n');
}
