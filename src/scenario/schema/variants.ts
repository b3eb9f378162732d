/** Client variants: one schema per client kind; `client` picks the kind. */
import { z } from 'zod';
import { duration, LIMITS, nonNegativeInt, positiveInt, positiveNumber } from '../limits.js';
import { thresholds } from './gate.js';

const matrix = z
  .record(z.string(), z.array(z.unknown()).min(1, 'a matrix entry needs at least one value'))
  .refine((axes) => Object.keys(axes).length > 0, 'the matrix is empty: give at least one key and its values, e.g. {connections: [1, 10]}, or remove it')
  .optional()
  .describe('expands this variant into one per combination of values, e.g. {connections: [1, 10, 50]}');

/** Retries, with undici's option names: undici uses its RetryAgent, node-http and fetch poolbench's wrapper. */
export const RetrySchema = z.strictObject({
  maxRetries: nonNegativeInt(LIMITS.retries).default(2).describe('retries after the first attempt'),
  minTimeout: duration(0, LIMITS.timeout).default(100).describe('wait before the first retry'),
  maxTimeout: duration(0, LIMITS.timeout).default(2000).describe('cap on the wait between retries'),
  timeoutFactor: z.number().min(1).max(LIMITS.timeoutFactor).default(2).describe('each wait is the previous one times this'),
  retryAfter: z.boolean().default(true).describe('wait as long as a `Retry-After` header says (capped by maxTimeout)'),
  statusCodes: z.array(z.number().int().min(400).max(599)).default([500, 502, 503, 504, 429]).describe('statuses that are retried'),
  errorCodes: z.array(z.string()).default(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET']).describe('error codes that are retried'),
});
export type RetryConfig = z.output<typeof RetrySchema>;

const named = {
  name: z.string().min(1, 'a variant needs a name'),
  keepAlive: z.boolean().default(true).describe('reuse connections between requests'),
  matrix,
  thresholds: thresholds('this variant'),
  expectFailures: z.boolean().optional().describe('true: a run in which this variant has no successful request exits 0 instead of 103 — for fault experiments where total failure is the point'),
};

/** Every client poolbench sends requests through; not autocannon, which drives its own sockets. */
const common = {
  ...named,
  requestTimeout: duration(1, LIMITS.timeout).optional().describe('deadline for a whole request, retries included (aborts it)'),
  retry: RetrySchema.optional().describe('retry idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE) that failed with one of errorCodes or statusCodes'),
};

/** undici and node-http: several independent pools, as many small instances of a service each have their own. */
const pools = positiveInt(LIMITS.pools).optional().describe('independent pools with these settings (each its own undici Pool / node Agent, as each instance of a serverless function has its own); requests go to them round robin and connections are counted over all. Default 1');

export const UndiciVariantSchema = z.strictObject({
  ...common,
  pools,
  client: z.literal('undici'),
  connections: positiveInt(LIMITS.connections).optional().describe('pool size; absent means unlimited, as undici'),
  pipelining: positiveInt(LIMITS.pipelining).default(1).describe('requests sent on one connection before responses arrive (HTTP/1.1 pipelining)'),
  keepAliveTimeout: duration(1, LIMITS.timeout).optional().describe('idle time before the client closes a connection (undici default 4s)'),
  keepAliveMaxTimeout: duration(1, LIMITS.timeout).optional().describe('cap on the server-hinted keep-alive timeout (undici default 600s)'),
  connectTimeout: duration(1, LIMITS.timeout).optional().describe('TCP+TLS connect timeout (undici default 10s)'),
  headersTimeout: duration(1, LIMITS.timeout).optional().describe('time to the response headers (undici default 300s)'),
  bodyTimeout: duration(1, LIMITS.timeout).optional().describe('idle time between body chunks (undici default 300s)'),
  blocking: z.boolean().optional().describe("undici's request option: true (its default for GET) sends nothing behind a request on its connection until that request's response headers arrive, so pipelining > 1 pipelines nothing; false pipelines for real"),
  protocol: z.enum(['h1', 'h2']).default('h1').describe('h2: allowH2 over TLS (ALPN), useH2c over cleartext; streams multiplex only with pipelining > 1'),
  maxConcurrentStreams: positiveInt(LIMITS.streams).optional().describe('HTTP/2 streams per connection (undici default 100; the server\'s SETTINGS may lower it)'),
});

export const NodeHttpVariantSchema = z.strictObject({
  ...common,
  client: z.literal('node-http'),
  pools,
  maxSockets: positiveInt(LIMITS.connections).optional().describe('sockets per origin; absent means unlimited, as node:http'),
  maxFreeSockets: positiveInt(LIMITS.connections).optional().describe('idle sockets kept per origin (node default 256)'),
  timeout: duration(1, LIMITS.timeout).optional().describe('socket idle timeout'),
  scheduling: z.enum(['lifo', 'fifo']).optional().describe('which free socket is reused first (node default lifo)'),
});

export const NodeHttp2VariantSchema = z.strictObject({
  ...common,
  client: z.literal('node-http2'),
  keepAlive: z.literal(true, { error: 'node-http2 sessions always stay open; remove keepAlive: false' }).default(true),
  sessions: positiveInt(LIMITS.connections).default(1).describe('HTTP/2 sessions (connections) open at once, per upstream instance'),
  maxStreamsPerSession: positiveInt(LIMITS.streams).default(100).describe('streams in flight per session; the server\'s SETTINGS may lower it'),
});

export const FetchVariantSchema = z.strictObject({
  ...common,
  client: z.literal('fetch'),
});

export const AutocannonVariantSchema = z.strictObject({
  ...named,
  client: z.literal('autocannon'),
  connections: positiveInt(LIMITS.connections).default(10).describe('connections autocannon keeps open (keep-alive is always on)'),
  pipelining: positiveInt(LIMITS.pipelining).default(1).describe('requests in flight per connection'),
  rate: positiveNumber(LIMITS.rate).optional().describe('requests per second over all connections; absent: as fast as possible'),
});

export const VariantSchema = z.discriminatedUnion('client', [UndiciVariantSchema, NodeHttpVariantSchema, NodeHttp2VariantSchema, FetchVariantSchema, AutocannonVariantSchema]);
export type VariantInput = z.output<typeof VariantSchema>;
export type UndiciVariant = Omit<z.output<typeof UndiciVariantSchema>, 'matrix'>;
export type NodeHttpVariant = Omit<z.output<typeof NodeHttpVariantSchema>, 'matrix'>;
export type NodeHttp2Variant = Omit<z.output<typeof NodeHttp2VariantSchema>, 'matrix'>;
export type FetchVariant = Omit<z.output<typeof FetchVariantSchema>, 'matrix'>;
export type AutocannonVariant = Omit<z.output<typeof AutocannonVariantSchema>, 'matrix'>;
/** A variant after matrix expansion: no `matrix`, a unique name. */
export type Variant = UndiciVariant | NodeHttpVariant | NodeHttp2Variant | FetchVariant | AutocannonVariant;
export type ClientKind = Variant['client'];

/** Per client kind, the schema of its variant: the loader checks matrix keys against it. */
export const variantSchemas = {
  undici: UndiciVariantSchema,
  'node-http': NodeHttpVariantSchema,
  'node-http2': NodeHttp2VariantSchema,
  fetch: FetchVariantSchema,
  autocannon: AutocannonVariantSchema,
} as const;
