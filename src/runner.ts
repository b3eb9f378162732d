/**
 * Drives every variant of a scenario, one after another, against the same upstream:
 * scenario -> for each variant: client + closed load -> recorder -> VariantResult -> RunResult.
 *
 * The runner never writes to the terminal. It reports progress through `onEvent` and returns
 * everything it measured — also when stopped early by the signal or by the upstream dying, in
 * which case the result is marked partial and says why.
 */
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import type { Scenario, Variant } from './scenario/schema.js';
import type { Environment, RunResult, VariantResult } from './result.js';
import { REPORT_SCHEMA_VERSION } from './result.js';
import { RunFailedError } from './errors.js';
import { faultWindows, faultWindowsOf, startUpstreams, type FaultWindow, type UpstreamGroup } from './upstream/instances.js';
import { startFaultProxy } from './proxy/start.js';
import { createClient, type RequestClient, type Target } from './clients/index.js';
import type { PoolState } from './clients/types.js';
import { readTargetTls } from './scenario/target-tls.js';
import { VariantRecorder } from './metrics/recorder.js';
import { InFlightGauge } from './metrics/in-flight.js';
import { ProcessSampler } from './metrics/process-stats.js';
import { encodeHistogram, summarize } from './metrics/histogram.js';
import type { TimeSeriesPoint } from './metrics/time-series.js';
import { driveLoad, rampOf } from './load/index.js';
import { createWorkerEngine } from './load/workers.js';
import { SelfCheck } from './load/self-check.js';
import { createRoutePicker } from './load/routes.js';
import { RouteLatencyRecorder } from './metrics/route-latency.js';
import { QueueSampler } from './metrics/queue-sampler.js';
import { advise } from './advisor/index.js';
import { FaultWindowRecorder } from './metrics/fault-windows.js';
import { classifyStatus } from './metrics/error-class.js';
import { mergeTrials } from './metrics/trials.js';
import { countsSince } from './metrics/counts.js';
import { poolbenchVersion, undiciVersion } from './package-info.js';
import { redactCredentials, redactScenario, splitCredentials, withAuthorization } from './credentials.js';

export type RunEvent =
  | { type: 'run-start'; targetUrl: string; variants: string[]; upstreamPid?: number }
  /** With `repeat` > 1: a round of one trial per variant begins. */
  | { type: 'round-start'; round: number; rounds: number }
  /** Measuring with timed faults: `faultWindows` in ms from this event, known before the first request. */
  | { type: 'variant-start'; index: number; total: number; name: string; phase: 'warmup' | 'measure'; durationMs?: number; requests?: number; faultWindows?: FaultWindow[] }
  /** Once a second while measuring: the last second's point and the figures so far. */
  | { type: 'progress'; name: string; point: TimeSeriesPoint; elapsedMs: number; completed: number; errors: number; rps: number; p50: number; p99: number; connectionsOpened: number; pool?: PoolState }
  | { type: 'variant-end'; result: VariantResult };

export interface RunOptions {
  /** Aborting stops the run; the reason (e.g. 'SIGINT') is recorded. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /**
   * Trials per variant (default 1), run in interleaved rounds (A B A B …) so that drift on a
   * shared machine falls on every variant alike instead of on whichever ran last.
   */
  repeat?: number;
}

