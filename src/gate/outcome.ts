/**
 * What a gate verdict amounts to: which checks failed, the outcome, the exit code. Pure queries
 * over the stored verdict, so the renderers can word it without loading the code that computes it.
 */
import { ExitCode } from '../exit-codes.js';
import type { GateVerdict, MetricComparison, ThresholdCheck } from './types.js';

export type GateOutcome = 'pass' | 'threshold-failed' | 'not-compared' | 'regression';

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
  return outcomeExitCode(gateOutcome(verdict));
}

export function outcomeExitCode(outcome: GateOutcome): number {
  switch (outcome) {
    case 'threshold-failed':
      return ExitCode.ThresholdFailed;
    case 'not-compared':
    case 'regression':
      return ExitCode.Regression;
    case 'pass':
      return ExitCode.Success;
  }
}
