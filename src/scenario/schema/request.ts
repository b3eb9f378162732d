/** The request the load sends, and the rules every header and path in a scenario follows (the upstream's response headers too). */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { z } from 'zod';
import { LIMITS } from '../limits.js';

/**
 * Header names and values, as sent: bounded in number and length, and valid HTTP (node:http's
 * rules, which undici shares). A value with CR or LF would inject a header into every request of
 * a client that does not check (autocannon writes headers as given); the file is refused instead.
 */
export function headers() {
  return z
    .record(z.string().max(LIMITS.headerName), z.string().max(LIMITS.text))
    .refine((map) => Object.keys(map).length <= LIMITS.headers, { error: (issue) => `must have at most ${LIMITS.headers} headers, but has ${Object.keys(issue.input as object).length}` })
    .superRefine((map, ctx) => {
      for (const [name, value] of Object.entries(map)) {
        const problem = headerProblem(name, value);
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
      }
    })
    .meta({ maxProperties: LIMITS.headers });
}

/**
 * A request path as it goes on the request line: from `/`, printable ASCII without spaces (RFC 3986
 * characters, percent-encoded where needed). A CR or LF would end the request line and inject
 * headers through a client that writes the path as given (autocannon).
 */
export function requestPath() {
  return z
    .string()
    .max(LIMITS.text)
    .startsWith('/', 'the path must start with /')
    .regex(/^[\x21-\x7e]*$/, 'the path may hold only printable ASCII without spaces: percent-encode the rest (a space is %20)');
}

function headerProblem(name: string, value: string): string | undefined {
  try {
    validateHeaderName(name);
  } catch {
    return `${JSON.stringify(name)} is not a valid header name: letters, digits and !#$%&'*+-.^_\`|~ only`;
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    return /[\r\n]/.test(value)
      ? 'the value contains a line break (CR or LF), which would end the header and start another'
      : 'the value contains a control character HTTP does not allow in a header';
  }
  return undefined;
}

export const RequestSchema = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: requestPath().default('/'),
  headers: headers().default({}),
  body: z.string().max(LIMITS.text).optional(),
});
export type RequestConfig = z.output<typeof RequestSchema>;
