/**
 * The fake upstream itself, in-process: an HTTP/1.1 (or https) server whose responses, network
 * delays and connection lifetimes follow an `UpstreamConfig`. `process.ts` runs it in a child
 * process for benchmarks; tests drive it directly.
 *
 * The network model is applied here, on the server, because loopback has no round-trip time of
 * its own: a response is held back for the round trips a real network would have cost. The first
 * request on a connection also waits out the connection setup (TCP, then TLS) counted from the
 * moment the connection was accepted:
 *
 *     release = max(arrival, accepted + setupRoundTrips × rtt) + rtt + latency
 *
 * so with rtt 50 ms a client without keep-alive sees ~100 ms per request and one with keep-alive
 * ~50 ms. With no delay configured at all the server answers synchronously, as fast as a bare
 * node:http server.
 */
import { readFileSync } from 'node:fs';
import { constants as cryptoConstants } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type { UpstreamConfig } from '../scenario/schema.js';
import { createFaultInjector } from './faults/injector.js';
import { createLatencySampler, isZeroLatency } from './latency.js';
import { tlsFixtureFiles } from './tls-fixtures.js';
import type { UpstreamCounters } from './types.js';

export interface UpstreamServer {
  /** Starts listening; resolves with the port actually bound (useful with port 0). */
  listen(port?: number, host?: string): Promise<number>;
  counters(): UpstreamCounters;
  /** Zeroes every counter; open connections stay counted as open. */
  resetCounters(): void;
  /** Stops listening and destroys every connection, idle or not. */
  close(): Promise<void>;
}

export interface UpstreamServerOptions {
  /** Folder with `server.key` and `server.crt` for https; default: the package's `fixtures/tls`. */
  tlsDir?: string;
}

/** One accepted TCP connection, from accept to close. */
interface Connection {
  /** The accepted TCP socket: its `close` ends the connection's life for the counters. */
  readonly tcpSocket: Socket;
  /** The socket HTTP runs on: `tcpSocket` for http, the TLS socket once its handshake is done for https. */
  httpSocket: Socket | undefined;
  /** `performance.now()` when the simulated connection setup (TCP and TLS round trips) is over: no response before. */
  readyAt: number;
  /** Requests that arrived so far: picks the one that carries `Connection: close` under maxRequests. */
  requestsArrived: number;
  /** Responses started: what `requestsPerConnection` reports. */
  responsesStarted: number;
  /** Requests arrived but not answered yet; the connection is idle only at 0. */
  requestsInProgress: number;
  /** The server decided to close this connection (idle timeout, maxRequests, maxConnections). */
  closedByServer: boolean;
  closed: boolean;
  /** The counter epoch at accept: connections from before the last reset are left out of requestsPerConnection. */
  readonly epoch: number;
  /** Closes the connection after `keepAlive.timeout` idle. Created once and re-armed with `refresh()`. */
  idleTimer: NodeJS.Timeout | undefined;
}

/** Requests per connection over connections that are closed; open ones are added at read time. */
interface ClosedConnectionStats {
  count: number;
  requests: number;
  min: number;
  max: number;
}

