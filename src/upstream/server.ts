/**
 * The fake upstream itself, in-process: an HTTP/1.1 (http, https) or HTTP/2 (h2 over TLS with an
 * http/1.1 fallback, cleartext h2c) server whose responses, network delays and connection
 * lifetimes follow an `UpstreamConfig`. `process.ts` runs it in a child
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
 * ~50 ms. An HTTP/2 stream is a request like any other here: the same rule applies per stream, so
 * the first stream of a session pays the handshakes and streams in flight together each pay one
 * RTT, while requests pipelined on an HTTP/1.1 connection still leave in order (node:http queues
 * their responses), which is head-of-line blocking. With no delay configured at all the server answers synchronously, as fast as a bare
 * node:http server.
 */
import { readFileSync } from 'node:fs';
import { constants as cryptoConstants } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { UpstreamConfig } from '../scenario/schema.js';
import { createResponseModels, type ResponseModel } from './response-model.js';
import { isHttp2, usesTls } from './protocol.js';
import { createFaultInjector } from './faults/injector.js';
import { tlsFixtureFiles } from './tls-fixtures.js';
import { setTimeoutAt } from './exact-timer.js';
import { RequestsPerConnection } from './requests-per-connection.js';
import type { Http2Counters, UpstreamCounters } from './types.js';

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
  /** The socket HTTP runs on: `tcpSocket` in the clear, the TLS socket once its handshake is done. */
  httpSocket: Socket | undefined;
  /** The HTTP/2 session on this connection; undefined for HTTP/1.1 (including the ALPN fallback). */
  session: http2.ServerHttp2Session | undefined;
  /** `performance.now()` when the simulated connection setup (TCP and TLS round trips) is over: no response before. */
  readyAt: number;
  /** Requests that arrived so far: picks the one that carries `Connection: close` under maxRequests. */
  requestsArrived: number;
  /** Responses started: what `requestsPerConnection` reports. */
  responsesStarted: number;
  /** Requests (HTTP/2: streams) arrived but not answered yet; the connection is idle only at 0. */
  requestsInProgress: number;
  /** HTTP/2 streams open on the session, from HEADERS to close (a stream the client reset closes at once). */
  openStreams: number;
  /** The server decided to close this connection (idle timeout, maxRequests, maxConnections). */
  closedByServer: boolean;
  closed: boolean;
  /** The counter epoch at accept: connections from before the last reset are left out of requestsPerConnection. */
  readonly epoch: number;
  /** Closes the connection after `keepAlive.timeout` idle. Created once and re-armed with `refresh()`. */
  idleTimer: NodeJS.Timeout | undefined;
}

/** HTTP/1.1 requests and HTTP/2 streams alike. */
type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Reply = http.ServerResponse | http2.Http2ServerResponse;

