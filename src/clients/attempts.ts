/**
 * Attempts as the wire saw them: every request sent, retries included, and the transport
 * failures among them split by whether their connection had carried a request before. A
 * failure on a reused connection is the signature of a stale keep-alive socket (the server
 * closed it while it sat in the pool); one on a fresh connection is the server's doing.
 * Which one it was is the PoolObserver's verdict (undici-attempts.ts reads it for undici and fetch).
 */
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
