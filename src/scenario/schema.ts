/**
 * The scenario file's schema: the one definition of what a scenario may say. The loader
 * (load.ts) turns YAML into the input of `ScenarioSchema`, locates every problem in the file,
 * and expands matrices; the JSON Schema for editors is generated from this file
 * (`npm run schema`), so completion and validation can never disagree.
 *
 * Durations and sizes are accepted as numbers (milliseconds, bytes) or human strings
 * (`250ms`, `64kb`) and come out of the schema as numbers of milliseconds and bytes. Every
 * number has an upper bound (limits.ts: the bounded types and their limits, in one place).
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { z } from 'zod';
import { describeValue } from './describe-value.js';
import { duration, formatLimitDuration, formatLimitSize, LIMITS, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, share, size } from './limits.js';
import { parseSlo, type Slo } from '../plan/slo.js';
import { parseThreshold } from '../gate/threshold.js';
import { whyProxyCannotApply } from './proxy-faults.js';
import { GATE_METRIC_KEYS, type GateMetricKey } from '../gate/metrics.js';

/** Threshold expressions, kept as written (reports quote them); each is checked where it stands. */
function thresholds(appliesTo: string) {
  const expression = z.string().superRefine((text, ctx) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  });
  return z.array(expression).optional().describe(`checks on ${appliesTo}'s figures, e.g. ['p99 < 50ms', 'errors < 0.1%', 'p50 vs baseline < -30%']; a failed one exits with code 99`);
}

/**
 * Header names and values, as sent: bounded in number and length, and valid HTTP (node:http's
 * rules, which undici shares). A value with CR or LF would inject a header into every request of
 * a client that does not check (autocannon writes headers as given); the file is refused instead.
 */
