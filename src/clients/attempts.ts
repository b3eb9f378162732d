/**
 * Attempts as the wire saw them: every request sent, retries included, and the transport
 * failures among them split by whether their connection had carried a request before. A
 * failure on a reused connection is the signature of a stale keep-alive socket (the server
 * closed it while it sat in the pool); one on a fresh connection is the server's doing.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

export interface AttemptCounts {
  /** Requests put on the wire (or tried to be), retries included. */
  attempts: number;
  /** Attempts that failed with a transport error on a connection that had served a request before. */
  failedOnReused: number;
  /** Attempts that failed on a new connection, or before one was made. */
  failedOnFresh: number;
}

export function zeroAttempts(): AttemptCounts {
  return { attempts: 0, failedOnReused: 0, failedOnFresh: 0 };
}

/** True for the errors of a request aborted on purpose (grace period, deadline): not a transport failure. */
export function isAbort(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'AbortError' || name === 'TimeoutError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR';
}

const REQUESTS_SERVED = Symbol('poolbench.requestsServed');
const SENT_ON_REUSED = Symbol('poolbench.sentOnReused');
type Marked = { [REQUESTS_SERVED]?: number; [SENT_ON_REUSED]?: boolean };

const CREATE = 'undici:request:create';
const SEND_HEADERS = 'undici:client:sendHeaders';
const ERROR = 'undici:request:error';

/**
 * Counts attempts of every undici in the process (the npm one and the one inside Node that
 * fetch uses publish on the same channels). Process-wide is safe: poolbench runs one variant
 * at a time. undici creates a request per dispatch, so each retry is an attempt of its own.
 */
export function trackUndiciAttempts(): { counts(): AttemptCounts; close(): void } {
  const counts = zeroAttempts();
  // Marks on undici's own socket and request objects rather than WeakMaps: a WeakMap entry per
  // request is an ephemeron the garbage collector must trace, and at tens of thousands of
  // requests a second that showed up in the generator's throughput and memory.
  const onCreate = () => {
    counts.attempts++;
  };
  const onSendHeaders = (message: unknown) => {
    const { request, socket } = message as { request: Marked; socket: Socket & Marked };
    const served = socket[REQUESTS_SERVED] ?? 0;
    socket[REQUESTS_SERVED] = served + 1;
    request[SENT_ON_REUSED] = served > 0;
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: Marked; error: unknown };
    if (isAbort(error)) return;
    if (request[SENT_ON_REUSED]) counts.failedOnReused++;
    else counts.failedOnFresh++;
  };
  diagnosticsChannel.subscribe(CREATE, onCreate);
  diagnosticsChannel.subscribe(SEND_HEADERS, onSendHeaders);
  diagnosticsChannel.subscribe(ERROR, onError);
  return {
    counts: () => ({ ...counts }),
    close() {
      diagnosticsChannel.unsubscribe(CREATE, onCreate);
      diagnosticsChannel.unsubscribe(SEND_HEADERS, onSendHeaders);
      diagnosticsChannel.unsubscribe(ERROR, onError);
    },
  };
}
