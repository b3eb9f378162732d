/**
 * Comparing a run with a saved baseline run, variant by variant (matched by name), in the
 * manner of benchstat: a change counts only when the Mann-Whitney U test across trials finds
 * it significant AND it is at least the minimum effect size. Noise must pass; a gate that fails
 * on noise gets switched off.
 *
 * When the trials cannot support a test (one trial a side, or so few that no outcome could
 * reach the significance level), the merged HDR histograms are compared against the minimum
 * effect as a plain tolerance, and the comparison says that significance was not tested.
 *
 * A comparison that compared nothing must not pass: no variant in common (a renamed variant)
 * or a figure missing on one side fails the gate, naming what is missing.
 */
import type { RunResult, TrialFigures, VariantResult } from '../result.js';
import { trialFigures } from '../metrics/trials.js';
import { mannWhitneyU, median, smallestPossiblePValue } from './statistics.js';
import { TAIL_METRICS } from './metrics.js';
import { GATE_METRIC_KEYS, type GateMetricKey } from '../scenario/gate-metrics.js';
import type { BaselineComparison, ChangeVerdict, MetricComparison, VariantComparison } from './types.js';

/** benchstat's significance level. */
export const SIGNIFICANCE_LEVEL = 0.05;
export const DEFAULT_MIN_EFFECT_PERCENT = 5;

export interface ComparedMetric {
  key: GateMetricKey;
  label: string;
  lowerIsBetter: boolean;
}

/**
 * What the gate can compare. Errors are left to thresholds (`errors < 0.1%`): a change from 0 to 1
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
  /** Per metric, its own minimum effect in percent (a scenario's `gate.minEffectByMetric`). */
  minEffectByMetric?: Partial<Record<GateMetricKey, number>>;
  /** The metrics judged (a scenario's `gate.metrics`); default all. */
  metrics?: readonly GateMetricKey[];
  /** Names the baseline in notes and renderings, e.g. its file. */
  baselineLabel?: string;
}

export function compareWithBaseline(base: RunResult, current: RunResult, options: CompareOptions = {}): BaselineComparison {
  const minEffectPercent = options.minEffectPercent ?? DEFAULT_MIN_EFFECT_PERCENT;
  const metricKeys = options.metrics ?? GATE_METRIC_KEYS;
  const settings: MetricSettings = {
    metrics: COMPARED_METRICS.filter((m) => metricKeys.includes(m.key)),
    minEffectPercent,
    minEffectByMetric: options.minEffectByMetric ?? {},
  };
  const notes: string[] = [];
  const failures: string[] = [];
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
    const comparison = compareVariant(before, now, settings);
    variants.push(comparison.variant);
    rows.push(...comparison.rows);
    if (comparison.variant.method === 'tolerance') notes.push(toleranceNote(comparison.variant, comparison.rows, minEffectPercent));
  }
  for (const before of base.variants) {
    if (!current.variants.some((v) => v.name === before.name)) notes.push(`${before.name}: in the baseline but not in this run`);
  }
  // Partial overlap is only a note (a pull request may add or remove a variant); none at all fails.
  if (variants.length === 0) {
    failures.push(`no variant in common: the baseline has ${namesOf(base)}, this run has ${namesOf(current)} (variants are matched by name, so a renamed variant is compared with nothing)`);
  }
  return { baselineLabel: options.baselineLabel, minEffectPercent, significanceLevel: SIGNIFICANCE_LEVEL, variants, rows, notes, failures };
}

interface MetricSettings {
  metrics: readonly ComparedMetric[];
  minEffectPercent: number;
  minEffectByMetric: Partial<Record<GateMetricKey, number>>;
}

function namesOf(run: RunResult): string {
  return run.variants.length > 0 ? run.variants.map((v) => JSON.stringify(v.name)).join(', ') : 'no variant';
}