function headers() {
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
function requestPath() {
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

// ---------------------------------------------------------------------------------------------
// Upstream: the bundled fake server and its network model

/** A simulated latency: think time or an idle gap. */
const latency = (min = 0) => duration(min, LIMITS.timeout);

export const LatencySchema = z.union([
  latency(),
  z.strictObject({ distribution: z.literal('fixed'), value: latency() }),
  z
    .strictObject({ distribution: z.literal('uniform'), min: latency(), max: latency() })
    .refine((u) => u.max >= u.min, { path: ['max'], error: 'max must not be below min' }),
  z.strictObject({ distribution: z.literal('normal'), mean: latency(), stdev: latency() }),
  z
    .strictObject({ distribution: z.literal('lognormal'), p50: latency(0.001), p99: latency(0.001) })
    .refine((l) => l.p99 >= l.p50, { path: ['p99'], error: 'p99 must not be below p50' }),
], { error: (issue) => `expected a duration, or a map with distribution fixed, uniform, normal or lognormal, but found ${describeValue(issue.input)}` });
/** A latency in ms, or a distribution of them; a bare duration means `fixed`. */
export type LatencyModel = z.output<typeof LatencySchema>;

export const RouteSchema = z.strictObject({
  path: requestPath().describe('matched exactly against the request path, query string left out'),
  weight: positiveNumber(LIMITS.weight).describe('share of the requests the load sends to this path, relative to the other routes'),
  latency: LatencySchema.describe('server think time for this path, on top of the network model'),
  status: z.number().int().min(100).max(599).optional().describe('default: upstream.response.status'),
  bodySize: size().optional().describe('default: upstream.response.bodySize'),
});
export type RouteConfig = z.output<typeof RouteSchema>;
// ---------------------------------------------------------------------------------------------
// Faults: what the bundled upstream (or the fault proxy) does to connections, and when.
// Catalog and symptoms: README "Faults"; behaviour: src/upstream/faults/.

/** The moments a fault can strike a connection. */
export const FAULT_MOMENTS = ['accept', 'request', 'idle'] as const;
export type FaultMoment = (typeof FAULT_MOMENTS)[number];

export const TriggerSchema = z.strictObject({
  on: z.enum(FAULT_MOMENTS).optional().describe('accept: when a connection is accepted; request: when a request arrives; idle: when a connection has been idle for `idle`. Default: idle when `idle` is given, else the fault\'s first moment'),
  nth: positiveInt(LIMITS.requests).optional().describe('only the Nth request of each connection (on: request)'),
  idle: duration(1, LIMITS.timeout).optional().describe('how long a connection must have been idle (on: idle)'),
  probability: z.number().min(0).max(1).default(1).describe('chance that the fault strikes when the rest of the trigger matches'),
  at: duration().optional().describe('start of the window the fault is active in, from the start of each variant\'s measured window'),
  for: duration(1).optional().describe('length of that window; default: to the end of the variant'),
});
export type Trigger = z.output<typeof TriggerSchema>;

const trigger = TriggerSchema.default({ probability: 1 });
const hint = z.boolean().optional().describe('true: send `Keep-Alive: timeout=` matching the fault; false: no Keep-Alive header; absent: the upstream\'s own keepAlive hint');

/** One schema per fault type; `type` picks it. */
export const FaultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('idle_close'), trigger, hint }).describe('closes a connection with FIN once it has been idle for trigger.idle'),
  z.strictObject({ type: z.literal('close_after_response'), trigger, delay: duration(0, LIMITS.timeout).default(0).describe('time between the response and the FIN'), hint }).describe('answers keep-alive, then closes the connection `delay` later: the keep-alive race'),
  z.strictObject({ type: z.literal('reset'), trigger }).describe('resets the connection (RST): on accept, in flight (on: request) or idle'),
  z.strictObject({ type: z.literal('empty_response'), trigger }).describe('closes the connection (FIN) without answering the request'),
  z.strictObject({ type: z.literal('malformed'), trigger }).describe('answers bytes that are not HTTP, then closes'),
  z.strictObject({ type: z.literal('truncate'), trigger }).describe('sends the headers and half of the body, then closes'),
  z.strictObject({ type: z.literal('hang'), trigger }).describe('reads the request and never answers nor closes'),
  z.strictObject({ type: z.literal('stall'), trigger }).describe('stops reading and writing without closing: the userland stand-in for a silent packet drop'),
  z.strictObject({ type: z.literal('refuse'), trigger }).describe('the listener is down during trigger.at/for: connections are refused and open ones closed'),
  z.strictObject({
    type: z.literal('conn_limit'),
    trigger,
    max: positiveInt(LIMITS.connections).describe('connections open at once'),
    action: z.enum(['close', 'reset', '503']).default('close').describe('what happens to connections beyond max'),
  }).describe('accepts at most `max` connections at once'),
  z.strictObject({
    type: z.literal('drain'),
    trigger,
    status: z.number().int().min(200).max(599).default(503).describe('the status requests get while draining'),
  }).describe('during trigger.at/for: idle connections are closed, requests get `status` with `Connection: close`'),
  z.strictObject({
    type: z.literal('tls_cost'),
    trigger,
    handshakeDelay: duration(0, LIMITS.timeout).default(0).describe('extra server time per full handshake, e.g. for a large key'),
  }).describe('https: no session resumption (tickets are rotated), every handshake is a full one'),
  z.strictObject({
    type: z.literal('http_error'),
    trigger,
    status: z.number().int().min(400).max(599).default(503),
    retryAfter: duration(0, LIMITS.timeout).optional().describe('send `Retry-After` with this many seconds'),
  }).describe('answers an error status instead of the response'),
  z.strictObject({ type: z.literal('h2_refuse_stream'), trigger }).describe('HTTP/2 (protocol h2, h2c): resets the stream with RST_STREAM REFUSED_STREAM, which tells the client it was not processed'),
]).superRefine((fault, ctx) => {
  for (const problem of faultTriggerProblems(fault)) ctx.addIssue({ code: 'custom', path: ['trigger', ...problem.path], message: problem.message });
});
export type Fault = z.output<typeof FaultSchema>;
export type FaultType = Fault['type'];

