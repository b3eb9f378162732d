/**
 * The faults the bundled upstream applies as HTTP: what a request fault does to the request it
 * strikes, and how the active faults change a response. When a fault strikes is the fault
 * plan's (src/faults/plan.ts); this is what it does on the wire.
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
import type http from 'node:http';
import http2 from 'node:http2';
import type { Fault, UpstreamConfig } from '../scenario/schema.js';
import type { ClosingAnswer, FaultPlan } from '../faults/plan.js';
import type { UpstreamConnection } from './connection.js';

/** HTTP/1.1 requests and HTTP/2 streams (node's compatibility API) alike. */
export type Request = http.IncomingMessage | http2.Http2ServerRequest;
export type Reply = http.ServerResponse | http2.Http2ServerResponse;

/** Bytes that no HTTP parser accepts as a status line. */
const MALFORMED = Buffer.from('XTTP/1.1 2OO OK\r\nContent-Length: banana\r\n\r\n');
/** Body length a truncated response claims when the upstream's body is empty. */
const TRUNCATE_MIN_LENGTH = 1024;

export class HttpFaults {
  /** Responses a request fault will change, decided when their request arrived. */
  private readonly responseFaults = new WeakMap<Reply, Fault>();
  private readonly hintOverride: ReturnType<typeof keepAliveHintOverride>;

  constructor(
    private readonly config: UpstreamConfig,
    private readonly plan: FaultPlan<UpstreamConnection>,
  ) {
    this.hintOverride = keepAliveHintOverride(config.faults);
  }

  /** A request arrived; true when a fault took it over and the server must not answer it. */
  onRequest(connection: UpstreamConnection, req: Request, res: Reply): boolean {
    const fault = this.plan.onRequest(connection);
    if (fault === undefined) return false;
    // Lost: the connection is on its way out or stalled.
    if (fault === 'lost') return true;
    switch (fault.type) {
      case 'reset':
        this.plan.close(connection, fault.type, 'rst');
        return true;
      case 'empty_response':
        if (connection.session !== undefined) resetStream(res, http2.constants.NGHTTP2_INTERNAL_ERROR);
        else this.plan.close(connection, fault.type, 'fin');
        return true;
      case 'h2_refuse_stream':
        resetStream(res, http2.constants.NGHTTP2_REFUSED_STREAM);
        return true;
      case 'malformed':
        connection.httpSocket?.write(MALFORMED);
        this.plan.close(connection, fault.type, 'fin');
        return true;
      case 'truncate':
        this.truncate(connection, res);
        return true;
      case 'hang':
        req.resume(); // reads the request, as a stuck handler would
        return true;
      case 'stall':
        this.plan.stall(connection);
        return true;
      default:
        this.responseFaults.set(res, fault); // http_error, close_after_response: see respond()
        return false;
    }
  }

  /** Writes the response the server would send, as the active faults change it. */
  respond(connection: UpstreamConnection, res: Reply, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
    const state = connection.faults;
    if (state.stalled || state.closing) return;
    const fault = this.responseFaults.get(res);
    const closing = this.plan.closingAnswer(connection);
    if (closing) this.sendClosing(connection, closing, res, headers, body);
    else if (fault?.type === 'http_error') send(res, fault.status, errorHeaders(headers, { retryAfter: fault.retryAfter }), undefined);
    // HTTP/2 has no Keep-Alive hint to rewrite.
    else send(res, status, connection.session ? headers : this.hintOverride(headers, fault), body);
    if (fault?.type === 'close_after_response') return this.plan.closeLater(connection, fault.type, 'fin', fault.delay);
    if (connection.requestsInProgress === 0) this.plan.wentIdle(connection);
  }

  /** The headers and half of the body; HTTP/2 then resets the stream, HTTP/1.1 closes the connection. */
  private truncate(connection: UpstreamConnection, res: Reply): void {
    const length = Math.max(this.config.response.bodySize, TRUNCATE_MIN_LENGTH);
    res.writeHead(this.config.response.status, { 'content-length': length });
    const half = Buffer.alloc(Math.floor(length / 2), 'x');
    if (connection.session !== undefined) (res as http2.Http2ServerResponse).write(half, () => resetStream(res, http2.constants.NGHTTP2_INTERNAL_ERROR));
    else {
      (res as http.ServerResponse).write(half);
      this.plan.close(connection, 'truncate', 'fin');
    }
  }

  /**
   * Over a conn_limit with action 503, or draining: the closing status, then the connection goes.
   * HTTP/1.1 says `Connection: close` (node:http then ends the connection); HTTP/2 sends GOAWAY.
   */
  private sendClosing(connection: UpstreamConnection, { type, status }: ClosingAnswer, res: Reply, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
    const { session } = connection;
    if (status < 300) send(res, status, session ? headers : closingHeaders(headers), body);
    else send(res, status, errorHeaders(headers, { close: !session }), undefined);
    if (session === undefined) this.plan.closedByResponse(connection, type);
    // GOAWAY once the response is out, as `Connection: close` comes with it: a GOAWAY that
    // overtakes the end of the stream makes undici 7 fail the stream it has just been answered on.
    else (res as http2.Http2ServerResponse).stream.once('close', () => this.plan.close(connection, type, 'graceful'));
  }
}

/** Writes a whole response. */
export function send(res: Reply, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | undefined): void {
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
