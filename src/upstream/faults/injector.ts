/**
 * The fault catalog on the bundled upstream: what each fault does to a connection, and the
 * hooks the server calls (on accept, on request, to write a response). The server stays a
 * plain keep-alive server; everything that goes wrong on purpose happens here.
 *
 * Faults that take a request over (reset, empty_response, malformed, truncate, hang, stall)
 * act the moment it arrives, without the network model's delay; faults that change the
 * response (http_error, close_after_response, drain, conn_limit 503) are sent through the
 * server's normal path, delay included.
 *
 * On an HTTP/2 session the request faults act on the stream where HTTP/2 has a stream-level
 * equivalent (empty_response and truncate reset the stream, h2_refuse_stream refuses it), and
 * "close the connection" after a response becomes GOAWAY (drain, conn_limit 503): HTTP/2 has no
 * `Connection: close`. reset, stall, idle_close, close_after_response and refuse still act on the
 * TCP connection, as a load balancer or a crash would.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import http2 from 'node:http2';
import type { Server, Socket } from 'node:net';
import { faultMoment, type Fault, type FaultType, type UpstreamConfig } from '../../scenario/schema.js';
import type { FaultCount } from '../types.js';
import { takeListenerDown } from './listener.js';
import { FaultCounter, FaultTimeline, strikes } from './trigger.js';

/** What the injector needs of the server's connection record (server.ts `Connection`). */
export interface FaultableConnection {
  readonly tcpSocket: Socket;
  httpSocket: Socket | undefined;
  /** The HTTP/2 session on this connection; undefined for HTTP/1.1. */
  session: http2.ServerHttp2Session | undefined;
  readyAt: number;
  requestsInProgress: number;
  closedByServer: boolean;
  closed: boolean;
}

/** HTTP/1.1 requests and HTTP/2 streams (node's compatibility API) alike. */
type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Reply = http.ServerResponse | http2.Http2ServerResponse;

