/**
 * undici Pool (a BalancedPool over several instances), behind a RetryAgent when the variant
 * retries; with `pools: N`, N independent ones taking requests in turn. Connections are counted
 * by wrapping the pools' connector, so the count belongs to these pools alone (diagnostics_channel
 * is process-wide and would also see other pools); attempts are followed on undici's process-wide
 * channels, which is safe because one variant runs at a time (undici-attempts.ts).
 *
 * `protocol: h2` sets `allowH2: true` explicitly (undici 8 changes its default): over TLS, ALPN
 * then picks HTTP/2; over cleartext, `useH2c` speaks it by prior knowledge. undici sends one
 * stream at a time per connection unless `pipelining` > 1 — the variant passes it through as is,
 * so that effect can be measured (and the advisor points it out).
 */
import { EventEmitter } from 'node:events';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { BalancedPool, Pool, RetryAgent, buildConnector, errors, type Client as UndiciConnection, type Dispatcher } from 'undici';
import type { UndiciVariant } from '../scenario/schema.js';
import type { AttemptCounts } from './attempts.js';
import type { PoolState, Response } from './types.js';
import { originsOf, type Target } from './target.js';
import { drainBody } from './drain.js';
import { observeHandOver, respondedAttempt, trackUndiciAttempts } from './undici-attempts.js';
import { undiciVersion } from '../package-info.js';
import { cancelledBeforeSending } from './cancel.js';
import { UndiciCancellation } from './undici-cancel.js';
import { tlsOptions } from './tls.js';
import { PoolObserver, type Acquired, type PoolListener } from './pool-observer.js';
import { modelledConnector } from './modelled-connect.js';
import { RequestClientBase } from './request-client.js';

/** The lanes are the variant's `pools` (each behind its RetryAgent when it retries). */
export class UndiciClient extends RequestClientBase<Dispatcher> {
  readonly library = `undici ${undiciVersion}`;
  private readonly pools: Pool[];
  private readonly dispatchers: Dispatcher[];
  private readonly cancellation: UndiciCancellation;
  private readonly request: Target['request'];
  private readonly attemptTracker: ReturnType<typeof trackUndiciAttempts>;
  readonly attempts: () => AttemptCounts;
  /** The pools' connections that are up: for `busy`, which `pool.stats` cannot tell (see poolState). */
  private readonly connectedClients = new Set<UndiciConnection>();
  /**
   * undici's Pool refuses a request it finds invalid (a header value with CR/LF, `expect`, …) only
   * after taking a connection slot for it, which it never gives back: a few refusals wedge the
   * pool, and later requests wait for ever, deaf to their abort. The request options are the same
   * for every request of a run, so a refusal is made here once and for all: headers are checked
   * up front (node:http's rules are undici's), and after any other refusal the rest get it at once.
   */
  private refused: unknown;

  constructor(private readonly variant: UndiciVariant, target: Target, pool: PoolListener) {
    const observer = new PoolObserver(pool);
    const cancellation = new UndiciCancellation();
    const pools = createPools(variant, target, observer, cancellation);
    // When retries run out on a status, undici fails the request with UND_ERR_REQ_RETRY. (throwOnError: false
    // would return the response instead, but trips an assertion in undici 7.30's parser when the retried
    // response closes the connection.)
    const dispatchers = pools.map((pool) => (variant.retry ? new RetryAgent(pool, { ...variant.retry }) : pool));
    super(variant, target.request.method, dispatchers, observer);
    this.pools = pools;
    this.dispatchers = dispatchers;
    this.cancellation = cancellation;
    this.request = target.request;
    this.refused = invalidHeader(target.request.headers);
    for (const pool of pools) followConnections(pool, this.connectedClients);
    this.attemptTracker = trackUndiciAttempts(observer);
    this.attempts = this.attemptTracker.counts;
  }

