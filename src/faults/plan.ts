/**
 * The fault plan: which fault strikes which connection, and when — at accept (admission
 * included), on a request, after an idle time, or for a window of the run — and what each
 * fault did (the counts). It is the same for the bundled upstream and the fault proxy; what a
 * fault does to the bytes is theirs, through `FaultActions`.
 *
 * Two rules that the upstream and the proxy once applied differently, settled here once:
 * - Closing is counted once per connection: a connection already closed, or already being
 *   closed by the server (a FIN on its way, a GOAWAY sent, the target gone), is left alone
 *   and not counted again. A fault that finds nothing to close closed nothing, and a connection
 *   two faults strike (an idle reset, then a refuse window) is one connection closed.
 * - Admission comes first, and a connection beyond a conn_limit is never admitted: it stops
 *   counting towards `max` at once, not when it has finished closing. Otherwise connections
 *   still closing after a burst would keep later ones out below the limit. The proxy applies
 *   admission before it opens a connection to its target.
 */
import { faultMoment, type Fault, type FaultType } from '../scenario/schema.js';
import type { FaultCount } from '../upstream/types.js';
import type { ServedConnection } from './connection.js';
import { FaultCounter, FaultTimeline, strikes } from './trigger.js';

/** What a transport does when a fault strikes. */
export interface FaultActions<C extends ServedConnection> {
  /** RST: the connection is destroyed at once. */
  reset(connection: C): void;
  /** FIN, once pending writes are out. */
  finish(connection: C): void;
  /** HTTP/2 GOAWAY: no new streams, the session ends once its streams have (multiplexed connections only). */
  goaway(connection: C): void;
  /** Stops reading and answering without closing. */
  stall(connection: C): void;
  /** New connections are refused by the kernel until `bringListenerBack`. */
  takeListenerDown(): void;
  bringListenerBack(): void;
  /** tls_cost: this connection's handshake is a full one, and costs `extraDelay` ms more (a no-op without TLS). */
  fullHandshake(connection: C, extraDelay: number): void;
}

/** How a fault closes a connection; `graceful` is a GOAWAY on HTTP/2 and a FIN otherwise. */
export type CloseHow = 'rst' | 'fin' | 'graceful';

/** Over a conn_limit with action 503, or draining: the status a response gets before its connection closes. */
export interface ClosingAnswer {
  type: 'conn_limit' | 'drain';
  status: number;
}

export class FaultPlan<C extends ServedConnection> {
  private readonly timeline = new FaultTimeline();
  private readonly counter = new FaultCounter();
  private readonly acceptFaults: Fault[];
  private readonly requestFaults: Fault[];
  private readonly idleFaults: Fault[];
  private readonly drainStatus: number;
  /** Connections admitted and still open (conn_limit). */
  private admitted = 0;
  private draining = false;

  /**
   * `open` is the transport's registry of open connections (refuse and drain act on all of
   * them). `rtt` is the simulated round trip: an idle close reaches the client half of it later.
   */
  constructor(
    private readonly faults: readonly Fault[],
    private readonly actions: FaultActions<C>,
    private readonly open: ReadonlySet<C>,
    private readonly rtt = 0,
  ) {
    const byMoment = (moment: string) => faults.filter((fault) => faultMoment(fault) === moment);
    this.acceptFaults = byMoment('accept');
    this.requestFaults = byMoment('request');
    this.idleFaults = byMoment('idle');
    this.drainStatus = faults.find((f): f is Extract<Fault, { type: 'drain' }> => f.type === 'drain')?.status ?? 503;
    for (const fault of faults) {
      if (fault.type === 'drain') this.timeline.onWindow(fault.trigger, () => this.startDrain(), () => (this.draining = false));
      if (fault.type === 'refuse') this.timeline.onWindow(fault.trigger, () => this.startRefusing(fault), () => actions.bringListenerBack());
    }
    this.timeline.restart();
  }

  /**
   * A connection was accepted (and registered): admission, then the accept faults. False when a
   * fault closed or stalled it; a connection over a conn_limit with action 503 goes on, to be
   * answered 503 (`closingAnswer`).
   */
  admit(connection: C): boolean {
    // Most runs have no idle fault: no timers and no array per connection then.
    if (this.idleFaults.length > 0) connection.faults.idleTimers = this.idleFaults.map((fault) => setTimeout(() => this.onIdle(connection, fault), fault.trigger.idle).unref());
    this.admitted++;
    for (const fault of this.acceptFaults) {
      if (fault.type === 'conn_limit') {
        if (this.admitted <= fault.max || !strikes(fault.trigger, this.timeline)) continue;
        this.struck(fault);
        connection.faults.overLimit = true;
        this.admitted--;
        if (fault.action === '503') return true;
        this.close(connection, fault.type, fault.action === 'reset' ? 'rst' : 'fin');
        return false;
      }
      if (!strikes(fault.trigger, this.timeline)) continue;
      this.struck(fault);
      if (fault.type === 'tls_cost') {
        this.actions.fullHandshake(connection, fault.handshakeDelay);
        continue;
      }
      if (fault.type === 'reset') this.close(connection, fault.type, 'rst');
      else this.stall(connection);
      return false;
    }
    return true;
  }

