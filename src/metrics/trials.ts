/**
 * Repeated trials of one variant (`--repeat N`): each trial's headline figures are kept for
 * the gate's statistics, and the trials are merged into one VariantResult — histograms added
 * losslessly, counts summed — so every renderer shows the whole run as it shows a single trial.
 */
import type { TrialFigures, VariantResult } from '../result.js';
import type { UpstreamCounters } from '../upstream/types.js';
import type { ProcessStats } from './process-stats.js';
import { createHistogram, decodeHistogram, encodeHistogram, summarize } from './histogram.js';

export function trialFigures(v: VariantResult): TrialFigures {
  const { p50, p90, p99, p999, max, mean } = v.latency;
  return { p50, p90, p99, p999, max, mean, rps: v.throughputRps, completed: v.requests.completed, errors: v.errorCount, connectionsOpened: v.connections.openedByClient, durationMs: v.durationMs };
}

/** One VariantResult for all trials of a variant, with `trials` holding each trial's figures. */
export function mergeTrials(trials: readonly VariantResult[]): VariantResult {
  const [first] = trials;
  const total = (pick: (v: VariantResult) => number) => trials.reduce((sum, v) => sum + pick(v), 0);
  const latency = mergeHistograms(trials.map((v) => v.latencyHistogram));
  const connectTime = mergeHistograms(trials.map((v) => v.connectTimeHistogram));
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
    },
    process: mergeProcess(trials.map((v) => v.process)),
    // One continuous series of measured time: each trial's seconds follow the previous trial's.
    timeSeries: trials.flatMap((v, i) => {
      const offset = trials.slice(0, i).reduce((sum, earlier) => sum + earlier.durationMs / 1000, 0);
      return v.timeSeries.map((point) => ({ ...point, t: Math.round((point.t + offset) * 1000) / 1000 }));
    }),
    trials: trials.map(trialFigures),
  };
}

function mergeHistograms(encoded: string[]) {
  const merged = createHistogram();
  for (const text of encoded) merged.add(decodeHistogram(text));
  return merged;
}

/** Field-by-field sums of records of counts (request counts, errors by class, status codes). */
function sumFields<T extends Record<string, number>>(records: readonly T[]): T {
  const sums: Record<string, number> = {};
  for (const record of records) for (const [key, n] of Object.entries(record)) sums[key] = (sums[key] ?? 0) + n;
  return sums as T;
}

function mergeUpstream(counters: readonly (UpstreamCounters | undefined)[]): UpstreamCounters | undefined {
  if (counters.some((c) => c === undefined)) return undefined;
  const all = counters as UpstreamCounters[];
  // Counts add up; what is open at the end is the last trial's; peaks and extremes are the worst.
  const sums = sumFields(all.map(({ requestsPerConnection, openConnections, peakOpenConnections, ...counts }) => counts));
  const accepted = sums.connectionsAccepted;
  return {
    ...sums,
    openConnections: all[all.length - 1].openConnections,
    peakOpenConnections: Math.max(...all.map((c) => c.peakOpenConnections)),
    requestsPerConnection: {
      min: Math.min(...all.map((c) => c.requestsPerConnection.min)),
      max: Math.max(...all.map((c) => c.requestsPerConnection.max)),
      mean: accepted > 0 ? all.reduce((sum, c) => sum + c.requestsPerConnection.mean * c.connectionsAccepted, 0) / accepted : 0,
    },
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
