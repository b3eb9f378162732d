/**
 * Early stop: a variant whose every request fails at once, always the same way, measures no
 * pool. A target that refuses every connection, or a request the client rejects before sending
 * it, would otherwise pile up hundreds of thousands of identical errors until the duration ends.
 * When no response has arrived and every request that settled failed with the same error class
 * for EARLY_STOP_AFTER_MS (and at least EARLY_STOP_MIN_FAILURES requests), the load stops with a
 * one-line explanation — provided the failures were immediate: either of a kind that never meets
 * a server at work (refused, unresolvable, unreachable, rejected before sending: however slow a
 * flooded generator makes them), or nearly all within IMMEDIATE_FAILURE_MS of their send (a few
 * slow ones are a busy machine's lag). A timeout, for one, is not immediate. One response or one
 * other error class turns the watch off for the rest of the window.
 */
import { classifyError } from '../metrics/error-class.js';
import type { Response, StoppedEarly, WindowOptions } from './types.js';

export const EARLY_STOP_AFTER_MS = 2000;
export const EARLY_STOP_MIN_FAILURES = 10;
/** A failure this fast never met a server at work: the connection was refused, or nothing was sent. */
export const IMMEDIATE_FAILURE_MS = 100;
/** The share of failures that must be immediate. */
const IMMEDIATE_SHARE = 0.9;

export class EarlyStopWatch {
  private readonly stopper = new AbortController();
  private firstAt = 0;
  private firstError: unknown;
  private errorClass: string | undefined;
  private failures = 0;
  private immediate = 0;
  /** What the first failure says of the target, when it never met a server at work. */
  private kind: FailureKind | undefined;
  /** Set once a response or another error class arrived, or the watch stopped the load. */
  private off = false;
  /** Set when the watch stopped the load. */
  verdict: StoppedEarly | undefined;

  /** `origin` is the target's, which the explanation names. */
  constructor(private readonly origin: string) {}

  /** `options` seen through the watch: it hears every response and failure, and can stop the load. */
  watch<O extends WindowOptions>(options: O): O {
    const { onResponse, onFailure } = options;
    return {
      ...options,
      signal: AbortSignal.any([options.signal, this.stopper.signal]),
      onResponse: (latencyMs: number, response: Response, uncorrectedMs?: number) => {
        this.off = true;
        onResponse(latencyMs, response, uncorrectedMs);
      },
      onFailure: (error: unknown, latencyMs: number, uncorrectedMs?: number) => {
        onFailure(error, latencyMs, uncorrectedMs);
        // From the send: under the open model, a generator that fell behind makes every failure look slow.
        if (!this.off) this.failed(error, uncorrectedMs ?? latencyMs);
      },
    };
  }

  private failed(error: unknown, latencyMs: number): void {
    const errorClass = classifyError(error);
    if (this.errorClass !== undefined && errorClass !== this.errorClass) {
      this.off = true;
      return;
    }
    const now = performance.now();
    if (this.errorClass === undefined) {
      this.errorClass = errorClass;
      this.firstError = error;
      this.firstAt = now;
      this.kind = kindOf(error, errorClass);
    }
    this.failures += 1;
    if (this.kind !== undefined || latencyMs < IMMEDIATE_FAILURE_MS) this.immediate += 1;
    if (this.failures >= EARLY_STOP_MIN_FAILURES && now - this.firstAt >= EARLY_STOP_AFTER_MS && this.immediate >= IMMEDIATE_SHARE * this.failures) {
      this.off = true;
      this.verdict = { reason: explainFailure(this.firstError, errorClass, this.origin) };
      this.stopper.abort('stopped early');
    }
  }
}

/** Error codes with which a client refuses a request before anything is sent. */
const REJECTED_BEFORE_SENDING = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_URL',
  'ERR_UNESCAPED_CHARACTERS',
]);

/** Failures that never meet a server at work: immediate however long a flooded generator takes to see them. */
type FailureKind = 'refused' | 'unresolved' | 'unreachable' | 'blocked-port' | 'rejected';

function kindOf(error: unknown, errorClass: string): FailureKind | undefined {
  switch (errorClass) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unresolved';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'unreachable';
  }
  const { code, name, message, causeMessage } = describeError(error);
  if (causeMessage === 'bad port') return 'blocked-port';
  // fetch rejects invalid arguments with a bare TypeError; its network failures are "fetch failed".
  if ((code !== undefined && REJECTED_BEFORE_SENDING.has(code)) || (code === undefined && name === 'TypeError' && message !== 'fetch failed')) return 'rejected';
  return undefined;
}

/**
 * One line saying why every request failed, e.g. "every connection to 127.0.0.1:1 was refused
 * (ECONNREFUSED)". Error messages are not quoted: fetch's name the header value, which may be a
 * credential; only codes and the target's host are.
 */
export function explainFailure(error: unknown, errorClass: string, origin: string): string {
  const { host, hostname, port } = new URL(origin);
  const { code, name, message } = describeError(error);
  switch (kindOf(error, errorClass)) {
    case 'refused':
      return `every connection to ${host} was refused (${errorClass})`;
    case 'unresolved':
      return `the host name ${hostname} could not be resolved (${errorClass})`;
    case 'unreachable':
      return `${host} could not be reached (${errorClass})`;
    case 'blocked-port':
      return `fetch refuses to connect to port ${port}, which the fetch standard blocks; the client rejected every request before sending it`;
    case 'rejected': {
      const what = /header/i.test(message) ? 'invalid header name or value in request.headers' : 'invalid request';
      return `the client rejected every request before sending it: ${what} (${code ?? name})`;
    }
  }
  if (errorClass === 'ECONNRESET') return `every connection to ${host} was reset before a response arrived (ECONNRESET)`;
  // A class that is not a code may be an error message, and messages can hold request text.
  const shown = /^[A-Za-z][A-Za-z0-9_]*$/.test(errorClass) ? errorClass : (code ?? name);
  return `every request failed at once with the same error${shown ? ` (${shown})` : ''} and none got a response`;
}

function describeError(error: unknown): { code?: string; name: string; message: string; causeMessage?: string } {
  const e = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown; cause?: { message?: unknown } };
  return {
    ...(typeof e.code === 'string' && { code: e.code }),
    name: typeof e.name === 'string' ? e.name : '',
    message: typeof e.message === 'string' ? e.message : '',
    ...(typeof e.cause?.message === 'string' && { causeMessage: e.cause.message }),
  };
}
