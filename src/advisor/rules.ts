/**
 * The advisor's rules: each looks at one variant of a finished run and returns a finding only
 * when the run's own figures show the problem — a configuration alone is never enough when the
 * figures that would confirm it were measured.
 */
import type { RunResult, VariantResult } from '../result.js';
import { formatDuration, formatRate, formatShare } from '../report/format.js';
import type { Finding } from './types.js';

export type Rule = (v: VariantResult, run: RunResult) => Finding | undefined;

/** A wait at least this share of the mean latency is worth a finding. */
const POOL_WAIT_SHARE = 0.25;

/** The requests in flight a rule reasons about, and how the findings speak of them. */
interface Demand {
  inFlight: number;
  /** e.g. `50 requests in flight`, `37.2 requests in flight on average at 500 req/s`. */
  words: string;
  /** What the user turns down to ask for less: the closed model's concurrency or the open model's rate. */
  knob: 'concurrency' | 'rate';
}

/**
 * The closed model fixes requests in flight (its concurrency). The open model fixes arrivals
 * (its rate): requests in flight are what the run measured, time-weighted — and, without that
 * measurement (an engine that drives its own load), there is nothing to reason from.
 */
function demandOf(v: VariantResult, run: RunResult): Demand | undefined {
  const { load } = run.scenario;
  if (load.model !== 'open') return { inFlight: load.concurrency, words: `${load.concurrency} requests in flight`, knob: 'concurrency' };
  if (v.inFlight === undefined) return undefined;
  const rate = load.stages ? 'under the staged arrival rate' : `at ${formatRate(load.rate ?? 0)}`;
  return { inFlight: v.inFlight.mean, words: `${v.inFlight.mean.toFixed(1)} requests in flight on average ${rate}`, knob: 'rate' };
}

/** undici sends one HTTP/2 stream at a time per connection unless pipelining > 1. */
export const h2PipeliningSerialises: Rule = (v, run) => {
  const { variant } = v;
  if (variant.client !== 'undici' || variant.protocol !== 'h2' || variant.pipelining !== 1 || variant.connections === undefined) return;
  const demand = demandOf(v, run);
  const wait = v.poolWait;
  if (demand === undefined || demand.inFlight <= variant.connections || wait === undefined || !waitsLong(v)) return;
  // Over the bundled upstream, HTTP/2 must really have been negotiated; a real target cannot be asked.
  const sessions = v.connections.upstream?.http2?.sessions;
  if (v.connections.upstream && !sessions) return;
  const cap = run.scenario.upstream?.h2.maxConcurrentStreams;
  const room = cap === undefined ? '' : ` although the upstream allows ${cap} streams per connection`;
  return {
    rule: 'h2-pipelining-serialises',
    variant: v.name,
    setting: 'pipelining: 1',
    evidence: `${demand.words} over ${variant.connections} HTTP/2 connection(s): ${wait.meanWaiting.toFixed(1)} waited in undici on average${room}, an estimated ${formatDuration(wait.estimatedMeanWaitMs)} of the ${formatDuration(v.latency.mean)} mean latency; ${formatRate(v.throughputRps)}`,
    change: `set pipelining to at least ${Math.ceil(demand.inFlight / variant.connections)} (e.g. 100, undici's maxConcurrentStreams): undici multiplexes HTTP/2 streams only when pipelining > 1`,
  };
};

/**
 * True when the wait for a connection (or stream) is a large share of the latency: the acquire
 * wait timed per request where the client reports it, else the sampled estimate.
 */
function waitsLong(v: VariantResult): boolean {
  if (v.latency.count === 0) return false;
  const acquire = v.pool?.attempts?.acquireWait;
  if (acquire?.count) return acquire.p99 >= POOL_WAIT_SHARE * v.latency.p99;
  return v.poolWait !== undefined && v.poolWait.estimatedMeanWaitMs >= POOL_WAIT_SHARE * v.latency.mean;
}