export interface FaultInjector {
  /** A connection was accepted (and registered by the server). */
  onAccept(connection: FaultableConnection): void;
  /** A request arrived; true when a fault took it over and the server must not answer it. */
  onRequest(connection: FaultableConnection, req: Request, res: Reply): boolean;
  /** Writes the response the server would send, as the active faults change it. */
  respond(connection: FaultableConnection, res: Reply, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void;
  /** Zeroes the counts and restarts fault windows from now (the start of a measured window). */
  restart(): void;
  counters(): Partial<Record<FaultType, FaultCount>>;
  /** Clears every timer; the server is closing. */
  close(): void;
}

interface ConnectionState {
  /** Requests that arrived, for `trigger.nth`. */
  requests: number;
  /** One timer per idle-moment fault, re-armed whenever the connection goes idle. */
  idleTimers: NodeJS.Timeout[];
  /** close_after_response struck: a FIN is on its way, requests arriving meanwhile are lost. */
  closing: boolean;
  stalled: boolean;
  /** Beyond a conn_limit with action 503: every request gets 503 and the connection closes. */
  overLimit: boolean;
  /** HTTP/2: the session got its GOAWAY when a drain began; the streams it had then are served as usual. */
  drainedAtStart: boolean;
}

/** Bytes that no HTTP parser accepts as a status line. */
const MALFORMED = Buffer.from('XTTP/1.1 2OO OK\r\nContent-Length: banana\r\n\r\n');
/** Body length a truncated response claims when the upstream's body is empty. */
const TRUNCATE_MIN_LENGTH = 1024;

/**
 * `sendGoaway` is the server's own (it counts the GOAWAYs it sent): the session takes no new
 * streams and closes once the ones in flight are done.
 */
export function createFaultInjector(config: UpstreamConfig, server: Server, sendGoaway: (session: http2.ServerHttp2Session) => void): FaultInjector {
  const timeline = new FaultTimeline();
  const states = new WeakMap<FaultableConnection, ConnectionState>();
  const open = new Set<FaultableConnection>();
  /** Responses a request-moment fault will change, decided when their request arrived. */
  const responseFaults = new WeakMap<Reply, Fault>();
  const counter = new FaultCounter();
  let admitted = 0;
  let draining = false;
  let shuttingDown = false;

  const byMoment = (moment: string) => config.faults.filter((fault) => faultMoment(fault) === moment);
  const acceptFaults = byMoment('accept');
  const requestFaults = byMoment('request');
  const idleFaults = byMoment('idle');
  const hintOverride = keepAliveHintOverride(config.faults);
  const drainStatus = config.faults.find((f): f is Extract<Fault, { type: 'drain' }> => f.type === 'drain')?.status ?? 503;

  for (const fault of config.faults) {
    if (fault.type === 'drain') timeline.onWindow(fault.trigger, startDrain, () => (draining = false));
    if (fault.type === 'refuse') timeline.onWindow(fault.trigger, () => startRefusing(fault), resumeListening);
  }
  timeline.restart();


  function stateOf(connection: FaultableConnection): ConnectionState {
    return states.get(connection)!;
  }

  // --- what faults do to a connection ------------------------------------------------------

  function kill(connection: FaultableConnection, type: FaultType, how: 'fin' | 'rst'): void {
    if (connection.closed || connection.closedByServer) return;
    connection.closedByServer = true;
    counter.of(type).connectionsClosed++;
    if (how === 'rst') connection.tcpSocket.resetAndDestroy();
    else (connection.httpSocket ?? connection.tcpSocket).destroySoon(); // FIN once pending writes are out
  }

  /** HTTP/1.1: a FIN once pending writes are out; HTTP/2: GOAWAY, the session ends once its streams have. */
  function closeGracefully(connection: FaultableConnection, type: FaultType): void {
    if (connection.session === undefined) return kill(connection, type, 'fin');
    if (connection.closed || connection.closedByServer) return;
    connection.closedByServer = true;
    counter.of(type).connectionsClosed++;
    sendGoaway(connection.session);
  }

  function stall(connection: FaultableConnection): void {
    stateOf(connection).stalled = true;
    // Counted as busy, so the server's idle timeout never closes it: a stall never ends by itself.
    connection.requestsInProgress++;
    // Best effort: node:http may still parse bytes that already arrived; it never answers them.
    connection.tcpSocket.pause();
    connection.httpSocket?.pause();
  }

  function startDrain(): void {
    draining = true;
    for (const connection of open) {
      // HTTP/2 sessions get GOAWAY at once, busy or not; busy HTTP/1.1 connections close after
      // their response (it carries `Connection: close`).
      if (connection.session !== undefined) stateOf(connection).drainedAtStart = true;
      if (connection.session !== undefined || connection.requestsInProgress === 0) closeGracefully(connection, 'drain');
    }
  }

  let bringListenerBack: (() => void) | undefined;
  function startRefusing(fault: Fault): void {
    counter.of(fault.type).struck++;
    bringListenerBack = takeListenerDown(server, () => shuttingDown);
    for (const connection of open) kill(connection, 'refuse', 'fin');
  }
  function resumeListening(): void {
    bringListenerBack?.();
    bringListenerBack = undefined;
  }

  function armIdleTimers(connection: FaultableConnection, state: ConnectionState): void {
    state.idleTimers = idleFaults.map((fault) => setTimeout(onIdle, fault.trigger.idle, connection, fault).unref());
  }

  function onIdle(connection: FaultableConnection, fault: Fault): void {
    // Busy when the timer fired: it is re-armed when the connection next goes idle.
    if (connection.closed || connection.requestsInProgress > 0 || !strikes(fault.trigger, timeline)) return;
    counter.of(fault.type).struck++;
    if (fault.type === 'stall') return stall(connection);
    const how = fault.type === 'reset' ? 'rst' : 'fin';
    if (config.rtt === 0) return kill(connection, fault.type, how);
    // On a real network the FIN takes half a round trip to reach the client, and a request the
    // client sends meanwhile reaches a closed socket: the keep-alive race. Requests that arrive
    // before the simulated FIN does are lost.
    stateOf(connection).closing = true;
    setTimeout(() => kill(connection, fault.type, how), config.rtt / 2).unref();
  }

  // --- hooks ---------------------------------------------------------------------------------

  function onAccept(connection: FaultableConnection): void {
    const state: ConnectionState = { requests: 0, idleTimers: [], closing: false, stalled: false, overLimit: false, drainedAtStart: false };
    states.set(connection, state);
    open.add(connection);
    armIdleTimers(connection, state);
    connection.tcpSocket.once('close', () => {
      open.delete(connection);
      if (!state.overLimit) admitted--;
      for (const timer of state.idleTimers) clearTimeout(timer);
    });
    admitted++;
    for (const fault of acceptFaults) {
      if (fault.type === 'conn_limit') {
        if (admitted <= fault.max || !strikes(fault.trigger, timeline)) continue;
        counter.of(fault.type).struck++;
        state.overLimit = true;
        admitted--;
        if (fault.action !== '503') kill(connection, fault.type, fault.action === 'reset' ? 'rst' : 'fin');
        return;
      }
      if (!strikes(fault.trigger, timeline)) continue;
      counter.of(fault.type).struck++;
      if (fault.type === 'reset') return kill(connection, fault.type, 'rst');
      if (fault.type === 'stall') return stall(connection);
      if (fault.type === 'tls_cost') {
        // Tickets issued before this key cannot be resumed: this handshake is a full one.
        (server as Server & { setTicketKeys?(keys: Buffer): void }).setTicketKeys?.(randomBytes(48));
        connection.readyAt += fault.handshakeDelay;
      }
    }
  }

  function onRequest(connection: FaultableConnection, req: Request, res: Reply): boolean {
    const state = stateOf(connection);
    state.requests++;
    // Lost: the connection is on its way out or frozen.
    if (state.closing || state.stalled) return true;
    for (const fault of requestFaults) {
      // Not on the h2 upstream's http/1.1 fallback connections, which have no streams to refuse.
      if (fault.type === 'h2_refuse_stream' && connection.session === undefined) continue;
      if (!strikes(fault.trigger, timeline, state.requests)) continue;
      counter.of(fault.type).struck++;
      switch (fault.type) {
        case 'reset':
          kill(connection, fault.type, 'rst');
          return true;
        case 'empty_response':
          if (connection.session !== undefined) resetStream(res, http2.constants.NGHTTP2_INTERNAL_ERROR);
          else kill(connection, fault.type, 'fin');
          return true;
        case 'h2_refuse_stream':
          resetStream(res, http2.constants.NGHTTP2_REFUSED_STREAM);
          return true;
        case 'malformed':
          connection.httpSocket?.write(MALFORMED);
          kill(connection, fault.type, 'fin');
          return true;
        case 'truncate': {
          const length = Math.max(config.response.bodySize, TRUNCATE_MIN_LENGTH);
          res.writeHead(config.response.status, { 'content-length': length });
          const half = Buffer.alloc(Math.floor(length / 2), 'x');
          // HTTP/2 resets the stream once the half body is handed over; HTTP/1.1 closes the connection.
          if (connection.session !== undefined) (res as http2.Http2ServerResponse).write(half, () => resetStream(res, http2.constants.NGHTTP2_INTERNAL_ERROR));
          else {
            (res as http.ServerResponse).write(half);
            kill(connection, fault.type, 'fin');
          }
          return true;
        }
        case 'hang':
          req.resume(); // reads the request, as a stuck handler would
          return true;
        case 'stall':
          stall(connection);
          return true;
        default:
          responseFaults.set(res, fault); // http_error, close_after_response: see respond()
          return false;
      }
    }
    return false;
  }

  function respond(connection: FaultableConnection, res: Reply, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
    const state = stateOf(connection);
    if (state.stalled || state.closing) return;
    const fault = responseFaults.get(res);
    // A session that got GOAWAY when the drain began serves the streams it had as usual.
    if (state.overLimit || (draining && !state.drainedAtStart)) sendClosing(connection, state, res, headers, body);
    else if (fault?.type === 'http_error') send(res, fault.status, errorHeaders(headers, { retryAfter: fault.retryAfter }), undefined);
    // HTTP/2 has no Keep-Alive hint to rewrite.
    else send(res, status, connection.session ? headers : hintOverride(headers, fault), body);
    if (fault?.type === 'close_after_response') {
      state.closing = true;
      setTimeout(() => kill(connection, fault.type, 'fin'), fault.delay).unref();
      return;
    }
    if (connection.requestsInProgress === 0) for (const timer of state.idleTimers) timer.refresh();
  }

  /**
   * Over a conn_limit with action 503, or draining: the closing status, then the connection goes.
   * HTTP/1.1 says `Connection: close` (node:http then ends the connection); HTTP/2 sends GOAWAY.
   */
  function sendClosing(connection: FaultableConnection, state: ConnectionState, res: Reply, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
    const type = state.overLimit ? 'conn_limit' : 'drain';
    const closingStatus = state.overLimit ? 503 : drainStatus;
    if (type === 'drain') counter.of(type).struck++;
    const { session } = connection;
    if (closingStatus < 300) send(res, closingStatus, session ? headers : closingHeaders(headers), body);
    else send(res, closingStatus, errorHeaders(headers, { close: !session }), undefined);
    if (session === undefined) {
      connection.closedByServer = true;
      counter.of(type).connectionsClosed++;
    } else {
      // GOAWAY once the response is out, as `Connection: close` comes with it: a GOAWAY that
      // overtakes the end of the stream makes undici 7 fail the stream it has just been answered on.
      (res as http2.Http2ServerResponse).stream.once('close', () => closeGracefully(connection, type));
    }
  }

  function restart(): void {
    counter.reset();
    timeline.restart();
  }

  function counters(): Partial<Record<FaultType, FaultCount>> {
    return counter.snapshot(config.faults);
  }

  function close(): void {
    shuttingDown = true;
    timeline.stop();
  }

  return { onAccept, onRequest, respond, restart, counters, close };
}

function send(res: Reply, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
  res.writeHead(status, headers);
  // end(undefined) ends without a body; HTTP/2's type just does not say so.
  (res as http.ServerResponse).end(body);
}

/** RST_STREAM with `code`; the session and its other streams go on. */
function resetStream(res: Reply, code: number): void {
  (res as http2.Http2ServerResponse).stream.close(code);
}

/** The same headers, closing the connection. */
function closingHeaders(headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  const { 'keep-alive': _, ...rest } = headers;
  return { ...rest, connection: 'close' };
}

/** An empty error response that keeps the connection's keep-alive headers, or closes it. */
function errorHeaders(headers: http.OutgoingHttpHeaders, options: { close?: boolean; retryAfter?: number }): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { 'content-length': 0 };
  if (options.close) out.connection = 'close';
  else if (headers['keep-alive'] !== undefined) out['keep-alive'] = headers['keep-alive'];
  if (options.retryAfter !== undefined) out['retry-after'] = String(Math.ceil(options.retryAfter / 1000));
  return out;
}

