/**
 * undici Pool (a BalancedPool over several instances), behind a RetryAgent when the variant
 * retries; with `pools: N`, N independent ones taking requests in turn. Connections are counted
 * by wrapping the pools' connector, so the count belongs to these pools alone (diagnostics_channel is process-wide and would also see other pools).
 *
 * `protocol: h2` sets `allowH2: true` explicitly (undici 8 changes its default): over TLS, ALPN
 * then picks HTTP/2; over cleartext, `useH2c` speaks it by prior knowledge. undici sends one
 * stream at a time per connection unless `pipelining` > 1 — the variant passes it through as is,
 * so that effect can be measured (and the advisor points it out).
 */
import { EventEmitter } from 'node:events';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { BalancedPool, Pool, RetryAgent, buildConnector, errors, type Dispatcher } from 'undici';
import type { UndiciVariant } from '../scenario/schema.js';
import type { ClientAdapter, ClientFactory, ClientConnectionCounts } from './types.js';
import { drainBody } from './drain.js';
import { trackUndiciAttempts } from './attempts.js';
import { undiciVersion } from '../package-info.js';
import { cancelledBeforeSending } from './cancel.js';
import { UndiciCancellation } from './undici-cancel.js';
import { tlsOptions } from './tls.js';

export const createUndiciClient: ClientFactory<UndiciVariant> = (variant, target, onConnect) => {
  const counts: ClientConnectionCounts = { opened: 0, closed: 0, failed: 0 };
  const allowH2 = variant.protocol === 'h2';
  const connectorOptions: buildConnector.BuildOptions & { useH2c?: boolean } = {
    ...tlsOptions(target),
    timeout: variant.connectTimeout ?? 10_000,
    allowH2,
    // undici ≥ 7.17 reads useH2c in its connector; its types do not list it yet.
    useH2c: allowH2 && target.origin.startsWith('http:'),
  };
  const baseConnector = buildConnector(connectorOptions);
  const cancellation = new UndiciCancellation();
  const countingConnector: buildConnector.connector = (options, callback) => {
    if (!cancellation.mayConnect()) return (callback as (e: Error, s: null) => void)(cancelledBeforeSending(), null);
    const startedAt = performance.now();
    baseConnector(options, (error, socket) => {
      if (error || !socket) {
        counts.failed += 1;
      } else {
        counts.opened += 1;
        onConnect(performance.now() - startedAt);
        socket.once('close', () => {
          counts.closed += 1;
        });
      }
      (callback as (e: Error | null, s: typeof socket) => void)(error, socket);
    });
  };

  const poolOptions: Pool.Options = {
    connect: countingConnector,
    factory: cancellation.factory,
    connections: variant.connections ?? null,
    // undici's way to turn keep-alive off: it sends `connection: close` and drops the socket.
    pipelining: variant.keepAlive ? variant.pipelining : 0,
    keepAliveTimeout: variant.keepAliveTimeout,
    keepAliveMaxTimeout: variant.keepAliveMaxTimeout,
    headersTimeout: variant.headersTimeout,
    bodyTimeout: variant.bodyTimeout,
    allowH2,
    maxConcurrentStreams: variant.maxConcurrentStreams,
  };
  const origins = target.origins ?? [target.origin];
  // `pools` independent pools, one connector (and so one count) for all of them.
  const pools = Array.from({ length: variant.pools ?? 1 }, () =>
    origins.length > 1
      ? new BalancedPool(origins, { ...poolOptions, factory: (origin) => new Pool(origin, poolOptions) })
      : new Pool(target.origin, poolOptions));
  // BalancedPool has the same `stats` as Pool at run time (both are undici PoolBase); its types omit it.
  const sumStats = (pick: (stats: Pool['stats']) => number) => pools.reduce((sum, pool) => sum + pick((pool as Pool).stats), 0);
  // When retries run out on a status, undici fails the request with UND_ERR_REQ_RETRY. (throwOnError: false
  // would return the response instead, but trips an assertion in undici 7.30's parser when the retried
  // response closes the connection.)
  const dispatchers: Dispatcher[] = pools.map((pool) => (variant.retry ? new RetryAgent(pool, { ...variant.retry }) : pool));
  let nextDispatcher = 0;
  const attempts = trackUndiciAttempts();

  const { method, headers, body } = target.request;
  // undici's Pool refuses a request it finds invalid (a header value with CR/LF, `expect`, …) only
  // after taking a connection slot for it, which it never gives back: a few refusals wedge the
  // pool, and later requests wait for ever, deaf to their abort. The request options are the same
  // for every request of a run, so a refusal is made here once and for all: headers are checked
  // up front (node:http's rules are undici's), and after any other refusal the rest get it at once.
  let refused: unknown = invalidHeader(headers);
  const adapter: ClientAdapter = {
    library: `undici ${undiciVersion}`,
    async send(path, signal, stop) {
      if (refused !== undefined) throw refused;
      const dispatcher = dispatchers[nextDispatcher];
      nextDispatcher = (nextDispatcher + 1) % dispatchers.length;
      let response: Dispatcher.ResponseData;
      try {
        response = await cancellation.send(stop, (extra) => dispatcher.request({ method, path, headers, body, signal: abortEmitterFor(signal), blocking: variant.blocking, ...extra }));
      } catch (error) {
        if (error instanceof errors.InvalidArgumentError || error instanceof errors.NotSupportedError) refused = error;
        throw error;
      }
      return { status: response.statusCode, bytes: await drainBody(response.body) };
    },
    connections: () => ({ ...counts }),
    attempts: attempts.counts,
    poolState() {
      return {
        connected: sumStats((s) => s.connected),
        free: sumStats((s) => s.free),
        pending: sumStats((s) => s.pending),
        queued: sumStats((s) => s.queued),
        running: sumStats((s) => s.running),
      };
    },
    // Pool-wide queue plus each connection's requests not yet written to its socket.
    waiting: () => sumStats((s) => s.pending),
    async close() {
      attempts.close();
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()));
    },
  };
  return adapter;
};

/** The error undici would refuse `headers` with, if any. */
function invalidHeader(headers: Record<string, string>): Error | undefined {
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      return new errors.InvalidArgumentError(`invalid ${name} header`);
    }
  }
  return undefined;
}

/**
 * undici accepts an EventEmitter with `aborted` as a request's signal. One AbortSignal is shared
 * by every request of a window, and an EventTarget listener per request cost ~10 % of throughput
 * in the generator-overhead benchmark; an emitter's listeners are far cheaper. One emitter per
 * signal, following it.
 */
const abortEmitters = new WeakMap<AbortSignal, EventEmitter & { aborted: boolean }>();
function abortEmitterFor(signal: AbortSignal): EventEmitter & { aborted: boolean } {
  let emitter = abortEmitters.get(signal);
  if (emitter === undefined) {
    const created = Object.assign(new EventEmitter(), { aborted: signal.aborted });
    created.setMaxListeners(0);
    signal.addEventListener('abort', () => {
      created.aborted = true;
      created.emit('abort');
    }, { once: true });
    abortEmitters.set(signal, created);
    emitter = created;
  }
  return emitter;
}
