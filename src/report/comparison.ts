/**
 * The comparison table, shaped like the seeds' improvement table: one row per metric, the
 * baseline first, then each variant with its change against the baseline. Direction-aware:
 * lower latency is better, higher throughput is better (shown as ×N).
 */
import Table from 'cli-table3';
import type { RunResult, VariantResult } from '../result.js';
import { formatBytes, formatCount, formatDuration, formatRate, formatShare, signed } from './format.js';
import { connectionsUsed, requestsPerConnection } from '../metrics/connection-use.js';
import { clientClosesBy, countsAgree, upstreamClosesBy, type CloseSide } from '../metrics/close-sides.js';

type Change = 'percent' | 'ratio' | 'difference' | 'none';

export interface ComparisonMetric {
  label: string;
  /** The number compared against the baseline; undefined when the variant has no such figure. */
  value(v: VariantResult): number | undefined;
  /** What the cell shows (may say more than the number, e.g. the upstream's count). */
  cell(v: VariantResult): string;
  /** Undefined for figures that are neither better nor worse by themselves (connections opened). */
  lowerIsBetter: boolean | undefined;
  change: Change;
  /** Rows that only some runs have (faults, retries, the open model): absent means always shown. */
  shown?(variants: VariantResult[]): boolean;
}

const latencyRow = (label: string, pick: (v: VariantResult) => number): ComparisonMetric => ({
  label,
  value: (v) => (v.latency.count ? pick(v) : undefined),
  cell: (v) => (v.latency.count ? formatDuration(pick(v)) : '—'),
  lowerIsBetter: true,
  change: 'percent',
});

const coreMetrics: ComparisonMetric[] = [
  latencyRow('latency p50', (v) => v.latency.p50),
  latencyRow('latency p90', (v) => v.latency.p90),
  latencyRow('latency p99', (v) => v.latency.p99),
  latencyRow('latency p99.9', (v) => v.latency.p999),
  latencyRow('latency max', (v) => v.latency.max),
  {
    ...latencyRow('latency mean ± stdev', (v) => v.latency.mean),
    cell: (v) => (v.latency.count ? `${formatDuration(v.latency.mean)} ± ${formatDuration(v.latency.stdev)}` : '—'),
  },
  {
    label: 'throughput',
    value: (v) => v.throughputRps,
    cell: (v) => formatRate(v.throughputRps),
    lowerIsBetter: false,
    change: 'ratio',
  },
  {
    label: 'requests completed',
    value: (v) => v.requests.completed,
    cell: (v) => formatCount(v.requests.completed),
    lowerIsBetter: false,
    change: 'none',
  },
  {
    label: 'connections opened',
    value: connectionsUsed,
    cell: connectionsCell,
    // More connections is what a bigger pool is for; whether that is good depends on the upstream.
    lowerIsBetter: undefined,
    change: 'percent',
  },
  {
    label: 'requests per connection',
    value: requestsPerConnection,
    cell: (v) => requestsPerConnection(v)?.toFixed(1) ?? '—',
    lowerIsBetter: false,
    change: 'ratio',
  },
  {
    // HTTP/2 streams multiplexed, or HTTP/1.1 requests pipelined: why one connection can carry more.
    label: 'peak in flight per connection',
    value: (v) => v.connections.upstream?.peakInFlightPerConnection,
    cell: (v) => {
      const peak = v.connections.upstream?.peakInFlightPerConnection;
      if (peak === undefined) return '—';
      const http2 = v.connections.upstream?.http2;
      return http2?.sessions ? `${formatCount(peak)} (HTTP/2, ${formatCount(http2.sessions)} session${http2.sessions === 1 ? '' : 's'})` : formatCount(peak);
    },
    lowerIsBetter: false,
    change: 'none',
  },
  {
    // The per-request acquire wait (the pool rows) is the figure; this sampled estimate cross-checks it.
    label: 'queue sampled (cross-check)',
    value: (v) => v.poolWait?.estimatedMeanWaitMs,
    cell: (v) => (v.poolWait ? `${v.poolWait.meanWaiting.toFixed(1)} waiting (≈ ${formatDuration(v.poolWait.estimatedMeanWaitMs)} each)` : '—'),
    lowerIsBetter: true,
    change: 'none',
  },
  {
    label: 'connect time p50',
    value: (v) => (v.connectTime.count ? v.connectTime.p50 : undefined),
    cell: (v) => (v.connectTime.count ? formatDuration(v.connectTime.p50) : '—'),
    lowerIsBetter: true,
    change: 'none',
  },
  {
    label: 'errors',
    value: (v) => v.errorCount,
    cell: (v) => (v.errorCount === 0 ? '0' : `${formatCount(v.errorCount)} (${errorClassesCell(v.errors)})`),
    lowerIsBetter: true,
    change: 'difference',
  },
  {
    label: 'peak RSS',
    value: (v) => v.process.peakRssBytes,
    cell: (v) => formatBytes(v.process.peakRssBytes),
    lowerIsBetter: true,
    change: 'percent',
  },
  {
    label: 'RSS stdev',
    value: (v) => v.process.rssStdevBytes,
    cell: (v) => formatBytes(v.process.rssStdevBytes),
    lowerIsBetter: true,
    change: 'none',
  },
  {
    label: 'client CPU time',
    value: (v) => v.process.cpuUserMs + v.process.cpuSystemMs,
    cell: (v) => formatDuration(v.process.cpuUserMs + v.process.cpuSystemMs),
    lowerIsBetter: true,
    change: 'percent',
  },
  {
    label: 'latency p99 uncorrected',
    value: (v) => v.uncorrectedLatency?.p99,
    cell: (v) => (v.uncorrectedLatency?.count ? formatDuration(v.uncorrectedLatency.p99) : '—'),
    lowerIsBetter: true,
    change: 'none',
    shown: (variants) => variants.some((v) => v.uncorrectedLatency !== undefined),
  },
  {
    label: 'generator kept up',
    value: (v) => (v.saturated ? 0 : undefined),
    cell: (v) => (v.saturated ? 'NO (saturated, see notes)' : 'yes'),
    lowerIsBetter: false,
    change: 'none',
    shown: (variants) => variants.some((v) => v.saturated !== undefined),
  },
  {
    label: 'event-loop delay p99',
    value: (v) => v.process.loopDelayP99Ms,
    cell: (v) => formatDuration(v.process.loopDelayP99Ms),
    lowerIsBetter: true,
    change: 'none',
  },
];

