/** A plan step's figures held against its objectives (the objectives themselves: scenario/slo.ts). */
import type { LatencySummary } from '../metrics/histogram.js';
import { formatDuration } from '../scenario/units.js';
import { holds } from '../scenario/threshold.js';
import { POOL_WAIT_SLO_METRICS, type Slo, type SloMetric } from '../scenario/slo.js';

/**
 * The objectives a step's figures break, each as a short reason (`p99 312 ms ≥ 200 ms`); empty
 * when all hold. `acquireWait` is the per-request acquire wait, absent for clients that do not
 * report it: an objective on it then breaks, since it cannot be shown to hold. Indexing the
 * summaries by an objective's metric is also the compile-time check that every SLO metric is one
 * of their figures.
 */
export function brokenSlos(slos: readonly Slo[], latency: LatencySummary, acquireWait?: LatencySummary): string[] {
  return slos.flatMap(({ metric, comparator, limitMs }) => {
    const figure = isPoolWait(metric) ? acquireWait?.[POOL_WAIT_SLO_METRICS[metric]] : latency[metric];
    if (figure === undefined) return [`${metric} not reported by this client`];
    return holds(figure, comparator, limitMs) ? [] : [`${metric} ${formatDuration(figure)} ${comparator === '<' ? '≥' : '>'} ${formatDuration(limitMs)}`];
  });
}

function isPoolWait(metric: SloMetric): metric is keyof typeof POOL_WAIT_SLO_METRICS {
  return metric in POOL_WAIT_SLO_METRICS;
}