export function createUpstreamServer(config: UpstreamConfig, options: UpstreamServerOptions = {}): UpstreamServer {
  const { rtt, jitter, keepAlive, maxConnections } = config;
  const isHttps = usesTls(config.protocol);
  const speaksHttp2 = isHttp2(config.protocol);
  const responseModels = createResponseModels(config);
  /** One simulated round trip: rtt plus uniform jitter. */
  const roundTrip = jitter > 0 ? () => rtt + jitter * Math.random() : () => rtt;
  // Node fires longer timers after 1 ms (with a warning), so a huge timeout is capped instead.
  const idleTimeout = Math.min(keepAlive.timeout, MAX_TIMER_MS);
  const respondsImmediately = rtt === 0 && jitter === 0 && responseModels.allZeroLatency;

  const server = createServer(config, options.tlsDir);
  /** Connections by the socket HTTP runs on, to find a request's connection. */
  const connectionBySocket = new WeakMap<Socket, Connection>();
  /** HTTP/2 sessions' connections: a stream's socket is only a proxy, unfit as a key. */
  const connectionBySession = new WeakMap<http2.ServerHttp2Session, Connection>();
  /**
   * Open connections by remote address and port, over TLS or HTTP/2: what ties a TLS socket or an
   * HTTP/2 session (both made after accept) back to the accepted TCP connection.
   */
  const connectionByRemote = new Map<string, Connection>();
  const openConnections = new Set<Connection>();
  const faults = config.faults.length > 0 ? createFaultInjector(config, server, sendGoaway) : undefined;

  let epoch = 0;
  let counts = zeroCounts();
  let http2Counts = zeroHttp2Counts();
  let requestsPerConnection = new RequestsPerConnection();

  // Before the HTTP layer's own listener, which for HTTP/2 opens the session within this event.
  server.prependListener('connection', onConnection);
  if (isHttps) server.on('secureConnection', onSecureConnection);
  if (speaksHttp2) server.on('session', onSession);
  // For HTTP/2 the compatibility API: a stream arrives as a request/response pair, so one
  // handler (and one network model) serves both protocols.
  server.on('request', respondsImmediately ? onRequestImmediate : onRequestDelayed);

  function onConnection(tcpSocket: Socket): void {
    counts.connectionsAccepted++;
    if (maxConnections > 0 && openConnections.size >= maxConnections) {
      // Refused: never counted as open, so peakOpenConnections stays within the limit.
      tcpSocket.destroy();
      counts.connectionsClosedByServer++;
      counts.connectionsClosed++;
      requestsPerConnection.recordClosed(0);
      return;
    }
    const connection: Connection = {
      tcpSocket,
      httpSocket: isHttps ? undefined : tcpSocket,
      session: undefined,
      // Accepted now, plus the TCP handshake; https adds its TLS round trips once the handshake
      // tells whether the session was resumed.
      readyAt: performance.now() + roundTrip(),
      requestsArrived: 0,
      responsesStarted: 0,
      requestsInProgress: 0,
      openStreams: 0,
      closedByServer: false,
      closed: false,
      epoch,
      idleTimer: undefined,
    };
    connection.idleTimer = setTimeout(onIdleTimeout, idleTimeout, connection).unref();
    openConnections.add(connection);
    counts.peakOpenConnections = Math.max(counts.peakOpenConnections, openConnections.size);
    if (isHttps || speaksHttp2) connectionByRemote.set(remoteKey(tcpSocket), connection);
    if (!isHttps) connectionBySocket.set(tcpSocket, connection);
    tcpSocket.once('close', () => onConnectionClosed(connection));
    faults?.onAccept(connection);
  }

  function onSecureConnection(tlsSocket: TLSSocket): void {
    const connection = connectionByRemote.get(remoteKey(tlsSocket));
    if (connection === undefined) return; // its TCP socket closed in the meantime
    connection.httpSocket = tlsSocket;
    connectionBySocket.set(tlsSocket, connection);
    counts.tlsHandshakes++;
    const resumed = tlsSocket.isSessionReused();
    if (resumed) counts.tlsResumed++;
    // A full TLS 1.3 handshake costs 1 round trip, a full TLS 1.2 one 2; a resumed session 1.
    const tlsRoundTrips = resumed || config.tls.version === '1.3' ? 1 : 2;
    for (let i = 0; i < tlsRoundTrips; i++) connection.readyAt += roundTrip();
  }

  function onSession(session: http2.ServerHttp2Session): void {
    // The session's socket is a proxy, but it answers for the real one's address and port.
    const connection = connectionByRemote.get(remoteKey(session.socket as Socket));
    if (connection === undefined) return session.destroy(); // its TCP socket closed in the meantime
    connection.session = session;
    connectionBySession.set(session, connection);
    http2Counts.sessions++;
    session.on('stream', (stream) => {
      // Streams the client gave up on close here at once, while their response is still being
      // held back: counting open streams, not unanswered requests, keeps them out of the peak.
      const open = ++connection.openStreams;
      if (open > counts.peakInFlightPerConnection) counts.peakInFlightPerConnection = open;
      stream.once('close', () => {
        connection.openStreams--;
        // Refused, cancelled or aborted streams: RST_STREAM from either side.
        if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) http2Counts.streamsReset++;
      });
    });
  }

  function onConnectionClosed(connection: Connection): void {
    connection.closed = true;
    clearTimeout(connection.idleTimer);
    openConnections.delete(connection);
    if (isHttps || speaksHttp2) connectionByRemote.delete(remoteKey(connection.tcpSocket));
    counts.connectionsClosed++;
    if (connection.closedByServer) counts.connectionsClosedByServer++;
    if (connection.epoch === epoch) requestsPerConnection.recordClosed(connection.responsesStarted);
  }

  /** No delay configured: answer in the handler itself, with no timer and nothing allocated. */
  function onRequestImmediate(req: Request, res: Reply): void {
    const connection = arrive(req);
    if (injectFault(connection, req, res)) return;
    respond(res, connection, isLastAllowedRequest(connection, res), responseModels.forUrl(req.url));
    // An unread request body is drained by node:http itself once the response has finished.
  }

  function injectFault(connection: Connection, req: Request, res: Reply): boolean {
    return faults !== undefined && faults.onRequest(connection, req, res);
  }

  function onRequestDelayed(req: Request, res: Reply): void {
    const connection = arrive(req);
    if (injectFault(connection, req, res)) return;
    const closeAfter = isLastAllowedRequest(connection, res);
    const model = responseModels.forUrl(req.url);
    // Read the request body while "thinking", as a real server would, instead of stalling the upload.
    req.resume();
    const releaseAt = Math.max(performance.now(), connection.readyAt) + roundTrip() + model.sampleLatency();
    setTimeoutAt(releaseAt, respond, res, connection, closeAfter, model);
  }

  /** Finds the request's connection and counts the request as in progress on it. */
  function arrive(req: Request): Connection {
    if (req.httpVersionMajor === 2) {
      http2Counts.streams++;
      const connection = connectionBySession.get((req as http2.Http2ServerRequest).stream.session as http2.ServerHttp2Session)!;
      connection.requestsInProgress++;
      return connection;
    }
    const connection = connectionBySocket.get(req.socket as Socket)!;
    const inFlight = ++connection.requestsInProgress;
    // HTTP/1.1: more than one only when the client pipelines.
    if (inFlight > counts.peakInFlightPerConnection) counts.peakInFlightPerConnection = inFlight;
    return connection;
  }

  /** Counts the request towards maxRequests; true for the one that must close the connection. */
  function isLastAllowedRequest(connection: Connection, res: Reply): boolean {
    connection.requestsArrived++;
    // A client that asked to close itself (shouldKeepAlive false) is not being closed by the server.
    return keepAlive.maxRequests > 0 && connection.requestsArrived === keepAlive.maxRequests && keepsAlive(connection, res);
  }

  /** HTTP/2 sessions stay open until a GOAWAY; HTTP/1.1 as the client asked. */
  function keepsAlive(connection: Connection, res: Reply): boolean {
    return connection.session !== undefined || (res as http.ServerResponse).shouldKeepAlive;
  }

  function respond(res: Reply, connection: Connection, closeAfter: boolean, model: ResponseModel): void {
    connection.requestsInProgress--;
    if (connection.closed) return;
    counts.requests++;
    connection.responsesStarted++;
    // node:http ends the socket after a response that carries `Connection: close`.
    if (closeAfter) connection.closedByServer = true;
    if (connection.session !== undefined) {
      if (faults) faults.respond(connection, res, model.status, model.http2Headers, model.body);
      else {
        res.writeHead(model.status, model.http2Headers);
        // end(undefined) ends without a body; the type just does not say so.
        (res as http2.Http2ServerResponse).end(model.body as Buffer);
      }
      // GOAWAY: the session takes no new streams and closes once the ones in flight are done.
      if (closeAfter) sendGoaway(connection.session);
    } else {
      // A client that asked to close gets no keep-alive hint either.
      const closing = closeAfter || !keepsAlive(connection, res);
      const headers = closing ? model.closingHeaders : model.keepAliveHeaders;
      if (faults) faults.respond(connection, res, model.status, headers, model.body);
      else {
        res.writeHead(model.status, headers);
        (res as http.ServerResponse).end(model.body);
      }
    }
    if (connection.requestsInProgress === 0) connection.idleTimer?.refresh();
  }

  function sendGoaway(session: http2.ServerHttp2Session): void {
    if (session.closed) return;
    http2Counts.goawaySent++;
    session.close();
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
    if (connection.session !== undefined) sendGoaway(connection.session);
    else if (socket === undefined) connection.tcpSocket.destroy(); // TLS handshake never finished
    else socket.destroySoon(); // FIN once pending writes are flushed
  }

  function counters(): UpstreamCounters {
    const open = [...openConnections].filter((connection) => connection.epoch === epoch).map((connection) => connection.responsesStarted);
    return {
      ...counts,
      ...(speaksHttp2 && { http2: { ...http2Counts } }),
      ...(faults && { faults: faults.counters() }),
      openConnections: openConnections.size,
      requestsPerConnection: requestsPerConnection.summary(open),
    };
  }

  function resetCounters(): void {
    epoch++;
    counts = zeroCounts();
    http2Counts = zeroHttp2Counts();
    counts.peakOpenConnections = openConnections.size;
    requestsPerConnection = new RequestsPerConnection();
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

type AnyServer = http.Server | https.Server | http2.Http2Server | http2.Http2SecureServer;

function createServer(config: UpstreamConfig, tlsDir: string | undefined): AnyServer {
  const settings: http2.Settings = { maxConcurrentStreams: config.h2.maxConcurrentStreams };
  switch (config.protocol) {
    case 'http':
      return http.createServer(httpServerOptions);
    case 'https':
      return https.createServer({ ...httpServerOptions, ...tlsOptions(config, tlsDir) });
    case 'h2c':
      return http2.createServer({ settings });
    case 'h2': {
      const server = http2.createSecureServer({ ...tlsOptions(config, tlsDir), settings, allowHTTP1: true });
      // The http/1.1 fallback reads node:http's timeouts from the server object itself.
      return Object.assign(server, httpServerOptions);
    }
  }
}

function tlsOptions(config: UpstreamConfig, tlsDir: string | undefined): tls.SecureContextOptions {
  const { keyFile, certFile } = tlsFixtureFiles(tlsDir);
  const version = config.tls.version === '1.2' ? 'TLSv1.2' : 'TLSv1.3';
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    minVersion: version,
    maxVersion: version,
    // Without tickets, TLS 1.3 falls back to stateful resumption from the server's session cache;
    // node's server keeps no such cache unless asked to, so this switches resumption off entirely.
    secureOptions: config.tls.sessionResumption ? undefined : cryptoConstants.SSL_OP_NO_TICKET,
  };
}

/** The same for the TCP socket and the TLS socket on top of it, unique among open connections. */
function remoteKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

function zeroCounts(): Omit<UpstreamCounters, 'openConnections' | 'requestsPerConnection' | 'http2'> & { peakInFlightPerConnection: number } {
  return {
    connectionsAccepted: 0,
    tlsHandshakes: 0,
    tlsResumed: 0,
    requests: 0,
    connectionsClosedByServer: 0,
    connectionsClosed: 0,
    peakOpenConnections: 0,
    peakInFlightPerConnection: 0,
  };
}

function zeroHttp2Counts(): Http2Counters {
  return { sessions: 0, streams: 0, goawaySent: 0, streamsReset: 0 };
}