/** How long requests waited for a connection, in the words of the best figure the client gave. */
function waitEvidence(v: VariantResult, sampledWords: string): string {
  const acquire = v.pool?.attempts?.acquireWait;
  if (acquire?.count) {
    const bottleneck = acquire.p99 >= 0.5 * v.latency.p99 ? ': the pool is the bottleneck, not the upstream' : '';
    return `p99 acquire wait ${formatDuration(acquire.p99)} of a ${formatDuration(v.latency.p99)} p99 latency (p50 ${formatDuration(acquire.p50)}, timed per request)${bottleneck}`;
  }
  return sampledWords;
}

/** Pipelined HTTP/1.1 responses leave in order: a slow one holds back every fast one behind it. */
export const h1PipeliningHeadOfLine: Rule = (v) => {
  const { variant } = v;
  if (variant.client !== 'undici' || variant.protocol !== 'h1' || variant.pipelining <= 1 || !variant.keepAlive) return;
  const routes = Object.entries(v.routes ?? {}).filter(([, figures]) => figures.count > 0);
  if (routes.length < 2) return;
  // Each route's fastest response is its own cost, free of waiting: blocking inflates the rest.
  const byOwnCost = routes.sort((a, b) => a[1].latency.min - b[1].latency.min);
  const [fastPath, fast] = byOwnCost[0];
  const [slowPath, slow] = byOwnCost[byOwnCost.length - 1];
  // The fast route's tail reaches the slow route's cost: fast responses queued behind slow ones.
  if (slow.latency.min < 2 * fast.latency.min || fast.latency.p99 < 0.5 * slow.latency.min) return;
  return {
    rule: 'h1-pipelining-head-of-line',
    variant: v.name,
    setting: `pipelining: ${variant.pipelining}`,
    evidence: `${fastPath} p99 ${formatDuration(fast.latency.p99)} (p50 ${formatDuration(fast.latency.p50)}) reaches ${Math.round((fast.latency.p99 / slow.latency.min) * 100)} % of ${slowPath}'s fastest response, ${formatDuration(slow.latency.min)}: ${howBlocked(v)}, so fast ones wait behind slow ones (head-of-line blocking)`,
    change: 'use pipelining: 1 with connections ≥ the requests in flight, or HTTP/2 (protocol: h2, pipelining > 1), whose streams do not wait for each other',
  };
};

/** The upstream's peak tells real pipelining from undici's `blocking` (its default for GET). */
function howBlocked(v: VariantResult): string {
  if (v.connections.upstream?.peakInFlightPerConnection === 1) {
    return 'the upstream never saw more than 1 request in flight per connection — undici sends nothing behind a request until its headers arrive (blocking: true, its default for GET) — and requests queue in order on the connection';
  }
  return 'pipelined responses leave in order';
}

/** Requests queue for a connection when the pool is smaller than the requests in flight. */
export const poolWait: Rule = (v, run) => {
  const { variant } = v;
  const demand = demandOf(v, run);
  if (demand === undefined) return;
  let pool: { key: string; size: number; requestsPerConnection: number };
  if (variant.client === 'undici' && variant.protocol === 'h1' && variant.connections !== undefined && variant.keepAlive) {
    pool = { key: 'connections', size: variant.connections, requestsPerConnection: variant.pipelining };
  } else if (variant.client === 'node-http' && variant.maxSockets !== undefined) {
    pool = { key: 'maxSockets', size: variant.maxSockets, requestsPerConnection: 1 };
  } else {
    return;
  }
  // `pools` independent pools of that size: requests spread over them in turn.
  const pools = variant.pools ?? 1;
  const capacity = pool.size * pool.requestsPerConnection * pools;
  const wait = v.poolWait;
  if (capacity >= demand.inFlight || !waitsLong(v)) return;
  const sampled = wait ? `${wait.meanWaiting.toFixed(1)} waited for a connection on average (sampled ${wait.samples}×), an estimated ${formatDuration(wait.estimatedMeanWaitMs)} of the ${formatDuration(v.latency.mean)} mean latency (Little's law: waiting / throughput)` : '';
  return {
    rule: 'pool-wait',
    variant: v.name,
    setting: `${pool.key}: ${pool.size}${pools > 1 ? `, pools: ${pools}` : ''}`,
    evidence: `${demand.words} for room for ${capacity}: ${waitEvidence(v, sampled)}`,
    change: `raise ${pool.key} to ${Math.ceil(demand.inFlight / (pool.requestsPerConnection * pools))} so every request in flight has a connection, or lower the ${demand.knob}`,
  };
};

