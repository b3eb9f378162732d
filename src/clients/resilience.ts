/**
 * What an application wraps around its HTTP client: a deadline for the whole request, and for
 * node-http and fetch a retry loop (undici has its own RetryAgent, used as is). The loop
 * follows undici's options — backoff minTimeout × timeoutFactor^n capped at maxTimeout,
 * Retry-After honoured — and adds jitter, so that clients failed by one fault do not all come
 * back at the same instant.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryConfig } from '../scenario/schema.js';
import { classifyError } from '../metrics/error-class.js';
import { PoolbenchError } from '../errors.js';
import type { RequestClient, RequestVariant, Response } from './types.js';

type Send = RequestClient['send'];

/** Methods a client may send twice without changing the outcome (RFC 9110 §9.2.2), as undici's list. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** `send` with the variant's deadline and (for clients without their own) retries around it. */
export function withResilience(send: Send, variant: RequestVariant, method: string): Send {
  let resilient = send;
  if (variant.retry && variant.client !== 'undici' && IDEMPOTENT_METHODS.has(method)) resilient = withRetries(resilient, variant.retry);
  if (variant.requestTimeout !== undefined) resilient = withDeadline(resilient, variant.requestTimeout);
  return resilient;
}

function withRetries(send: Send, retry: RetryConfig): Send {
  return async (path, signal, stop) => {
    for (let retries = 0; ; retries++) {
      let waitMs: number;
      try {
        const response = await send(path, signal, stop);
        if (retries >= retry.maxRetries || !retry.statusCodes.includes(response.status)) return response;
        waitMs = retryAfterMs(response, retry) ?? backoffMs(retry, retries);
      } catch (error) {
        if (retries >= retry.maxRetries || signal.aborted || !retry.errorCodes.includes(classifyError(error))) throw error;
        waitMs = backoffMs(retry, retries);
      }
      await sleep(waitMs, undefined, { signal });
    }
  };
}

/** undici's backoff with "equal jitter": half of it fixed, half random. */
function backoffMs(retry: RetryConfig, retries: number): number {
  const backoff = Math.min(retry.minTimeout * retry.timeoutFactor ** retries, retry.maxTimeout);
  return backoff / 2 + (Math.random() * backoff) / 2;
}

function retryAfterMs(response: Response, retry: RetryConfig): number | undefined {
  const seconds = retry.retryAfter && response.retryAfter !== undefined ? Number(response.retryAfter) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, retry.maxTimeout) : undefined;
}

/**
 * Aborts the request (retries included) after `ms` and fails it as REQUEST_TIMEOUT, the same
 * class for every client. A per-request controller rather than AbortSignal.any: the run's
 * signal lives long, and signals combined with it would be kept until it aborts.
 */
function withDeadline(send: Send, ms: number): Send {
  return async (path, signal, stop) => {
    const controller = new AbortController();
    const forward = () => controller.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
    try {
      return await send(path, controller.signal, stop);
    } catch (error) {
      // No `cause`: the error is our own abort, and classifyError would name the request by it.
      if (timedOut && !signal.aborted) throw new PoolbenchError(`no complete response within ${ms} ms`, { code: 'REQUEST_TIMEOUT' });
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', forward);
    }
  };
}
