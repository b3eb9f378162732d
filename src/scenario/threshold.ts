/**
 * Threshold expressions as scenario files write them: `p99 < 50ms`, `errors < 0.1%`,
 * `rps >= 900`, `reuse > 95%`, `p50 vs baseline < -30%`. The grammar is
 *
 *     <metric> [vs baseline] <comparator> <value>
 *
 * and the value's unit is the metric's: a duration for latencies, req/s for rps, a count or a
 * percentage of requests for errors, a count for connections, a percentage for reuse, and a
 * percentage change for anything `vs baseline`. A bad expression gets one sentence saying what
 * was expected and what was found; the scenario loader places it at the expression's line.
 */
import { parseDuration } from './units.js';
import { didYouMean } from './did-you-mean.js';

type ValueKind = 'latency' | 'rps' | 'errors' | 'count' | 'share';

/** Every metric a threshold can name, and the kind of value it is compared with. */
export const THRESHOLD_METRICS = {
  p50: 'latency',
  p90: 'latency',
  p99: 'latency',
  p999: 'latency',
  max: 'latency',
  mean: 'latency',
  rps: 'rps',
  errors: 'errors',
  connections: 'count',
  reuse: 'share',
  /** Requests on reused connections that failed on the transport (the keep-alive race). */
  deadSockets: 'share',
  /** The acquire wait per request: from being handed to the client to going out on a connection. */
  'poolWait.p50': 'latency',
  'poolWait.p99': 'latency',
  'poolWait.max': 'latency',
} as const satisfies Record<string, ValueKind>;

export type ThresholdMetric = keyof typeof THRESHOLD_METRICS;
type ShareMetric = { [M in ThresholdMetric]: (typeof THRESHOLD_METRICS)[M] extends 'share' ? M : never }[ThresholdMetric];
const SHARE_MEANINGS: Record<ShareMetric, string> = {
  reuse: 'the share of requests sent on a reused connection',
  deadSockets: 'the share of requests on reused connections that failed on the transport',
};
export type Comparator = '<' | '<=' | '>' | '>=' | '==';
/** What `value` is in: milliseconds, requests per second, a count, or a percentage. */
export type ThresholdUnit = 'ms' | 'rps' | 'count' | 'percent';

export interface Threshold {
  /** The expression as written. */
  source: string;
  metric: ThresholdMetric;
  /** True for `<metric> vs baseline …`: `value` is a percentage change from the baseline variant. */
  relative: boolean;
  comparator: Comparator;
  value: number;
  unit: ThresholdUnit;
}

export type ThresholdParse = { ok: true; threshold: Threshold } | { ok: false; error: string };

const METRIC_NAMES = Object.keys(THRESHOLD_METRICS) as ThresholdMetric[];
const SHAPE = /^\s*([A-Za-z][\w.]*)\s*(.*)$/;
const COMPARATOR = /^(<=|>=|==|<|>)\s*(.*)$/;
const NUMBER = /^[+-]?(\d+(\.\d+)?|\.\d+)$/;
const EXAMPLE = 'such as "p99 < 50ms" or "errors < 0.1%"';

export function parseThreshold(text: string): ThresholdParse {
  const fail = (error: string): ThresholdParse => ({ ok: false, error });
  const shape = SHAPE.exec(text);
  if (!shape) return fail(`expected a threshold ${EXAMPLE}, but found ${JSON.stringify(text)}`);
  const [, name, afterName] = shape;
  if (!Object.hasOwn(THRESHOLD_METRICS, name)) return fail(unknownMetric(name));
  const metric = name as ThresholdMetric;

  let rest = afterName;
  const relative = /^vs\b/.test(rest);
  if (relative) {
    const against = /^vs\s*(\S*)\s*(.*)$/.exec(rest)!;
    if (against[1] !== 'baseline') return fail(`after "${metric} vs", expected "baseline", but found ${quoteOrEnd(against[1])}`);
    rest = against[2];
  }

  const comparison = COMPARATOR.exec(rest);
  if (!comparison) {
    const hint = rest.startsWith('=') ? ' ("==" tests equality)' : '';
    return fail(`expected a comparison (<, <=, >, >= or ==) after "${text.slice(0, text.length - rest.length).trim()}", but found ${quoteOrEnd(rest)}${hint}`);
  }
  const comparator = comparison[1] as Comparator;
  const valueText = comparison[2].trim();
  if (valueText === '') return fail(`expected a value after "${comparator}"`);

  const value = relative ? parseRelative(metric, valueText) : parseValue(metric, valueText);
  if ('error' in value) return fail(value.error);
  return { ok: true, threshold: { source: text.trim(), metric, relative, comparator, value: value.value, unit: value.unit } };
}

