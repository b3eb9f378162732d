/**
 * What the CI gate decided about a run, as the report stores it: every threshold check and the
 * comparison with a saved baseline. Types only, importing no code of the gate, so that result.ts
 * can hold a verdict without depending on how it is computed (as advisor/types.ts for findings).
 */
import type { ThresholdUnit } from '../scenario/threshold.js';
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
