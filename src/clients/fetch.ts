/**
 * Node's global fetch, as an application would call it: its own bundled undici and its global
 * dispatcher, none of poolbench's settings. Connections are counted through the undici
 * diagnostics channel that the bundled undici publishes; the channel is process-wide, which
 * is safe because poolbench runs one variant at a time. Under the bundled upstream's network model
 * the global dispatcher is, while the client lives, one that models the connection setup
 * (modelled-connect.ts), with the defaults. Connect time is not recorded: the
 * channel's before/after messages share no identity to pair them by.
 *
 * Attempts are followed through the same channels (undici-attempts.ts), with two limits:
 * - an attempt is handed when a Client of the global dispatcher takes it (its `request:create`),
 *   not when fetch() is called: fetch's own steps before dispatching are not acquire wait. The
 *   default global Agent's pools have no connection limit, so they never queue a request: the
 *   Client takes it at once, and create → sendHeaders is the whole wait (connect included);
 * - nothing links one fetch() call to its Request, so a Response carries no `connection`: the
 *   latency of fresh and reused requests is not split for fetch (acquire wait, reuse, idle time
 *   and the dead-socket rate are, per attempt).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { FetchVariant } from '../scenario/schema.js';
import type { PoolState, Response } from './types.js';
import { originsOf, type Target } from './target.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { AttemptCounts } from './attempts.js';
import { trackUndiciAttempts } from './undici-attempts.js';
import { PoolObserver, type PoolListener } from './pool-observer.js';
import { RequestClientBase } from './request-client.js';
import { modelledGlobalDispatcher } from './modelled-connect.js';

/** Where undici keeps the global dispatcher, shared by every copy of undici in the process (Node's bundled one included). */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

const CONNECTED = 'undici:client:connected';
const CONNECT_ERROR = 'undici:client:connectError';

/**
 * Whether Node was started trusting `ca`: the global fetch has no per-call CA, and Node reads
 * NODE_EXTRA_CA_CERTS once at start-up. Being set is not enough (systems point it at their own
 * bundle); the file must hold this certificate.
 */
function trustedAtStartup(ca: string): boolean {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return false;
  const compact = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
  try {
    return compact(readFileSync(file, 'utf8')).includes(compact(ca));
  } catch {
    return false;
  }
}

/** Refuses an https origin whose CA (the bundled upstream's or the target's `ca`) the global fetch would not trust. */
function checkFetchTrusts(target: Target): void {
  if (target.origin.startsWith('https:') && target.ca && !trustedAtStartup(target.ca)) {
    throw new PoolbenchError("fetch cannot trust the CA this run needs: Node's global fetch takes no CA per request and reads extra CAs only at start-up", {
      code: 'POOLBENCH_FETCH_TLS',
      exitCode: ExitCode.InvalidInput,
      hint: "run with NODE_EXTRA_CA_CERTS=<the CA file> (the target's ca, or fixtures/tls/ca.crt for the bundled upstream), or use the undici or node-http client for https",
    });
  }
}

type PoolStats = { connected: number; free: number; pending: number };

/**
 * The global dispatcher's pools' stats, by origin. undici 7's Agent lists them as `stats` (public);
 * the undici 6 that Node 20 and 22 bundle has no such list, and its Agent's per-origin pools (each
 * with the same public `stats`) are reached through its `clients` map, an internal.
 */
function globalPoolStats(): Array<[string, PoolStats]> {
  const agent = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as ({ stats?: Record<string, PoolStats> } & Record<symbol, unknown>) | undefined;
  if (agent === undefined) return [];
  if (agent.stats !== undefined) return Object.entries(agent.stats);
  const clientsKey = Object.getOwnPropertySymbols(agent).find((key) => key.description === 'clients');
  const pools = clientsKey && agent[clientsKey];
  if (!(pools instanceof Map)) return [];
  // undici 6 maps an origin to its pool; a 7 without Agent `stats` to `{ dispatcher }`.
  return [...pools].flatMap(([origin, entry]: [string, { stats?: PoolStats; dispatcher?: { stats?: PoolStats } }]) => {
    const stats = entry?.dispatcher?.stats ?? entry?.stats;
    return stats && URL.canParse(origin) ? [[new URL(origin).origin, stats] as [string, PoolStats]] : [];
  });
}

/** The lanes are the instances' origins. */
export class FetchClient extends RequestClientBase<string> {
  readonly library = `fetch (undici ${process.versions.undici ?? 'unknown'} bundled with Node ${process.version})`;
  private readonly request: Target['request'];
  private readonly attemptTracker: ReturnType<typeof trackUndiciAttempts>;
  readonly attempts: () => AttemptCounts;
  /** The global dispatcher outlives the variant: its sockets are closed with the client. */
  private readonly sockets = new Set<Socket>();
  private readonly onConnected = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    this.observer.connected(socket);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  };
  private readonly onConnectError = () => this.observer.failed();
  /** The instances' origins, as undici names its per-origin pools. */
  private readonly origins: ReadonlySet<string>;
  /** Puts back the global dispatcher that the network model's replaced (modelled-connect.ts). */
  private readonly restoreDispatcher: () => Promise<void>;

  constructor(variant: FetchVariant, target: Target, pool: PoolListener) {
    checkFetchTrusts(target);
    super(variant, target.request.method, originsOf(target), new PoolObserver(pool));
    this.request = target.request;
    this.origins = new Set(originsOf(target).map((origin) => new URL(origin).origin));
    this.restoreDispatcher = modelledGlobalDispatcher(target.network);
    this.attemptTracker = trackUndiciAttempts(this.observer);
    this.attempts = this.attemptTracker.counts;
    diagnosticsChannel.subscribe(CONNECTED, this.onConnected);
    diagnosticsChannel.subscribe(CONNECT_ERROR, this.onConnectError);
  }

  protected async sendOn(origin: string, path: string, signal: AbortSignal): Promise<Response> {
    const { method, headers, body } = this.request;
    const response = await fetch(origin + path, { method, headers, body, signal });
    const buffer = await response.arrayBuffer();
    return { status: response.status, bytes: buffer.byteLength, retryAfter: response.headers.get('retry-after') ?? undefined };
  }

  /**
   * The global dispatcher's pools for the instances (undici's Agent keeps one Pool per origin), from
   * their `stats`. Busy is `connected − free`: exact here, since the global dispatcher speaks
   * HTTP/1.1 without pipelining, so a connection is free exactly when no request is on it. All zero
   * before the first fetch, which creates the dispatcher.
   */
  readonly poolState = (): PoolState => {
    const state: PoolState = { connected: 0, idle: 0, busy: 0, pending: 0 };
    for (const [origin, stats] of globalPoolStats()) {
      if (!this.origins.has(origin)) continue;
      state.connected += stats.connected;
      state.idle += stats.free;
      state.busy += stats.connected - stats.free;
      state.pending += stats.pending;
    }
    return state;
  };

  async close(): Promise<void> {
    this.observer.closing();
    this.attemptTracker.close();
    diagnosticsChannel.unsubscribe(CONNECTED, this.onConnected);
    diagnosticsChannel.unsubscribe(CONNECT_ERROR, this.onConnectError);
    // Its idle sockets must not leak into the next variant.
    for (const socket of this.sockets) socket.destroy();
    await this.restoreDispatcher();
  }
}
