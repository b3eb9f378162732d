/**
 * Load model -> implementation: the runner asks for a scenario's load and gets its outcome,
 * whichever model the scenario chose (`load.model`, closed by default).
 */
import type { ClientAdapter } from '../clients/types.js';
import type { LoadConfig } from '../scenario/schema.js';
import { createLatencySampler } from '../upstream/latency.js';
import { runClosedLoad } from './closed.js';
import { runOpenLoad } from './open.js';
import { Ramp } from './ramp.js';
import { EarlyStopWatch } from './early-stop.js';
import type { LoadOptions, LoadOutcome } from './window.js';

/** The level (rate or concurrency) a load follows over the measured window. */
export function rampOf(load: LoadConfig): Ramp {
  const start = load.model === 'open' ? (load.rate ?? 0) : load.concurrency;
  return new Ramp(start, load.stages);
}

/** Warm-up holds the level the measured window starts from (or its first target, if that is 0). */
function warmupRamp(load: LoadConfig): Ramp {
  const start = rampOf(load).levelAt(0);
  return new Ramp(start > 0 ? start : (load.stages?.[0].target ?? 0));
}

export function runLoad(load: LoadConfig, options: LoadOptions): Promise<LoadOutcome> {
  const ramp = options.warmup ? warmupRamp(load) : rampOf(load);
  if (load.model === 'open') return runOpenLoad({ ...options, rate: ramp, maxInFlight: load.maxInFlight });
  return runClosedLoad({ ...options, concurrency: ramp, idleGap: load.idleGap === undefined ? undefined : createLatencySampler(load.idleGap) });
}

/**
 * Runs the measured window: the client's own engine when it has one (autocannon, worker threads),
 * else the load model; with `options.earlyStop`, watched for a variant that only fails at once.
 */
export async function driveLoad(client: Pick<ClientAdapter, 'drive'>, load: LoadConfig, options: LoadOptions): Promise<LoadOutcome> {
  const watch = options.earlyStop && new EarlyStopWatch(options.earlyStop.origin);
  const watched = watch ? watch.watch(options) : options;
  const outcome = await (client.drive?.(watched) ?? runLoad(load, watched));
  // Worker threads watch their own share and say so in their outcome.
  const stoppedEarly = watch?.verdict ?? outcome.stoppedEarly;
  return stoppedEarly ? { ...outcome, stoppedEarly } : outcome;
}

export type { LoadOptions, LoadOutcome } from './window.js';