/** A fault the fault proxy applies in front of a `target`: the connection-level ones only. */
const ProxyFaultSchema = FaultSchema.superRefine((fault, ctx) => {
  const problem = whyProxyCannotApply(fault);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
});

/** Which moments each fault can strike at; the first is its default. Window faults have none. */
export const FAULT_MOMENTS_BY_TYPE: Record<FaultType, readonly FaultMoment[]> = {
  idle_close: ['idle'],
  close_after_response: ['request'],
  reset: ['request', 'accept', 'idle'],
  empty_response: ['request'],
  malformed: ['request'],
  truncate: ['request'],
  hang: ['request'],
  stall: ['request', 'accept', 'idle'],
  refuse: [],
  conn_limit: ['accept'],
  drain: [],
  tls_cost: ['accept'],
  http_error: ['request'],
  h2_refuse_stream: ['request'],
};

/** The moment a fault strikes at: the one written, or the fault's default. */
export function faultMoment(fault: Fault): FaultMoment | undefined {
  return fault.trigger.on ?? (fault.trigger.idle !== undefined ? 'idle' : FAULT_MOMENTS_BY_TYPE[fault.type][0]);
}

function faultTriggerProblems(fault: Fault): { path: string[]; message: string }[] {
  const moments = FAULT_MOMENTS_BY_TYPE[fault.type];
  const { trigger: t } = fault;
  const problems: { path: string[]; message: string }[] = [];
  if (moments.length === 0) {
    if (t.at === undefined) problems.push({ path: [], message: `${fault.type} acts on a window of the run: it needs trigger.at (and usually trigger.for)` });
    for (const key of ['on', 'nth', 'idle'] as const) {
      if (t[key] !== undefined) problems.push({ path: [key], message: `${fault.type} acts on a window of the run, not on ${key}` });
    }
    return problems;
  }
  const moment = faultMoment(fault)!;
  if (!moments.includes(moment)) problems.push({ path: ['on'], message: `${fault.type} cannot strike on ${moment}; it can on ${moments.join(' or ')}` });
  if (moment === 'idle' && t.idle === undefined) problems.push({ path: [], message: 'on: idle needs trigger.idle, the idle time' });
  if (moment !== 'idle' && t.idle !== undefined) problems.push({ path: ['idle'], message: `idle applies to on: idle, but this fault strikes on ${moment}` });
  if (moment !== 'request' && t.nth !== undefined) problems.push({ path: ['nth'], message: `nth applies to on: request, but this fault strikes on ${moment}` });
  return problems;
}

/** A rolling deploy over `instances`: one instance at a time drains, is down, and comes back. */
export const DeploySchema = z.strictObject({
  drain: duration().default(1000).describe('how long an instance drains (idle connections closed, requests answered 503 + Connection: close)'),
  down: duration().default(1000).describe('how long it is then down (connections refused)'),
  every: duration(1).describe('time between the start of one instance\'s deploy and the next one\'s'),
  start: duration().optional().describe('when the first instance starts, from the start of the measured window; default: `every`'),
});
export type DeployConfig = z.output<typeof DeploySchema>;

