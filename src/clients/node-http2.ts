/**
 * node:http2 as a hand-made pool: at most `sessions` sessions (one connection each), each
 * carrying at most `maxStreamsPerSession` streams — fewer if the server's SETTINGS say so.
 * A request takes a stream on the first session with room, opens a new session while the pool
 * has fewer than `sessions`, and otherwise waits its turn. A new session takes streams only once
 * the server's SETTINGS have arrived: before, its stream limit is unknown, and streams beyond it
 * would be refused (RST_STREAM REFUSED_STREAM) rather than queued. A session that receives GOAWAY or
 * closes is retired: its streams in flight finish, new ones go to a new session.
 */
import http2 from 'node:http2';
import type { NodeHttp2Variant } from '../scenario/schema.js';
import type { ClientFactory, ClientConnectionCounts, ClientHttp2Counts, Response } from './types.js';
import { drainBody } from './drain.js';
import { PoolbenchError } from '../errors.js';
import { cancelledBeforeSending, onceStopped } from './cancel.js';
import { tlsOptions } from './tls.js';

interface Slot {
  readonly session: http2.ClientHttp2Session;
  /** Streams in flight on this session. */
  active: number;
  /** The server's SETTINGS have arrived, so its maxConcurrentStreams is known. */
  settled: boolean;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: unknown): void;
  /** The window's stop: once it aborts, the waiter is cancelled (clients/cancel.ts). */
  stop?: AbortSignal;
}

