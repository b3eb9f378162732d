/**
 * Load model -> implementation: the runner asks for a scenario's load and gets its outcome,
 * whichever model the scenario chose (`load.model`, closed by default).
 */
import type { Client, RequestClient } from '../clients/types.js';
import type { LoadConfig } from '../scenario/schema.js';
import { createLatencySampler } from '../upstream/latency.js';
import { runClosedLoad } from './closed.js';
import { runOpenLoad } from './open.js';
import { Ramp } from './ramp.js';
import { EarlyStopWatch } from './early-stop.js';
import type { LoadOptions, LoadOutcome, Response, WindowOptions } from './types.js';

/** The window, and how one request goes through a request client (engines send their own). */
export interface DriveOptions extends WindowOptions {
  send(client: RequestClient, signal: AbortSignal, stop: AbortSignal): Promise<Response>;
}

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

function runLoad(load: LoadConfig, options: LoadOptions): Promise<LoadOutcome> {
  const ramp = options.warmup ? warmupRamp(load) : rampOf(load);
  if (load.model === 'open') return runOpenLoad({ ...options, rate: ramp, maxInFlight: load.maxInFlight });
  return runClosedLoad({ ...options, concurrency: ramp, idleGap: load.idleGap === undefined ? undefined : createLatencySampler(load.idleGap) });
}

/**
 * Runs the measured window: an engine drives it itself (autocannon, worker threads); a request
 * client is driven by the load model; with `options.earlyStop`, watched for a variant that only
 * fails at once.
 */
export async function driveLoad(client: Client, load: LoadConfig, options: DriveOptions): Promise<LoadOutcome> {
  const watch = options.earlyStop && new EarlyStopWatch(options.earlyStop.origin);
  const watched = watch ? watch.watch(options) : options;
  const outcome = await (client.kind === 'engine'
    ? client.drive(watched)
    : runLoad(load, { ...watched, send: (signal, stop) => options.send(client, signal, stop) }));
  // Worker threads watch their own share and say so in their outcome.
  const stoppedEarly = watch?.verdict ?? outcome.stoppedEarly;
  return stoppedEarly ? { ...outcome, stoppedEarly } : outcome;
}

