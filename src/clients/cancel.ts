/**
 * The end of a measured window as the clients see it. When the window stops, a request still
 * waiting in the client for a connection (or a stream) has not been sent: it is cancelled there,
 * without opening a connection, so that connection counts cover the requests the latency
 * histogram holds and nothing after. Requests already written get the grace period (window.ts).
 */
import { PoolbenchError } from '../errors.js';

const CANCELLED = 'POOLBENCH_CANCELLED';

/** The error a request cancelled before it was written rejects with; the window counts it apart. */
export function cancelledBeforeSending(): PoolbenchError {
  return new PoolbenchError('cancelled: the window stopped before the request was written to a connection', { code: CANCELLED });
}

export function isCancelled(error: unknown): boolean {
  return error instanceof PoolbenchError && error.code === CANCELLED;
}

/**
 * Calls `cancel` once when `stop` aborts (at once if it already has): one listener per window,
 * however many requests it sends, for clients that keep their own queue of waiting requests.
 */
const watched = new WeakMap<AbortSignal, WeakSet<object>>();
export function onceStopped(stop: AbortSignal, owner: object, cancel: () => void): void {
  let owners = watched.get(stop);
  if (owners === undefined) watched.set(stop, (owners = new WeakSet()));
  if (owners.has(owner)) return;
  owners.add(owner);
  if (stop.aborted) queueMicrotask(cancel);
  else stop.addEventListener('abort', cancel, { once: true });
}
