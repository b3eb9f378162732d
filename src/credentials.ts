/**
 * Credentials in a target URL (`http://user:pass@host/`). As curl does, they are sent as HTTP
 * Basic auth on every request; they are never printed or stored: wherever the URL is shown or
 * written, they read `***`. A URL is redacted once, where the scenario becomes a result (the
 * runner, the planner); error text is redacted where it becomes output (the CLI's error edge).
 */

export const REDACTED = '***';

/** A target URL split into what requests go to and the Authorization header its credentials make. */
export interface TargetCredentials {
  /** The URL without user name and password. */
  url: URL;
  /** `Basic <base64(user:password)>`; undefined when the URL has no credentials. */
  authorization?: string;
}

/**
 * Reads the credentials out of a target URL string. The URL keeps them percent-encoded (`p%40ss`);
 * Basic auth carries them decoded (`p@ss`), as curl sends them.
 */
export function splitCredentials(target: string): TargetCredentials {
  const url = new URL(target);
  if (url.username === '' && url.password === '') return { url };
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // a stray % is taken literally, as curl does
    }
  };
  const authorization = `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  return { url, authorization };
}

/** The request's headers with `authorization` added, unless the scenario sets its own (curl: -H wins over the URL's user). */
export function withAuthorization(headers: Record<string, string>, authorization: string | undefined): Record<string, string> {
  if (authorization === undefined || Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return headers;
  return { ...headers, authorization };
}

/**
 * The user-info part of any URL in `text` (`scheme://user:pass@`), as far as the last `@`
 * before the path: a password may contain `@` and `:`.
 */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'`<>]*@/gi;

/** `text` with the credentials of every URL in it replaced by `***`: for URLs and for error messages that quote one. */
export function redactCredentials(text: string): string {
  return text.replace(USER_INFO, `$1${REDACTED}@`);
}

/**
 * Request headers that carry credentials. Their values are the user's own, but a report is an
 * artifact that CI uploads and people share: it keeps the header's name and shows `***`.
 */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret|password|auth/i;

/** `headers` with the value of every header that carries credentials replaced by `***`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADER.test(name) ? REDACTED : value]));
}

/**
 * A scenario fit to store or show: its target URL's credentials and its secret request headers
 * redacted. What is sent is not changed: this copy is only for results and output.
 */
export function redactScenario<S extends { target?: string; request?: { headers: Record<string, string> } }>(scenario: S): S {
  return {
    ...scenario,
    ...(scenario.target !== undefined && { target: redactCredentials(scenario.target) }),
    ...(scenario.request && { request: { ...scenario.request, headers: redactHeaders(scenario.request.headers) } }),
  };
}