export function createUpstreamServer(config: UpstreamConfig, options: UpstreamServerOptions = {}): UpstreamServer {
  const { rtt, jitter, keepAlive, maxConnections } = config;
  const isHttps = config.protocol === 'https';
  const sampleLatency = createLatencySampler(config.latency);
  /** One simulated round trip: rtt plus uniform jitter. */
  const roundTrip = jitter > 0 ? () => rtt + jitter * Math.random() : () => rtt;
  // Node fires longer timers after 1 ms (with a warning), so a huge timeout is capped instead.
  const idleTimeout = Math.min(keepAlive.timeout, MAX_TIMER_MS);
  const respondsImmediately = rtt === 0 && jitter === 0 && isZeroLatency(config.latency);

  // One body for every response: a benchmark must not measure the upstream's allocator.
  const body = config.response.bodySize > 0 ? Buffer.alloc(config.response.bodySize, 'x') : undefined;
  const keepAliveHeaders = responseHeaders(config, false);
  const closingHeaders = responseHeaders(config, true);

  const server = isHttps ? createHttpsServer(config, options.tlsDir) : http.createServer(httpServerOptions);
  /** Connections by the socket HTTP runs on, to find a request's connection. */
  const connectionBySocket = new WeakMap<Socket, Connection>();
  /** https connections between TCP accept and TLS handshake, by remote address and port. */
  const awaitingHandshake = new Map<string, Connection>();
  const openConnections = new Set<Connection>();
  const faults = config.faults.length > 0 ? createFaultInjector(config, server) : undefined;

  let epoch = 0;
  let counts = zeroCounts();
  let closedStats = zeroClosedStats();

  server.on('connection', onConnection);
  if (isHttps) server.on('secureConnection', onSecureConnection);
  server.on('request', respondsImmediately ? onRequestImmediate : onRequestDelayed);

  function onConnection(tcpSocket: Socket): void {
    counts.connectionsAccepted++;
    if (maxConnections > 0 && openConnections.size >= maxConnections) {
      // Refused: never counted as open, so peakOpenConnections stays within the limit.
      tcpSocket.destroy();
      counts.connectionsClosedByServer++;
      counts.connectionsClosed++;
      recordClosedConnection(0);
      return;
    }
    const connection: Connection = {
      tcpSocket,
      httpSocket: isHttps ? undefined : tcpSocket,
      // Accepted now, plus the TCP handshake; https adds its TLS round trips once the handshake
      // tells whether the session was resumed.
      readyAt: performance.now() + roundTrip(),
      requestsArrived: 0,
      responsesStarted: 0,
      requestsInProgress: 0,
      closedByServer: false,
      closed: false,
      epoch,
      idleTimer: undefined,
    };
    connection.idleTimer = setTimeout(onIdleTimeout, idleTimeout, connection).unref();
    openConnections.add(connection);
    counts.peakOpenConnections = Math.max(counts.peakOpenConnections, openConnections.size);
    if (isHttps) awaitingHandshake.set(remoteKey(tcpSocket), connection);
    else connectionBySocket.set(tcpSocket, connection);
    tcpSocket.once('close', () => onConnectionClosed(connection));
    faults?.onAccept(connection);
  }

  function onSecureConnection(tlsSocket: TLSSocket): void {
    const key = remoteKey(tlsSocket);
    const connection = awaitingHandshake.get(key);
    if (connection === undefined) return; // its TCP socket closed in the meantime
    awaitingHandshake.delete(key);
    connection.httpSocket = tlsSocket;
    connectionBySocket.set(tlsSocket, connection);
    counts.tlsHandshakes++;
    const resumed = tlsSocket.isSessionReused();
    if (resumed) counts.tlsResumed++;
    // A full TLS 1.3 handshake costs 1 round trip, a full TLS 1.2 one 2; a resumed session 1.
    const tlsRoundTrips = resumed || config.tls.version === '1.3' ? 1 : 2;
    for (let i = 0; i < tlsRoundTrips; i++) connection.readyAt += roundTrip();
  }

  function onConnectionClosed(connection: Connection): void {
    connection.closed = true;
    clearTimeout(connection.idleTimer);
    openConnections.delete(connection);
    if (isHttps && connection.httpSocket === undefined) awaitingHandshake.delete(remoteKey(connection.tcpSocket));
    counts.connectionsClosed++;
    if (connection.closedByServer) counts.connectionsClosedByServer++;
    if (connection.epoch === epoch) recordClosedConnection(connection.responsesStarted);
  }

  function recordClosedConnection(requests: number): void {
    closedStats.count++;
    closedStats.requests += requests;
    closedStats.min = Math.min(closedStats.min, requests);
    closedStats.max = Math.max(closedStats.max, requests);
  }

  /** No delay configured: answer in the handler itself, with no timer and nothing allocated. */
  function onRequestImmediate(req: http.IncomingMessage, res: http.ServerResponse): void {
    const connection = connectionBySocket.get(req.socket)!;
    connection.requestsInProgress++;
    if (faults?.onRequest(connection, req, res)) return;
    respond(res, connection, isLastAllowedRequest(connection, res));
    // An unread request body is drained by node:http itself once the response has finished.
  }

  function onRequestDelayed(req: http.IncomingMessage, res: http.ServerResponse): void {
    const connection = connectionBySocket.get(req.socket)!;
    connection.requestsInProgress++;
    if (faults?.onRequest(connection, req, res)) return;
    const closeAfter = isLastAllowedRequest(connection, res);
    // Read the request body while "thinking", as a real server would, instead of stalling the upload.
    req.resume();
    const arrivedAt = performance.now();
    const releaseAt = Math.max(arrivedAt, connection.readyAt) + roundTrip() + sampleLatency();
    // Unref'd: a held-back response must not keep a process alive once the server is closed.
    setTimeout(respond, releaseAt - arrivedAt, res, connection, closeAfter).unref();
  }

  /** Counts the request towards maxRequests; true for the one that must close the connection. */
  function isLastAllowedRequest(connection: Connection, res: http.ServerResponse): boolean {
    connection.requestsArrived++;
    // A client that asked to close itself (shouldKeepAlive false) is not being closed by the server.
    return keepAlive.maxRequests > 0 && connection.requestsArrived === keepAlive.maxRequests && res.shouldKeepAlive;
  }

  function respond(res: http.ServerResponse, connection: Connection, closeAfter: boolean): void {
    connection.requestsInProgress--;
    if (connection.closed) return;
    counts.requests++;
    connection.responsesStarted++;
    // node:http ends the socket after a response that carries `Connection: close`.
    if (closeAfter) connection.closedByServer = true;
    // A client that asked to close gets no keep-alive hint either.
    const closing = closeAfter || !res.shouldKeepAlive;
    if (faults) faults.respond(connection, res, config.response.status, closing ? closingHeaders : keepAliveHeaders, body);
    else {
      res.writeHead(config.response.status, closing ? closingHeaders : keepAliveHeaders);
      res.end(body);
    }
    if (connection.requestsInProgress === 0) connection.idleTimer?.refresh();
  }

  /**
   * Our own keep-alive timeout (node's is switched off, so it neither closes sockets nor sends
   * a hint of its own). The timer runs from the moment the connection went idle; if a request
   * is in progress when it fires, it is ignored and re-armed when that request is answered.
   */
  function onIdleTimeout(connection: Connection): void {
    if (connection.closed || connection.requestsInProgress > 0) return;
    const socket = connection.httpSocket;
    // Already closing, e.g. after a `Connection: close` response: not the idle timeout's doing.
    if (socket?.writableEnded) return;
    connection.closedByServer = true;
    if (socket === undefined) connection.tcpSocket.destroy(); // TLS handshake never finished
    else socket.destroySoon(); // FIN once pending writes are flushed
  }

  function counters(): UpstreamCounters {
    const perConnection = { ...closedStats };
    for (const connection of openConnections) {
      if (connection.epoch !== epoch) continue;
      perConnection.count++;
      perConnection.requests += connection.responsesStarted;
      perConnection.min = Math.min(perConnection.min, connection.responsesStarted);
      perConnection.max = Math.max(perConnection.max, connection.responsesStarted);
    }
    const none = perConnection.count === 0;
    return {
      ...counts,
      ...(faults && { faults: faults.counters() }),
      openConnections: openConnections.size,
      requestsPerConnection: {
        min: none ? 0 : perConnection.min,
        mean: none ? 0 : perConnection.requests / perConnection.count,
        max: none ? 0 : perConnection.max,
      },
    };
  }

  function resetCounters(): void {
    epoch++;
    counts = zeroCounts();
    counts.peakOpenConnections = openConnections.size;
    closedStats = zeroClosedStats();
    faults?.restart();
  }

  function listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  function close(): Promise<void> {
    faults?.close();
    return new Promise((resolve) => {
      // server.close() alone would wait for keep-alive connections to go away by themselves.
      server.close(() => resolve());
      for (const connection of openConnections) {
        connection.httpSocket?.destroy();
        connection.tcpSocket.destroy();
      }
    });
  }

  return { listen, counters, resetCounters, close };
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Node's own timeouts are off: keep-alive because we run our own (and node would otherwise
 * send its own `Keep-Alive` hint), request and headers timeouts because they must never cut
 * a response short under a long simulated latency.
 */