/** One HTTP/2 connection carries at most the server's SETTINGS_MAX_CONCURRENT_STREAMS. */
export const h2StreamCap: Rule = (v, run) => {
  const { variant } = v;
  const upstream = run.scenario.upstream;
  const cap = upstream?.h2.maxConcurrentStreams;
  const peak = v.connections.upstream?.peakInFlightPerConnection;
  if (cap === undefined || peak === undefined || !v.connections.upstream?.http2?.sessions) return;
  let setting: string;
  if (variant.client === 'undici' && variant.protocol === 'h2' && variant.connections === 1 && variant.pipelining > cap) setting = 'connections: 1';
  else if (variant.client === 'node-http2' && variant.sessions === 1 && variant.maxStreamsPerSession > cap) setting = 'sessions: 1';
  else return;
  const demand = demandOf(v, run);
  if (demand === undefined || demand.inFlight <= cap || peak < cap) return;
  const waited = v.poolWait ? `; ${v.poolWait.meanWaiting.toFixed(1)} requests waited for a stream on average` : '';
  const refused = Object.entries(v.errors).find(([name]) => name.includes('HTTP2') || name.includes('REFUSED'));
  return {
    rule: 'h2-stream-cap',
    variant: v.name,
    setting,
    evidence: `the upstream allows ${cap} streams per connection (SETTINGS maxConcurrentStreams) and the one connection reached ${peak} in flight with ${demand.words}${waited}${refused ? `; ${refused[1]} failed with ${refused[0]}` : ''}`,
    change: `open ${Math.ceil(demand.inFlight / cap)} connections (${setting.replace(': 1', `: ${Math.ceil(demand.inFlight / cap)}`)}), so the streams in flight fit under the server's limit`,
  };
};

/** Below this many failures on reused connections the race is noise, not a setting to change. */
const DEAD_SOCKET_MIN_FAILURES = 3;

/**
 * The keep-alive race: the server closes a connection while it sits idle in the pool, and the next
 * request sent on it fails. The run shows it when attempts on reused connections fail and the
 * client saw the server close idle connections.
 */
export const deadSockets: Rule = (v, run) => {
  const pool = v.pool;
  const attempts = pool?.attempts;
  if (!pool || attempts?.deadSocketRate === undefined || attempts.failuresOnReused < DEAD_SOCKET_MIN_FAILURES) return;
  const closes = Object.values(pool.closes).reduce((sum, n) => sum + n, 0);
  const byServerIdle = pool.closes['server-idle'];
  if (byServerIdle === 0) return;
  const serverTimeout = run.scenario.upstream?.keepAlive.timeout;
  const afterIdle = serverTimeout !== undefined ? ` after ${formatDuration(serverTimeout)} idle` : ' while idle';
  const idle = idleSettingOf(v.variant);
  const below = serverTimeout !== undefined ? ` below ${formatDuration(serverTimeout)}` : " below the server's idle timeout";
  return {
    rule: 'dead-sockets',
    variant: v.name,
    setting: idle ? `${idle.key}: ${idle.value === undefined ? 'default' : formatDuration(idle.value)}` : 'keepAlive: true',
    evidence: `${formatShare(attempts.deadSocketRate)} of requests on reused connections failed (dead-socket rate: ${attempts.failuresOnReused} of ${attempts.requestsOnReused}); ${byServerIdle} of ${closes} closes came from the server${afterIdle}`,
    change: `${idle ? `set ${idle.key}${below}` : `close idle connections${below}`}, or retry idempotent requests that fail on a reused connection`,
  };
};

/** The client's own idle timeout, where the variant can set one. */
function idleSettingOf(variant: VariantResult['variant']): { key: string; value?: number } | undefined {
  if (variant.client === 'undici') return { key: 'keepAliveTimeout', value: variant.keepAliveTimeout };
  if (variant.client === 'node-http') return { key: 'timeout', value: variant.timeout };
  return undefined;
}

export const rules: readonly Rule[] = [h2PipeliningSerialises, h1PipeliningHeadOfLine, poolWait, h2StreamCap, deadSockets];
