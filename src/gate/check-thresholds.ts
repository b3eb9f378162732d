/**
 * Checks a run's figures against the scenario's thresholds: the scenario-wide ones apply to
 * every variant, a variant's own ones to it alone. Latencies, rates and shares come from the
 * merged trials, so a p99 threshold is checked against the p99 of every request the variant
 * completed; counts come from the worst trial.
 */
import type { RunResult, TrialFigures, VariantResult } from '../result.js';
import { PoolbenchError } from '../errors.js';
import { POOL_WAIT_SLO_METRICS } from '../scenario/slo.js';
import { holds, parseThreshold, type Threshold, type ThresholdMetric } from '../scenario/threshold.js';
import type { ThresholdCheck } from './types.js';
import { connectionsUsed } from '../metrics/connection-use.js';

type Figure = { value: number } | { missing: string };

export function checkThresholds(result: RunResult): ThresholdCheck[] {
  const baseline = result.variants.find((v) => v.name === result.baseline);
  return result.variants.flatMap((variant) =>
    [...(result.scenario.thresholds ?? []), ...(variant.variant.thresholds ?? [])].map((expression) => checkOne(parse(expression), variant, baseline)),
  );
}

function parse(expression: string): Threshold {
  const parsed = parseThreshold(expression);
  // The scenario schema rejects bad expressions, so only a hand-edited report gets here.
  if (!parsed.ok) throw new PoolbenchError(`invalid threshold "${expression}" in the report: ${parsed.error}`, { code: 'POOLBENCH_INVALID_THRESHOLD' });
  return parsed.threshold;
}

function checkOne(threshold: Threshold, variant: VariantResult, baseline: VariantResult | undefined): ThresholdCheck {
  const check = { variant: variant.name, expression: threshold.source, relative: threshold.relative, unit: threshold.unit };
  let figure: Figure;
  if (!threshold.relative) {
    figure = figureOf(threshold.metric, variant, threshold.unit === 'percent');
  } else if (variant === baseline) {
    return { ...check, status: 'not-applicable', note: 'this is the baseline variant' };
  } else {
    figure = relativeChange(threshold.metric, variant, baseline);
  }
  if ('missing' in figure) return { ...check, status: 'no-data', note: figure.missing };
  return { ...check, status: holds(figure.value, threshold.comparator, threshold.value) ? 'pass' : 'fail', actual: figure.value };
}

/** The percentage change of the metric from the baseline variant to `variant`. */
function relativeChange(metric: ThresholdMetric, variant: VariantResult, baseline: VariantResult | undefined): Figure {
  if (!baseline) return { missing: 'the baseline variant did not run' };
  // Errors compare as rates: variants of different throughput send different numbers of requests.
  const asShare = metric === 'errors';
  const base = figureOf(metric, baseline, asShare);
  const current = figureOf(metric, variant, asShare);
  if ('missing' in base) return { missing: `baseline variant: ${base.missing}` };
  if ('missing' in current) return current;
  if (base.value === 0) return { missing: `the baseline variant's ${metric} is 0, so a change cannot be a percentage` };
  return { value: ((current.value - base.value) / base.value) * 100 };
}

/**
 * Counts are per trial — the worst trial's — so `connections <= 8` means the same with --repeat 5
 * as without; the merged count would be five times larger.
 */
function worstTrial(v: VariantResult, pick: (t: TrialFigures) => number, merged: number): number {
  return v.trials && v.trials.length > 0 ? Math.max(...v.trials.map(pick)) : merged;
}

/** The figure a threshold on `metric` reads; `asShare` picks the error rate (%) over the count. */
function figureOf(metric: ThresholdMetric, v: VariantResult, asShare: boolean): Figure {
  const noResponses = { missing: 'no request completed' };
  switch (metric) {
    case 'p50':
    case 'p90':
    case 'p99':
    case 'p999':
    case 'max':
    case 'mean':
      return v.latency.count > 0 ? { value: v.latency[metric] } : noResponses;
    case 'poolWait.p50':
    case 'poolWait.p99':
    case 'poolWait.max': {
      const acquireWait = v.pool?.attempts?.acquireWait;
      if (!acquireWait) return { missing: `${v.client} does not report the acquire wait per request` };
      return acquireWait.count > 0 ? { value: acquireWait[POOL_WAIT_SLO_METRICS[metric]] } : { missing: 'no request went out on a connection' };
    }
    case 'deadSockets': {
      const attempts = v.pool?.attempts;
      if (!attempts) return { missing: `${v.client} does not report which requests went out on a reused connection` };
      return attempts.deadSocketRate !== undefined ? { value: attempts.deadSocketRate * 100 } : { missing: 'no request went out on a reused connection' };
    }
    case 'rps':
      return { value: v.throughputRps };
    case 'errors': {
      if (!asShare) return { value: worstTrial(v, (t) => t.errors, v.errorCount) };
      const attempts = v.requests.completed + v.requests.failed;
      return attempts > 0 ? { value: (v.errorCount / attempts) * 100 } : { missing: 'no request was answered or failed' };
    }
    case 'connections':
      return { value: worstTrial(v, (t) => t.connectionsOpened, connectionsUsed(v)) };
    case 'reuse':
      // Every connection's first request is not a reuse; every later one is.
      return v.requests.completed > 0 ? { value: Math.max(0, (1 - v.connections.openedByClient / v.requests.completed) * 100) } : noResponses;
  }
}