/**
 * idle_close and close_after_response may rewrite the `Keep-Alive` hint of keep-alive
 * responses: `hint: true` announces the fault's own time (whole seconds, rounded down, as the
 * header allows), `false` removes it; without `hint` the upstream's own stays. Header objects
 * are built once per (headers, fault), not per response.
 */
function keepAliveHintOverride(faults: Fault[]): (headers: http.OutgoingHttpHeaders, fault: Fault | undefined) => http.OutgoingHttpHeaders {
  const idleClose = faults.find((f): f is Extract<Fault, { type: 'idle_close' }> => f.type === 'idle_close' && f.hint !== undefined);
  const cache = new WeakMap<http.OutgoingHttpHeaders, Map<Fault, http.OutgoingHttpHeaders>>();
  return (headers, fault) => {
    const hinting = fault?.type === 'close_after_response' && fault.hint !== undefined ? fault : idleClose;
    if (hinting === undefined || headers.connection === 'close') return headers;
    let byFault = cache.get(headers);
    if (byFault === undefined) cache.set(headers, (byFault = new Map()));
    let rewritten = byFault.get(hinting);
    if (rewritten === undefined) {
      const { 'keep-alive': _, ...rest } = headers;
      const seconds = Math.floor((hinting.type === 'idle_close' ? hinting.trigger.idle! : hinting.delay) / 1000);
      rewritten = hinting.hint ? { ...rest, 'keep-alive': `timeout=${seconds}` } : rest;
      byFault.set(hinting, rewritten);
    }
    return rewritten;
  };
}