export const UpstreamSchema = z
  .strictObject({
    protocol: z.enum(['http', 'https', 'h2', 'h2c']).default('http').describe('http; https with the test certificate in fixtures/tls; h2: HTTP/2 over TLS (ALPN h2, falling back to http/1.1); h2c: cleartext HTTP/2'),
    rtt: duration(0, LIMITS.rtt).default(0).describe('simulated network round-trip time; a fresh connection costs one extra RTT, a TLS handshake its real round trips'),
    jitter: duration(0, LIMITS.rtt).default(0).describe('uniform random extra delay, 0..jitter, added to each simulated round trip'),
    tls: z
      .strictObject({
        version: z.enum(['1.2', '1.3']).default('1.3').describe('TLS 1.3 handshakes cost 1 RTT, TLS 1.2 handshakes 2'),
        sessionResumption: z.boolean().default(true),
      })
      .default({ version: '1.3', sessionResumption: true }),
    response: z
      .strictObject({
        status: z.number().int().min(100).max(599).default(200),
        bodySize: size().default(0),
        headers: headers().default({}),
      })
      .default({ status: 200, bodySize: 0, headers: {} }),
    latency: LatencySchema.default(0).describe('server think time per request, on top of the network model'),
    keepAlive: z
      .strictObject({
        timeout: duration(0, LIMITS.timeout).default(5000).describe('the server closes a keep-alive connection idle this long (FIN)'),
        hint: z.boolean().default(true).describe('send `Keep-Alive: timeout=N` so clients can close first'),
        maxRequests: nonNegativeInt(LIMITS.requests).default(0).describe('requests per connection before the server closes it; 0 = no limit'),
      })
      .default({ timeout: 5000, hint: true, maxRequests: 0 }),
    maxConnections: nonNegativeInt(LIMITS.connections).default(0).describe('connections accepted at once; beyond that, new ones are closed; 0 = no limit'),
    h2: z
      .strictObject({
        maxConcurrentStreams: positiveInt(LIMITS.streams).default(100).describe('SETTINGS_MAX_CONCURRENT_STREAMS the server announces: streams one session may have open at once'),
      })
      .default({ maxConcurrentStreams: 100 })
      .describe('HTTP/2 settings, for protocol h2 and h2c'),
    routes: z
      .array(RouteSchema)
      .min(1, 'give at least one route, or leave routes out')
      .max(LIMITS.routes)
      .optional()
      .describe('per-path response models; the load picks a path per request by weight. Other paths get `response` and `latency`'),
    faults: z.array(FaultSchema).max(LIMITS.faults).default([]).describe('faults injected into connections; see the README for each one\'s symptom'),
    instances: positiveInt(LIMITS.processes).default(1).describe('upstream processes, each on its own port; clients spread their requests over them'),
    deploy: DeploySchema.optional().describe('a rolling deploy over the instances, one at a time'),
    workers: positiveInt(LIMITS.processes).default(1).describe('server processes per instance, sharing its port (node:cluster, round-robin over connections); counters are summed'),
  })
  .superRefine((upstream, ctx) => {
    // Each instance × worker is a process of its own.
    const processes = upstream.instances * upstream.workers;
    const eachWithin = upstream.instances <= LIMITS.processes && upstream.workers <= LIMITS.processes; // else that key says it
    if (eachWithin && processes > LIMITS.processes) ctx.addIssue({ code: 'custom', path: ['workers'], message: `instances × workers must be at most ${LIMITS.processes} processes, but is ${processes}` });
    // The upstream keeps every body in memory.
    const bodies = upstream.response.bodySize + (upstream.routes ?? []).reduce((sum, route) => sum + (route.bodySize ?? 0), 0);
    if (bodies > LIMITS.totalBodySize) ctx.addIssue({ code: 'custom', path: upstream.routes ? ['routes'] : ['response', 'bodySize'], message: `the response bodies must add up to at most ${formatLimitSize(LIMITS.totalBodySize)}, but add up to ${formatLimitSize(bodies)}` });
    const http2 = upstream.protocol === 'h2' || upstream.protocol === 'h2c';
    upstream.faults.forEach((fault, index) => {
      const problem =
        fault.type === 'h2_refuse_stream' && !http2 ? `h2_refuse_stream resets HTTP/2 streams, but the upstream's protocol is ${upstream.protocol}: use protocol h2 or h2c`
        : fault.type === 'malformed' && http2 ? 'malformed sends bytes that are not HTTP/1.1, which an HTTP/2 session cannot carry: use empty_response or truncate (the stream is reset) or reset'
        : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['faults', index, 'type'], message: problem });
    });
  });
