/**
 * The contract between the runner and the bundled upstream. The upstream runs in its own
 * process (a measurement taken on a loop that also serves the upstream is not a measurement);
 * the runner sees it only through this interface.
 */
import type { FaultType, UpstreamConfig } from '../scenario/schema.js';

/** What one fault type did since the last reset. */
export interface FaultCount {
  /** Times it struck: connections or requests it acted on, windows it opened. */
  struck: number;
  /** Connections it closed or reset. */
  connectionsClosed: number;
}

/**
 * Why a connection closed, from the server's side (the proxy's: from the client's side of it).
 * The first to close wins: a connection the server was closing when the client left is the server's.
 * - `idle-timeout`: the server closed it after keepAlive.timeout idle (FIN, or GOAWAY on HTTP/2);
 * - `max-requests`: the server closed it after keepAlive.maxRequests, or refused it beyond maxConnections;
 * - `fault`: a fault closed or reset it (`faults` says which);
 * - `target`: the proxy's target closed its side or failed (the proxy sees bytes, not why: its idle timeout, a limit, a crash);
 * - `shutdown`: the server closed it because it was stopping;
 * - `asked-to-close`: the client asked for it (`Connection: close`: no keep-alive), and the server closed it after
 *   its response: the client's decision, though the FIN is the server's;
 * - `client-idle`: the client closed or reset it with no request in progress;
 * - `client-in-flight`: the client closed or reset it with a request in progress, or one a fault stalled.
 */
export const UPSTREAM_CLOSE_CAUSES = ['idle-timeout', 'max-requests', 'fault', 'target', 'shutdown', 'asked-to-close', 'client-idle', 'client-in-flight'] as const;
export type UpstreamCloseCause = (typeof UPSTREAM_CLOSE_CAUSES)[number];

export interface UpstreamCounters {
  /** TCP connections accepted (including ones then refused for maxConnections). */
  connectionsAccepted: number;
  /** Completed TLS handshakes (https only). */
  tlsHandshakes: number;
  /** TLS handshakes that resumed a session. */
  tlsResumed: number;
  /** Requests whose response was started. */
  requests: number;
  /** Connections the server closed on its own: keep-alive timeout, maxRequests, maxConnections. */
  connectionsClosedByServer: number;
  /** All connections closed, by either side. */
  connectionsClosed: number;
  /** connectionsClosed by cause; the causes add up to connectionsClosed (HTTP/2 sessions are connections too). */
  closes: Record<UpstreamCloseCause, number>;
  /** Connections open right now. */
  openConnections: number;
  /** Highest number of connections open at once. */
  peakOpenConnections: number;
  /** Requests per connection, over every connection accepted since the last reset (open ones included). */
  requestsPerConnection: { min: number; mean: number; max: number };
  /** Per fault type configured: what it did. Absent without faults. */
  faults?: Partial<Record<FaultType, FaultCount>>;
  /**
   * Most requests in flight on one connection at once: HTTP/2 streams multiplexed on a session,
   * or HTTP/1.1 requests pipelined on a connection (1 without pipelining).
   */
  peakInFlightPerConnection?: number;
  /** HTTP/2 upstreams (h2, h2c) only. */
  http2?: Http2Counters;
  /** `upstream.workers` > 1: requests each worker process answered, in worker order. */
  requestsByWorker?: number[];
}

export interface Http2Counters {
  /** HTTP/2 sessions opened (the h2 upstream's http/1.1 fallback connections are not sessions). */
  sessions: number;
  /** Streams (requests) that arrived on those sessions. */
  streams: number;
  /** GOAWAY frames the server sent: idle timeout, keepAlive.maxRequests, drain, conn_limit 503. */
  goawaySent: number;
  /** Streams that ended with RST_STREAM, sent by either side (refused, cancelled). */
  streamsReset: number;
}

export interface UpstreamHandle {
  /** e.g. `http://127.0.0.1:39211` — no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Absolute path of the CA certificate clients must trust for https (undefined for http). */
  readonly caFile: string | undefined;
  /** The upstream process's pid, so tests can check nothing is left behind. */
  readonly pid: number;
  counters(): Promise<UpstreamCounters>;
  /** Zero every counter, e.g. between variants; open connections stay counted as open. */
  resetCounters(): Promise<void>;
  /** Closes every connection and ends the process; resolves when it has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves when the process exits for any reason; `expected` is false if it crashed or was killed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }>;
}

export type { UpstreamConfig };
