/** A plan step's figures held against its objectives (the objectives themselves: scenario/slo.ts). */
import type { LatencySummary } from '../metrics/histogram.js';
import { formatDuration } from '../scenario/units.js';
import { holds } from '../scenario/threshold.js';
import type { Slo } from '../scenario/slo.js';

/**
 * The objectives `latency` breaks, each as a short reason (`p99 312 ms ≥ 200 ms`); empty when all
 * hold. Indexing `latency` by an objective's metric is also the compile-time check that every
 * SLO metric is a figure of the latency summary.
 */
export function brokenSlos(slos: readonly Slo[], latency: LatencySummary): string[] {
  return slos
    .filter(({ metric, comparator, limitMs }) => !holds(latency[metric], comparator, limitMs))
    .map(({ metric, comparator, limitMs }) => `${metric} ${formatDuration(latency[metric])} ${comparator === '<' ? '≥' : '>'} ${formatDuration(limitMs)}`);
}
