/**
 * What a run produces: the single input of every renderer and of the JSON report. Figures are
 * in milliseconds, bytes and requests per second; histograms are HDR-encoded so percentiles
 * can be recomputed and runs merged later.
 */
import type { Scenario, Variant } from './scenario/schema.js';
import type { LatencySummary } from './metrics/histogram.js';
import type { ProcessStats } from './metrics/process-stats.js';
import type { UpstreamCounters } from './upstream/types.js';
import type { TimeSeriesPoint } from './metrics/time-series.js';
import type { Saturation } from './load/self-check.js';
import type { InFlightSummary } from './metrics/in-flight.js';
import type { ClientHttp2Counts } from './clients/types.js';
import type { PoolWait } from './metrics/queue-sampler.js';
import type { RouteFigures } from './metrics/route-latency.js';
import type { Finding } from './advisor/types.js';
import type { GateVerdict } from './gate/types.js';
import type { AttemptCounts } from './clients/attempts.js';
import type { FaultWindowFigures } from './metrics/fault-windows.js';
import type { ClientCloseCause } from './clients/pool-observer.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface Environment {
  poolbench: string;
  node: string;
  undici: string;
  /** The undici inside Node, which the global fetch uses. */
  undiciBundledWithNode: string | undefined;
  platform: string;
  arch: string;
  osRelease: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
}

export interface ConnectionFigures {
  /** Connections the client opened during the measured window. */
  openedByClient: number;
  closedByClient: number;
  failedByClient: number;
  /** The upstream's side; absent for a real target, which cannot be asked. */
  upstream?: UpstreamCounters;
  /** False when the client's open count and the upstream's accept count differ. */
  countsAgree?: boolean;
  /** HTTP/2 clients that can tell (node-http2): sessions and streams as the client saw them. */
  http2?: ClientHttp2Counts;
}

/**
 * The pool as the client saw it over the measured window (clients/pool-observer.ts): every figure
 * is per request attempt on the wire or per connection, never sampled. `attempts` is absent for a
 * client that cannot time its attempts (autocannon drives its own sockets): not measured, not zero.
 */
export interface PoolFigures {
  attempts?: PoolAttemptFigures;
  /** Connections that closed during the window: how long each lived, ms. */
  connectionLifetime: LatencySummary;
  connectionLifetimeHistogram: string;
  /** Connections that closed during the window: the attempts each carried. */
  requestsPerConnection: LatencySummary;
  requestsPerConnectionHistogram: string;
  /** Connections that closed during the window, by why (see ClientCloseCause). */
  closes: Record<ClientCloseCause, number>;
}

/** Per request attempt: how it got its connection. */
export interface PoolAttemptFigures {
  /** From the moment the client was handed an attempt to the moment it went out on a connection (queueing, plus connect time for a new connection). */
  acquireWait: LatencySummary;
  acquireWaitHistogram: string;
  /** Attempts that went out on a connection new to them, and on one that had carried a request before. */
  requestsOnFresh: number;
  requestsOnReused: number;
  /** requestsOnReused ÷ (requestsOnFresh + requestsOnReused); 0 without attempts. */
  reuseRatio: number;
  /** Reused connections: how long each had sat idle before the attempt. */
  idleBeforeReuse: LatencySummary;
  /** Transport failures of attempts on reused connections (the keep-alive race's losses). */
  failuresOnReused: number;
  /** failuresOnReused ÷ requestsOnReused: the dead-socket rate; absent without reused attempts. */
  deadSocketRate?: number;
  /** Latency of completed requests whose final attempt went out on a fresh / a reused connection. */
  latencyFresh: LatencySummary;
  latencyFreshHistogram: string;
  latencyReused: LatencySummary;
  latencyReusedHistogram: string;
}

export interface WarmupFigures {
  /** Responses during the warm-up (not in any figure of the window). */
  requests: number;
  /** Connections the client opened during the warm-up. */
  connectionsOpened: number;
  /** Of those, still open when measuring began: the window's requests used them too. */
  connectionsKept: number;
}

