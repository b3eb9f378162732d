/**
 * JUnit XML, for CI systems that show test results: one test case per variant, failing when it
 * had errors or its load generator was saturated, then one per threshold and compared metric
 * of the CI gate when the run has a verdict.
 */
import type { RunResult } from '../result.js';
import { displaySafeRun, escapeXml as xml } from './escape.js';
import { formatCount, formatDuration, formatRate } from './format.js';
import { connectionsCell } from './comparison.js';
import type { GateVerdict } from '../gate/types.js';
import { comparisonCells, effectOf, thresholdActual } from './gate.js';

export interface JunitCase {
  /** Groups cases in CI views, e.g. `variants` or `thresholds`. */
  classname: string;
  name: string;
  timeSeconds: number;
  /** Absent when the case passed. */
  failure?: { message: string; details?: string };
  /** Set when the case was not judged (e.g. a tail percentile with too few trials): why. */
  skipped?: string;
  /** Figures shown beside the case. */
  output?: string;
}

export function variantCases(result: RunResult): JunitCase[] {
  return result.variants.map((v) => {
    const problems: string[] = [];
    if (v.errorCount > 0) problems.push(`${formatCount(v.errorCount)} error(s)`);
    if (v.saturated) problems.push(`the load generator could not keep up (saturated: ${v.saturated.reason})`);
    if (v.partial) problems.push('the variant was cut short');
    const errorLines = Object.entries(v.errors).map(([kind, n]) => `${kind}: ${n}`);
    return {
      classname: 'variants',
      name: v.name,
      timeSeconds: v.durationMs / 1000,
      // A partial variant is reported but not failed on its own: the run's exit code says why it stopped.
      failure: v.errorCount > 0 || v.saturated ? { message: problems.join('; '), details: errorLines.join('\n') } : undefined,
      output: [
        `throughput ${formatRate(v.throughputRps)}`,
        `latency p50 ${formatDuration(v.latency.p50)} p99 ${formatDuration(v.latency.p99)}`,
        `requests completed ${formatCount(v.requests.completed)}`,
        `connections opened ${connectionsCell(v)}`,
        ...(v.partial ? ['partial: the variant was cut short'] : []),
      ].join('\n'),
    };
  });
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
  const comparison = verdict.comparison;
  if (!comparison) return cases;
  for (const reason of comparison.failures ?? []) {
    cases.push({ classname: 'poolbench.baseline', name: 'variants compared', timeSeconds: 0, failure: { message: `the baseline comparison could not compare: ${reason}` } });
  }
  for (const row of comparison.rows) {
    const [, , base, current, delta, p, words] = comparisonCells(row, comparison);
    const failure = row.verdict === 'worse'
      ? {
          message: row.pValue !== undefined
            ? `${row.metric} regressed ${delta}, significant (p ${p})`
            : `${row.metric} regressed ${delta}, beyond the ±${effectOf(row, comparison)} % tolerance (significance not tested)`,
          details: `baseline ${base}, current ${current}, change ${delta}, p ${p}`,
        }
      : row.verdict === 'missing'
        ? { message: `${row.metric}: ${words.toLowerCase()}`, details: row.note }
        : undefined;
    cases.push({
      classname: `poolbench.baseline.${row.variant}`,
      name: `${row.metric} vs baseline`,
      timeSeconds: 0,
      ...(failure && { failure }),
      ...(row.verdict === 'not-judged' && { skipped: `not judged: ${row.note ?? 'too few trials'}` }),
    });
  }
  return cases;
}

export function renderJunitCases(suiteName: string, timestamp: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = cases.reduce((sum, c) => sum + c.timeSeconds, 0);
  const attributes = `name="${xml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}"`;
  const body = cases.map((c) => {
    const children = [
      c.failure ? `      <failure message="${xml(c.failure.message)}">${xml(c.failure.details ?? '')}</failure>` : '',
      c.skipped !== undefined ? `      <skipped message="${xml(c.skipped)}"/>` : '',
      c.output ? `      <system-out>${xml(c.output)}</system-out>` : '',
    ].filter(Boolean);
    const open = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="${c.timeSeconds.toFixed(3)}"`;
    return children.length ? `${open}>\n${children.join('\n')}\n    </testcase>` : `${open}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attributes}>`,
    `  <testsuite ${attributes} timestamp="${xml(timestamp)}">`,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function renderJunit(run: RunResult): string {
  const result = displaySafeRun(run);
  return renderJunitCases(`poolbench ${result.scenario.name}`, result.startedAt, [...variantCases(result), ...(result.gate ? gateJUnitCases(result.gate) : [])]);
}
