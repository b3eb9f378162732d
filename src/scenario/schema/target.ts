/** A real target instead of the bundled upstream: its URL, how to reach it over TLS, and the caps on the load it gets. */
import { z } from 'zod';
import { describeValue } from '../describe-value.js';
import { duration, LIMITS, positiveNumber } from '../limits.js';

export const TargetUrlSchema = z
  .url({ protocol: /^https?$/i, error: (issue) => `expected an http:// or https:// URL, but found ${describeValue(issue.input)}` })
  .max(LIMITS.text)
  // The scheme in lower case (`HTTPS://` is https): every later check reads it as written.
  .transform((url) => url.replace(/^[a-z]+:/i, (scheme) => scheme.toLowerCase()));

/** The settings of the target's object form that only an https:// target can use. */
const TARGET_TLS_KEYS = ['ca', 'serverName', 'cert', 'key', 'insecure'] as const;

const pemFile = (what: string) => z.string().min(1).optional().describe(`${what} (PEM file; a relative path starts from the scenario file's folder)`);

/** `target:` as a map: the URL and how to reach it over TLS. */
export const TargetObjectSchema = z
  .strictObject({
    url: TargetUrlSchema,
    ca: pemFile('CA certificate(s) to trust for this target, instead of the system\'s'),
    serverName: z.string().min(1).max(LIMITS.headerName).optional().describe("the name sent as SNI and checked against the server's certificate (default: the URL's host)"),
    cert: pemFile('client certificate, for servers that require mutual TLS (with key)'),
    key: pemFile("the client certificate's private key"),
    insecure: z.boolean().default(false).describe("skip verifying the server's certificate; every report says the run did"),
  })
  .superRefine((target, ctx) => {
    if (!target.url.startsWith('https:')) {
      for (const key of TARGET_TLS_KEYS) {
        if (target[key] !== undefined && target[key] !== false) ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies to https:// targets only, and the target is http://` });
      }
      return;
    }
    if (target.cert !== undefined && target.key === undefined) ctx.addIssue({ code: 'custom', path: ['cert'], message: 'a client certificate needs its private key: add key' });
    if (target.key !== undefined && target.cert === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'a private key needs its client certificate: add cert' });
    if (target.insecure && target.ca !== undefined) ctx.addIssue({ code: 'custom', path: ['ca'], message: 'insecure: true skips verification, so ca would never be used: remove one of them' });
  });

/** Caps on the load sent to a real target that is not on this machine (src/scenario/target-safety.ts). */
export function targetSafety(who: string, spanning: string) {
  return z
    .strictObject({
      maxRate: positiveNumber(LIMITS.rate).default(50).describe(`highest rate ${who} may send to a real \`target\` that is not on this machine`),
      maxDuration: duration(1).default(60_000).describe(`longest load time (${spanning}, warm-ups included) ${who} may spend on such a target`),
    })
    .prefault({})
    .describe(`caps for ${who} against a real service that is not on this machine (loopback targets are not capped); over them, it is refused before anything is sent`);
}
export type TargetSafety = z.output<ReturnType<typeof targetSafety>>;

/** A target's TLS settings, file paths resolved from the scenario file's folder. */
export interface TargetTls {
  ca?: string;
  serverName?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
}
