/**
 * Latency objectives as plan sections write them: `p99 < 200ms`, `p50 <= 40ms`, `mean < 50ms`,
 * `poolWait.p99 < 20ms`.
 * They are the CI gate's threshold expressions, narrowed to latency metrics and upper bounds,
 * because a plan searches for the settings under which latency stays *below* a target. A bad
 * expression gets one sentence; the scenario loader places it at the expression's line.
 */
import { formatDuration } from './units.js';
import { parseThreshold } from './threshold.js';

/**
 * Latency figures by the name a run's latency summary uses (the planner's brokenSlos checks they
 * are its keys), and the acquire wait's (`poolWait.p99`: the time a request waits for a connection).
 */
export const LATENCY_SLO_METRICS = ['p50', 'p90', 'p99', 'p999', 'mean', 'max'] as const;
export const POOL_WAIT_SLO_METRICS = { 'poolWait.p50': 'p50', 'poolWait.p99': 'p99', 'poolWait.max': 'max' } as const;
export const SLO_METRICS = [...LATENCY_SLO_METRICS, ...(Object.keys(POOL_WAIT_SLO_METRICS) as (keyof typeof POOL_WAIT_SLO_METRICS)[])] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

export interface Slo {
  metric: SloMetric;
  comparator: '<' | '<=';
  /** Milliseconds. */
  limitMs: number;
}

/** The threshold parser, narrowed to what a plan can search for: an absolute latency bound. */
export function parseSlo(text: string): { ok: true; slo: Slo } | { ok: false; error: string } {
  const parsed = parseThreshold(text);
  if (!parsed.ok) return parsed;
  const { metric, relative, comparator, value } = parsed.threshold;
  const fail = (error: string) => ({ ok: false as const, error });
  if (!isSloMetric(metric)) return fail(`a plan objective is a latency: expected one of ${SLO_METRICS.join(', ')}, but found "${metric}"`);
  if (relative) return fail('a plan objective is an absolute latency, not a change "vs baseline"');
  if (comparator !== '<' && comparator !== '<=') return fail(`a latency objective is an upper bound: expected < or <= after "${metric}", but found "${comparator}"`);
  if (value <= 0) return fail(`${metric} must stay below a positive duration, but the limit is ${formatDuration(value)}`);
  return { ok: true, slo: { metric, comparator, limitMs: value } };
}

function isSloMetric(metric: string): metric is SloMetric {
  return (SLO_METRICS as readonly string[]).includes(metric);
}

/** `p99 < 200 ms` */
export function formatSlo(slo: Slo): string {
  return `${slo.metric} ${slo.comparator} ${formatDuration(slo.limitMs)}`;
}
