/**
 * Faults: what the bundled upstream (or the fault proxy) does to connections, and when.
 * Catalog and symptoms: README "Faults"; behaviour: src/faults/ (the plan), src/upstream/http-faults.ts and src/proxy/fault-proxy.ts (the actions).
 */
import { z } from 'zod';
import { duration, LIMITS, positiveInt } from '../limits.js';
import { whyProxyCannotApply } from '../proxy-faults.js';

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

const trigger = TriggerSchema.prefault({});
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
export const ProxyFaultSchema = FaultSchema.superRefine((fault, ctx) => {
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
