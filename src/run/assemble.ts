/**
 * What a variant measured, turned into its result: a pure function of the raw figures, so the
 * meaning of every field of a VariantResult is decided here and nowhere else.
 */
import type { Variant, LoadConfig } from '../scenario/schema.js';
import type { PoolAttemptFigures, PoolFigures, VariantResult, WarmupFigures } from '../result.js';
import type { Client, ClientConnectionCounts, ClientHttp2Counts } from '../clients/types.js';
import type { AttemptCounts } from '../clients/attempts.js';
import type { LoadOutcome } from '../load/types.js';
import type { Saturation } from '../load/self-check.js';
import type { UpstreamCounters } from '../upstream/types.js';
import type { PoolRecorder, VariantRecorder } from '../metrics/recorder.js';
import type { TimeSeriesPoint } from '../metrics/time-series.js';
import type { ProcessStats } from '../metrics/process-stats.js';
import type { InFlightSummary } from '../metrics/in-flight.js';
import type { PoolWait } from '../metrics/queue-sampler.js';
import type { RouteFigures } from '../metrics/route-latency.js';
import type { FaultWindowFigures } from '../metrics/fault-windows.js';
import { encodeHistogram, summarize } from '../metrics/histogram.js';
import { countsSince } from '../metrics/counts.js';

/** The client's own counters at one moment; the measured window is the difference of two. */
export interface ClientSnapshot {
  connections: ClientConnectionCounts;
  http2?: ClientHttp2Counts;
  attempts?: AttemptCounts;
}

export function clientSnapshot(client: Pick<Client, 'connections' | 'http2' | 'attempts'>): ClientSnapshot {
  return { connections: client.connections(), http2: client.http2?.(), attempts: client.attempts?.() };
}

/** Everything one measured window produced, before any of it is summarised. */
export interface VariantMeasurement {
  variant: Variant;
  library: string;
  model: LoadConfig['model'];
  partial: boolean;
  outcome: LoadOutcome;
  recorder: VariantRecorder;
  timeSeries: TimeSeriesPoint[];
  process: ProcessStats;
  inFlight?: InFlightSummary;
  saturated?: Saturation;
  client: { before: ClientSnapshot; after: ClientSnapshot };
  upstream?: UpstreamCounters;
  poolWait?: PoolWait;
  warmup?: WarmupFigures;
  routes?: Record<string, RouteFigures>;
  faultWindows?: FaultWindowFigures;
}

export function throughputRps(completed: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (completed / elapsedMs) * 1000 : 0;
}

export function assembleVariantResult(m: VariantMeasurement): VariantResult {
  const { recorder, outcome, variant } = m;
  const { before, after } = m.client;
  return {
    name: variant.name,
    client: variant.client,
    library: m.library,
    variant,
    partial: m.partial,
    durationMs: outcome.elapsedMs,
    requests: { sent: outcome.sent, completed: recorder.completed, failed: recorder.failed, unfinished: outcome.unfinished, cancelled: outcome.cancelled },
    throughputRps: throughputRps(recorder.completed, outcome.elapsedMs),
    bytesReceived: recorder.bytesReceived,
    latency: summarize(recorder.latency),
    latencyHistogram: encodeHistogram(recorder.latency),
    ...(m.model === 'open' && { uncorrectedLatency: summarize(recorder.uncorrectedLatency), uncorrectedLatencyHistogram: encodeHistogram(recorder.uncorrectedLatency) }),
    connectTime: summarize(recorder.connectTime),
    connectTimeHistogram: encodeHistogram(recorder.connectTime),
    errors: Object.fromEntries(recorder.errors),
    errorCount: recorder.errorCount,
    statusCodes: Object.fromEntries([...recorder.statuses].map(([status, n]) => [String(status), n])),
    connections: connectionFigures(before, after, m.upstream),
    ...(m.poolWait && { poolWait: m.poolWait }),
    ...poolFigures(recorder.pool),
    ...(m.routes && { routes: m.routes }),
    process: m.process,
    timeSeries: m.timeSeries,
    ...(outcome.intended !== undefined && { intendedRequests: outcome.intended }),
    ...(m.warmup && { warmup: m.warmup }),
    ...(m.inFlight && { inFlight: m.inFlight }),
    ...(m.saturated && { saturated: m.saturated }),
    ...(outcome.stoppedEarly && { stoppedEarly: outcome.stoppedEarly }),
    ...(before.attempts && after.attempts && { attempts: countsSince(before.attempts, after.attempts) }),
    ...(m.faultWindows && { faultWindows: m.faultWindows }),
  };
}

/**
 * The pool's figures, when the client reported any: per attempt (acquire wait, fresh or reused)
 * and per connection closed during the window or at its end.
 */
function poolFigures(pool: PoolRecorder): { pool?: PoolFigures } {
  const attempts = pool.requestsOnFresh + pool.requestsOnReused;
  if (attempts === 0 && pool.connectionLifetime.totalCount === 0) return {};
  return {
    pool: {
      ...(attempts > 0 && { attempts: attemptFigures(pool, attempts) }),
      connectionLifetime: summarize(pool.connectionLifetime),
      connectionLifetimeHistogram: encodeHistogram(pool.connectionLifetime),
      requestsPerConnection: summarize(pool.requestsPerConnection),
      requestsPerConnectionHistogram: encodeHistogram(pool.requestsPerConnection),
      closes: { ...pool.closes },
    },
  };
}

function attemptFigures(pool: PoolRecorder, attempts: number): PoolAttemptFigures {
  return {
    acquireWait: summarize(pool.acquireWait),
    acquireWaitHistogram: encodeHistogram(pool.acquireWait),
    requestsOnFresh: pool.requestsOnFresh,
    requestsOnReused: pool.requestsOnReused,
    reuseRatio: pool.requestsOnReused / attempts,
    idleBeforeReuse: summarize(pool.idleBeforeReuse),
    failuresOnReused: pool.failuresOnReused,
    ...(pool.requestsOnReused > 0 && { deadSocketRate: pool.failuresOnReused / pool.requestsOnReused }),
    latencyFresh: summarize(pool.latencyFresh),
    latencyFreshHistogram: encodeHistogram(pool.latencyFresh),
    latencyReused: summarize(pool.latencyReused),
    latencyReusedHistogram: encodeHistogram(pool.latencyReused),
  };
}

/** Connections over the measured window, as the client and the upstream each counted them. */
function connectionFigures(before: ClientSnapshot, after: ClientSnapshot, upstream: UpstreamCounters | undefined): VariantResult['connections'] {
  const during = countsSince(before.connections, after.connections);
  return {
    openedByClient: during.opened,
    closedByClient: during.closed,
    failedByClient: during.failed,
    upstream,
    countsAgree: upstream ? upstream.connectionsAccepted === during.opened : undefined,
    ...(before.http2 && after.http2 && {
      http2: {
        ...countsSince(before.http2, after.http2),
        // A peak is not counted between two moments: the highest so far is the figure.
        peakStreamsPerSession: after.http2.peakStreamsPerSession,
      },
    }),
  };
}