export type UpstreamConfig = z.output<typeof UpstreamSchema>;

// ---------------------------------------------------------------------------------------------
// Load

export const LoadSchema = z.strictObject({
  concurrency: positiveInt(LIMITS.connections).default(10).describe('requests in flight at once (closed model: each worker sends its next request when the last one ends)'),
  duration: duration(1).optional().describe('how long to measure each variant; the default is 10s unless `requests` is given'),
  requests: positiveInt(LIMITS.requests).optional().describe('stop each variant after this many requests'),
  warmup: duration().default(0).describe('load sent before measuring starts, excluded from the figures'),
  model: z.enum(['closed', 'open']).default('closed').describe('closed: `concurrency` workers send back to back; open: requests start at a constant arrival `rate`, whatever the responses do'),
  rate: positiveNumber(LIMITS.rate).optional().describe('open model: requests started per second (the first stage starts from it; default 0 with stages)'),
  maxInFlight: positiveInt(LIMITS.inFlight).default(1000).describe('open model: requests in flight at most; later ones wait, and the wait counts in their latency'),
  stages: z
    .array(z.strictObject({ duration: duration(1), target: nonNegativeNumber(LIMITS.rate).describe('rate (open) or concurrency (closed) reached at the end of the stage') }))
    .min(1, 'stages needs at least one stage')
    .max(LIMITS.stages)
    .optional()
    .describe('ramps: each stage moves the rate (open) or concurrency (closed) linearly to its target; the measured duration is their sum'),
  workers: positiveInt(LIMITS.processes).default(1).describe('generator worker threads; the concurrency (closed) or rate (open) and the request budget are split over them, results merged losslessly'),
  idleGap: LatencySchema.optional().describe('closed model: a pause between the end of a request and the next one of the same worker'),
  saturation: z
    .strictObject({
      minRateRatio: z.number().min(0).max(1).default(0.95).describe('flag a variant whose achieved rate is below this share of the target rate'),
      maxLoopDelay: duration(0, LIMITS.timeout).default(50).describe("flag a variant whose generator event-loop delay p99 is above this"),
    })
    .default({ minRateRatio: 0.95, maxLoopDelay: 50 }),
})
  .refine((l) => l.model !== 'open' || l.rate !== undefined || l.stages !== undefined, { path: ['rate'], error: 'the open model needs a rate (or stages)' })
  .refine((l) => l.model !== 'open' || l.idleGap === undefined, { path: ['idleGap'], error: 'idleGap applies to the closed model only; the open model schedules by rate' })
  .refine((l) => l.stages === undefined || l.duration === undefined, { path: ['duration'], error: 'give either duration or stages: with stages the duration is their sum' })
  .superRefine((l, ctx) => {
    const total = l.stages?.reduce((sum, stage) => sum + stage.duration, 0) ?? 0;
    if (total > LIMITS.duration) ctx.addIssue({ code: 'custom', path: ['stages'], message: `the stages must add up to at most ${formatLimitDuration(LIMITS.duration)}, but add up to ${formatLimitDuration(total)}` });
    // A closed-model target is a number of workers, each holding a request in flight.
    l.stages?.forEach((stage, index) => {
      if (l.model === 'closed' && stage.target > LIMITS.connections) ctx.addIssue({ code: 'custom', path: ['stages', index, 'target'], message: `a closed-model target is a concurrency: must be at most ${LIMITS.connections}, but is ${stage.target}` });
    });
  });
export type LoadConfig = z.output<typeof LoadSchema>;

export const RequestSchema = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path: requestPath().default('/'),
  headers: headers().default({}),
  body: z.string().max(LIMITS.text).optional(),
});
export type RequestConfig = z.output<typeof RequestSchema>;

// ---------------------------------------------------------------------------------------------
// Client variants: one schema per client kind; `client` picks the kind.

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
  sessions: positiveInt(LIMITS.connections).default(1).describe('HTTP/2 sessions (connections) open at once'),
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