  /** The connection closed: its idle timers go, and an admitted one frees its place. */
  forget(connection: C): void {
    for (const timer of connection.faults.idleTimers) clearTimeout(timer);
    if (!connection.faults.overLimit) this.admitted--;
  }

  /**
   * A request arrived. `lost` when the connection is on its way out or stalled (nobody will
   * answer); else the request fault that strikes it (counted, for the transport to apply), or
   * undefined.
   */
  onRequest(connection: C): Fault | 'lost' | undefined {
    const state = connection.faults;
    state.requests++;
    if (state.closing || state.stalled) return 'lost';
    for (const fault of this.requestFaults) {
      // Not on the h2 upstream's http/1.1 fallback connections, which have no streams to refuse.
      if (fault.type === 'h2_refuse_stream' && !connection.multiplexed) continue;
      if (!strikes(fault.trigger, this.timeline, state.requests)) continue;
      this.struck(fault);
      return fault;
    }
    return undefined;
  }

  /** The connection went idle: its idle faults count from now. */
  wentIdle(connection: C): void {
    for (const timer of connection.faults.idleTimers) timer.refresh();
  }

  /** Closes the connection for `type`, counted once (see the head of this file). */
  close(connection: C, type: FaultType, how: CloseHow): void {
    if (!this.countClose(connection, type)) return;
    if (how === 'rst') this.actions.reset(connection);
    else if (how === 'graceful' && connection.multiplexed) this.actions.goaway(connection);
    else this.actions.finish(connection);
  }

  /** Closes the connection for `type` after `delay` ms; requests arriving meanwhile are lost. */
  closeLater(connection: C, type: FaultType, how: CloseHow, delay: number): void {
    connection.faults.closing = true;
    setTimeout(() => this.close(connection, type, how), delay).unref();
  }

  /** The response itself closes the connection (`Connection: close`): counted as `type`'s close. */
  closedByResponse(connection: C, type: FaultType): void {
    this.countClose(connection, type);
  }

  /** Counts `connection`'s close as `type`'s, once: false when it is closed or closing already (e.g. its last response under keepAlive.maxRequests). */
  private countClose(connection: C, type: FaultType): boolean {
    if (connection.closed || connection.closedByServer) return false;
    connection.closedForCause('fault');
    this.counter.of(type).connectionsClosed++;
    return true;
  }

  stall(connection: C): void {
    connection.faults.stalled = true;
    this.actions.stall(connection);
  }

  /** Over a conn_limit with action 503, or draining (counted as a drain strike): the answer's status; else undefined. */
  closingAnswer(connection: C): ClosingAnswer | undefined {
    if (connection.faults.overLimit) return { type: 'conn_limit', status: 503 };
    // A session that got GOAWAY when the drain began serves the streams it had as usual.
    if (!this.draining || connection.faults.drainedAtStart) return undefined;
    this.counter.of('drain').struck++;
    return { type: 'drain', status: this.drainStatus };
  }

  /** Zeroes the counts and restarts the windows from now (the start of a measured window). */
  restart(): void {
    this.counter.reset();
    this.timeline.restart();
  }

  counters(): Partial<Record<FaultType, FaultCount>> {
    return this.counter.snapshot(this.faults);
  }

  /** Clears every timer and ends open windows; the server is closing. */
  stop(): void {
    this.timeline.stop();
  }

  private struck(fault: Fault): void {
    this.counter.of(fault.type).struck++;
  }

  private onIdle(connection: C, fault: Fault): void {
    // Busy when the timer fired: it is re-armed when the connection next goes idle.
    if (connection.closed || connection.faults.stalled || connection.requestsInProgress > 0 || !strikes(fault.trigger, this.timeline)) return;
    this.struck(fault);
    if (fault.type === 'stall') return this.stall(connection);
    const how = fault.type === 'reset' ? 'rst' : 'fin';
    if (this.rtt === 0) return this.close(connection, fault.type, how);
    // On a real network the FIN takes half a round trip to reach the client, and a request the
    // client sends meanwhile reaches a closed socket: the keep-alive race.
    this.closeLater(connection, fault.type, how, this.rtt / 2);
  }

  private startDrain(): void {
    this.draining = true;
    for (const connection of this.open) {
      // HTTP/2 sessions get GOAWAY at once, busy or not; busy HTTP/1.1 connections close after
      // their response (it carries `Connection: close`).
      if (connection.multiplexed) connection.faults.drainedAtStart = true;
      if (connection.multiplexed || connection.requestsInProgress === 0) this.close(connection, 'drain', 'graceful');
    }
  }

  private startRefusing(fault: Fault): void {
    this.struck(fault);
    this.actions.takeListenerDown();
    for (const connection of this.open) this.close(connection, 'refuse', 'fin');
  }
}
