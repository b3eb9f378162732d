/**
 * The gate's verdict as text: a terminal table and Markdown (pull-request comment, GitHub job
 * summary); junit.ts words it as test cases with the phrases exported here. Pure functions; the
 * report renderers embed these sections, `compare` prints them alone.
 */
import Table from 'cli-table3';
import { formatCount, formatDuration, formatRate, signed } from './format.js';
import { COMPACT_ROWS } from './comparison.js';
import type { ThresholdUnit } from '../scenario/threshold.js';
import { escapeMarkdown as md, markdownCode } from './escape.js';
import { markdownTable } from './markdown-table.js';
import type { BaselineComparison, GateVerdict, MetricComparison, ThresholdCheck } from '../gate/types.js';
import { comparisonFailures, failedThresholds, gateOutcome, regressions } from '../gate/outcome.js';

const STATUS_WORDS: Record<ThresholdCheck['status'], string> = {
  pass: 'ok',
  fail: 'FAILED',
  'no-data': 'FAILED (no data)',
  'not-applicable': 'n/a',
};

/** The smallest change that counted for this row, in percent (older reports kept only the comparison's). */
export function effectOf(row: MetricComparison, comparison: BaselineComparison): number {
  return row.minEffectPercent ?? comparison.minEffectPercent;
}

/** ±5 %, or ±5 % / ±30 % when metrics had their own. */
function tolerances(rows: readonly MetricComparison[], comparison: BaselineComparison): string {
  return [...new Set(rows.map((row) => effectOf(row, comparison)))].map((e) => `±${e} %`).join(' / ');
}

/**
 * "Significant" only where a significance test ran; a change held against the tolerance (too few
 * trials for the test) says so instead.
 */
function verdictWords(row: MetricComparison, comparison: BaselineComparison): string {
  const tested = row.pValue !== undefined;
  const beyond = `beyond ±${effectOf(row, comparison)} %`;
  switch (row.verdict) {
    case 'better':
      return tested ? 'better' : `better (${beyond})`;
    case 'worse':
      return tested ? 'WORSE' : `WORSE (${beyond})`;
    case 'same':
      return tested ? 'no significant change' : `within ±${effectOf(row, comparison)} %`;
    case 'not-judged':
      return 'not judged';
    case 'missing':
      return row.missing === 'current' ? 'MISSING in this run' : row.missing === 'both' ? 'MISSING on both sides' : 'MISSING in the baseline';
  }
}

/** Why the gate failed, one clause each; empty when it passed. */
function failureReasons(verdict: GateVerdict): string[] {
  const failed = failedThresholds(verdict).length;
  const worse = regressions(verdict);
  const tested = worse.filter((row) => row.pValue !== undefined);
  const untested = worse.filter((row) => row.pValue === undefined);
  const notCompared = comparisonFailures(verdict);
  return [
    failed > 0 ? `${failed} threshold(s) did not hold` : '',
    ...notCompared.map((reason) => `the baseline comparison could not compare: ${reason}`),
    tested.length > 0 ? `${tested.length} significant regression(s) against the baseline` : '',
    untested.length > 0 && verdict.comparison ? `${untested.length} regression(s) beyond the ${tolerances(untested, verdict.comparison)} tolerance against the baseline (significance not tested)` : '',
  ].filter(Boolean);
}

/** One line: what the gate decided and why. */
export function gateHeadline(verdict: GateVerdict): string {
  if (gateOutcome(verdict) !== 'pass') return `gate FAILED: ${failureReasons(verdict).join('; ')}`;
  const rows = verdict.comparison?.rows ?? [];
  const unjudged = rows.filter((row) => row.verdict === 'not-judged').length;
  const compared = verdict.comparison ? `${rows.length - unjudged} baseline comparison(s)${unjudged > 0 ? ` (${unjudged} not judged)` : ''}` : '';
  return `gate passed: ${[`${verdict.thresholds.length} threshold check(s)`, compared].filter(Boolean).join(', ')}`;
}

