/**
 * The pool under the microscope, for every client kind: each connection is followed from its
 * connect to its close (how long it took to open, how long it lived, how many requests it
 * carried, why it closed), and each request attempt from the moment the client was handed it to
 * the moment it went out on a connection (the acquire wait; fresh or reused; how long the
 * connection had sat idle). A kind only reports what it sees — a socket, the moment an attempt
 * leaves on it, the moment it settles — and the observer does the arithmetic once for all.
 *
 * Nothing here is kept per request: an attempt's state is the number `handed()` returns, held by
 * the caller, and a connection's state lives on the socket object and goes with it.
 */
import type { EventEmitter } from 'node:events';
import type { ClientConnectionCounts } from './types.js';
import type { Acquired } from '../load/types.js';

export type { Acquired } from '../load/types.js';

/**
 * Why a connection closed, as the client saw it — Envoy's destroy_remote / destroy_local, each
 * with or without an active request:
 * - `server-idle`: the server closed or reset it while no request was on it (the keep-alive race's setup);
 * - `server-in-flight`: the server closed or reset it with a request in flight;
 * - `client-idle`: the client closed it while idle, before the end (its own idle timeout, a pool shrinking);
 * - `client-in-flight`: the client destroyed it with a request in flight (a deadline, an abort);
 * - `client-end`: the client closed it when the variant ended;
 * - `errored`: another error ended it (TLS, a protocol error).
 * Attempts that never connected are counted apart (`ClientConnectionCounts.failed`).
 */
export const CLIENT_CLOSE_CAUSES = ['server-idle', 'server-in-flight', 'client-idle', 'client-in-flight', 'client-end', 'errored'] as const;
export type ClientCloseCause = (typeof CLIENT_CLOSE_CAUSES)[number];


/** What the observer reports; the runner's recorder implements it (metrics/recorder.ts). */
export interface PoolListener {
  /** A connection is up after `ms` (TCP, plus TLS for https). */
  connected(ms: number): void;
  /** An attempt went out on a connection. */
  acquired(attempt: Acquired): void;
  /** An attempt failed on the transport (not an abort): on a reused connection, the dead-socket rate's numerator. */
  attemptFailed(reused: boolean): void;
  /** A connection closed, after `lifetimeMs`, having carried `requests` attempts. */
  connectionClosed(lifetimeMs: number, requests: number, cause: ClientCloseCause): void;
}

export type AttemptOutcome = 'answered' | 'aborted' | 'transport-failure';

export const IGNORE_POOL: PoolListener = { connected() {}, acquired() {}, attemptFailed() {}, connectionClosed() {} };

/** A socket, a session or any connection object that emits `close` (and `end`, `error` when it can). */
export type ConnectionEvents = Pick<EventEmitter, 'once' | 'on'>;

const STATE = Symbol('poolbench.connection');

/** Kept on the connection object itself, so it goes when the connection goes. */
interface ConnectionState {
  openedAt: number;
  requests: number;
  inFlight: number;
  idleSince: number;
  /** The server ended (FIN) or reset the connection. */
  endedByServer: boolean;
  /** Another error before the close. */
  errored: boolean;
  closed: boolean;
  /** The client closes it because its load ended (an engine's drive), before the variant is over. */
  closingAtEnd: boolean;
  /**
   * A request was on the connection when it ended. Noted when the end is seen (the server's FIN or
   * reset), or when an attempt settles on a connection already destroyed: by the 'close' event the
   * client has often settled its requests already, and the connection would look idle.
   */
  endedInFlight: boolean;
}

type Observed = { [STATE]?: ConnectionState };

/** Error codes that mean the peer reset the connection. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/**
 * Errors a client destroys its own socket with when it closes it on purpose: undici's
 * InformationalError (its keep-alive timeout), a destroyed pool's error, its headers and body
 * timeouts (the client gives up on a request in flight), aborts.
 */