/** Requests that completed with a status below 400. */
function succeeded(v: VariantResult): number {
  return Object.entries(v.statusCodes).reduce((total, [status, n]) => (Number(status) < 400 ? total + n : total), 0);
}

function killedByFaults(v: VariantResult): number | undefined {
  const faults = v.connections.upstream?.faults;
  return faults && Object.values(faults).reduce((total, f) => total + (f?.connectionsClosed ?? 0), 0);
}

const anyRetries = (variants: VariantResult[]) => variants.some((v) => 'retry' in v.variant && v.variant.retry !== undefined);
const anyFaultWindows = (variants: VariantResult[]) => variants.some((v) => v.faultWindows !== undefined);

/** Rows for faults, retries and their cost; each shows only when some variant has its figure. */
const faultMetrics: ComparisonMetric[] = [
  {
    label: 'attempts (retries)',
    value: (v) => v.attempts?.attempts,
    cell: (v) => (v.attempts ? `${formatCount(v.attempts.attempts)} (${formatCount(Math.max(0, v.attempts.attempts - v.requests.sent))})` : '—'),
    lowerIsBetter: true,
    change: 'none',
    shown: anyRetries,
  },
  {
    label: 'requests succeeded',
    value: succeeded,
    cell: (v) => formatCount(succeeded(v)),
    lowerIsBetter: false,
    change: 'difference',
    shown: anyRetries,
  },
  {
    label: 'failed attempts: reused / fresh conn',
    value: (v) => v.attempts && v.attempts.failedOnReused + v.attempts.failedOnFresh,
    cell: (v) => (v.attempts ? `${formatCount(v.attempts.failedOnReused)} / ${formatCount(v.attempts.failedOnFresh)}` : '—'),
    lowerIsBetter: true,
    change: 'difference',
    shown: (variants) => variants.some((v) => (v.attempts?.failedOnReused ?? 0) + (v.attempts?.failedOnFresh ?? 0) > 0),
  },
  {
    label: 'lost in fault windows',
    value: (v) => v.faultWindows?.requestsLost,
    cell: (v) => (v.faultWindows ? `${formatCount(v.faultWindows.requestsLost)} of ${formatCount(v.faultWindows.requestsInWindows)}` : '—'),
    lowerIsBetter: true,
    change: 'difference',
    shown: anyFaultWindows,
  },
  {
    label: 'time to recover',
    value: (v) => v.faultWindows?.recoveryMs,
    cell: (v) => (v.faultWindows ? formatDuration(v.faultWindows.recoveryMs) : '—'),
    lowerIsBetter: true,
    change: 'none',
    shown: anyFaultWindows,
  },
  {
    label: 'connections killed by faults',
    value: killedByFaults,
    cell: (v) => {
      const faults = v.connections.upstream?.faults;
      if (!faults) return '—';
      const detail = Object.entries(faults).flatMap(([type, f]) => (f?.connectionsClosed ? [`${type} ${formatCount(f.connectionsClosed)}`] : []));
      return `${formatCount(killedByFaults(v) ?? 0)}${detail.length ? ` (${detail.join(', ')})` : ''}`;
    },
    lowerIsBetter: true,
    change: 'none',
    shown: (variants) => variants.some((v) => v.connections.upstream?.faults !== undefined),
  },
];

