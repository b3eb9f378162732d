/**
 * The gate's verdict as text: a terminal table, Markdown (pull-request comment, GitHub job
 * summary) and JUnit test cases (one per threshold, one per compared metric). Pure functions;
 * the report renderers embed these sections.
 */
import Table from 'cli-table3';
import { formatCount, formatDuration, formatRate, signed } from '../report/format.js';
import { COMPACT_ROWS } from '../report/comparison.js';
import type { ThresholdUnit } from './threshold.js';
import type { JunitCase } from '../report/junit.js';
import { escapeMarkdown as md, markdownCode } from '../report/escape.js';
import { failedThresholds, gateOutcome, regressions, type BaselineComparison, type GateVerdict, type MetricComparison, type ThresholdCheck } from './verdict.js';

const STATUS_WORDS: Record<ThresholdCheck['status'], string> = {
  pass: 'ok',
  fail: 'FAILED',
  'no-data': 'FAILED (no data)',
  'not-applicable': 'n/a',
};

const VERDICT_WORDS: Record<MetricComparison['verdict'], string> = {
  better: 'better',
  worse: 'WORSE',
  same: 'no significant change',
};

/** One line: what the gate decided and why. */
export function gateHeadline(verdict: GateVerdict): string {
  const failed = failedThresholds(verdict).length;
  const worse = regressions(verdict).length;
  const reasons = [
    failed > 0 ? `${failed} threshold(s) did not hold` : '',
    worse > 0 ? `${worse} significant regression(s) against the baseline` : '',
  ].filter(Boolean);
  if (gateOutcome(verdict) === 'pass') {
    const checked = [`${verdict.thresholds.length} threshold check(s)`, verdict.comparison ? `${verdict.comparison.rows.length} baseline comparison(s)` : ''].filter(Boolean);
    return `gate passed: ${checked.join(', ')}`;
  }
  return `gate FAILED: ${reasons.join('; ')}`;
}

export function formatThresholdFigure(value: number, unit: ThresholdUnit): string {
  switch (unit) {
    case 'ms':
      return formatDuration(value);
    case 'rps':
      return formatRate(value);
    case 'count':
      return formatCount(value);
    case 'percent':
      return `${Number(value.toFixed(2))} %`;
  }
}

function thresholdActual(check: ThresholdCheck): string {
  if (check.actual === undefined) return check.note ?? '—';
  // A relative threshold's figure is a change: give it its sign.
  return check.relative ? `${signed(check.actual)} %` : formatThresholdFigure(check.actual, check.unit);
}

/** Latencies as durations, throughput as a rate: the metric's label says which. */
function comparisonFigure(row: MetricComparison, value: number): string {
  return row.metric === 'throughput' ? formatRate(value) : formatDuration(value);
}

function change(row: MetricComparison): string {
  return Number.isFinite(row.deltaPercent) ? `${signed(row.deltaPercent)} %` : 'n/a';
}

function pValue(row: MetricComparison): string {
  if (row.pValue === undefined) return 'not tested';
  return row.pValue < 0.001 ? '< 0.001' : row.pValue.toFixed(3);
}

/** How the comparison was made, in one sentence. */
export function describeComparison(comparison: BaselineComparison): string {
  const against = comparison.baselineLabel ? ` against ${comparison.baselineLabel}` : '';
  const tested = comparison.variants.some((v) => v.method === 'mann-whitney');
  const method = tested
    ? `Mann-Whitney U across trials, significance level ${comparison.significanceLevel}, minimum effect ${comparison.minEffectPercent} %`
    : `merged histograms against a ±${comparison.minEffectPercent} % tolerance; significance not tested`;
  const trials = comparison.variants.map((v) => `${v.name}: ${v.baseTrials} → ${v.currentTrials} trial(s)`).join(', ');
  return `baseline comparison${against} (${method}; ${trials || 'no variant in common'})`;
}

function comparisonCells(row: MetricComparison): string[] {
  return [row.variant, row.metric, comparisonFigure(row, row.base), comparisonFigure(row, row.current), change(row), pValue(row), VERDICT_WORDS[row.verdict]];
}

const THRESHOLD_HEAD = ['variant', 'threshold', 'actual', 'result'];
const COMPARISON_HEAD = ['variant', 'metric', 'baseline', 'current', 'change', 'p', 'verdict'];

export function renderGateTable(verdict: GateVerdict): string {
  const sections = [gateHeadline(verdict)];
  const table = (head: string[], rows: string[][]) => {
    const t = new Table({ head, style: { head: [], border: [] }, chars: COMPACT_ROWS });
    t.push(...rows);
    return t.toString();
  };
  if (verdict.thresholds.length > 0) {
    sections.push(table(THRESHOLD_HEAD, verdict.thresholds.map((c) => [c.variant, c.expression, thresholdActual(c), STATUS_WORDS[c.status]])));
  }
  if (verdict.comparison) {
    sections.push(describeComparison(verdict.comparison), table(COMPARISON_HEAD, verdict.comparison.rows.map(comparisonCells)));
    sections.push(...verdict.comparison.notes.map((note) => `note: ${note}`));
  }
  return sections.join('\n') + '\n';
}

export function renderGateMarkdown(verdict: GateVerdict): string {
  const passed = gateOutcome(verdict) === 'pass';
  const lines = [`### ${passed ? '✅' : '❌'} poolbench ${gateHeadline(verdict)}`, ''];
  if (verdict.thresholds.length > 0) {
    lines.push(...markdownTable(THRESHOLD_HEAD, verdict.thresholds.map((c) => [md(c.variant), markdownCode(c.expression), md(thresholdActual(c)), c.status === 'pass' ? 'ok' : c.status === 'not-applicable' ? 'n/a' : `**${STATUS_WORDS[c.status]}**`])), '');
  }
  if (verdict.comparison) {
    lines.push(`${md(capitalize(describeComparison(verdict.comparison)))}:`, '');
    lines.push(...markdownTable(COMPARISON_HEAD, verdict.comparison.rows.map((row) => {
      const cells = comparisonCells(row).map(md);
      if (row.verdict === 'worse') cells[cells.length - 1] = `**${cells[cells.length - 1]}**`;
      return cells;
    })), '');
    lines.push(...verdict.comparison.notes.map((note) => `> ${md(note)}`));
  }
  return lines.join('\n').trimEnd() + '\n';
}

/** Cells already escaped (escapeMarkdown, markdownCode): scenario text cannot break the table. */
function markdownTable(head: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One case per threshold check and per compared metric; a check that does not apply is skipped. */
export function gateJUnitCases(verdict: GateVerdict): JunitCase[] {
  const cases: JunitCase[] = verdict.thresholds
    .filter((c) => c.status !== 'not-applicable')
    .map((c) => ({
      classname: `poolbench.thresholds.${c.variant}`,
      name: c.expression,
      timeSeconds: 0,
      ...(c.status !== 'pass' && { failure: { message: `${c.expression} did not hold: ${thresholdActual(c)}`, details: `variant ${c.variant}: ${thresholdActual(c)}` } }),
    }));
  for (const row of verdict.comparison?.rows ?? []) {
    const [, , base, current, delta, p] = comparisonCells(row);
    cases.push({
      classname: `poolbench.baseline.${row.variant}`,
      name: `${row.metric} vs baseline`,
      timeSeconds: 0,
      ...(row.verdict === 'worse' && { failure: { message: `${row.metric} regressed ${delta} (p ${p})`, details: `baseline ${base}, current ${current}, change ${delta}, p ${p}` } }),
    });
  }
  return cases;
}
