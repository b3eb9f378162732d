/**
 * One interface for every client kind poolbench drives. An adapter owns one configured client
 * (a pool, an agent) for the life of one variant and sends the scenario's request through it.
 */
import type { RequestConfig, Variant } from '../scenario/schema.js';
import type { LoadOptions, LoadOutcome } from '../load/window.js';
import type { AttemptCounts } from './attempts.js';
import type { TlsMaterial } from '../scenario/target-tls.js';

/**
 * Where requests go. The TLS settings (TlsMaterial: `ca` — the bundled upstream's test CA or the
 * target's —, `serverName`, `cert` and `key` for mutual TLS, `insecure`) apply to https origins;
 * every client honours them or is refused before the run (scenario/load.ts, fetch.ts).
 */
export interface Target extends TlsMaterial {
  /** Origin only, e.g. `http://127.0.0.1:39211`. */
  origin: string;
  /** Several instances of the same service (`upstream.instances`): requests are spread over them. Includes `origin`. */
  origins?: string[];
  request: RequestConfig;
}

export interface Response {
  status: number;
  bytes: number;
  /** The `Retry-After` header of an error response, for retry loops. */
  retryAfter?: string;
}

/** Called for every connection the client opens, with the time it took (TCP + TLS), in ms. */
export type ConnectListener = (connectMs: number) => void;

/** Connections as the client saw them. Compared with the upstream's accept count in reports. */
export interface ClientConnectionCounts {
  opened: number;
  closed: number;
  /** Connection attempts that failed (refused, timed out, TLS error). */
  failed: number;
}

/** A pool's own view of itself, for the live view: undici's `pool.stats`. */
export interface PoolState {
  connected: number;
  free: number;
  pending: number;
  queued: number;
  running: number;
}

export interface ClientHttp2Counts {
  /** Sessions opened; each is one connection, so this matches `connections().opened`. */
  sessionsOpened: number;
  /** GOAWAY frames received (each retires its session; the next stream opens a new one). */
  goawaysReceived: number;
  /** Most streams in flight on one session at once. */
  peakStreamsPerSession: number;
}

export interface ClientAdapter {
  /** Library and version, e.g. `undici 7.30.2`, for the report. */
  readonly library: string;
  /**
   * Sends the scenario's request to `path` (method, headers and body come from the target)
   * and reads the whole body. Rejects on a transport error. `signal` aborts the request wherever
   * it is; once `stop` aborts, a request still waiting in the client for a connection is
   * cancelled there (clients/cancel.ts) and opens none.
   */
  send(path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response>;
  /**
   * Engines that generate their own load (autocannon) drive the measured window themselves
   * instead of being called once per request by a load model.
   */
  drive?(options: LoadOptions): Promise<LoadOutcome>;
  connections(): ClientConnectionCounts;
  /** Absent for clients that do not expose their pool (node:http, fetch). */
  poolState?(): PoolState;
  /** Requests waiting for a connection (or a stream) right now; absent when the client cannot tell. */
  waiting?(): number;
  /** HTTP/2 clients: sessions and streams as the client saw them. */
  http2?(): ClientHttp2Counts;
  /**
   * Attempts on the wire, retries included, and transport failures on reused vs fresh connections.
   * Absent for clients that cannot tell (autocannon drives its own sockets; HTTP/2 has no reuse race).
   */
  attempts?(): AttemptCounts;
  /** Closes the client and every connection it holds. */
  close(): Promise<void>;
}

export type ClientFactory<V extends Variant = Variant> = (variant: V, target: Target, onConnect: ConnectListener) => ClientAdapter;
