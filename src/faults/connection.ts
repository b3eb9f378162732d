/**
 * One accepted connection as the counting listener and the fault plan see it, whatever carries
 * it: the bundled upstream's HTTP connection or one passage through the fault proxy. Each
 * transport extends it with its own sockets.
 */
import type { Socket } from 'node:net';
import type { UpstreamCloseCause } from '../upstream/types.js';

/** Shared by every connection without idle faults: no array per connection. */
const NO_TIMERS: readonly NodeJS.Timeout[] = [];

/** What the fault plan keeps on a connection. */
export class ConnectionFaultState {
  /** Requests that arrived, for `trigger.nth`. */
  requests = 0;
  /** One timer per idle-moment fault, re-armed whenever the connection goes idle. */
  idleTimers: readonly NodeJS.Timeout[] = NO_TIMERS;
  /** A fault closes it shortly (a FIN on its way): requests arriving meanwhile are lost. */
  closing = false;
  /** Nothing is read or answered any more, and nothing closes it. */
  stalled = false;
  /** Beyond a conn_limit: never admitted (with action 503, every request gets 503 and the connection closes). */
  overLimit = false;
  /** HTTP/2: the session got its GOAWAY when a drain began; the streams it had then are served as usual. */
  drainedAtStart = false;
}

export class ServedConnection {
  /** The server decided to close it: a fault, a limit, a timeout (or, through the proxy, the target). */
  closedByServer = false;
  /** Why it closed, decided by the first side to close it (undefined while nobody has). */
  closeCause: UpstreamCloseCause | undefined = undefined;
  /** Its TCP socket has closed. */
  closed = false;
  /** Requests answered (responses started): what `requestsPerConnection` reports. */
  answered = 0;
  /** Requests arrived but not answered yet; the connection is idle only at 0. */
  requestsInProgress = 0;
  readonly faults = new ConnectionFaultState();

  /**
   * `tcpSocket` is the accepted socket: its `close` ends the connection's life for the counters.
   * `epoch` is the counter epoch at accept: connections from before the last reset stay out of
   * requestsPerConnection.
   */
  constructor(
    readonly tcpSocket: Socket,
    readonly epoch: number,
  ) {}

  /** The server decided to close it, for `cause`; a connection the client had left already keeps the client's cause. */
  closedForCause(cause: UpstreamCloseCause): void {
    this.closedByServer = true;
    this.closeCause ??= cause;
  }

  /** The client closed or reset it, unless the server was closing it already. */
  leftByClient(): void {
    // A stalled connection has a request the server will never answer, counted or not.
    this.closeCause ??= this.requestsInProgress > 0 || this.faults.stalled ? 'client-in-flight' : 'client-idle';
  }

  /** Carries HTTP/2: closing it gracefully is a GOAWAY, and its streams can be refused. */
  get multiplexed(): boolean {
    return false;
  }
}
