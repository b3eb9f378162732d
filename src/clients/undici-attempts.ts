/**
 * The attempts of every undici in the process (the npm one and the one inside Node that fetch
 * uses publish on the same diagnostics channels), reported to the client's PoolObserver: each
 * attempt is handed, sent on a connection and settled, and the observer alone decides whether its
 * connection was fresh or reused. The attempt counts read that same verdict.
 *
 * undici creates a Request per dispatch, so each retry is an attempt of its own. An attempt's
 * state is kept as marks on undici's own Request object (and the connection's on its socket, by
 * the observer), not in WeakMaps: a WeakMap entry per request is an ephemeron the garbage
 * collector must trace, and at tens of thousands of requests a second that showed up in the
 * generator's throughput and memory.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Dispatcher } from 'undici';
import { isAbort, zeroAttempts, type AttemptCounts } from './attempts.js';
import type { Acquired, PoolObserver } from './pool-observer.js';

/** On a dispatch's options, then on its Request: when the attempt was handed to the pool. */
const HANDED = Symbol('poolbench.handedAt');
/** On a Request: how it got its connection, and the connection it went out on. */
const ACQUIRED = Symbol('poolbench.acquired');
const SENT_ON = Symbol('poolbench.sentOn');
type Handed = { [HANDED]?: number };
type MarkedRequest = Handed & { [ACQUIRED]?: Acquired; [SENT_ON]?: object };

/**
 * The hand-over time of the attempt a Client is taking right now: set around the Client's
 * dispatch, read by the Request's `create` message that the dispatch publishes synchronously.
 * A request queued in the Pool has no Request yet, so the time travels on its options until then.
 */
let taking: number | undefined;
/** The attempt whose response headers are being delivered right now (see `respondedAttempt`). */
let responding: Acquired | undefined;

/**
 * Every dispatch to `pool` — a request's first attempt, and each retry RetryAgent re-dispatches
 * — is handed to it now: its acquire wait starts here, before the Pool may queue it. For a retry
 * this is its re-dispatch, after RetryAgent's back-off, so the back-off is not counted as waiting.
 */
export function observeHandOver<D extends Dispatcher>(pool: D, observer: PoolObserver): D {
  const dispatch = pool.dispatch.bind(pool);
  pool.dispatch = (options, handler) => {
    (options as Handed)[HANDED] = observer.handed();
    return dispatch(options, handler);
  };
  return pool;
}

/**
 * A Client takes the attempt dispatched with `options`: its Request is created between this call
 * and `takenOver()` (around the Client's dispatch, without a closure per request).
 */
export function takingOver(options: object): void {
  taking = (options as Handed)[HANDED];
}

export function takenOver(): void {
  taking = undefined;
}

/**
 * How the attempt whose response is being delivered got its connection. undici delivers a
 * response to `request()`'s callback synchronously from the Request's headers, right after
 * publishing them: read in that callback, this is the final attempt's (a retried attempt's
 * headers never reach the callback).
 */
export function respondedAttempt(): Acquired | undefined {
  return responding;
}

const CREATE = 'undici:request:create';
const SEND_HEADERS = 'undici:client:sendHeaders';
const HEADERS = 'undici:request:headers';
const COMPLETE = 'undici:request:trailers';
const ERROR = 'undici:request:error';

/**
 * Follows the attempts of every undici in the process, reporting them to `observer`. Process-wide
 * is safe: poolbench runs one variant at a time. An attempt without a hand-over time (fetch's, or
 * one whose Pool is not observed) is handed when a Client takes it.
 */
export function trackUndiciAttempts(observer: PoolObserver): { counts(): AttemptCounts; close(): void } {
  const counts = zeroAttempts();
  const subscribers: Record<string, (message: unknown) => void> = {
    [CREATE]: (message) => {
      counts.attempts++;
      (message as { request: MarkedRequest }).request[HANDED] = taking ?? observer.handed();
    },
    [SEND_HEADERS]: (message) => {
      const { request, socket } = message as { request: MarkedRequest; socket: object };
      request[ACQUIRED] = observer.sent(socket, request[HANDED] ?? observer.handed());
      request[SENT_ON] = socket;
    },
    [HEADERS]: (message) => {
      responding = (message as { request: MarkedRequest }).request[ACQUIRED];
    },
    [COMPLETE]: (message) => {
      const { request } = message as { request: MarkedRequest };
      if (request[SENT_ON]) observer.settled(request[SENT_ON], request[ACQUIRED]!, 'answered');
    },
    [ERROR]: (message) => {
      const { request, error } = message as { request: MarkedRequest; error: unknown };
      const aborted = isAbort(error);
      if (request[SENT_ON]) observer.settled(request[SENT_ON], request[ACQUIRED]!, aborted ? 'aborted' : 'transport-failure');
      if (aborted) return;
      if (request[ACQUIRED]?.reused) counts.failedOnReused++;
      else counts.failedOnFresh++;
    },
  };
  for (const [channel, subscriber] of Object.entries(subscribers)) diagnosticsChannel.subscribe(channel, subscriber);
  return {
    counts: () => ({ ...counts }),
    close() {
      for (const [channel, subscriber] of Object.entries(subscribers)) diagnosticsChannel.unsubscribe(channel, subscriber);
    },
  };
}
