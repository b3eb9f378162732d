/**
 * Repeated trials of one variant (`--repeat N`): each trial's headline figures are kept for
 * the gate's statistics, and the trials are merged into one VariantResult — histograms added
 * losslessly, counts summed — so every renderer shows the whole run as it shows a single trial.
 */
import { mergeInFlight } from './in-flight.js';
import type { TrialFigures, VariantResult } from '../result.js';
import type { UpstreamCounters } from '../upstream/types.js';
import { sumCounters } from '../upstream/counters.js';
import { sumFields } from './counts.js';
import type { FaultWindowFigures } from './fault-windows.js';
import type { ProcessStats } from './process-stats.js';
import type { PoolWait } from './queue-sampler.js';
import type { RouteFigures } from './route-latency.js';
import { encodeHistogram, mergeEncodedHistograms, summarize } from './histogram.js';
import { connectionsUsed } from './connection-use.js';

export function trialFigures(v: VariantResult): TrialFigures {
  const { p50, p90, p99, p999, max, mean } = v.latency;
  return { p50, p90, p99, p999, max, mean, rps: v.throughputRps, completed: v.requests.completed, errors: v.errorCount, connectionsOpened: connectionsUsed(v), durationMs: v.durationMs };
}

/** One VariantResult for all trials of a variant, with `trials` holding each trial's figures. */
export function mergeTrials(trials: readonly VariantResult[]): VariantResult {
  const [first] = trials;
  const total = (pick: (v: VariantResult) => number) => trials.reduce((sum, v) => sum + pick(v), 0);
  const latency = mergeEncodedHistograms(trials.map((v) => v.latencyHistogram));
  const connectTime = mergeEncodedHistograms(trials.map((v) => v.connectTimeHistogram));
  const uncorrected = everyTrial(trials, (v) => v.uncorrectedLatencyHistogram);
  const uncorrectedLatency = uncorrected && mergeEncodedHistograms(uncorrected);
  const http2 = everyTrial(trials, (v) => v.connections.http2);
  const intended = everyTrial(trials, (v) => v.intendedRequests);
  const poolWait = everyTrial(trials, (v) => v.poolWait);
  const routes = everyTrial(trials, (v) => v.routes);
  const attempts = everyTrial(trials, (v) => v.attempts);
  const faultWindows = everyTrial(trials, (v) => v.faultWindows);
  const warmup = everyTrial(trials, (v) => v.warmup);
  const inFlight = everyTrial(trials, (v) => v.inFlight && { summary: v.inFlight, durationMs: v.durationMs });
  // One saturated trial makes the whole variant's figures suspect.
  const saturated = trials.find((v) => v.saturated)?.saturated;
  const durationMs = total((v) => v.durationMs);
  const completed = total((v) => v.requests.completed);
  const agreement = trials.map((v) => v.connections.countsAgree);
  return {
    name: first.name,
    client: first.client,
    library: first.library,
    variant: first.variant,
    partial: trials.some((v) => v.partial),
    durationMs,
    requests: sumFields(trials.map((v) => v.requests)),
    throughputRps: durationMs > 0 ? (completed / durationMs) * 1000 : 0,
    bytesReceived: total((v) => v.bytesReceived),
    latency: summarize(latency),
    latencyHistogram: encodeHistogram(latency),
    connectTime: summarize(connectTime),
    connectTimeHistogram: encodeHistogram(connectTime),
    errors: sumFields(trials.map((v) => v.errors)),
    errorCount: total((v) => v.errorCount),
    statusCodes: sumFields(trials.map((v) => v.statusCodes)),
    connections: {
      openedByClient: total((v) => v.connections.openedByClient),
      closedByClient: total((v) => v.connections.closedByClient),
      failedByClient: total((v) => v.connections.failedByClient),
      upstream: mergeUpstream(trials.map((v) => v.connections.upstream)),
      countsAgree: agreement.includes(undefined) ? undefined : agreement.every(Boolean),
      ...(http2 && {
        http2: {
          sessionsOpened: http2.reduce((sum, h) => sum + h.sessionsOpened, 0),
          goawaysReceived: http2.reduce((sum, h) => sum + h.goawaysReceived, 0),
          peakStreamsPerSession: Math.max(...http2.map((h) => h.peakStreamsPerSession)),
        },
      }),
    },
    process: mergeProcess(trials.map((v) => v.process)),
    // One continuous series of measured time: each trial's seconds follow the previous trial's.
    timeSeries: trials.flatMap((v, i) => {
      const offset = trials.slice(0, i).reduce((sum, earlier) => sum + earlier.durationMs / 1000, 0);
      return v.timeSeries.map((point) => ({ ...point, t: Math.round((point.t + offset) * 1000) / 1000 }));
    }),
    ...(uncorrectedLatency && { uncorrectedLatency: summarize(uncorrectedLatency), uncorrectedLatencyHistogram: encodeHistogram(uncorrectedLatency) }),
    ...(saturated && { saturated }),
    ...(intended && { intendedRequests: intended.reduce((sum, n) => sum + n, 0) }),
    ...(poolWait && { poolWait: mergePoolWait(poolWait) }),
    ...(routes && { routes: mergeRoutes(routes) }),
    ...(attempts && { attempts: sumFields(attempts) }),
    ...(faultWindows && { faultWindows: mergeFaultWindows(faultWindows) }),
    ...(warmup && { warmup: sumFields(warmup) }),
    ...(inFlight && { inFlight: mergeInFlight(inFlight) }),
    trials: trials.map(trialFigures),
  };
}

