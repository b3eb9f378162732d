/** The bundled fake upstream and its network model. */
import { z } from 'zod';
import { duration, formatLimitSize, LIMITS, nonNegativeInt, positiveInt, positiveNumber, size } from '../limits.js';
import { LatencySchema } from './latency.js';
import { headers, requestPath } from './request.js';
import { FaultSchema } from './faults.js';

export const RouteSchema = z.strictObject({
  path: requestPath().describe('matched exactly against the request path, query string left out'),
  weight: positiveNumber(LIMITS.weight).describe('share of the requests the load sends to this path, relative to the other routes'),
  latency: LatencySchema.describe('server think time for this path, on top of the network model'),
  status: z.number().int().min(100).max(599).optional().describe('default: upstream.response.status'),
  bodySize: size().optional().describe('default: upstream.response.bodySize'),
});
export type RouteConfig = z.output<typeof RouteSchema>;

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
      .prefault({}),
    response: z
      .strictObject({
        status: z.number().int().min(100).max(599).default(200),
        bodySize: size().default(0),
        headers: headers().default({}),
      })
      .prefault({}),
    latency: LatencySchema.default(0).describe('server think time per request, on top of the network model'),
    keepAlive: z
      .strictObject({
        timeout: duration(0, LIMITS.timeout).default(5000).describe('the server closes a keep-alive connection idle this long (FIN)'),
        hint: z.boolean().default(true).describe('send `Keep-Alive: timeout=N` so clients can close first'),
        maxRequests: nonNegativeInt(LIMITS.requests).default(0).describe('requests per connection before the server closes it; 0 = no limit'),
      })
      .prefault({}),
    maxConnections: nonNegativeInt(LIMITS.connections).default(0).describe('connections accepted at once; beyond that, new ones are closed; 0 = no limit'),
    h2: z
      .strictObject({
        maxConcurrentStreams: positiveInt(LIMITS.streams).default(100).describe('SETTINGS_MAX_CONCURRENT_STREAMS the server announces: streams one session may have open at once'),
      })
      .prefault({})
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

/** The upstream a scenario gets when it names neither `upstream` nor `target`. */
export function defaultUpstream(): UpstreamConfig {
  return UpstreamSchema.parse({});
}
