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
 * ~50 ms. A run's clients model the setup themselves (clients/modelled-connect.ts: their connect
 * time then shows it) and start the upstream with `setupModelledByClients`: the setup term is then
 * 0, and only `poolbench serve` (or a run with an autocannon variant) charges it here. An HTTP/2 stream is a request like any other here: the same rule applies per stream, so
 * the first stream of a session pays the handshakes and streams in flight together each pay one
 * RTT, while requests pipelined on an HTTP/1.1 connection still leave in order (node:http queues
 * their responses), which is head-of-line blocking. With no delay configured at all the server answers synchronously, as fast as a bare
 * node:http server.
 */
import { readFileSync } from 'node:fs';
import { constants as cryptoConstants, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { UpstreamConfig } from '../scenario/schema.js';
import { CountingListener } from '../faults/listener.js';
import { createResponseModels, type ResponseModel, type ResponseModels } from './response-model.js';
import { isHttp2, usesTls } from './protocol.js';
import { UpstreamConnection } from './connection.js';
import { HttpFaults, send, type Reply, type Request } from './http-faults.js';
import { tlsFixtureFiles } from './tls-fixtures.js';
import { setTimeoutAt } from './exact-timer.js';
import type { Http2Counters, UpstreamCounters } from './types.js';
import { roundTrip, tlsRoundTrips, type SetupCharge } from './network-model.js';

export interface UpstreamServerOptions {
  /** Folder with `server.key` and `server.crt` for https; default: the package's `fixtures/tls`. */
  tlsDir?: string;
}

export function createUpstreamServer(config: UpstreamConfig & SetupCharge, options: UpstreamServerOptions = {}): UpstreamServer {
  return new UpstreamServer(config, options);
}

/**
 * listen(), counters(), resetCounters() and close() come from the counting listener; this class
 * serves HTTP, applies the network model and the connection limits, and carries out the faults.
 */
export class UpstreamServer extends CountingListener<UpstreamConnection> {
  private readonly isHttps: boolean;
  private readonly speaksHttp2: boolean;
  private readonly responseModels: ResponseModels;
  /** Undefined without faults: responses then go straight out. */
  private readonly httpFaults: HttpFaults | undefined;
  /** Node fires longer timers after 1 ms (with a warning), so a huge timeout is capped instead. */
  private readonly idleTimeout: number;
  /** Connections by the socket HTTP runs on, to find a request's connection. */
  private readonly connectionBySocket = new WeakMap<Socket, UpstreamConnection>();
  /** HTTP/2 sessions' connections: a stream's socket is only a proxy, unfit as a key. */
  private readonly connectionBySession = new WeakMap<http2.ServerHttp2Session, UpstreamConnection>();
  /**
   * Open connections by remote address and port, over TLS or HTTP/2: what ties a TLS socket or an
   * HTTP/2 session (both made after accept) back to the accepted TCP connection.
   */
  private readonly connectionByRemote = new Map<string, UpstreamConnection>();
  private http2Counts = zeroHttp2Counts();
  private peakInFlightPerConnection = 0;
  /** The clients delay their own connections by the setup round trips (see the top of this file). */
  private readonly setupModelledByClients: boolean;

  constructor(
    private readonly config: UpstreamConfig & SetupCharge,
    options: UpstreamServerOptions = {},
  ) {
    super(createServer(config, options.tlsDir), config.faults, config.rtt);
    this.isHttps = usesTls(config.protocol);
    this.speaksHttp2 = isHttp2(config.protocol);
    this.responseModels = createResponseModels(config);
    this.httpFaults = config.faults.length > 0 ? new HttpFaults(config, this.plan) : undefined;
    this.idleTimeout = Math.min(config.keepAlive.timeout, MAX_TIMER_MS);
    this.setupModelledByClients = config.setupModelledByClients === true;
    const respondsImmediately = config.rtt === 0 && config.jitter === 0 && this.responseModels.allZeroLatency;
    if (this.isHttps) this.server.on('secureConnection', (socket: TLSSocket) => this.onSecureConnection(socket));
    if (this.speaksHttp2) this.server.on('session', (session: http2.ServerHttp2Session) => this.onSession(session));
    // For HTTP/2 the compatibility API: a stream arrives as a request/response pair, so one
    // handler (and one network model) serves both protocols.
    this.server.on('request', respondsImmediately ? this.onRequestImmediate.bind(this) : this.onRequestDelayed.bind(this));
  }

  // --- fault actions (FaultActions) -------------------------------------------------------

  protected reset(connection: UpstreamConnection): void {
    connection.tcpSocket.resetAndDestroy();
  }

  protected finish(connection: UpstreamConnection): void {
    (connection.httpSocket ?? connection.tcpSocket).destroySoon(); // FIN once pending writes are out
  }

  protected goaway(connection: UpstreamConnection): void {
    if (connection.session) this.sendGoaway(connection.session);
  }

  protected stall(connection: UpstreamConnection): void {
    // Counted as busy, so the server's idle timeout never closes it: a stall never ends by itself.
    connection.requestsInProgress++;
    // Best effort: node:http may still parse bytes that already arrived; it never answers them.
    connection.tcpSocket.pause();
    connection.httpSocket?.pause();
  }

  protected override fullHandshake(connection: UpstreamConnection, extraDelay: number): void {
    // Tickets issued before this key cannot be resumed: this handshake is a full one.
    (this.server as typeof this.server & { setTicketKeys?(keys: Buffer): void }).setTicketKeys?.(randomBytes(48));
    connection.readyAt += extraDelay;
  }

  // --- connections --------------------------------------------------------------------------

  protected accept(tcpSocket: Socket): void {
    const { maxConnections } = this.config;
    // Refused: never counted as open, so peakOpenConnections stays within the limit.
    if (maxConnections > 0 && this.connections.size >= maxConnections) return this.refuse(tcpSocket);
    // Accepted now, plus the TCP handshake; https adds its TLS round trips once the handshake
    // tells whether the session was resumed.
    const connection = new UpstreamConnection(tcpSocket, this.epoch, this.isHttps, performance.now() + this.setupRoundTrip());
    connection.idleTimer = setTimeout(() => this.onIdleTimeout(connection), this.idleTimeout).unref();
    if (this.isHttps || this.speaksHttp2) this.connectionByRemote.set(remoteKey(tcpSocket), connection);
    if (!this.isHttps) this.connectionBySocket.set(tcpSocket, connection);
    this.register(connection);
  }

  protected override onClosed(connection: UpstreamConnection): void {
    clearTimeout(connection.idleTimer);
    if (this.isHttps || this.speaksHttp2) this.connectionByRemote.delete(remoteKey(connection.tcpSocket));
  }

  protected destroy(connection: UpstreamConnection): void {
    connection.httpSocket?.destroy();
    connection.tcpSocket.destroy();
  }

  private onSecureConnection(tlsSocket: TLSSocket): void {
    const connection = this.connectionByRemote.get(remoteKey(tlsSocket));
    if (connection === undefined) return; // its TCP socket closed in the meantime
    connection.httpSocket = tlsSocket;
    this.connectionBySocket.set(tlsSocket, connection);
    this.counts.tlsHandshakes++;
    const resumed = tlsSocket.isSessionReused();
    if (resumed) this.counts.tlsResumed++;
    for (let i = tlsRoundTrips(resumed, this.config.tls.version); i > 0; i--) connection.readyAt += this.setupRoundTrip();
  }

  private onSession(session: http2.ServerHttp2Session): void {
    // The session's socket is a proxy, but it answers for the real one's address and port.
    const connection = this.connectionByRemote.get(remoteKey(session.socket as Socket));
    if (connection === undefined) return session.destroy(); // its TCP socket closed in the meantime
    connection.session = session;
    this.connectionBySession.set(session, connection);
    this.http2Counts.sessions++;
    session.on('stream', (stream: http2.ServerHttp2Stream) => {
      // Streams the client gave up on close here at once, while their response is still being
      // held back: counting open streams, not unanswered requests, keeps them out of the peak.
      const open = ++connection.openStreams;
      if (open > this.peakInFlightPerConnection) this.peakInFlightPerConnection = open;
      stream.once('close', () => {
        connection.openStreams--;
        // Refused, cancelled or aborted streams: RST_STREAM from either side.
        if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) this.http2Counts.streamsReset++;
      });
    });
  }

  /**
   * Our own keep-alive timeout (node's is switched off, so it neither closes sockets nor sends
   * a hint of its own). The timer runs from the moment the connection went idle; if a request
   * is in progress when it fires, it is ignored and re-armed when that request is answered.
   */
  private onIdleTimeout(connection: UpstreamConnection): void {
    if (connection.closed || connection.requestsInProgress > 0) return;
    const socket = connection.httpSocket;
    // Already closing, e.g. after a `Connection: close` response: not the idle timeout's doing.
    if (socket?.writableEnded) return;
    connection.closedForCause('idle-timeout');
    if (connection.session !== undefined) this.sendGoaway(connection.session);
    else if (socket === undefined) connection.tcpSocket.destroy(); // TLS handshake never finished
    else socket.destroySoon(); // FIN once pending writes are flushed
  }

  // --- requests -----------------------------------------------------------------------------

  /** No delay configured: answer in the handler itself, with no timer and nothing allocated. */
  private onRequestImmediate(req: Request, res: Reply): void {
    const connection = this.arrive(req);
    if (this.httpFaults?.onRequest(connection, req, res)) return;
    this.respond(res, connection, this.isLastAllowedRequest(connection, res), this.responseModels.forUrl(req.url));
    // An unread request body is drained by node:http itself once the response has finished.
  }

  private onRequestDelayed(req: Request, res: Reply): void {
    const connection = this.arrive(req);
    if (this.httpFaults?.onRequest(connection, req, res)) return;
    const closeAfter = this.isLastAllowedRequest(connection, res);
    const model = this.responseModels.forUrl(req.url);
    // Read the request body while "thinking", as a real server would, instead of stalling the upload.
    req.resume();
    const releaseAt = Math.max(performance.now(), connection.readyAt) + this.roundTrip() + model.sampleLatency();
    setTimeoutAt(releaseAt, this.respondLater, res, connection, closeAfter, model);
  }

  /** Finds the request's connection and counts the request as in progress on it. */
  private arrive(req: Request): UpstreamConnection {
    if (req.httpVersionMajor === 2) {
      this.http2Counts.streams++;
      const connection = this.connectionBySession.get((req as http2.Http2ServerRequest).stream.session as http2.ServerHttp2Session)!;
      connection.requestsInProgress++;
      return connection;
    }
    const connection = this.connectionBySocket.get(req.socket as Socket)!;
    const inFlight = ++connection.requestsInProgress;
    // HTTP/1.1: more than one only when the client pipelines.
    if (inFlight > this.peakInFlightPerConnection) this.peakInFlightPerConnection = inFlight;
    return connection;
  }

  /** Counts the request towards maxRequests; true for the one that must close the connection. */
  private isLastAllowedRequest(connection: UpstreamConnection, res: Reply): boolean {
    connection.requestsArrived++;
    const { maxRequests } = this.config.keepAlive;
    // A client that asked to close itself (shouldKeepAlive false) is not being closed by the server.
    return maxRequests > 0 && connection.requestsArrived === maxRequests && keepsAlive(connection, res);
  }

  /** `respond` for a timer, bound once. */
  private readonly respondLater = (res: Reply, connection: UpstreamConnection, closeAfter: boolean, model: ResponseModel) => this.respond(res, connection, closeAfter, model);

  private respond(res: Reply, connection: UpstreamConnection, closeAfter: boolean, model: ResponseModel): void {
    connection.requestsInProgress--;
    if (connection.closed) return;
    this.counts.requests++;
    connection.answered++;
    // node:http ends the socket after a response that carries `Connection: close`.
    if (closeAfter) connection.closedForCause('max-requests');
    if (connection.session !== undefined) {
      this.send(connection, res, model.status, model.http2Headers, model.body);
      // GOAWAY: the session takes no new streams and closes once the ones in flight are done.
      if (closeAfter) this.sendGoaway(connection.session);
    } else {
      // A client that asked to close gets no keep-alive hint either.
      const asked = !keepsAlive(connection, res);
      this.send(connection, res, model.status, closeAfter || asked ? model.closingHeaders : model.keepAliveHeaders, model.body);
      // node:http ends the connection after this response; a fault that closes it too counts first.
      if (asked) connection.closeCause ??= 'asked-to-close';
    }
    if (connection.requestsInProgress === 0) connection.idleTimer?.refresh();
  }

  private send(connection: UpstreamConnection, res: Reply, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
    if (this.httpFaults) return this.httpFaults.respond(connection, res, status, headers, body);
    send(res, status, headers, body);
  }

  private sendGoaway(session: http2.ServerHttp2Session): void {
    if (session.closed) return;
    this.http2Counts.goawaySent++;
    session.close();
  }

  /** One simulated round trip: rtt plus uniform jitter. */
  private roundTrip(): number {
    return roundTrip(this.config);
  }

  /** One round trip of a connection's setup, unless its client modelled it already. */
  private setupRoundTrip(): number {
    return this.setupModelledByClients ? 0 : this.roundTrip();
  }

  // --- counters -----------------------------------------------------------------------------

  protected override ownCounters(): Partial<UpstreamCounters> {
    return { peakInFlightPerConnection: this.peakInFlightPerConnection, ...(this.speaksHttp2 && { http2: { ...this.http2Counts } }) };
  }

  protected override resetOwnCounters(): void {
    this.http2Counts = zeroHttp2Counts();
    this.peakInFlightPerConnection = 0;
  }
}

/** HTTP/2 sessions stay open until a GOAWAY; HTTP/1.1 as the client asked. */
function keepsAlive(connection: UpstreamConnection, res: Reply): boolean {
  return connection.session !== undefined || (res as http.ServerResponse).shouldKeepAlive;
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

function zeroHttp2Counts(): Http2Counters {
  return { sessions: 0, streams: 0, goawaySent: 0, streamsReset: 0 };
}