/** A variant's per-attempt pool figures; undefined for clients that do not time their attempts. */
const attemptsOf = (v: VariantResult) => v.pool?.attempts;
const anyAttempts = (variants: VariantResult[]) => variants.some((v) => attemptsOf(v) !== undefined);
const anyReused = (variants: VariantResult[]) => variants.some((v) => (attemptsOf(v)?.requestsOnReused ?? 0) > 0);
const bothKinds = (variants: VariantResult[]) => variants.some((v) => (attemptsOf(v)?.latencyFresh.count ?? 0) > 0 && (attemptsOf(v)?.latencyReused.count ?? 0) > 0);
const p50OrDash = (summary: { count: number; p50: number }) => (summary.count ? formatDuration(summary.p50) : '—');

/** The pool under the microscope (clients/pool-observer.ts): per attempt and per connection, for the clients that report them. */
const poolMetrics: ComparisonMetric[] = [
  {
    label: 'acquire wait p50 / p99',
    value: (v) => attemptsOf(v)?.acquireWait.p99,
    cell: (v) => {
      const wait = attemptsOf(v)?.acquireWait;
      return wait ? `${formatDuration(wait.p50)} / ${formatDuration(wait.p99)}` : '—';
    },
    lowerIsBetter: true,
    change: 'percent',
    shown: anyAttempts,
  },
  {
    label: 'reused requests',
    value: (v) => (attemptsOf(v) ? attemptsOf(v)!.reuseRatio * 100 : undefined),
    cell: (v) => {
      const attempts = attemptsOf(v);
      if (!attempts) return '—';
      const idle = attempts.idleBeforeReuse.count ? ` (idle p50 ${formatDuration(attempts.idleBeforeReuse.p50)})` : '';
      return `${formatShare(attempts.reuseRatio)}${idle}`;
    },
    lowerIsBetter: false,
    change: 'none',
    shown: anyAttempts,
  },
  {
    label: 'latency p50 fresh / reused',
    value: (v) => (attemptsOf(v)?.latencyReused.count ? attemptsOf(v)!.latencyReused.p50 : undefined),
    cell: (v) => {
      const attempts = attemptsOf(v);
      return attempts ? `${p50OrDash(attempts.latencyFresh)} / ${p50OrDash(attempts.latencyReused)}` : '—';
    },
    lowerIsBetter: true,
    change: 'none',
    shown: bothKinds,
  },
  {
    label: 'dead-socket rate',
    value: (v) => {
      const rate = attemptsOf(v)?.deadSocketRate;
      return rate === undefined ? undefined : rate * 100;
    },
    cell: (v) => {
      const attempts = attemptsOf(v);
      if (attempts?.deadSocketRate === undefined) return '—';
      return `${formatShare(attempts.deadSocketRate)} (${formatCount(attempts.failuresOnReused)} of ${formatCount(attempts.requestsOnReused)})`;
    },
    lowerIsBetter: true,
    change: 'none',
    shown: anyReused,
  },
  {
    label: 'connection lifetime p50',
    value: (v) => (v.pool?.connectionLifetime.count ? v.pool.connectionLifetime.p50 : undefined),
    cell: (v) => (v.pool?.connectionLifetime.count ? `${formatDuration(v.pool.connectionLifetime.p50)} (max ${formatDuration(v.pool.connectionLifetime.max)})` : '—'),
    lowerIsBetter: undefined,
    change: 'none',
    shown: (variants) => variants.some((v) => (v.pool?.connectionLifetime.count ?? 0) > 0),
  },
];

