/**
 * The figures behind the HTML report's charts, as plain data: one x array shared by every
 * series (the shape uPlot draws), series values with null where a variant has no point.
 */
import type { RunResult, VariantResult } from '../result.js';
import type { TimeSeriesPoint } from '../metrics/time-series.js';
import { decodeHistogram, percentilesMs } from '../metrics/histogram.js';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

/** A variant's fault window on a time chart, in seconds since it started; `endS` null = to the chart's end. */
export interface FaultBand {
  /** Index of the variant's series, whose colour the band takes. */
  series: number;
  startS: number;
  endS: number | null;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** `spectrum`: x is the number of nines, log10(1/(1 − percentile)), labelled in percent. `time`: seconds. */
  kind: 'spectrum' | 'time';
  yLabel: string;
  /** Latency in ms: the axis and legend show units (µs, ms, s). */
  yIsLatency: boolean;
  logY: boolean;
  x: number[];
  series: ChartSeries[];
  /** Time charts of variants with timed faults: the windows to shade. */
  faultBands?: FaultBand[];
  /** What the figure means, under the chart, when its title cannot say it all. */
  caption?: string;
}

/** The spectrum's x range, HDR-plot style: 50 % (log10 2 ≈ 0.3 nines) to 99.999 % (5 nines). */
const SPECTRUM_MIN_X = Math.log10(2);
const SPECTRUM_MAX_X = 5;
const SPECTRUM_POINTS = 120;

/** Evenly spaced in nines, so each decade of the tail gets the same number of points. */
const spectrumX = Array.from({ length: SPECTRUM_POINTS }, (_, i) => SPECTRUM_MIN_X + ((SPECTRUM_MAX_X - SPECTRUM_MIN_X) * i) / (SPECTRUM_POINTS - 1));
const spectrumPercentiles = spectrumX.map((x) => 100 * (1 - 10 ** -x));

function spectrumSeries(label: string, encodedHistogram: string): ChartSeries {
  const histogram = decodeHistogram(encodedHistogram);
  return { label, values: histogram.totalCount ? percentilesMs(histogram, spectrumPercentiles) : spectrumX.map(() => null) };
}

/** Log latency axis when the series span more than a decade, e.g. pool size 1 vs 100. */
function needsLogAxis(series: ChartSeries[]): boolean {
  const values = series.flatMap((s) => s.values).filter((v): v is number => v !== null && v > 0);
  return values.length > 0 && Math.max(...values) / Math.min(...values) > 10;
}

function spectrumChart(id: string, title: string, series: ChartSeries[]): ChartSpec {
  return { id, title, kind: 'spectrum', yLabel: 'latency', yIsLatency: true, logY: needsLogAxis(series), x: spectrumX, series };
}

/**
 * Variants ran one after another, so each series is aligned on its own start: second 1 of every
 * variant shares an x. Times are rounded to 0.1 s to line points up across variants.
 */
function timeChart(id: string, title: string, yLabel: string, variants: VariantResult[], pick: (p: TimeSeriesPoint) => number | undefined): ChartSpec {
  const round = (t: number) => Math.round(t * 10) / 10;
  const x = [...new Set(variants.flatMap((v) => v.timeSeries.map((p) => round(p.t))))].sort((a, b) => a - b);
  const series = variants.map((v) => {
    const byT = new Map(v.timeSeries.map((p) => [round(p.t), pick(p)]));
    return { label: v.name, values: x.map((t) => byT.get(t) ?? null) };
  });
  const faultBands = variants.flatMap((v, i) =>
    (v.faultWindows?.windows ?? []).map((w) => ({ series: i, startS: w.startMs / 1000, endS: Number.isFinite(w.endMs) ? w.endMs / 1000 : null })),
  );
  return { id, title, kind: 'time', yLabel, yIsLatency: yLabel === 'latency', logY: false, x, series, ...(faultBands.length > 0 && { faultBands }) };
}

/**
 * The pool's own state, sampled once a second, one chart per word (connected = idle + busy; the
 * connections it opens are charted above). Every variant with a series keeps its colour; one
 * whose client cannot tell (autocannon) has no line.
 */
function poolStateCharts(variants: VariantResult[]): ChartSpec[] {
  const sampled = 'Sampled once a second from the client’s own pool';
  return [
    { ...timeChart('pool-busy', 'Pool: connections busy', 'connections', variants, (p) => p.pool?.busy), caption: `${sampled}: connections open with a request in progress.` },
    { ...timeChart('pool-idle', 'Pool: connections idle', 'connections', variants, (p) => p.pool?.idle), caption: `${sampled}: connections open with no request.` },
    { ...timeChart('pool-pending', 'Pool: requests pending', 'requests', variants, (p) => p.pool?.pending), caption: `${sampled}: requests waiting for a connection or a stream, not yet sent.` },
  ];
}

export function buildCharts(result: RunResult): ChartSpec[] {
  const measured = result.variants.filter((v) => v.latency.count > 0);
  const charts: ChartSpec[] = [];
  if (measured.length) {
    charts.push(spectrumChart('spectrum', 'Latency by percentile', measured.map((v) => spectrumSeries(v.name, v.latencyHistogram))));
  }
  const withSeries = result.variants.filter((v) => v.timeSeries.length > 0);
  if (withSeries.length) {
    charts.push(
      timeChart('throughput', 'Throughput over time', 'req/s', withSeries, (p) => p.rps),
      timeChart('p99', 'Latency p99 over time', 'latency', withSeries, (p) => p.p99),
      timeChart('errors', 'Errors over time', 'errors/s', withSeries, (p) => p.errors),
      timeChart('connections-opened', 'Connections opened per second', 'connections', withSeries, (p) => p.connectionsOpened),
      timeChart('connections-open', 'Connections open', 'connections', withSeries, (p) => p.openConnections),
    );
    if (withSeries.some((v) => v.timeSeries.some((p) => p.pool))) charts.push(...poolStateCharts(withSeries));
  }
  for (const [index, v] of result.variants.entries()) {
    const routes = Object.entries(v.routes ?? {});
    if (routes.length) charts.push(spectrumChart(`routes-${index}`, `Latency by route — ${v.name}`, routes.map(([path, r]) => spectrumSeries(path, r.latencyHistogram))));
  }
  return charts;
}
