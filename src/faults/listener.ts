/**
 * The counting listener: what the bundled upstream and the fault proxy share as servers. It
 * listens, keeps the one registry of open connections, counts them (`UpstreamCounters`, from
 * the client's side), holds the fault plan, and takes the listener down and back for `refuse`.
 * A subclass accepts connections (`accept`) and implements what faults do to them (the rest
 * of `FaultActions`); the counters and the reset/close lifecycle are the same for both.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Fault } from '../scenario/schema.js';
import type { UpstreamCounters } from '../upstream/types.js';
import { zeroCloses } from '../upstream/counters.js';
import type { ServedConnection } from './connection.js';
import { FaultPlan, type FaultActions } from './plan.js';
import { RequestsPerConnection } from './requests-per-connection.js';

type ConnectionCounts = Omit<UpstreamCounters, 'openConnections' | 'requestsPerConnection' | 'faults' | 'peakInFlightPerConnection' | 'http2' | 'requestsByWorker'>;

export abstract class CountingListener<C extends ServedConnection> {
  /** Open connections, from accept to the close of their TCP socket. */
  protected readonly connections = new Set<C>();
  protected readonly plan: FaultPlan<C>;
  protected counts = zeroCounts();
  /** Bumped by every reset: connections accepted before it stay out of requestsPerConnection. */
  protected epoch = 0;
  private requestsPerConnection = new RequestsPerConnection();
  /** close() was called: a refuse window that ends now must not listen again. */
  private closing = false;
  private bringBack: (() => void) | undefined;

  /** `rtt`: the simulated round trip, for the faults that close an idle connection. */
  constructor(
    protected readonly server: Server,
    private readonly faultList: readonly Fault[],
    rtt = 0,
  ) {
    const actions: FaultActions<C> = {
      reset: (connection) => this.reset(connection),
      finish: (connection) => this.finish(connection),
      goaway: (connection) => this.goaway(connection),
      stall: (connection) => this.stall(connection),
      fullHandshake: (connection, extraDelay) => this.fullHandshake(connection, extraDelay),
      takeListenerDown: () => this.takeListenerDown(),
      bringListenerBack: () => this.bringListenerBack(),
    };
    this.plan = new FaultPlan(faultList, actions, this.connections, rtt);
    // Before an HTTP server's own listener, which for HTTP/2 opens the session within this event.
    server.prependListener('connection', (socket: Socket) => {
      this.counts.connectionsAccepted++;
      this.accept(socket);
    });
  }

  /** Starts listening; resolves with the port actually bound (useful with port 0). */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  counters(): UpstreamCounters {
    const open = [...this.connections].filter((connection) => connection.epoch === this.epoch).map((connection) => connection.answered);
    return {
      ...this.counts,
      closes: { ...this.counts.closes },
      ...this.ownCounters(),
      // Absent without faults, as the upstream has always reported it.
      ...(this.faultList.length > 0 && { faults: this.plan.counters() }),
      openConnections: this.connections.size,
      requestsPerConnection: this.requestsPerConnection.summary(open),
    };
  }

  /** Zeroes every counter and restarts the fault windows from now; open connections stay counted as open. */
  resetCounters(): void {
    this.epoch++;
    this.counts = zeroCounts();
    this.counts.peakOpenConnections = this.connections.size;
    this.requestsPerConnection = new RequestsPerConnection();
    this.resetOwnCounters();
    this.plan.restart();
  }

  /** Stops listening and destroys every connection, idle or not. */
  close(): Promise<void> {
    this.closing = true;
    this.plan.stop();
    return new Promise((resolve) => {
      // server.close() alone would wait for keep-alive connections to go away by themselves.
      this.server.close(() => resolve());
      for (const connection of this.connections) {
        // Not `closedByServer`, which counts the server's own decisions while it serves.
        connection.closeCause ??= 'shutdown';
        this.destroy(connection);
      }
    });
  }

  // --- what faults do (FaultActions): the listener's own part, then the transport's ----------

  /** refuse: new connections are refused by the kernel until `bringListenerBack` listens again on the same address. */
  private takeListenerDown(): void {
    const { port, address } = this.server.address() as AddressInfo;
    this.server.close();
    this.bringBack = () => {
      if (this.closing) return;
      // The port was ours a moment ago; if the kernel is slow to free it, try again shortly.
      const retry = () => setTimeout(() => !this.closing && this.server.listen(port, address), 50).unref();
      this.server.once('error', retry);
      this.server.listen(port, address, () => this.server.off('error', retry));
    };
  }

  private bringListenerBack(): void {
    this.bringBack?.();
    this.bringBack = undefined;
  }

  protected abstract reset(connection: C): void;
  protected abstract finish(connection: C): void;
  protected abstract goaway(connection: C): void;
  protected abstract stall(connection: C): void;
  /** tls_cost; nothing to do where there is no TLS. */
  protected fullHandshake(_connection: C, _extraDelay: number): void {}

  // --- the transport's hooks ----------------------------------------------------------------

  /** A TCP connection arrived (already counted): `register` it, or `refuse` it. */
  protected abstract accept(socket: Socket): void;
  /** Destroys the connection's sockets at once: the server is closing. */
  protected abstract destroy(connection: C): void;
  /** The subclass's own counters, merged into `counters()`. */
  protected ownCounters(): Partial<UpstreamCounters> {
    return {};
  }
  protected resetOwnCounters(): void {}
  /** The connection's TCP socket closed (after the counts and the fault plan took note). */
  protected onClosed(_connection: C): void {}

  /** Counts the connection as open until its TCP socket closes, then hands it to the fault plan; false when a fault took it at once. */
  protected register(connection: C): boolean {
    this.connections.add(connection);
    this.counts.peakOpenConnections = Math.max(this.counts.peakOpenConnections, this.connections.size);
    const { tcpSocket } = connection;
    // The client's FIN or reset is the first sign that it left, while its requests still count as
    // in progress; the 'close' that follows may come after they were given up. (Sockets whose reads
    // TLS or HTTP/2 took over may not say: then the state at 'close' decides.)
    tcpSocket.once('end', () => connection.leftByClient());
    tcpSocket.on('error', () => connection.leftByClient());
    tcpSocket.once('close', () => this.unregister(connection));
    return this.plan.admit(connection);
  }

  /** Closes a connection before it was registered: never counted as open, so the peak stays within a limit. */
  protected refuse(socket: Socket): void {
    socket.destroy();
    this.counts.connectionsClosedByServer++;
    this.counts.connectionsClosed++;
    this.counts.closes['max-requests']++;
    this.requestsPerConnection.recordClosed(0);
  }

  private unregister(connection: C): void {
    connection.closed = true;
    this.connections.delete(connection);
    this.counts.connectionsClosed++;
    if (connection.closedByServer) this.counts.connectionsClosedByServer++;
    // Nobody decided before the socket closed: the client went.
    connection.leftByClient();
    this.counts.closes[connection.closeCause!]++;
    if (connection.epoch === this.epoch) this.requestsPerConnection.recordClosed(connection.answered);
    this.plan.forget(connection);
    this.onClosed(connection);
  }
}

function zeroCounts(): ConnectionCounts {
  return { connectionsAccepted: 0, tlsHandshakes: 0, tlsResumed: 0, requests: 0, connectionsClosedByServer: 0, connectionsClosed: 0, closes: zeroCloses(), peakOpenConnections: 0 };
}