const httpServerOptions: http.ServerOptions = { keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 0 };

function createHttpsServer(config: UpstreamConfig, tlsDir: string | undefined): https.Server {
  const { keyFile, certFile } = tlsFixtureFiles(tlsDir);
  const version = config.tls.version === '1.2' ? 'TLSv1.2' : 'TLSv1.3';
  return https.createServer({
    ...httpServerOptions,
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    minVersion: version,
    maxVersion: version,
    // Without tickets, TLS 1.3 falls back to stateful resumption from the server's session cache;
    // node's server keeps no such cache unless asked to, so this switches resumption off entirely.
    secureOptions: config.tls.sessionResumption ? undefined : cryptoConstants.SSL_OP_NO_TICKET,
  });
}

/** Built once per server: the same object serves every response. */
function responseHeaders(config: UpstreamConfig, closeConnection: boolean): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  // Lower-cased, so a scenario's `Content-Length` cannot end up sent twice next to ours.
  for (const [name, value] of Object.entries(config.response.headers)) headers[name.toLowerCase()] = value;
  headers['content-length'] = config.response.bodySize;
  if (closeConnection) headers['connection'] = 'close';
  else if (config.keepAlive.hint) headers['keep-alive'] = `timeout=${Math.floor(config.keepAlive.timeout / 1000)}`;
  return headers;
}

/** The same for the TCP socket and the TLS socket on top of it, unique among open connections. */
function remoteKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

function zeroCounts(): Omit<UpstreamCounters, 'openConnections' | 'requestsPerConnection'> {
  return {
    connectionsAccepted: 0,
    tlsHandshakes: 0,
    tlsResumed: 0,
    requests: 0,
    connectionsClosedByServer: 0,
    connectionsClosed: 0,
    peakOpenConnections: 0,
  };
}

function zeroClosedStats(): ClosedConnectionStats {
  return { count: 0, requests: 0, min: Infinity, max: 0 };
}