  protected async sendOn(dispatcher: Dispatcher, path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response> {
    if (this.refused !== undefined) throw this.refused;
    const { method, headers, body } = this.request;
    let response: Dispatcher.ResponseData;
    // The callback form, because the final attempt's connection can be read only in it (undici-attempts.ts).
    let connection: Acquired | undefined;
    try {
      response = await this.cancellation.send(stop, (extra) => new Promise<Dispatcher.ResponseData>((resolve, reject) => {
        dispatcher.request({ method, path, headers, body, signal: abortEmitterFor(signal), blocking: this.variant.blocking, ...extra }, (error, data) => {
          connection = respondedAttempt();
          if (error) reject(error);
          else resolve(data);
        });
      }));
    } catch (error) {
      if (error instanceof errors.InvalidArgumentError || error instanceof errors.NotSupportedError) this.refused = error;
      throw error;
    }
    return { status: response.statusCode, bytes: await drainBody(response.body), connection };
  }

  /**
   * `pool.stats` counts `free` connections, those that take one more request: with HTTP/2 or
   * pipelining, a connection with requests in flight can still be free. Busy is read from each
   * connection's own `stats.size` instead: the requests handed to it, in flight or about to be
   * written (a request is handed over a tick before it is written, as node:http assigns a socket
   * before writing). Pending is `pool.stats.pending` (`waiting`): requests not yet written.
   */
  readonly poolState = (): PoolState => {
    let busy = 0;
    for (const connection of this.connectedClients) if (connection.stats.size > 0) busy += 1;
    const connected = this.connectedClients.size;
    return { connected, idle: connected - busy, busy, pending: this.waiting() };
  };

  /** Pool-wide queue plus each connection's requests not yet written to its socket. */
  readonly waiting = (): number => this.sumStats((s) => s.pending);

  async close(): Promise<void> {
    this.observer.closing();
    this.attemptTracker.close();
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.destroy()));
  }

  private sumStats(pick: (stats: Pool['stats']) => number): number {
    return this.pools.reduce((sum, pool) => sum + pick(pool.stats), 0);
  }
}

/**
 * `pools` independent pools, one counting connector for all of them: a Pool, or a BalancedPool
 * over the instances (undici's own spreader, which steers away from an instance that fails).
 */
function createPools(variant: UndiciVariant, target: Target, observer: PoolObserver, cancellation: UndiciCancellation): Pool[] {
  const allowH2 = variant.protocol === 'h2';
  const connectorOptions: buildConnector.BuildOptions & { useH2c?: boolean } = {
    ...tlsOptions(target),
    timeout: variant.connectTimeout ?? 10_000,
    allowH2,
    // undici ≥ 7.17 reads useH2c in its connector; its types do not list it yet.
    useH2c: allowH2 && target.origin.startsWith('http:'),
  };
  const baseConnector = modelledConnector(buildConnector(connectorOptions), target.network);
  const countingConnector: buildConnector.connector = (options, callback) => {
    if (!cancellation.mayConnect()) return (callback as (e: Error, s: null) => void)(cancelledBeforeSending(), null);
    const startedAt = performance.now();
    baseConnector(options, (error, socket) => {
      if (error || !socket) observer.failed();
      else observer.connected(socket, startedAt);
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
  const origins = originsOf(target);
  // BalancedPool has the same `stats` as Pool at run time (both are undici PoolBase); its types omit it.
  return Array.from({ length: variant.pools ?? 1 }, () =>
    origins.length > 1
      ? observeHandOver(new BalancedPool(origins, { ...poolOptions, factory: (origin) => new Pool(origin, poolOptions) }) as unknown as Pool, observer)
      : observeHandOver(new Pool(target.origin, poolOptions), observer));
}

/**
 * Keeps `connected` holding the pool's connections that are up, from undici's public 'connect' and
 * 'disconnect' events: once per connection, never per request. A pool re-emits its connections'
 * events with itself in front (a BalancedPool, its pools too), so the connection is the last target.
 */
function followConnections(pool: Pool, connected: Set<UndiciConnection>): void {
  const connectionOf = (targets: readonly Dispatcher[]) => targets[targets.length - 1] as UndiciConnection;
  pool.on('connect', (_origin, targets) => connected.add(connectionOf(targets)));
  pool.on('disconnect', (_origin, targets) => connected.delete(connectionOf(targets)));
}

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
