/**
 * One variant, as a short sequence of named phases: open the client, warm up, measure, assemble
 * the result. Warm-up and measurement are the same phase (`drive`) with different settings;
 * what only the measurement needs — both sides' counters read at its edges, the samplers, the
 * per-second ticker — is wrapped around it. The figures become a VariantResult in a pure
 * function (assemble.ts), so what a row means can be read in one place.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Variant } from '../scenario/schema.js';
import type { VariantResult, WarmupFigures } from '../result.js';
import { createClient, type Client, type RequestClient, type Target } from '../clients/index.js';
import { createWorkerEngine } from '../load/workers.js';
import { driveLoad, rampOf, type DriveOptions } from '../load/index.js';
import type { LoadOutcome } from '../load/types.js';
import { createRoutePicker } from '../load/routes.js';
import { SelfCheck } from '../load/self-check.js';
import { VariantRecorder, poolListenerOf } from '../metrics/recorder.js';
import { RouteLatencyRecorder } from '../metrics/route-latency.js';
import { FaultWindowRecorder } from '../metrics/fault-windows.js';
import { InFlightGauge } from '../metrics/in-flight.js';
import { ProcessSampler } from '../metrics/process-stats.js';
import { QueueSampler } from '../metrics/queue-sampler.js';
import { classifyStatus } from '../metrics/error-class.js';
import type { UpstreamGroup } from '../upstream/instances.js';
import type { RunPlan } from './plan.js';
import type { EmitRunEvent } from './events.js';
import { ProgressTicker } from './progress-ticker.js';
import { assembleVariantResult, clientSnapshot, throughputRps, type VariantMeasurement } from './assemble.js';

/** How long requests in flight at the end of a window may take before they are abandoned. */
const GRACE_MS = 2000;

export interface VariantContext {
  plan: RunPlan;
  index: number;
  variant: Variant;
  target: Target;
  upstream: UpstreamGroup | undefined;
  signal: AbortSignal;
  emit: EmitRunEvent;
}

export async function runVariant(context: VariantContext): Promise<VariantResult> {
  const session = new VariantSession(context);
  try {
    const warmup = await session.warmUp();
    return assembleVariantResult(await session.measure(warmup));
  } finally {
    await session.close();
  }
}

/** The settings of one pass of load: the warm-up's or the measurement's. */
interface Phase {
  durationMs?: number;
  requests?: number;
  warmup?: boolean;
  inFlight?: InFlightGauge;
}

/** How long a closed client's connections may take to report their close (their 'close' events come on later turns). */
const CLOSE_SETTLE_MS = 500;

function everyConnectionClosed(client: Client): boolean {
  const { opened, closed } = client.connections();
  return closed >= opened;
}

class VariantSession {
  private closed = false;
  /** Replaced after the warm-up: its figures are kept apart. */
  private recorder = new VariantRecorder();
  private routeRecorder = new RouteLatencyRecorder();
  /** Losses inside the fault windows; set when measuring starts, as the windows count from then. */
  private faultRecorder: FaultWindowRecorder | undefined;
  private readonly client: Client;
  /** With upstream routes, each request goes to a path picked by weight, and is timed per path too. */
  private readonly pickRoute: (() => string) | undefined;

  constructor(private readonly context: VariantContext) {
    const { plan, variant, target } = context;
    this.client = plan.load.workers > 1 ? createWorkerEngine(plan.load, variant, target, () => this.recorder) : createClient(variant, target, poolListenerOf(() => this.recorder));
    const routes = plan.upstream.kind === 'bundled' ? plan.upstream.config.routes : undefined;
    this.pickRoute = routes ? createRoutePicker(routes) : undefined;
  }

  /** The connections the warm-up opened stay in the pool, as in production; its figures are kept apart. */
  async warmUp(): Promise<WarmupFigures | undefined> {
    const { load } = this.context.plan;
    if (load.warmup === 0) return undefined;
    this.announce('warmup', { durationMs: load.warmup });
    const openedBefore = this.client.connections().opened;
    await this.drive({ durationMs: load.warmup, warmup: true });
    const after = this.client.connections();
    const warmup = { requests: this.recorder.completed, connectionsOpened: after.opened - openedBefore, connectionsKept: after.opened - after.closed };
    this.recorder = new VariantRecorder();
    this.routeRecorder = new RouteLatencyRecorder();
    return warmup;
  }

