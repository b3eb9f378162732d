/**
 * Names a failed request the way people search for it: the system or undici error code
 * (ECONNRESET, UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT, …), or `HTTP 5xx` / `HTTP 4xx` for
 * responses that arrived with an error status. fetch wraps the real error in `cause`, so the
 * chain is walked to the innermost code.
 */
export function classifyError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const candidate = current as { code?: unknown; cause?: unknown; name?: unknown };
    if (typeof candidate.code === 'string' && candidate.code !== '') {
      const inner = candidate.cause as { code?: unknown } | undefined;
      if (!inner || typeof inner.code !== 'string') return candidate.code;
    }
    if (!candidate.cause) break;
    current = candidate.cause;
  }
  const named = error as { name?: unknown; message?: unknown };
  // undici's parser errors often carry no code; their class name is what people search for.
  if (named?.name === 'AbortError' || named?.name === 'TimeoutError' || named?.name === 'HTTPParserError') return String(named.name);
  return typeof named?.message === 'string' && named.message ? named.message.slice(0, 60) : 'unknown error';
}

/** The error class of a response status, or undefined when the status is a success. */
export function classifyStatus(status: number): string | undefined {
  if (status >= 500) return 'HTTP 5xx';
  if (status >= 400) return 'HTTP 4xx';
  return undefined;
}
