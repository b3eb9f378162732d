/**
 * The client kinds as the runner sees them. Two shapes, after k6's outputs: a minimal interface
 * each kind must have, and capabilities a kind offers only when it can (poolState, waiting,
 * http2, attempts — absent means "cannot tell", and reports leave the figure out).
 *
 * - A RequestClient (undici, node-http, node-http2, fetch) sends one request when asked; a load
 *   model (closed, open) decides when.
 * - A LoadEngine (autocannon; the worker threads of `load.workers` > 1) drives the whole
 *   measured window itself and only reports what happened.
 *
 * Runner-facing API:
 *
 *   const client = load.workers > 1
 *     ? createWorkerEngine(load, variant, target, () => recorder)            // load/workers.ts
 *     : createClient(variant, target, poolListenerOf(() => recorder));      // clients/index.ts, metrics/recorder.ts
 *   const outcome = await driveLoad(client, load, {                         // load/index.ts
 *     ...window,                                                             // WindowOptions (load/types.ts)
 *     send: (c, signal, stop) => c.send(path, signal, stop),                 // used for request clients only
 *   });
 *   client.library; client.connections(); client.poolState?.(); client.waiting?.(); client.http2?.(); client.attempts?.();
 *   client.kind === 'engine'   // the engine sent the requests: no in-flight gauge, no per-route timing
 *   await client.close();
 *
 * Every kind spreads its requests (autocannon: its connections) over `target.origins`, the
 * instances of `upstream.instances` (see request-client.ts and round-robin.ts).
 */
import type { AttemptCounts } from './attempts.js';
import type { PoolState } from '../metrics/time-series.js';
import type { LoadOutcome, Response, WindowOptions } from '../load/types.js';
import type { Variant, AutocannonVariant } from '../scenario/schema.js';

export type { Response } from '../load/types.js';
export type { PoolState } from '../metrics/time-series.js';

/** The variants of the kinds that send one request at a time: every kind but autocannon. */
export type RequestVariant = Exclude<Variant, AutocannonVariant>;

/** Connections as the client saw them. Compared with the upstream's accept count in reports. */
export interface ClientConnectionCounts {
  opened: number;
  closed: number;
  /** Connection attempts that failed (refused, timed out, TLS error). */
  failed: number;
}

export interface ClientHttp2Counts {
  /** Sessions opened; each is one connection, so this matches `connections().opened`. */
  sessionsOpened: number;
  /** GOAWAY frames received (each retires its session; the next stream opens a new one). */
  goawaysReceived: number;
  /** Most streams in flight on one session at once. */
  peakStreamsPerSession: number;
}

/**
 * What every client kind has, and the capabilities some offer. The read-outs may be handed
 * around unbound (the runner gives `waiting` to its sampler): implementations bind them.
 */
interface ClientCommon {
  /** Library and version, e.g. `undici 7.30.2`, for the report. */
  readonly library: string;
  connections(): ClientConnectionCounts;
  /**
   * The pool's state now (connected, idle, busy, pending: see PoolState), read from what the
   * library keeps anyway, on demand: nothing per request. Absent for autocannon, whose sockets and
   * queue are its own (its open connections are still counted, in `connections()`).
   */
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

export interface RequestClient extends ClientCommon {
  readonly kind: 'requests';
  /**
   * Sends the scenario's request to `path` (method, headers and body come from the target)
   * and reads the whole body. Rejects on a transport error. `signal` aborts the request wherever
   * it is; once `stop` aborts, a request still waiting in the client for a connection is
   * cancelled there (clients/cancel.ts) and opens none.
   */
  send(path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response>;
}

export interface LoadEngine extends ClientCommon {
  readonly kind: 'engine';
  /** Drives the measured window itself, reporting every response and failure through `options`. */
  drive(options: WindowOptions): Promise<LoadOutcome>;
}

export type Client = RequestClient | LoadEngine;