  /**
   * Both sides count connections over the same window: the upstream's counters are zeroed and
   * the client's are read at the moment measuring starts, and both are read again at its end.
   */
  async measure(warmup: WarmupFigures | undefined): Promise<VariantMeasurement> {
    const { plan, upstream, signal } = this.context;
    await upstream?.resetCounters();
    const before = clientSnapshot(this.client);
    const queueSampler = this.client.waiting ? new QueueSampler(this.client.waiting) : undefined;
    this.announce('measure', { durationMs: plan.load.duration, requests: plan.load.requests, ...(plan.faultWindows.length > 0 && { faultWindows: plan.faultWindows }) });
    const processSampler = new ProcessSampler();
    const selfCheck = new SelfCheck(plan.load, plan.load.model === 'open' ? rampOf(plan.load) : undefined);
    const measuringSince = performance.now();
    const inFlight = new InFlightGauge(measuringSince);
    if (plan.faultWindows.length > 0) this.faultRecorder = new FaultWindowRecorder(plan.faultWindows, measuringSince);
    const ticker = new ProgressTicker({ ...this.context, client: this.client, recorder: this.recorder, selfCheck, measuringSince, openedBefore: before.connections.opened, keptFromWarmup: warmup?.connectionsKept ?? 0 });
    let outcome: LoadOutcome;
    try {
      outcome = await this.drive({ durationMs: plan.load.duration, requests: plan.load.requests, inFlight });
    } finally {
      ticker.stop();
    }
    const timeSeries = ticker.finish();
    const process = processSampler.stop();
    const after = clientSnapshot(this.client);
    const poolWait = queueSampler?.stop(throughputRps(this.recorder.completed, outcome.elapsedMs));
    const upstreamCounters = signal.aborted ? await upstream?.counters().catch(() => undefined) : await upstream?.counters();
    // The connections still open now close at the client's end: their lifetimes and requests
    // count too (most of a keep-alive pool's connections live until then). After both sides'
    // counters were read, so those still describe the window.
    await this.close();
    return {
      variant: this.context.variant,
      library: this.client.library,
      model: plan.load.model,
      partial: signal.aborted,
      outcome,
      recorder: this.recorder,
      timeSeries,
      process,
      // Engines that drive their own load (autocannon, worker threads) never pass through `send`.
      inFlight: this.client.kind === 'engine' ? undefined : inFlight.summary(),
      saturated: selfCheck.verdict(outcome),
      client: { before, after },
      upstream: upstreamCounters,
      poolWait,
      warmup,
      routes: this.pickRoute && this.routeRecorder.figures(),
      faultWindows: this.faultRecorder?.figures(),
    };
  }

  /** Closes the client once, and waits (a moment at most) until its connections have said they closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
    const closedBy = performance.now() + CLOSE_SETTLE_MS;
    while (performance.now() < closedBy && !everyConnectionClosed(this.client)) await sleep(5);
  }

  private announce(phase: 'warmup' | 'measure', details: { durationMs?: number; requests?: number; faultWindows?: RunPlan['faultWindows'] }): void {
    const { index, plan, variant, emit } = this.context;
    emit({ type: 'variant-start', index, total: plan.variants.length, name: variant.name, phase, ...details });
  }

  /** One pass of load into the current recorders. */
  private drive(phase: Phase): Promise<LoadOutcome> {
    const { plan, signal, target } = this.context;
    const options: DriveOptions = {
      signal,
      graceMs: GRACE_MS,
      ...phase,
      send: this.sender(),
      onResponse: (ms, response, uncorrectedMs) => {
        this.recorder.recordResponse(ms, response.status, response.bytes, uncorrectedMs, response.connection);
        this.faultRecorder?.record(classifyStatus(response.status) === undefined, ms);
      },
      onFailure: (error, ms) => {
        this.recorder.recordFailure(error);
        this.faultRecorder?.record(false, ms);
      },
      // Timed faults may refuse every request for a while on purpose: that is the experiment.
      ...(plan.faultWindows.length === 0 && { earlyStop: { origin: target.origin } }),
    };
    return driveLoad(this.client, plan.load, options);
  }

  private sender(): DriveOptions['send'] {
    const { pickRoute } = this;
    if (!pickRoute) return (requests: RequestClient, signal, stop) => requests.send(this.context.target.request.path, signal, stop);
    return async (requests: RequestClient, signal, stop) => {
      const path = pickRoute();
      const startedAt = performance.now();
      const response = await requests.send(path, signal, stop);
      this.routeRecorder.record(path, performance.now() - startedAt);
      return response;
    };
  }
}