/** The field from every trial, or undefined when any trial lacks it (a partial figure would mislead). */
function everyTrial<T>(trials: readonly VariantResult[], pick: (v: VariantResult) => T | undefined): T[] | undefined {
  const values = trials.map(pick);
  return values.every((value) => value !== undefined) ? (values as T[]) : undefined;
}

/** Means weighted by each trial's number of samples; the peak is the highest. */
function mergePoolWait(waits: readonly PoolWait[]): PoolWait {
  const samples = waits.reduce((sum, w) => sum + w.samples, 0);
  const weighted = (pick: (w: PoolWait) => number) => (samples > 0 ? waits.reduce((sum, w) => sum + pick(w) * w.samples, 0) / samples : 0);
  return { meanWaiting: weighted((w) => w.meanWaiting), peakWaiting: Math.max(...waits.map((w) => w.peakWaiting)), samples, estimatedMeanWaitMs: weighted((w) => w.estimatedMeanWaitMs) };
}

function mergeRoutes(perTrial: readonly Record<string, RouteFigures>[]): Record<string, RouteFigures> {
  const paths = [...new Set(perTrial.flatMap((routes) => Object.keys(routes)))];
  return Object.fromEntries(
    paths.map((path) => {
      const figures = perTrial.flatMap((routes) => (routes[path] ? [routes[path]] : []));
      const histogram = mergeEncodedHistograms(figures.map((f) => f.latencyHistogram));
      return [path, { count: figures.reduce((sum, f) => sum + f.count, 0), latency: summarize(histogram), latencyHistogram: encodeHistogram(histogram) }];
    }),
  );
}

function mergeUpstream(counters: readonly (UpstreamCounters | undefined)[]): UpstreamCounters | undefined {
  if (counters.some((c) => c === undefined)) return undefined;
  const all = counters as UpstreamCounters[];
  const byWorker = all.map((c) => c.requestsByWorker);
  // Trials run one after another: what is open at the end is the last trial's, and the peak is
  // the highest one, not a sum; requests per cluster worker add up worker by worker.
  return {
    ...sumCounters(all),
    openConnections: all[all.length - 1].openConnections,
    peakOpenConnections: Math.max(...all.map((c) => c.peakOpenConnections)),
    ...(byWorker.every((w) => w !== undefined) && { requestsByWorker: byWorker[0]!.map((_, i) => byWorker.reduce((sum, w) => sum + (w![i] ?? 0), 0)) }),
  };
}

/** Every trial runs the same window schedule from its own start: the schedule once, losses added up. */
function mergeFaultWindows(perTrial: readonly FaultWindowFigures[]): FaultWindowFigures {
  return {
    windows: perTrial[0].windows,
    requestsLost: perTrial.reduce((sum, f) => sum + f.requestsLost, 0),
    requestsInWindows: perTrial.reduce((sum, f) => sum + f.requestsInWindows, 0),
    recoveryMs: Math.max(...perTrial.map((f) => f.recoveryMs)),
  };
}

/** CPU adds up; for memory and loop delay the worst trial speaks for the run, as a peak does. */
function mergeProcess(stats: readonly ProcessStats[]): ProcessStats {
  const total = (pick: (s: ProcessStats) => number) => stats.reduce((sum, s) => sum + pick(s), 0);
  const worst = (pick: (s: ProcessStats) => number) => Math.max(...stats.map(pick));
  return {
    cpuUserMs: total((s) => s.cpuUserMs),
    cpuSystemMs: total((s) => s.cpuSystemMs),
    peakRssBytes: worst((s) => s.peakRssBytes),
    meanRssBytes: Math.round(total((s) => s.meanRssBytes) / stats.length),
    rssStdevBytes: worst((s) => s.rssStdevBytes),
    loopDelayP50Ms: worst((s) => s.loopDelayP50Ms),
    loopDelayP99Ms: worst((s) => s.loopDelayP99Ms),
    loopDelayMaxMs: worst((s) => s.loopDelayMaxMs),
  };
}