export const createNodeHttp2Client: ClientFactory<NodeHttp2Variant> = (variant, target, onConnect) => {
  const counts: ClientConnectionCounts = { opened: 0, closed: 0, failed: 0 };
  const http2Counts: ClientHttp2Counts = { sessionsOpened: 0, goawaysReceived: 0, peakStreamsPerSession: 0 };
  /** Sessions that take new streams. */
  const slots: Slot[] = [];
  const waiters: Waiter[] = [];
  const allSessions = new Set<http2.ClientHttp2Session>();

  function streamLimit(slot: Slot): number {
    if (!slot.settled) return 0;
    return Math.min(variant.maxStreamsPerSession, slot.session.remoteSettings.maxConcurrentStreams ?? Infinity);
  }

  function openSession(): Slot {
    const startedAt = performance.now();
    const session = http2.connect(target.origin, tlsOptions(target));
    const slot: Slot = { session, active: 0, settled: false };
    let connected = false;
    allSessions.add(session);
    session.once('connect', () => {
      connected = true;
      counts.opened += 1;
      http2Counts.sessionsOpened += 1;
      onConnect(performance.now() - startedAt);
    });
    session.on('goaway', () => {
      http2Counts.goawaysReceived += 1;
      retire(slot);
    });
    // Stream errors reach the stream's own request; a session error only retires the session,
    // except one before it connected: the requests waiting for it fail, as undici's would,
    // rather than open session after session against a server that refuses them.
    let sessionError: unknown;
    session.on('error', (error) => {
      sessionError = error;
      if (connected) return;
      counts.failed += 1;
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    });
    let gone = false;
    const forget = () => {
      if (gone) return;
      gone = true;
      if (connected) counts.closed += 1;
      allSessions.delete(session);
      // Closed before the server's SETTINGS (a server that does not speak HTTP/2): the waiting
      // requests fail, as after a refused connection, instead of opening session after session.
      if (connected && !slot.settled) {
        const error = sessionError ?? new PoolbenchError('the HTTP/2 session closed before the server\'s SETTINGS arrived: does the server speak HTTP/2?', { code: 'ERR_HTTP2_SESSION_CLOSED' });
        for (const waiter of waiters.splice(0)) waiter.reject(error);
      }
      retire(slot);
    };
    session.once('close', forget);
    // A server that rejects the handshake after the client finished its side (TLS 1.3: no client
    // certificate) fails the socket after 'connect', and Node destroys the session without
    // 'error' or 'close': seen on the socket, it fails the waiting requests like a refused connect
    // (the connection counts as opened and closed: its side of the handshake completed).
    session.socket.once('error', (error) => {
      if (slot.settled) return;
      for (const waiter of waiters.splice(0)) waiter.reject(error);
      forget();
    });
    session.on('remoteSettings', () => {
      slot.settled = true;
      serveWaiters();
    });
    slots.push(slot);
    return slot;
  }

  function retire(slot: Slot): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    serveWaiters();
  }

  /**
   * A session with room for one more stream; undefined when there is none yet, after opening a
   * session if every open one is full and the pool may grow (it takes streams once settled).
   */
  function takeStream(): Slot | undefined {
    const slot = slots.find((s) => s.active < streamLimit(s));
    if (slot === undefined) {
      const opening = slots.some((s) => !s.settled);
      if (!opening && slots.length < variant.sessions) openSession();
      return undefined;
    }
    slot.active += 1;
    if (slot.active > http2Counts.peakStreamsPerSession) http2Counts.peakStreamsPerSession = slot.active;
    return slot;
  }

  function serveWaiters(): void {
    while (waiters.length > 0) {
      const slot = takeStream();
      if (slot === undefined) return;
      waiters.shift()!.resolve(slot);
    }
  }

  function cancelWaiters(stop: AbortSignal): void {
    for (const waiter of waiters.filter((w) => w.stop === stop)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.reject(cancelledBeforeSending());
    }
  }

  function acquire(signal: AbortSignal, stop?: AbortSignal): Promise<Slot> {
    const slot = takeStream();
    if (slot !== undefined) return Promise.resolve(slot);
    // After the stop (a retry), a request that would have to wait is not sent.
    if (stop?.aborted) return Promise.reject(cancelledBeforeSending());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (s) => {
          signal.removeEventListener('abort', onAbort);
          resolve(s);
        },
        // Taken off the queue by whoever rejects it: the abort must not take another waiter off.
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
        stop,
      };
      const onAbort = () => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (stop) onceStopped(stop, waiters, () => cancelWaiters(stop));
      waiters.push(waiter);
    });
  }

  function release(slot: Slot): void {
    slot.active -= 1;
    serveWaiters();
  }

  const { method, headers, body } = target.request;
  const requestHeaders = { ...headers, ':method': method };

  function request(session: http2.ClientHttp2Session, path: string, signal: AbortSignal): Promise<Response> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ...requestHeaders, ':path': path }, { signal, endStream: body === undefined });
      let status = 0;
      stream.once('response', (responseHeaders) => {
        status = Number(responseHeaders[':status']);
      });
      drainBody(stream).then((bytes) => (status === 0 ? reject(closedWithoutResponse()) : resolve({ status, bytes })), reject);
      if (body !== undefined) stream.end(body);
    });
  }

  return {
    library: `node:http2 ${process.version}`,
    async send(path, signal, stop) {
      const slot = await acquire(signal, stop);
      try {
        return await request(slot.session, path, signal);
      } finally {
        release(slot);
      }
    },
    connections: () => ({ ...counts }),
    waiting: () => waiters.length,
    http2: () => ({ ...http2Counts }),
    async close() {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('the client was closed'));
      // A destroyed session may never emit 'close' (see openSession).
      const closed = [...allSessions].filter((session) => !session.destroyed).map((session) => new Promise((resolve) => session.once('close', resolve)));
      for (const session of allSessions) session.destroy();
      await Promise.all(closed);
    },
  };
};

/**
 * A stream that ended without response headers: its connection closed under it (a FIN). Named
 * as node:http names the same thing on HTTP/1.1 ("socket hang up"), so retries treat both alike.
 */
function closedWithoutResponse(): PoolbenchError {
  return new PoolbenchError('socket hang up: the connection closed before the response', { code: 'ECONNRESET' });
}