// ---------------------------------------------------------------------------------------------
// Real targets

const TargetUrlSchema = z
  .url({ protocol: /^https?$/i, error: (issue) => `expected an http:// or https:// URL, but found ${describeValue(issue.input)}` })
  .max(LIMITS.text)
  // The scheme in lower case (`HTTPS://` is https): every later check reads it as written.
  .transform((url) => url.replace(/^[a-z]+:/i, (scheme) => scheme.toLowerCase()));

/** The settings of the target's object form that only an https:// target can use. */
const TARGET_TLS_KEYS = ['ca', 'serverName', 'cert', 'key', 'insecure'] as const;

const pemFile = (what: string) => z.string().min(1).optional().describe(`${what} (PEM file; a relative path starts from the scenario file's folder)`);

/** `target:` as a map: the URL and how to reach it over TLS. */
const TargetObjectSchema = z
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
function targetSafety(who: string, spanning: string) {
  return z
    .strictObject({
      maxRate: positiveNumber(LIMITS.rate).default(50).describe(`highest rate ${who} may send to a real \`target\` that is not on this machine`),
      maxDuration: duration(1).default(60_000).describe(`longest load time (${spanning}, warm-ups included) ${who} may spend on such a target`),
    })
    .default({ maxRate: 50, maxDuration: 60_000 })
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

// ---------------------------------------------------------------------------------------------
// Capacity planning (`poolbench plan`, src/plan/)

const SloSchema = z.string().transform((text, ctx): Slo => {
  const parsed = parseSlo(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.slo;
});

export const PlanSchema = z.strictObject({
  slo: z.union([SloSchema.transform((slo) => [slo]), z.array(SloSchema).min(1)]).describe('latency objective(s) every accepted step must meet, e.g. "p99 < 200ms"'),
  errorBudget: share().default(0.01).describe('share of requests that may fail (transport error or 4xx/5xx) in an accepted step'),
  targetRate: positiveNumber(LIMITS.rate).describe('requests per second one instance of the calling service must carry'),
  headroom: share(10).default(0.25).describe('the pool is sized for targetRate × (1 + headroom)'),
  instances: positiveInt(LIMITS.fleet).default(1).describe('instances of the calling service, each with its own pool: the fleet opens instances × pool size connections'),
  connectionLimit: nonNegativeInt(LIMITS.connectionLimit).optional().describe("the upstream's limit on connections open at once (default: upstream.maxConnections; 0 = none)"),
  connections: z.array(positiveInt(LIMITS.connections)).min(1).max(LIMITS.planSteps).transform((sizes) => [...new Set(sizes)].sort((a, b) => a - b)).optional().describe('pool sizes tried at the target rate, smallest first (default 1, 2, 4 … 256)'),
  refine: nonNegativeInt(LIMITS.planSteps).default(3).describe('extra steps bisecting between the largest failing and the smallest passing pool size'),
  rates: z.array(positiveNumber(LIMITS.rate)).min(1).max(LIMITS.planSteps).transform((rates) => [...new Set(rates)].sort((a, b) => a - b)).optional().describe('offered rates swept at the recommended pool size (default: 25 % to 400 % of targetRate)'),
  step: duration(100, LIMITS.timeout).default(3000).describe('measured time of each step; the confirmation run takes twice as long'),
  warmup: duration(0, LIMITS.timeout).default(1000).describe('load before each step, excluded from its figures'),
  targetSafety: targetSafety('a plan', 'all steps'),
});
export type PlanConfig = z.output<typeof PlanSchema>;

// ---------------------------------------------------------------------------------------------
// The CI gate's settings (src/gate/settings.ts): --repeat and --min-effect override them.

/** A minimum effect: a share (like every share in the file, it comes out as a fraction), at most 1000 %. */
const minEffect = () => share(10);

export const GateSchema = z.strictObject({
  trials: z.number().int().min(1).max(1000).optional().describe('trials per variant, as --repeat (the flag wins); default 1'),
  minEffect: minEffect().optional().describe('the smallest change the baseline comparison counts, e.g. 10%, as --min-effect (the flag wins); default 5%'),
  metrics: z.array(z.enum(GATE_METRIC_KEYS)).min(1).optional().describe('the metrics the baseline comparison judges (p50, p90, p99, mean, rps); default all'),
  minEffectByMetric: z
    .strictObject({ p50: minEffect().optional(), p90: minEffect().optional(), p99: minEffect().optional(), mean: minEffect().optional(), rps: minEffect().optional() } satisfies Record<GateMetricKey, unknown>)
    .optional()
    .describe('per metric, its own minimum effect (tolerance), e.g. {p99: 30%}; with fewer than 4 trials a side, p90 and p99 are judged only when given one here'),
});
export type GateConfig = z.output<typeof GateSchema>;

// ---------------------------------------------------------------------------------------------
// The file

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1, 'the scenario needs a name'),
  description: z.string().optional(),
  upstream: UpstreamSchema.optional().describe('the bundled fake upstream (the default when neither upstream nor target is given)'),
  target: z.union([TargetUrlSchema, TargetObjectSchema]).optional().describe('a real server instead of the bundled upstream: its URL, or a map with url and TLS settings (ca, serverName, cert, key, insecure)'),
  targetSafety: targetSafety('a run', 'every variant and trial'),
  faults: z.array(ProxyFaultSchema).max(LIMITS.faults).optional().describe('with target: connection-level faults applied by the fault proxy, which poolbench runs in front of the target (http:// only)'),
  request: RequestSchema.default({ method: 'GET', path: '/', headers: {} }),
  load: LoadSchema.default({ concurrency: 10, warmup: 0, model: 'closed', maxInFlight: 1000, workers: 1, saturation: { minRateRatio: 0.95, maxLoopDelay: 50 } }),
  variants: z.array(VariantSchema).min(1, 'a scenario needs at least one variant'),
  baseline: z.string().optional().describe('the variant the others are compared against; default: the first'),
  plan: PlanSchema.optional().describe('capacity planning with `poolbench plan`: sweeps, SLO, target rate, fleet size'),
  thresholds: thresholds('every variant'),
  gate: GateSchema.optional().describe('the CI gate\'s settings, so CI commands stay short: trials, minimum effect, which metrics the baseline comparison judges'),
});
export type ScenarioInput = z.output<typeof ScenarioSchema>;

