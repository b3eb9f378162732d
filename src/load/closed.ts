/**
 * The closed model: `concurrency` workers, each sending its next request as soon as the last
 * one ends. Stops by itself on the request budget, the duration, or the abort signal —
 * whichever comes first. Requests still in flight then get a grace period to finish (their
 * latency counts: they started inside the window); after it they are aborted and counted as
 * unfinished, never as errors, so a hung upstream cannot hang the run.
 */
import { setMaxListeners } from 'node:events';
import type { Response } from '../clients/types.js';
import type { IdleGap } from './idle-gap.js';

export interface ClosedLoadOptions {
  concurrency: number;
  durationMs?: number;
  requests?: number;
  /** Stop sending (Ctrl-C, upstream crash). */
  signal: AbortSignal;
  /** How long in-flight requests may take to finish once the loop stops. */
  graceMs: number;
  /** A pause before each request of a worker except its first (`load.idleGap`). */
  idleGap?: IdleGap;
  send(signal: AbortSignal): Promise<Response>;
  onResponse(latencyMs: number, response: Response): void;
  onFailure(error: unknown, latencyMs: number): void;
}

export interface ClosedLoadOutcome {
  /** From the first request sent to the last one settled. */
  elapsedMs: number;
  sent: number;
  /** In flight when the loop stopped and aborted after the grace period. */
  unfinished: number;
}

export async function runClosedLoad(options: ClosedLoadOptions): Promise<ClosedLoadOutcome> {
  const { concurrency, durationMs, requests, signal, graceMs, idleGap, send, onResponse, onFailure } = options;
  const inFlight = new AbortController();
  // Every request in flight listens on this one signal; that is by design, not a leak.
  setMaxListeners(concurrency + 10, inFlight.signal);
  let stopping = signal.aborted;
  let sent = 0;
  let unfinished = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  /** Cuts idle gaps short when the load stops. */
  const stopped = new AbortController();

  const stop = () => {
    if (stopping) return;
    stopping = true;
    stopped.abort();
    graceTimer = setTimeout(() => inFlight.abort(), graceMs);
  };
  const durationTimer = durationMs === undefined ? undefined : setTimeout(stop, durationMs);
  signal.addEventListener('abort', stop, { once: true });

  const worker = async () => {
    for (let first = true; !stopping && (requests === undefined || sent < requests); first = false) {
      if (idleGap && !first) {
        await idleGap(stopped.signal);
        if (stopping || (requests !== undefined && sent >= requests)) break;
      }
      sent += 1;
      const startedAt = performance.now();
      try {
        const response = await send(inFlight.signal);
        onResponse(performance.now() - startedAt, response);
      } catch (error) {
        if (inFlight.signal.aborted) unfinished += 1;
        else onFailure(error, performance.now() - startedAt);
      }
    }
  };

  const startedAt = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearTimeout(durationTimer);
    clearTimeout(graceTimer);
    signal.removeEventListener('abort', stop);
  }
  return { elapsedMs: performance.now() - startedAt, sent, unfinished };
}