const CLIENT_CLOSE_CODES = new Set(['UND_ERR_INFO', 'UND_ERR_DESTROYED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'ABORT_ERR']);

const CLIENT_CLOSE = Symbol('poolbench.clientClose');

/**
 * Marks `error` as one the client destroys its own connection with on purpose (its deadline on a
 * request in flight): the close is the client's, not an error's, whatever the error's code says.
 */
export function clientClose<E extends object>(error: E): E {
  (error as { [CLIENT_CLOSE]?: true })[CLIENT_CLOSE] = true;
  return error;
}

export class PoolObserver {
  private readonly counts: ClientConnectionCounts = { opened: 0, closed: 0, failed: 0 };
  /** Set by `closing()`: from then on the client closes its connections itself. */
  private ending = false;

  constructor(private readonly listener: PoolListener) {}

  /** Follows a connection from its creation: opened at `readyEvent`, failed on an error before it. */
  follow(connection: ConnectionEvents, readyEvent: 'connect' | 'secureConnect'): void {
    const startedAt = performance.now();
    connection.once(readyEvent, () => this.connected(connection, startedAt));
    connection.once('error', () => {
      if (!this.isUp(connection)) this.failed();
    });
  }

  /** `connection` is up; `startedAt` (performance.now() when its connect began) times it, when known. */
  connected(connection: ConnectionEvents, startedAt?: number): void {
    const now = performance.now();
    const state: ConnectionState = { openedAt: now, requests: 0, inFlight: 0, idleSince: now, endedByServer: false, errored: false, closed: false, closingAtEnd: false, endedInFlight: false };
    (connection as Observed)[STATE] = state;
    this.counts.opened += 1;
    if (startedAt !== undefined) this.listener.connected(now - startedAt);
    connection.once('end', () => this.endedByServer(connection));
    connection.on('error', (error: { code?: string; [CLIENT_CLOSE]?: true }) => {
      const code = error?.code ?? '';
      if (RESET_CODES.has(code)) this.endedByServer(connection);
      else if (!CLIENT_CLOSE_CODES.has(code) && !error?.[CLIENT_CLOSE]) state.errored = true;
    });
    connection.once('close', () => this.ended(connection));
  }

  /**
   * The server ended `connection` (a FIN, a reset; for HTTP/2 also its GOAWAY): kinds whose
   * connections say so otherwise call this. `graceful`: the requests in flight may still finish
   * (HTTP/2's GOAWAY), so whether it closed under one is judged at its close, or when one fails.
   */
  endedByServer(connection: object, graceful = false): void {
    const state = (connection as Observed)[STATE];
    if (!state) return;
    state.endedByServer = true;
    if (state.inFlight > 0 && !graceful) state.endedInFlight = true;
  }

  /** `connection` is gone; called on its 'close', or by a kind that learns it otherwise. Counted once. */
  ended(connection: object): void {
    const state = (connection as Observed)[STATE];
    if (!state || state.closed) return;
    state.closed = true;
    this.counts.closed += 1;
    this.listener.connectionClosed(performance.now() - state.openedAt, state.requests, this.causeOf(state));
  }

  /** `connection` is up and followed: an attempt handed to it goes out now, not at its connect. */
  isUp(connection: object): boolean {
    return (connection as Observed)[STATE] !== undefined;
  }

  /** A connection attempt failed before it was up. */
  failed(): void {
    this.counts.failed += 1;
  }

  /** The client was handed an attempt: the start of its acquire wait. */
  handed(): number {
    return performance.now();
  }

  /** The attempt handed at `handedAt` goes out on `connection` now. */
  sent(connection: object, handedAt: number): Acquired {
    const state = (connection as Observed)[STATE];
    const now = performance.now();
    const reused = state !== undefined && state.requests > 0;
    const acquired = { waitMs: now - handedAt, reused, idleMs: reused && state.inFlight === 0 ? now - state.idleSince : 0 };
    if (state) carry(state);
    this.listener.acquired(acquired);
    return acquired;
  }

  /**
   * For kinds that put requests on their own connections and cannot say when each was handed
   * (autocannon pipelines on fixed connections): one more request on `connection`, counted for the
   * connection (requests carried, in flight) and reported as no attempt. Settle it as any other.
   */
  carried(connection: object): void {
    const state = (connection as Observed)[STATE];
    if (state) carry(state);
  }

  /**
   * The attempt sent on `connection` settled: answered (whatever the status), aborted (a deadline,
   * the end of the grace period) or failed on the transport.
   */
  settled(connection: object, acquired: Acquired, outcome: AttemptOutcome): void {
    const state = (connection as Observed)[STATE];
    if (state) {
      // A connection destroyed (or ended by the server: a FIN the client reacts to before the
      // observer hears of it) under an unanswered attempt ended with a request in flight.
      const { destroyed, readableEnded } = connection as { destroyed?: boolean; readableEnded?: boolean };
      if (outcome !== 'answered' && (destroyed || readableEnded)) state.endedInFlight = true;
      state.inFlight = Math.max(0, state.inFlight - 1);
      if (state.inFlight === 0) state.idleSince = performance.now();
    }
    if (outcome === 'transport-failure') this.listener.attemptFailed(acquired.reused);
  }

  /**
   * The variant is over: the connections that close from now on, the client closes. With a
   * `connection`: the client closes that one because its load ended (an engine's drive ends
   * while the variant goes on: a warm-up).
   */
  closing(connection?: object): void {
    if (connection === undefined) this.ending = true;
    else {
      const state = (connection as Observed)[STATE];
      if (state) state.closingAtEnd = true;
    }
  }

  /** True once the client closes its connections itself (`closing()` without a connection). */
  get isEnding(): boolean {
    return this.ending;
  }

  snapshot(): ClientConnectionCounts {
    return { ...this.counts };
  }

  private causeOf(state: ConnectionState): ClientCloseCause {
    const idle = state.inFlight === 0 && !state.endedInFlight;
    if (state.endedByServer) return idle ? 'server-idle' : 'server-in-flight';
    if (this.ending || state.closingAtEnd) return 'client-end';
    if (state.errored) return 'errored';
    return idle ? 'client-idle' : 'client-in-flight';
  }
}

/** One more request on the connection: carried, and in flight until it settles. */
function carry(state: ConnectionState): void {
  state.requests += 1;
  state.inFlight += 1;
}