/** One trial's headline figures (`--repeat`): the samples the gate's statistics compare. */
export interface TrialFigures {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  rps: number;
  completed: number;
  errors: number;
  /** Connections that carried the trial's requests, the warm-up's kept ones included (metrics/connection-use.ts). */
  connectionsOpened: number;
  durationMs: number;
}

export interface VariantResult {
  name: string;
  client: Variant['client'];
  library: string;
  variant: Variant;
  /** True when the variant was cut short (Ctrl-C, upstream crash). */
  partial: boolean;
  durationMs: number;
  requests: {
    sent: number;
    /** Responses that arrived (any status). */
    completed: number;
    /** Transport failures: no response. */
    failed: number;
    /** In flight at the stop and aborted after the grace period; not errors. */
    unfinished: number;
    /** Still waiting in the client for a connection at the stop: cancelled unsent; not errors. Absent in older reports. */
    cancelled?: number;
  };
  throughputRps: number;
  bytesReceived: number;
  /** From the intended start under the open model (coordinated-omission corrected), else from the send. */
  latency: LatencySummary;
  latencyHistogram: string;
  /** Open model only: latency from the actual send, without the correction (as wrk2 shows beside it). */
  uncorrectedLatency?: LatencySummary;
  uncorrectedLatencyHistogram?: string;
  connectTime: LatencySummary;
  connectTimeHistogram: string;
  /** Failures and 4xx/5xx responses by class, e.g. {ECONNRESET: 3, 'HTTP 5xx': 1}. */
  errors: Record<string, number>;
  errorCount: number;
  statusCodes: Record<string, number>;
  connections: ConnectionFigures;
  process: ProcessStats;
  /** One point per second of the measured window. */
  timeSeries: TimeSeriesPoint[];
  /** Set when the generator could not keep up (load/self-check.ts): its figures are not to be trusted. */
  saturated?: Saturation;
  /** Set when the load stopped before its end because every request failed at once (load/early-stop.ts). */
  stoppedEarly?: { reason: string };
  /** Open model: requests the schedule asked for during the window (compare with requests.sent). */
  intendedRequests?: number;
  /** Requests in flight over the measured window, time-weighted (absent for engines that drive their own load). */
  inFlight?: InFlightSummary;
  /** Requests waiting for a connection or stream, sampled; absent for clients that cannot tell. */
  poolWait?: PoolWait;
  /** The pool as the client saw it, per attempt and per connection; absent for clients that cannot tell. */
  pool?: PoolFigures;
  /** Latency per request path, when the upstream has routes. */
  routes?: Record<string, RouteFigures>;
  /** Requests on the wire, retries included, and transport failures on reused vs fresh connections. */
  attempts?: AttemptCounts;
  /** Losses in the upstream's timed fault windows (deploys, drains, refusals); absent without such windows. */
  faultWindows?: FaultWindowFigures;
  /** With `load.warmup`: what the warm-up did, kept apart from the window's figures (metrics/connection-use.ts). */
  warmup?: WarmupFigures;
  /** With `--repeat N` (N > 1): each trial's figures, in the order run; the rest merges all trials. */
  trials?: TrialFigures[];
}

export interface RunResult {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  scenario: Scenario;
  environment: Environment;
  startedAt: string;
  finishedAt: string;
  /** True when the run stopped early; `interruption` says why. */
  partial: boolean;
  interruption?: { reason: 'SIGINT' | 'SIGTERM' | 'upstream-exited' | 'error'; message: string };
  /** The bundled upstream's URL for this run, or the target's. */
  targetUrl: string;
  baseline: string;
  variants: VariantResult[];
  /** What the advisor makes of the run's figures: settings to change, with the evidence. */
  findings?: Finding[];
  /** The CI gate's verdict (thresholds, baseline comparison), when the run had either. */
  gate?: GateVerdict;
}