/** How long requests in flight at the end of a window may take before they are abandoned. */
const GRACE_MS = 2000;
const TICK_MS = 1000;

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const emit = options.onEvent ?? (() => {});
  const startedAt = new Date();
  // One controller for every reason to stop: the caller's signal, or the upstream dying.
  const stopper = new AbortController();
  const forwardAbort = () => stopper.abort(options.signal?.reason ?? 'SIGINT');
  if (options.signal?.aborted) forwardAbort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });

  let upstream: UpstreamGroup | undefined;
  const rounds = options.repeat ?? 1;
  const trials: VariantResult[][] = scenario.variants.map(() => []);
  let interruption: RunResult['interruption'];
  let failure: unknown;
  try {
    let target: Target;
    if (scenario.upstream) {
      upstream = await startUpstreams(scenario.upstream);
      const ca = upstream.caFile ? await readFile(upstream.caFile, 'utf8') : undefined;
      target = { origin: upstream.url, origins: upstream.urls, ca, request: scenario.request };
    } else {
      // Credentials in the URL become Basic auth on every request, for every client kind (as curl does).
      const { url, authorization } = splitCredentials(scenario.target!);
      const path = url.pathname !== '/' || url.search ? url.pathname + url.search : scenario.request.path;
      // A target with faults is reached through the fault proxy, which then stands in for the upstream.
      if (scenario.faults) upstream = await startFaultProxy(url, scenario.faults);
      target = { origin: upstream?.url ?? url.origin, request: { ...scenario.request, path, headers: withAuthorization(scenario.request.headers, authorization) }, ...(await readTargetTls(scenario.targetTls)) };
    }
    void upstream?.exited.then(({ expected, code, signal }) => {
      if (!expected) stopper.abort(`upstream-exited: the ${scenario.upstream ? 'bundled upstream' : 'fault proxy'} exited unexpectedly (code ${code}, signal ${signal})`);
    });
    emit({ type: 'run-start', targetUrl: target.origin, variants: scenario.variants.map((v) => v.name), upstreamPid: upstream?.pid });

    rounds: for (let round = 0; round < rounds; round++) {
      if (rounds > 1) emit({ type: 'round-start', round: round + 1, rounds });
      for (const [index, variant] of scenario.variants.entries()) {
        if (stopper.signal.aborted) break rounds;
        const result = await runVariant(scenario, variant, index, target, upstream, stopper.signal, emit);
        trials[index].push(result);
        emit({ type: 'variant-end', result });
      }
    }
  } catch (error) {
    // An error caused by stopping (e.g. a counters request to a dead upstream) is the stop itself.
    if (!stopper.signal.aborted) failure = error;
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
    await upstream?.stop();
  }

  if (stopper.signal.aborted) interruption = describeInterruption(stopper.signal.reason);
  const variants = trials.filter((runs) => runs.length > 0).map((runs) => (rounds > 1 ? mergeTrials(runs) : runs[0]));
  if (failure !== undefined) {
    if (variants.length === 0) throw failure; // nothing measured, nothing to keep
    interruption = { reason: 'error', message: failure instanceof Error ? failure.message : String(failure) };
  }
  // Where the scenario becomes a result: a target's credentials stop here (reports, terminal, every format).
  if (interruption) interruption.message = redactCredentials(interruption.message);
  const result: RunResult = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: redactScenario(scenario),
    environment: describeEnvironment(),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    partial: interruption !== undefined || variants.length < scenario.variants.length,
    interruption,
    targetUrl: redactCredentials(scenario.target ?? upstream!.url),
    baseline: scenario.baseline,
    variants,
  };
  result.findings = advise(result);
  if (failure !== undefined) throw new RunFailedError(failure, result);
  return result;
}

