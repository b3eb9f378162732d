/**
 * Latency objectives as plan sections write them: `p99 < 200ms`, `p50 <= 40ms`, `mean < 50ms`.
 * The grammar is a subset of the CI gate's threshold expressions (`<metric> <comparator> <value>`,
 * latency metrics only, upper bounds only), because a plan searches for the settings under which
 * latency stays *below* a target. A bad expression gets one sentence; the scenario loader places
 * it at the expression's line.
 */
import type { LatencySummary } from '../metrics/histogram.js';
import { formatDuration, parseDuration } from '../scenario/units.js';

export const SLO_METRICS = ['p50', 'p90', 'p99', 'p999', 'mean', 'max'] as const satisfies readonly (keyof LatencySummary)[];
export type SloMetric = (typeof SLO_METRICS)[number];

export interface Slo {
  metric: SloMetric;
  comparator: '<' | '<=';
  /** Milliseconds. */
  limitMs: number;
}

const SHAPE = /^\s*([A-Za-z]\w*)\s*(<=|<|>=|>|==)?\s*(.*?)\s*$/;

export function parseSlo(text: string): { ok: true; slo: Slo } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  const [, name, comparator, valueText] = SHAPE.exec(text) ?? [];
  if (name === undefined) return fail(`expected a latency objective such as "p99 < 200ms", but found ${JSON.stringify(text)}`);
  if (!(SLO_METRICS as readonly string[]).includes(name)) return fail(`unknown latency metric "${name}": an objective names one of ${SLO_METRICS.join(', ')}`);
  if (comparator === undefined) return fail(`expected < or <= after "${name}", as in "${name} < 200ms"`);
  if (comparator !== '<' && comparator !== '<=') return fail(`a latency objective is an upper bound: expected < or <= after "${name}", but found "${comparator}"`);
  const limitMs = parseDuration(valueText);
  if (limitMs === undefined || limitMs <= 0) return fail(`${name} is a latency: expected a positive duration such as 200ms or 1.5s, but found ${JSON.stringify(valueText)}`);
  return { ok: true, slo: { metric: name as SloMetric, comparator, limitMs } };
}

/** `p99 < 200 ms` */
export function formatSlo(slo: Slo): string {
  return `${slo.metric} ${slo.comparator} ${formatDuration(slo.limitMs)}`;
}

/** The objectives `latency` breaks, each as a short reason (`p99 312 ms ≥ 200 ms`); empty when all hold. */
export function brokenSlos(slos: readonly Slo[], latency: LatencySummary): string[] {
  return slos
    .filter(({ metric, comparator, limitMs }) => (comparator === '<' ? !(latency[metric] < limitMs) : !(latency[metric] <= limitMs)))
    .map(({ metric, comparator, limitMs }) => `${metric} ${formatDuration(latency[metric])} ${comparator === '<' ? '≥' : '>'} ${formatDuration(limitMs)}`);
}