function compareVariant(before: VariantResult, now: VariantResult, settings: MetricSettings): { variant: VariantComparison; rows: MetricComparison[] } {
  const baseSamples = samplesOf(before);
  const currentSamples = samplesOf(now);
  const testable = smallestPossiblePValue(baseSamples.length, currentSamples.length) < SIGNIFICANCE_LEVEL;
  const rows = settings.metrics.map((metric): MetricComparison => {
    const pick = (t: TrialFigures) => t[metric.key];
    const ownEffect = settings.minEffectByMetric[metric.key];
    const minEffectPercent = ownEffect ?? settings.minEffectPercent;
    const row = { variant: now.name, metric: metric.label, key: metric.key, minEffectPercent };
    const missing = missingSide(metric, before, now, baseSamples.map(pick), currentSamples.map(pick));
    if (missing) {
      // The side that has the figure shows it; the other's stands at 0 and renders as a dash.
      const figure = (v: VariantResult, side: typeof missing.side) => (missing.side === side || missing.side === 'both' ? 0 : pick(trialFigures(v)));
      return { ...row, base: figure(before, 'baseline'), current: figure(now, 'current'), deltaPercent: NaN, verdict: 'missing', missing: missing.side, note: missing.why };
    }
    if (!testable) {
      const base = pick(trialFigures(before));
      const current = pick(trialFigures(now));
      const deltaPercent = percentChange(base, current);
      if (tailLeftUnjudged(metric.key, ownEffect)) {
        return { ...row, base, current, deltaPercent, verdict: 'not-judged', note: 'a tail percentile, with too few trials to measure its noise' };
      }
      return { ...row, base, current, deltaPercent, verdict: judge(metric, deltaPercent, minEffectPercent) };
    }
    const baseValues = baseSamples.map(pick);
    const currentValues = currentSamples.map(pick);
    const base = median(baseValues);
    const current = median(currentValues);
    const deltaPercent = percentChange(base, current);
    const { pValue } = mannWhitneyU(baseValues, currentValues);
    const verdict = pValue < SIGNIFICANCE_LEVEL ? judge(metric, deltaPercent, minEffectPercent) : 'same';
    return { ...row, base, current, deltaPercent, pValue, verdict };
  });
  return { variant: { name: now.name, baseTrials: baseSamples.length, currentTrials: currentSamples.length, method: testable ? 'mann-whitney' : 'tolerance' }, rows };
}

/**
 * The single-trial tail rule: with fewer trials than the test needs, nothing measures how much a
 * figure moves between identical runs. For the median, the mean and throughput — figures that
 * every request moves only a little — the minimum effect is a fair tolerance. For p90 and p99 it is not: a few
 * requests decide them, and on a shared 2-core machine an identical configuration moved them by
 * +7 % and +26 % (failing 3 runs out of 3 at ±5 %). A tolerance derived from the histogram's
 * sample count would not help: that noise comes from the machine (stalls that hit many requests
 * at once), not from sampling. So tails are not judged then, and the output says so, unless the
 * scenario gives them their own tolerance (`gate.minEffectByMetric`) or the runs have the trials
 * for the test (`--repeat 5`), which measures their noise.
 */
function tailLeftUnjudged(key: GateMetricKey, ownEffect: number | undefined): boolean {
  return TAIL_METRICS.includes(key) && ownEffect === undefined;
}

/** Why this variant was compared by tolerance, and which tail percentiles that left unjudged. */
function toleranceNote(variant: VariantComparison, rows: readonly MetricComparison[], minEffectPercent: number): string {
  const unjudged = rows.filter((r) => r.variant === variant.name && r.verdict === 'not-judged').map((r) => r.key);
  return (
    `${variant.name}: significance was not tested — ${variant.baseTrials} trial(s) against ${variant.currentTrials} cannot support it` +
    ` (at least 4 a side are needed; use --repeat 5 for both runs); the merged histograms were compared against a ±${minEffectPercent} % tolerance` +
    (unjudged.length > 0
      ? `; ${unjudged.join(' and ')} ${unjudged.length > 1 ? 'were' : 'was'} not judged: tail percentiles move by more than that between identical runs on a busy machine (give them their own tolerance with gate.minEffectByMetric, or use --repeat 5)`
      : '')
  );
}

/** Which side lacks the figure, if one does: a side without responses has no latency, an old or edited report may lack a field. */
function missingSide(metric: ComparedMetric, before: VariantResult, now: VariantResult, baseValues: number[], currentValues: number[]): { side: 'baseline' | 'current' | 'both'; why: string } | undefined {
  const lacks = (v: VariantResult, values: number[]): string | undefined => {
    if (metric.key !== 'rps' && !(v.latency?.count > 0)) return 'no request completed';
    if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) return `the report has no ${metric.label}`;
    return undefined;
  };
  const inBase = lacks(before, baseValues);
  const inCurrent = lacks(now, currentValues);
  if (inBase && inCurrent) return { side: 'both', why: `baseline: ${inBase}; this run: ${inCurrent}` };
  if (inBase) return { side: 'baseline', why: `baseline: ${inBase}` };
  if (inCurrent) return { side: 'current', why: `this run: ${inCurrent}` };
  return undefined;
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