async function runVariant(
  scenario: Scenario,
  variant: Variant,
  index: number,
  target: Target,
  upstream: UpstreamGroup | undefined,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<VariantResult> {
  const { load } = scenario;
  const total = scenario.variants.length;
  let recorder = new VariantRecorder();
  /** Losses inside the upstream's fault windows; set when measuring starts, as the windows count from then. */
  let faultRecorder: FaultWindowRecorder | undefined;
  const windows = scenario.upstream ? faultWindows(scenario.upstream) : faultWindowsOf(scenario.faults ?? []);
  const client = load.workers > 1 ? createWorkerEngine(scenario, variant, target, () => recorder) : createClient(variant, target, (ms) => recorder.recordConnect(ms));
  // With upstream routes, each request goes to a path picked by weight, and is timed per path too.
  const pickRoute = scenario.upstream?.routes ? createRoutePicker(scenario.upstream.routes) : undefined;
  let routeRecorder = new RouteLatencyRecorder();
  const sendOnRoute = async (requests: RequestClient, s: AbortSignal, stop: AbortSignal) => {
    const path = pickRoute!();
    const startedAt = performance.now();
    const response = await requests.send(path, s, stop);
    routeRecorder.record(path, performance.now() - startedAt);
    return response;
  };
  try {
    const loadOptions = {
      signal,
      graceMs: GRACE_MS,
      send: pickRoute ? sendOnRoute : (requests: RequestClient, s: AbortSignal, stop: AbortSignal) => requests.send(target.request.path, s, stop),
      onResponse: (ms: number, response: { status: number; bytes: number }, uncorrectedMs?: number) => {
        recorder.recordResponse(ms, response.status, response.bytes, uncorrectedMs);
        faultRecorder?.record(classifyStatus(response.status) === undefined, ms);
      },
      onFailure: (error: unknown, ms: number) => {
        recorder.recordFailure(error);
        faultRecorder?.record(false, ms);
      },
      // Timed faults may refuse every request for a while on purpose: that is the experiment.
      ...(windows.length === 0 && { earlyStop: { origin: target.origin } }),
    };

    let warmup: VariantResult['warmup'];
    if (load.warmup > 0) {
      emit({ type: 'variant-start', index, total, name: variant.name, phase: 'warmup', durationMs: load.warmup });
      const warmupOptions = { ...loadOptions, durationMs: load.warmup, warmup: true };
      const openedBefore = client.connections().opened;
      await driveLoad(client, load, warmupOptions);
      // The connections the warm-up opened stay in the pool, as in production; its figures are kept apart.
      const after = client.connections();
      warmup = { requests: recorder.completed, connectionsOpened: after.opened - openedBefore, connectionsKept: after.opened - after.closed };
      recorder = new VariantRecorder();
      routeRecorder = new RouteLatencyRecorder();
    }

    // Both sides count connections over the same window: the upstream's counters are zeroed and
    // the client's are read at the moment measuring starts.
    await upstream?.resetCounters();
    const connectionsBefore = client.connections();
    const http2Before = client.http2?.();
    const queueSampler = client.waiting ? new QueueSampler(client.waiting) : undefined;
    const attemptsBefore = client.attempts?.();
    emit({ type: 'variant-start', index, total, name: variant.name, phase: 'measure', durationMs: load.duration, requests: load.requests, ...(windows.length > 0 && { faultWindows: windows }) });
    const sampler = new ProcessSampler();
    const selfCheck = new SelfCheck(load, load.model === 'open' ? rampOf(load) : undefined);
    const measuringSince = performance.now();
    const inFlight = new InFlightGauge(measuringSince);
    if (windows.length > 0) faultRecorder = new FaultWindowRecorder(windows, measuringSince);
    const timeSeries: TimeSeriesPoint[] = [];
    let openedBeforeTick = connectionsBefore.opened;
    const tick = () => {
      const connections = client.connections();
      const point = { ...recorder.interval.take({ opened: connections.opened - openedBeforeTick, open: connections.opened - connections.closed }), ...selfCheck.tick() };
      openedBeforeTick = connections.opened;
      timeSeries.push(point);
      return point;
    };
    const ticker = setInterval(() => {
      const point = tick();
      const elapsedMs = performance.now() - measuringSince;
      const latency = recorder.latency;
      emit({
        type: 'progress',
        name: variant.name,
        point,
        elapsedMs,
        completed: recorder.completed,
        errors: recorder.errorCount,
        rps: (recorder.completed / elapsedMs) * 1000,
        p50: latency.totalCount ? latency.getValueAtPercentile(50) / 1000 : 0,
        p99: latency.totalCount ? latency.getValueAtPercentile(99) / 1000 : 0,
        // As the connections row counts them: the warm-up's kept connections carry the window's requests too.
        connectionsOpened: openedBeforeTick - connectionsBefore.opened + (warmup?.connectionsKept ?? 0),
        pool: client.poolState?.(),
      });
    }, TICK_MS);
    let outcome;
    try {
      const measured = { ...loadOptions, durationMs: load.duration, requests: load.requests, inFlight };
      outcome = await driveLoad(client, load, measured);
    } finally {
      clearInterval(ticker);
    }
    // The last, shorter interval: without it the tail of the run would be missing from the series.
    const lastPoint = tick();
    if (lastPoint.completed === 0 && lastPoint.errors === 0) timeSeries.pop();
    const processStats = sampler.stop();
    // Engines that drive their own load (autocannon) never pass through `send`.
    const inFlightSummary = client.kind === 'engine' ? undefined : inFlight.summary();
    const saturated = selfCheck.verdict(outcome);
    const connectionsAfter = client.connections();
    const attemptsAfter = client.attempts?.();
    const upstreamCounters = signal.aborted ? await upstream?.counters().catch(() => undefined) : await upstream?.counters();
    const connectionsDuring = countsSince(connectionsBefore, connectionsAfter);
    const openedByClient = connectionsDuring.opened;
    const http2After = client.http2?.();
    const throughputRps = outcome.elapsedMs > 0 ? (recorder.completed / outcome.elapsedMs) * 1000 : 0;
    const poolWait = queueSampler?.stop(throughputRps);

    return {
      name: variant.name,
      client: variant.client,
      library: client.library,
      variant,
      partial: signal.aborted,
      durationMs: outcome.elapsedMs,
      requests: { sent: outcome.sent, completed: recorder.completed, failed: recorder.failed, unfinished: outcome.unfinished, cancelled: outcome.cancelled },
      throughputRps,
      bytesReceived: recorder.bytesReceived,
      latency: summarize(recorder.latency),
      latencyHistogram: encodeHistogram(recorder.latency),
      ...(load.model === 'open' && { uncorrectedLatency: summarize(recorder.uncorrectedLatency), uncorrectedLatencyHistogram: encodeHistogram(recorder.uncorrectedLatency) }),
      connectTime: summarize(recorder.connectTime),
      connectTimeHistogram: encodeHistogram(recorder.connectTime),
      errors: Object.fromEntries(recorder.errors),
      errorCount: recorder.errorCount,
      statusCodes: Object.fromEntries([...recorder.statuses].map(([status, n]) => [String(status), n])),
      connections: {
        openedByClient,
        closedByClient: connectionsDuring.closed,
        failedByClient: connectionsDuring.failed,
        upstream: upstreamCounters,
        countsAgree: upstreamCounters ? upstreamCounters.connectionsAccepted === openedByClient : undefined,
        ...(http2Before && http2After && {
          http2: {
            ...countsSince(http2Before, http2After),
            // A peak is not counted between two moments: the highest so far is the figure.
            peakStreamsPerSession: http2After.peakStreamsPerSession,
          },
        }),
      },
      ...(poolWait && { poolWait }),
      ...(pickRoute && { routes: routeRecorder.figures() }),
      process: processStats,
      timeSeries,
      ...(outcome.intended !== undefined && { intendedRequests: outcome.intended }),
      ...(warmup && { warmup }),
      ...(inFlightSummary && { inFlight: inFlightSummary }),
      ...(saturated && { saturated }),
      ...(outcome.stoppedEarly && { stoppedEarly: outcome.stoppedEarly }),
      ...(attemptsBefore && attemptsAfter && { attempts: countsSince(attemptsBefore, attemptsAfter) }),
      ...(faultRecorder && { faultWindows: faultRecorder.figures() }),
    };
  } finally {
    await client.close();
  }
}

function describeInterruption(reason: unknown): NonNullable<RunResult['interruption']> {
  const text = String(reason instanceof Error ? reason.message : reason);
  if (text === 'SIGINT' || text === 'SIGTERM') return { reason: text, message: `interrupted by ${text}` };
  if (text.startsWith('upstream-exited: ')) return { reason: 'upstream-exited', message: text.slice('upstream-exited: '.length) };
  return { reason: 'error', message: text };
}

export function describeEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    poolbench: poolbenchVersion,
    node: process.version,
    undici: undiciVersion,
    undiciBundledWithNode: process.versions.undici,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
  };
}
