/**
 * What the CI gate decided about a run: every threshold check, the comparison with a saved
 * baseline, and from those the outcome and the exit code. Renderers (render.ts) take this and
 * nothing else.
 */
import type { RunResult } from '../result.js';
import { ExitCode } from '../exit-codes.js';
import type { ThresholdUnit } from './threshold.js';
import { checkThresholds } from './check-thresholds.js';
import { compareWithBaseline, type CompareOptions } from './compare.js';

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

export type ChangeVerdict = 'better' | 'worse' | 'same';

export interface MetricComparison {
  variant: string;
  metric: string;
  /** Median over the trials (Mann-Whitney) or the merged figure (tolerance). */
  base: number;
  current: number;
  deltaPercent: number;
  /** Absent when significance was not tested. */
  pValue?: number;
  verdict: ChangeVerdict;
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
}

export interface GateVerdict {
  thresholds: ThresholdCheck[];
  comparison?: BaselineComparison;
}

export type GateOutcome = 'pass' | 'threshold-failed' | 'regression';

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

/** A failed threshold outranks a regression: it is an absolute requirement the user wrote down. */
export function gateOutcome(verdict: GateVerdict): GateOutcome {
  if (failedThresholds(verdict).length > 0) return 'threshold-failed';
  if (regressions(verdict).length > 0) return 'regression';
  return 'pass';
}

export function gateExitCode(verdict: GateVerdict): number {
  switch (gateOutcome(verdict)) {
    case 'threshold-failed':
      return ExitCode.ThresholdFailed;
    case 'regression':
      return ExitCode.Regression;
    case 'pass':
      return ExitCode.Success;
  }
}
