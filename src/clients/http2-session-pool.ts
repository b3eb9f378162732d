/**
 * node:http2 as a hand-made pool for one origin: at most `sessions` sessions (one connection
 * each), each carrying at most `maxStreamsPerSession` streams — fewer if the server's SETTINGS say
 * so. A request takes a stream on the first session with room, opens a new session while the pool
 * has fewer than `sessions`, and otherwise waits its turn. A new session takes streams only once
 * the server's SETTINGS have arrived: before, its stream limit is unknown, and streams beyond it
 * would be refused (RST_STREAM REFUSED_STREAM) rather than queued. A session that receives GOAWAY or
 * closes is retired: its streams in flight finish, new ones go to a new session.
 */
import http2 from 'node:http2';
import type { SecureClientSessionOptions } from 'node:http2';
import type { NodeHttp2Variant } from '../scenario/schema.js';
import type { ClientHttp2Counts, PoolState } from './types.js';
import type { PoolObserver } from './pool-observer.js';
import { PoolbenchError } from '../errors.js';
import { cancelledBeforeSending, onceStopped } from './cancel.js';

export interface Slot {
  readonly session: http2.ClientHttp2Session;
  /** Streams in flight on this session. */
  active: number;
  /** The session's connection is up (its 'connect' came). */
  connected: boolean;
  /** The server's SETTINGS have arrived, so its maxConcurrentStreams is known. */
  settled: boolean;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: unknown): void;
  /** The window's stop: once it aborts, the waiter is cancelled (clients/cancel.ts). */
  stop?: AbortSignal;
}

export class Http2SessionPool {
  /** Sessions that take new streams. */
  private readonly slots: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  /** Every session not yet gone, retired ones still carrying streams included. */
  private readonly allSessions = new Map<http2.ClientHttp2Session, Slot>();

  constructor(
    private readonly origin: string,
    private readonly variant: NodeHttp2Variant,
    private readonly tls: SecureClientSessionOptions,
    private readonly observer: PoolObserver,
    /** Shared by the client's pools: the figures are the client's. */
    private readonly http2Counts: ClientHttp2Counts,
  ) {}

  /** Requests waiting for a stream. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Sessions connected and not yet gone (retired ones finishing their streams too), by whether a stream is on them; waiters pending. */
  get state(): PoolState {
    let connected = 0;
    let busy = 0;
    for (const slot of this.allSessions.values()) {
      if (!slot.connected || slot.session.destroyed) continue;
      connected += 1;
      if (slot.active > 0) busy += 1;
    }
    return { connected, idle: connected - busy, busy, pending: this.waiting };
  }

  /** A session with room for one more stream, waiting for one if need be. */
  acquire(signal: AbortSignal, stop?: AbortSignal): Promise<Slot> {
    const slot = this.takeStream();
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
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (stop) onceStopped(stop, this.waiters, () => this.cancelWaiters(stop));
      this.waiters.push(waiter);
    });
  }

  release(slot: Slot): void {
    slot.active -= 1;
    this.serveWaiters();
  }

  async close(): Promise<void> {
    this.failWaiters(new Error('the client was closed'));
    // A destroyed session may never emit 'close' (see watchEnd).
    const sessions = [...this.allSessions.keys()];
    const closed = sessions.filter((session) => !session.destroyed).map((session) => new Promise((resolve) => session.once('close', resolve)));
    for (const session of sessions) session.destroy();
    await Promise.all(closed);
    // Counted closed once each, those that never said so included.
    for (const session of sessions) this.observer.ended(session);
  }

  private streamLimit(slot: Slot): number {
    if (!slot.settled) return 0;
    return Math.min(this.variant.maxStreamsPerSession, slot.session.remoteSettings.maxConcurrentStreams ?? Infinity);
  }

  private openSession(): void {
    const startedAt = performance.now();
    const session = http2.connect(this.origin, this.tls);
    const slot: Slot = { session, active: 0, connected: false, settled: false };
    this.allSessions.set(session, slot);
    session.once('connect', () => {
      slot.connected = true;
      this.observer.connected(session, startedAt);
      this.http2Counts.sessionsOpened += 1;
    });
    session.on('goaway', () => {
      this.http2Counts.goawaysReceived += 1;
      // Its streams in flight may still finish: closed under one only if one fails.
      this.observer.endedByServer(session, true);
      this.retire(slot);
    });
    session.on('remoteSettings', () => {
      slot.settled = true;
      this.serveWaiters();
    });
    this.watchEnd(slot);
    this.slots.push(slot);
  }

  /**
   * How a session ends. Stream errors reach the stream's own request; a session error only
   * retires the session, except one before it connected (or before the server's SETTINGS): the
   * requests waiting for it fail, as undici's would, rather than open session after session
   * against a server that refuses them.
   */
  private watchEnd(slot: Slot): void {
    const { session } = slot;
    let sessionError: unknown;
    session.on('error', (error) => {
      sessionError = error;
      if (!slot.connected) {
        this.observer.failed();
        this.failWaiters(error);
      }
    });
    let gone = false;
    const forget = () => {
      if (gone) return;
      gone = true;
      this.observer.ended(session);
      this.allSessions.delete(session);
      // Closed before the server's SETTINGS (a server that does not speak HTTP/2).
      if (slot.connected && !slot.settled) {
        this.failWaiters(sessionError ?? new PoolbenchError("the HTTP/2 session closed before the server's SETTINGS arrived: does the server speak HTTP/2?", { code: 'ERR_HTTP2_SESSION_CLOSED' }));
      }
      this.retire(slot);
    };
    session.once('close', forget);
    // The server's FIN: the session closes with its socket (a reset comes as the session's ECONNRESET).
    session.socket.once('end', () => this.observer.endedByServer(session));
    // A server that rejects the handshake after the client finished its side (TLS 1.3: no client
    // certificate) fails the socket after 'connect', and Node destroys the session without
    // 'error' or 'close': seen on the socket, it fails the waiting requests like a refused connect
    // (the connection counts as opened and closed: its side of the handshake completed).
    session.socket.once('error', (error) => {
      if (slot.settled) return;
      this.failWaiters(error);
      forget();
    });
  }

  private retire(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    this.serveWaiters();
  }

  /**
   * A session with room for one more stream; undefined when there is none yet, after opening a
   * session if every open one is full and the pool may grow (it takes streams once settled).
   */
  private takeStream(): Slot | undefined {
    const slot = this.slots.find((s) => s.active < this.streamLimit(s));
    if (slot === undefined) {
      const opening = this.slots.some((s) => !s.settled);
      if (!opening && this.slots.length < this.variant.sessions) this.openSession();
      return undefined;
    }
    slot.active += 1;
    if (slot.active > this.http2Counts.peakStreamsPerSession) this.http2Counts.peakStreamsPerSession = slot.active;
    return slot;
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0) {
      const slot = this.takeStream();
      if (slot === undefined) return;
      this.waiters.shift()!.resolve(slot);
    }
  }

  private cancelWaiters(stop: AbortSignal): void {
    for (const waiter of this.waiters.filter((w) => w.stop === stop)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.reject(cancelledBeforeSending());
    }
  }

  private failWaiters(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