/** Closes by who closed, the client's count with the upstream's beside it (the rule: metrics/close-sides.ts). */
function closedByRow(side: CloseSide): ComparisonMetric {
  const clientCount = (v: VariantResult) => (v.pool ? clientClosesBy(v.pool.closes, side) : undefined);
  // A report saved before the upstream counted closes has none.
  const upstreamCount = (v: VariantResult) => (v.connections.upstream?.closes ? upstreamClosesBy(v.connections.upstream.closes, side) : undefined);
  // The client's closes at the variant's end: the upstream's count, read before, cannot have them.
  const atTheEnd = (v: VariantResult) => (side === 'client' ? (v.pool?.closes['client-end'] ?? 0) : 0);
  return {
    label: `closed by the ${side}`,
    value: clientCount,
    cell: (v) => {
      const client = clientCount(v);
      const upstream = upstreamCount(v);
      if (client === undefined) return upstream === undefined ? '—' : `— (upstream ${formatCount(upstream)})`;
      const notes: string[] = [];
      // A mismatch is shown, never hidden.
      if (upstream !== undefined) notes.push(client === upstream ? 'upstream agrees' : countsAgree(client, upstream) ? `upstream ${formatCount(upstream)}` : `≠ upstream ${formatCount(upstream)}`);
      if (atTheEnd(v) > 0) notes.push(`+${formatCount(atTheEnd(v))} at the end`);
      return notes.length ? `${formatCount(client)} (${notes.join('; ')})` : formatCount(client);
    },
    lowerIsBetter: undefined,
    change: 'none',
    shown: (variants) => variants.some((v) => (clientCount(v) ?? 0) + (upstreamCount(v) ?? 0) + atTheEnd(v) > 0),
  };
}

/** Rows for who closed the connections, each shown only when some variant counted such closes. */
const closeMetrics: ComparisonMetric[] = [
  closedByRow('server'),
  closedByRow('client'),
  {
    label: 'connections errored',
    value: (v) => v.pool?.closes.errored,
    cell: (v) => (v.pool ? formatCount(v.pool.closes.errored) : '—'),
    lowerIsBetter: true,
    change: 'difference',
    shown: (variants) => variants.some((v) => (v.pool?.closes.errored ?? 0) > 0),
  },
];

/** Every row, in order: the pool rows after the connect time, the fault and close rows right after the errors they explain. */
const afterErrors = coreMetrics.findIndex((metric) => metric.label === 'errors') + 1;
const afterConnect = coreMetrics.findIndex((metric) => metric.label === 'connect time p50') + 1;
export const comparisonMetrics: ComparisonMetric[] = [
  ...coreMetrics.slice(0, afterConnect),
  ...poolMetrics,
  ...coreMetrics.slice(afterConnect, afterErrors),
  ...faultMetrics,
  ...closeMetrics,
  ...coreMetrics.slice(afterErrors),
];

/**
 * The connections that carried the window's requests, saying how many the warm-up opened; the
 * upstream's count (and the agreement) is over the window alone, as both sides counted it.
 */
export function connectionsCell(v: VariantResult): string {
  const { openedByClient, upstream, countsAgree } = v.connections;
  const kept = v.warmup?.connectionsKept ?? 0;
  // A mismatch between the two sides is shown, never hidden.
  const check = !upstream ? undefined : countsAgree ? 'upstream agrees' : `≠ upstream ${formatCount(upstream.connectionsAccepted)}`;
  if (kept === 0) return check ? `${formatCount(openedByClient)} (${check})` : formatCount(openedByClient);
  return `${formatCount(kept + openedByClient)} (${formatCount(kept)} kept from warm-up; ${formatCount(openedByClient)} in the window${check ? `, ${check}` : ''})`;
}

/** Error classes shown in a cell; the rest are counted, never silently dropped. */
const ERROR_CLASSES_SHOWN = 3;

