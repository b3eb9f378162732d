/**
 * Comparing a run with a saved baseline run, variant by variant (matched by name), in the
 * manner of benchstat: a change counts only when the Mann-Whitney U test across trials finds
 * it significant AND it is at least the minimum effect size. Noise must pass; a gate that fails
 * on noise gets switched off.
 *
 * When the trials cannot support a test (one trial a side, or so few that no outcome could
 * reach the significance level), the merged HDR histograms are compared against the minimum
 * effect as a plain tolerance, and the comparison says that significance was not tested.
 */
import type { RunResult, TrialFigures, VariantResult } from '../result.js';
import { trialFigures } from '../metrics/trials.js';
import { mannWhitneyU, median, smallestPossiblePValue } from './statistics.js';
import type { BaselineComparison, ChangeVerdict, MetricComparison, VariantComparison } from './verdict.js';

/** benchstat's significance level. */
export const SIGNIFICANCE_LEVEL = 0.05;
export const DEFAULT_MIN_EFFECT_PERCENT = 5;

export interface ComparedMetric {
  key: 'p50' | 'p90' | 'p99' | 'mean' | 'rps';
  label: string;
  lowerIsBetter: boolean;
}

/**
 * What the gate compares. Errors are left to thresholds (`errors < 0.1%`): a change from 0 to 1
 * error has no meaningful percentage.
 */
export const COMPARED_METRICS: readonly ComparedMetric[] = [
  { key: 'p50', label: 'latency p50', lowerIsBetter: true },
  { key: 'p90', label: 'latency p90', lowerIsBetter: true },
  { key: 'p99', label: 'latency p99', lowerIsBetter: true },
  { key: 'mean', label: 'latency mean', lowerIsBetter: true },
  { key: 'rps', label: 'throughput', lowerIsBetter: false },
];

export interface CompareOptions {
  /** The smallest change, in percent, that counts as better or worse. */
  minEffectPercent?: number;
  /** Names the baseline in notes and renderings, e.g. its file. */
  baselineLabel?: string;
}

export function compareWithBaseline(base: RunResult, current: RunResult, options: CompareOptions = {}): BaselineComparison {
  const minEffectPercent = options.minEffectPercent ?? DEFAULT_MIN_EFFECT_PERCENT;
  const notes: string[] = [];
  if (base.scenario.name !== current.scenario.name) notes.push(`the baseline is of scenario "${base.scenario.name}", this run of "${current.scenario.name}"`);
  if (base.partial) notes.push('the baseline run was partial; its figures cover only what it measured');
  if (current.partial) notes.push('this run was partial; its figures cover only what it measured');

  const variants: VariantComparison[] = [];
  const rows: MetricComparison[] = [];
  for (const now of current.variants) {
    const before = base.variants.find((v) => v.name === now.name);
    if (!before) {
      notes.push(`${now.name}: not in the baseline, so not compared`);
      continue;
    }
    const comparison = compareVariant(before, now, minEffectPercent);
    variants.push(comparison.variant);
    rows.push(...comparison.rows);
    if (comparison.variant.method === 'tolerance') {
      const { baseTrials, currentTrials } = comparison.variant;
      notes.push(
        `${now.name}: significance was not tested — ${baseTrials} trial(s) against ${currentTrials} cannot support it` +
          ` (at least 4 a side are needed; use --repeat 5 for both runs); the merged histograms were compared against a ±${minEffectPercent} % tolerance`,
      );
    }
  }
  for (const before of base.variants) {
    if (!current.variants.some((v) => v.name === before.name)) notes.push(`${before.name}: in the baseline but not in this run`);
  }
  return { baselineLabel: options.baselineLabel, minEffectPercent, significanceLevel: SIGNIFICANCE_LEVEL, variants, rows, notes };
}

function compareVariant(before: VariantResult, now: VariantResult, minEffectPercent: number): { variant: VariantComparison; rows: MetricComparison[] } {
  const baseSamples = samplesOf(before);
  const currentSamples = samplesOf(now);
  const testable = smallestPossiblePValue(baseSamples.length, currentSamples.length) < SIGNIFICANCE_LEVEL;
  const rows = COMPARED_METRICS.map((metric): MetricComparison => {
    const pick = (t: TrialFigures) => t[metric.key];
    if (!testable) {
      const base = pick(trialFigures(before));
      const current = pick(trialFigures(now));
      const deltaPercent = percentChange(base, current);
      return { variant: now.name, metric: metric.label, base, current, deltaPercent, verdict: judge(metric, deltaPercent, minEffectPercent) };
    }
    const baseValues = baseSamples.map(pick);
    const currentValues = currentSamples.map(pick);
    const base = median(baseValues);
    const current = median(currentValues);
    const deltaPercent = percentChange(base, current);
    const { pValue } = mannWhitneyU(baseValues, currentValues);
    const verdict = pValue < SIGNIFICANCE_LEVEL ? judge(metric, deltaPercent, minEffectPercent) : 'same';
    return { variant: now.name, metric: metric.label, base, current, deltaPercent, pValue, verdict };
  });
  return {
    variant: { name: now.name, baseTrials: baseSamples.length, currentTrials: currentSamples.length, method: testable ? 'mann-whitney' : 'tolerance' },
    rows,
  };
}

/** A report without per-trial figures is one trial: its merged figures are that trial's. */
function samplesOf(v: VariantResult): TrialFigures[] {
  return v.trials && v.trials.length > 0 ? v.trials : [trialFigures(v)];
}

function percentChange(base: number, current: number): number {
  if (base === 0) return current === 0 ? 0 : Infinity * Math.sign(current);
  return ((current - base) / base) * 100;
}

function judge(metric: ComparedMetric, deltaPercent: number, minEffectPercent: number): ChangeVerdict {
  if (!(Math.abs(deltaPercent) >= minEffectPercent)) return 'same';
  return deltaPercent < 0 === metric.lowerIsBetter ? 'better' : 'worse';
}