type ParsedValue = { value: number; unit: ThresholdUnit } | { error: string };

function parseRelative(metric: ThresholdMetric, text: string): ParsedValue {
  const percent = parsePercent(text);
  if (percent === undefined) return { error: `"${metric} vs baseline" compares a percentage change, such as -30% or +10%, but found ${JSON.stringify(text)}` };
  return { value: percent, unit: 'percent' };
}

function parseValue(metric: ThresholdMetric, text: string): ParsedValue {
  const found = JSON.stringify(text);
  switch (THRESHOLD_METRICS[metric]) {
    case 'latency': {
      const ms = text.startsWith('-') ? undefined : parseDuration(text);
      return ms === undefined ? { error: `${metric} is a latency: expected a duration such as 50ms or 1.5s, but found ${found}` } : { value: ms, unit: 'ms' };
    }
    case 'rps': {
      const rate = /^(\S+?)\s*(req\/s|rps)?$/.exec(text)!;
      return NUMBER.test(rate[1]) && !rate[1].startsWith('-')
        ? { value: Number(rate[1]), unit: 'rps' }
        : { error: `rps is a rate: expected a number of requests per second such as 500, but found ${found}` };
    }
    case 'errors': {
      const percent = parsePercent(text);
      if (percent !== undefined && percent >= 0) return { value: percent, unit: 'percent' };
      return isCount(text) ? { value: Number(text), unit: 'count' } : { error: `errors is a count or a share of requests: expected a whole number such as 0 or a percentage such as 0.1%, but found ${found}` };
    }
    case 'count':
      return isCount(text) ? { value: Number(text), unit: 'count' } : { error: `${metric} is a count: expected a whole number such as 50, but found ${found}` };
    case 'share': {
      const percent = parsePercent(text);
      return percent !== undefined && percent >= 0 && percent <= 100
        ? { value: percent, unit: 'percent' }
        : { error: `${metric} is ${SHARE_MEANINGS[metric as ShareMetric]}: expected a percentage from 0% to 100%, but found ${found}` };
    }
  }
}

function parsePercent(text: string): number | undefined {
  const m = /^(\S+?)\s*%$/.exec(text);
  return m && NUMBER.test(m[1]) ? Number(m[1]) : undefined;
}

function isCount(text: string): boolean {
  return /^\d+$/.test(text);
}

function quoteOrEnd(text: string): string {
  return text === '' ? 'the end of the expression' : JSON.stringify(text);
}

function unknownMetric(name: string): string {
  const list = `the metrics are ${METRIC_NAMES.join(', ')}`;
  // "p95" is one edit from p50 and p90 alike: a guess would mislead, the list of percentiles does not.
  if (/^p\d+$/.test(name)) return `unknown percentile "${name}": thresholds know p50, p90, p99 and p999`;
  const guess = didYouMean(name, METRIC_NAMES);
  return `unknown metric "${name}"${guess ? ` (${guess})` : ''}; ${list}`;
}

/** Whether `actual` satisfies the comparison. */
export function holds(actual: number, comparator: Comparator, limit: number): boolean {
  switch (comparator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
  }
}