function formatThresholdFigure(value: number, unit: ThresholdUnit): string {
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

export function thresholdActual(check: ThresholdCheck): string {
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

/** A side without the figure shows a dash, not the 0 that stands in for it. */
function figureOrDash(row: MetricComparison, side: 'baseline' | 'current'): string {
  const lacking = row.verdict === 'missing' && (row.missing === side || row.missing === 'both');
  return lacking ? '—' : comparisonFigure(row, side === 'baseline' ? row.base : row.current);
}

function pValue(row: MetricComparison): string {
  if (row.pValue === undefined) return 'not tested';
  return row.pValue < 0.001 ? '< 0.001' : row.pValue.toFixed(3);
}

/** How the comparison was made, in one sentence. */
export function describeComparison(comparison: BaselineComparison): string {
  const against = comparison.baselineLabel ? ` against ${comparison.baselineLabel}` : '';
  const tested = comparison.variants.some((v) => v.method === 'mann-whitney');
  const own = [...new Map(comparison.rows.filter((r) => effectOf(r, comparison) !== comparison.minEffectPercent).map((r) => [r.metric, effectOf(r, comparison)])).entries()];
  const ownText = own.length > 0 ? ` (${own.map(([metric, effect]) => `${metric}: ±${effect} %`).join(', ')})` : '';
  const method = tested
    ? `Mann-Whitney U across trials, significance level ${comparison.significanceLevel}, minimum effect ${comparison.minEffectPercent} %${ownText}`
    : `merged histograms against a ±${comparison.minEffectPercent} % tolerance${ownText}; significance not tested`;
  if (comparison.variants.length === 0) return `baseline comparison${against}: nothing compared`;
  const trials = comparison.variants.map((v) => `${v.name}: ${v.baseTrials} → ${v.currentTrials} trial(s)`).join(', ');
  return `baseline comparison${against} (${method}; ${trials})`;
}

export function comparisonCells(row: MetricComparison, comparison: BaselineComparison): string[] {
  return [row.variant, row.metric, figureOrDash(row, 'baseline'), figureOrDash(row, 'current'), change(row), pValue(row), verdictWords(row, comparison)];
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
    const comparison = verdict.comparison;
    sections.push(describeComparison(comparison));
    if (comparison.rows.length > 0) sections.push(table(COMPARISON_HEAD, comparison.rows.map((row) => comparisonCells(row, comparison))));
    sections.push(...comparisonFailures(verdict).map((reason) => `FAILED: ${reason}`));
    sections.push(...comparison.notes.map((note) => `note: ${note}`));
  }
  return sections.join('\n') + '\n';
}

export function renderGateMarkdown(verdict: GateVerdict): string {
  const passed = gateOutcome(verdict) === 'pass';
  const lines = [`### ${passed ? '✅' : '❌'} poolbench ${gateHeadline(verdict)}`, ''];
  if (verdict.thresholds.length > 0) {
    lines.push(markdownTable(THRESHOLD_HEAD, verdict.thresholds.map((c) => [md(c.variant), markdownCode(c.expression), md(thresholdActual(c)), c.status === 'pass' ? 'ok' : c.status === 'not-applicable' ? 'n/a' : `**${STATUS_WORDS[c.status]}**`])), '');
  }
  if (verdict.comparison) {
    const comparison = verdict.comparison;
    lines.push(`${md(capitalize(describeComparison(comparison)))}${comparison.rows.length > 0 ? ':' : '.'}`, '');
    if (comparison.rows.length > 0) lines.push(markdownTable(COMPARISON_HEAD, comparison.rows.map((row) => {
      const cells = comparisonCells(row, comparison).map(md);
      if (row.verdict === 'worse' || row.verdict === 'missing') cells[cells.length - 1] = `**${cells[cells.length - 1]}**`;
      return cells;
    })), '');
    // One quoted paragraph each: consecutive `>` lines would run together into one.
    const quoted = [...comparisonFailures(verdict).map((reason) => `> **FAILED:** ${md(reason)}`), ...comparison.notes.map((note) => `> ${md(note)}`)];
    lines.push(quoted.join('\n>\n'));
  }
  return lines.join('\n').trimEnd() + '\n';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