/** The classes of a variant's errors, most frequent first: at most ERROR_CLASSES_SHOWN, then how many more. */
export function errorClassesCell(errors: Record<string, number>, shown = ERROR_CLASSES_SHOWN): string {
  const classes = Object.entries(errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const listed = classes.slice(0, shown).map(([name, n]) => `${name} ${formatCount(n)}`);
  const more = classes.length - listed.length;
  if (more > 0) listed.push(`+${more} more class${more === 1 ? '' : 'es'}`);
  return listed.join(', ');
}

/** The change of `value` against `base`, worded for the metric's direction. Empty when not applicable. */
export function describeChange(metric: ComparisonMetric, base: number | undefined, value: number | undefined): string {
  if (metric.change === 'none' || base === undefined || value === undefined) return '';
  if (metric.change === 'difference') return value === base ? 'same' : signed(value - base, 0);
  if (base === 0) return value === 0 ? 'same' : 'n/a';
  if (metric.change === 'ratio') return `×${(value / base).toFixed(2)}`;
  const percent = ((value - base) / base) * 100;
  if (Math.abs(percent) < 1 || metric.lowerIsBetter === undefined) return `${signed(percent)} %`;
  const better = percent < 0 === metric.lowerIsBetter;
  return `${signed(percent)} % ${better ? 'better' : 'worse'}`;
}

export const COMPACT_ROWS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function columnTitle(v: VariantResult, isBaseline: boolean): string {
  return `${v.name}${isBaseline ? ' (baseline)' : ''}${v.partial ? ' [partial]' : ''}`;
}

/** The comparison as data, for every renderer: the baseline first, each figure with its change. */
export interface ComparisonGrid {
  baseline: VariantResult;
  others: VariantResult[];
  rows: Array<{ label: string; baseline: string; others: Array<{ cell: string; change: string }> }>;
}

export function comparisonGrid(result: RunResult): ComparisonGrid | undefined {
  const baseline = result.variants.find((v) => v.name === result.baseline) ?? result.variants[0];
  if (!baseline) return undefined;
  const others = result.variants.filter((v) => v !== baseline);
  const metrics = comparisonMetrics.filter((metric) => metric.shown?.(result.variants) ?? true);
  const rows = metrics.map((metric) => {
    const base = metric.value(baseline);
    return {
      label: metric.label,
      baseline: metric.cell(baseline),
      others: others.map((v) => ({ cell: metric.cell(v), change: describeChange(metric, base, metric.value(v)) })),
    };
  });
  return { baseline, others, rows };
}

/** How a format writes text into the comparison table. */
export interface ComparisonText {
  /** Makes scenario text (names, figures with error classes) safe for the format. */
  escape(text: string): string;
  /** A figure and its change in one cell (three variants or more); `cell` already escaped. */
  inline(cell: string, change: string): string;
}

/** The comparison as a table of text: the layout every format shares. */
export interface ComparisonTable {
  head: string[];
  rows: string[][];
  /** True with two variants: the change has its own column. */
  separateChange: boolean;
}

/** Two variants: a separate change column, as in the seeds' table. More: each change with its figure. */
export function comparisonTable(grid: ComparisonGrid, text: ComparisonText): ComparisonTable {
  const separateChange = grid.others.length === 1;
  const head = ['metric', text.escape(columnTitle(grid.baseline, true))];
  for (const v of grid.others) head.push(text.escape(columnTitle(v, false)), ...(separateChange ? ['change'] : []));
  const rows = grid.rows.map(({ label, baseline, others }) => [
    label,
    text.escape(baseline),
    ...others.flatMap(({ cell, change }) => (separateChange ? [text.escape(cell), change] : [change ? text.inline(text.escape(cell), change) : text.escape(cell)])),
  ]);
  return { head, rows, separateChange };
}

export function renderComparisonTable(result: RunResult): string {
  const grid = comparisonGrid(result);
  if (!grid) return 'No variant was measured.';
  const { head, rows, separateChange } = comparisonTable(grid, { escape: (text) => text, inline: (cell, change) => `${cell}\n${change}` });
  // One-line cells read best without rules between rows; two-line cells need them.
  const table = new Table({ head, style: { head: [], border: [] }, ...(separateChange && { chars: COMPACT_ROWS }) });
  table.push(...rows);
  return table.toString();
}
