/**
 * What the CI gate decided about a run: every threshold check, the comparison with a saved
 * baseline, and from those the outcome and the exit code. Renderers (render.ts) take this and
 * nothing else.
 */
import type { RunResult } from '../result.js';
import { ExitCode } from '../exit-codes.js';
import type { ThresholdUnit } from '../scenario/threshold.js';
import { checkThresholds } from './check-thresholds.js';
import { compareWithBaseline, type CompareOptions } from './compare.js';
import type { GateMetricKey } from '../scenario/gate-metrics.js';

export interface ThresholdCheck {
  variant: string;
  expression: string;
  /** A `vs baseline` threshold: `actual` is a percentage change from the baseline variant. */
  relative: boolean;
  /** `no-data` fails: a threshold that cannot be checked must not pass silently. */
  status: 'pass' | 'fail' | 'no-data' | 'not-applicable';
  /** The figure compared, in `unit`; absent when there was none. */
  actual?: number;
  unit: ThresholdUnit;
  /** Why there was no figure, or why the check does not apply. */
  note?: string;
}

/**
 * `not-judged`: shown, but neither passes nor fails (a tail percentile with too few trials);
 * `missing`: one side has no such figure, which fails — a comparison of nothing must not pass.
 */
export type ChangeVerdict = 'better' | 'worse' | 'same' | 'not-judged' | 'missing';

export interface MetricComparison {
  variant: string;
  /** The metric's label, e.g. `latency p99`. */
  metric: string;
  /** Absent in reports written before it was kept. */
  key?: GateMetricKey;
  /** Median over the trials (Mann-Whitney) or the merged figure (tolerance); 0 when `missing`. */
  base: number;
  current: number;
  deltaPercent: number;
  /** Absent when significance was not tested: then the change was held against the tolerance. */
  pValue?: number;
  /** The smallest change that counts for this metric, in percent (absent in older reports: the comparison's). */
  minEffectPercent?: number;
  verdict: ChangeVerdict;
  /** Verdict `missing`: the side without the figure. */
  missing?: 'baseline' | 'current' | 'both';
  /** Why the metric was not judged, or what is missing. */
  note?: string;
}

export interface VariantComparison {
  name: string;
  baseTrials: number;
  currentTrials: number;
  method: 'mann-whitney' | 'tolerance';
}

export interface BaselineComparison {
  baselineLabel?: string;
  minEffectPercent: number;
  significanceLevel: number;
  variants: VariantComparison[];
  rows: MetricComparison[];
  notes: string[];
  /** Why nothing could be compared (no variant in common); each fails the gate. Absent in older reports. */
  failures?: string[];
}

export interface GateVerdict {
  thresholds: ThresholdCheck[];
  comparison?: BaselineComparison;
}

export type GateOutcome = 'pass' | 'threshold-failed' | 'not-compared' | 'regression';

/** Checks a run's thresholds and, given a baseline run, compares with it. */
export function evaluateGate(result: RunResult, baseline?: RunResult, options: CompareOptions = {}): GateVerdict {
  return {
    thresholds: checkThresholds(result),
    ...(baseline && { comparison: compareWithBaseline(baseline, result, options) }),
  };
}

export function failedThresholds(verdict: GateVerdict): ThresholdCheck[] {
  return verdict.thresholds.filter((check) => check.status === 'fail' || check.status === 'no-data');
}

export function regressions(verdict: GateVerdict): MetricComparison[] {
  return verdict.comparison?.rows.filter((row) => row.verdict === 'worse') ?? [];
}

/** What the baseline comparison could not compare: no variant in common, or a metric missing on one side. */
export function comparisonFailures(verdict: GateVerdict): string[] {
  const comparison = verdict.comparison;
  if (!comparison) return [];
  const missing = comparison.rows.filter((row) => row.verdict === 'missing').map((row) => `${row.variant}: ${row.metric} is missing (${row.note ?? row.missing})`);
  return [...(comparison.failures ?? []), ...missing];
}

/**
 * A failed threshold outranks the comparison: it is an absolute requirement the user wrote down.
 * A comparison that compared nothing fails like a regression (the same exit code: the baseline
 * gate did not pass), but says so.
 */
export function gateOutcome(verdict: GateVerdict): GateOutcome {
  if (failedThresholds(verdict).length > 0) return 'threshold-failed';
  if (comparisonFailures(verdict).length > 0) return 'not-compared';
  if (regressions(verdict).length > 0) return 'regression';
  return 'pass';
}

export function gateExitCode(verdict: GateVerdict): number {
  switch (gateOutcome(verdict)) {
    case 'threshold-failed':
      return ExitCode.ThresholdFailed;
    case 'not-compared':
    case 'regression':
      return ExitCode.Regression;
    case 'pass':
      return ExitCode.Success;
  }
}
