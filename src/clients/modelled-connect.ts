/**
 * The bundled upstream's network model on the client's side of a connection: a fresh connection
 * is handed to the client library only once its setup round trips have passed — one for TCP
 * before the connection is made (for TLS: before its real handshake starts), then the TLS
 * handshake's (upstream/network-model.ts) once it is done, resumed or not (node:http2: all of
 * them before it connects, see modelledHttp2Connection). The client's connect
 * time is then the modelled handshake plus the loopback cost, and the upstream, told so
 * (`setupModelledByClients`), does not charge it to the connection's first request again.
 * undici (and fetch's global dispatcher) takes a connector with a callback; node:http's agent and
 * node:http2 take a socket returned at once, whose events are held back instead.
 */
import type { Socket } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import type http2 from 'node:http2';
import { Agent, buildConnector, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { roundTrip, tlsRoundTrips, type NetworkModel } from '../upstream/network-model.js';

/** undici's connector, connecting one round trip late and calling back once TLS's round trips have passed too. */
export function modelledConnector(connector: buildConnector.connector, model: NetworkModel | undefined): buildConnector.connector {
  if (model === undefined) return connector;
  return (options, callback) => {
    const done = callback as (error: Error | null, socket: Socket | null) => void;
    setTimeout(() => connector(options, (error, socket) => {
      if (error || !(socket instanceof tls.TLSSocket)) return done(error, socket);
      setTimeout(() => (socket.destroyed ? done(closedDuringSetup(), null) : done(null, socket)), tlsSetup(socket.isSessionReused(), model));
    }), roundTrip(model));
  };
}

/**
 * fetch's global dispatcher replaced, while the client lives, by a default Agent whose connector
 * models the setup (the global dispatcher has no connector to wrap); returns what puts the previous
 * one back and closes this one. Nothing is replaced without a model.
 */
export function modelledGlobalDispatcher(model: NetworkModel | undefined): () => Promise<void> {
  if (model === undefined) return async () => {};
  const previous = getGlobalDispatcher();
  const modelled = new Agent({ connect: modelledConnector(buildConnector({}), model) });
  setGlobalDispatcher(modelled);
  return async () => {
    setGlobalDispatcher(previous);
    await modelled.destroy();
  };
}

/**
 * A socket just created for node:http's agent: its 'connect' (and 'ready') are held back one
 * round trip, which for TLS also holds back the handshake (node:tls starts it on 'connect'), and
 * its 'secureConnect' the handshake's round trips. What the client writes meanwhile waits, corked,
 * and what arrives waits, paused, so its first request leaves only once the setup is over.
 */
export function modelSetup<S extends Socket>(socket: S, model: NetworkModel | undefined): S {
  if (model === undefined) return socket;
  const handOver = holdData(socket);
  if (!(socket instanceof tls.TLSSocket)) {
    holdEvents(socket, ['connect', 'ready'], () => roundTrip(model), handOver);
    return socket;
  }
  holdEvents(socket, ['connect', 'ready'], () => roundTrip(model));
  holdEvents(socket, ['secureConnect'], () => tlsSetup(socket.isSessionReused(), model), handOver);
  return socket;
}

/**
 * node:http2's `createConnection`, as http2.connect connects by default, with the setup modelled
 * (none without a model). node:http2 reads what the socket buffered before its session took it
 * over as garbage, and the server speaks first once TLS is up, so the whole setup is modelled
 * before the socket connects: TCP's round trip and a full TLS handshake's (node:http2 offers no
 * session to resume).
 */
export function modelledHttp2Connection(model: NetworkModel | undefined): Pick<http2.SecureClientSessionOptions, 'createConnection'> {
  if (model === undefined) return {};
  return {
    createConnection: (authority: URL, options: http2.SecureClientSessionOptions) => {
      const host = authority.hostname.replace(/^\[|\]$/g, '');
      if (authority.protocol === 'http:') return holdConnect(net.connect({ ...options, host, port: Number(authority.port) || 80 } as net.NetConnectOpts), () => roundTrip(model));
      const servername = options.servername ?? (net.isIP(host) ? undefined : host);
      const socket = tls.connect({ ...options, host, port: Number(authority.port) || 443, ALPNProtocols: ['h2'], ...(servername !== undefined && { servername }) } as tls.ConnectionOptions);
      return holdConnect(socket, () => roundTrip(model) + tlsSetup(false, model));
    },
  };
}

/** Holds `socket`'s 'connect' (and 'ready') back for `delay()` ms, and what it reads and writes until then. */
function holdConnect<S extends Socket>(socket: S, delay: () => number): S {
  holdEvents(socket, ['connect', 'ready'], delay, holdData(socket));
  return socket;
}

/** Corks and pauses `socket`; returns what lets its data flow again. */
function holdData(socket: Socket): () => void {
  socket.cork();
  socket.pause();
  return () => {
    socket.uncork();
    socket.resume();
  };
}

/** ms of the round trips of a TLS handshake with the upstream, `resumed` or full. */
function tlsSetup(resumed: boolean, model: NetworkModel): number {
  let ms = 0;
  for (let trips = tlsRoundTrips(resumed, model.tlsVersion); trips > 0; trips--) ms += roundTrip(model);
  return ms;
}

/**
 * Holds back `events` from the first of them for `delay()` ms, then emits them in order and calls
 * `release`. A socket destroyed meanwhile emits none of them (its 'error' and 'close' pass). The
 * socket's own `emit` is put back once released, unless another hold wrapped this one since.
 */
function holdEvents(socket: Socket, events: string[], delay: () => number, release?: () => void): void {
  const emit = socket.emit as (this: Socket, ...eventAndArgs: unknown[]) => boolean;
  let held: unknown[][] | undefined;
  let released = false;
  const holding = function (this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (released || typeof event !== 'string' || !events.includes(event)) return emit.call(this, event, ...args);
    if (held !== undefined) return held.push([event, ...args]) > 0;
    held = [[event, ...args]];
    setTimeout(() => {
      released = true;
      if (socket.emit === holding) socket.emit = emit as Socket['emit'];
      if (socket.destroyed) return;
      for (const eventAndArgs of held!) emit.apply(socket, eventAndArgs);
      release?.();
    }, delay());
    return true;
  } as Socket['emit'];
  socket.emit = holding;
}

function closedDuringSetup(): Error {
  return Object.assign(new Error('socket closed during the modelled connection setup'), { code: 'ECONNRESET' });
}