/**
 * A scenario as the runner takes it: validated, matrices expanded, defaults filled, and
 * exactly one of `upstream` and `target` set.
 */
export interface Scenario {
  name: string;
  description?: string;
  /** Where the scenario came from, for reports; undefined for scenarios built in code. */
  file?: string;
  upstream?: UpstreamConfig;
  /** The target's URL, as written (the string form, or the object form's `url`). */
  target?: string;
  /** With an https `target` in the object form: how to reach it over TLS. */
  targetTls?: TargetTls;
  /** With `target`: caps on the load `run` sends to it when it is not on this machine. */
  targetSafety?: TargetSafety;
  /** With `target`: the faults the fault proxy in front of it applies. */
  faults?: Fault[];
  request: RequestConfig;
  load: LoadConfig & { duration?: number };
  variants: Variant[];
  /** The name of the baseline variant (always one of `variants`). */
  baseline: string;
  /** For `poolbench plan`; `run` ignores it. */
  plan?: PlanConfig;
  /** Threshold expressions every variant must meet (variants may add their own). */
  thresholds?: string[];
  /** The CI gate's settings; shares (minEffect) are fractions. */
  gate?: GateConfig;
}

/** The upstream a scenario gets when it names neither `upstream` nor `target`. */
export function defaultUpstream(): UpstreamConfig {
  return UpstreamSchema.parse({});
}
