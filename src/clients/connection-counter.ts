/**
 * The one connection counter every client kind uses: connections opened (with their connect
 * time, when the client can time them), closed, and attempts that failed. Each kind only tells
 * it what it sees — a connector's callback, a socket's events, a diagnostics channel message.
 */
import type { EventEmitter } from 'node:events';
import type { ClientConnectionCounts, ConnectListener } from './types.js';

/** A socket: it connects (or fails), and later closes. */
type SocketEvents = Pick<EventEmitter, 'once'>;

export class ConnectionCounter {
  private readonly counts: ClientConnectionCounts = { opened: 0, closed: 0, failed: 0 };

  constructor(private readonly onConnect: ConnectListener = () => {}) {}

  /** A connection is up; `startedAt` (performance.now() when its connect began) times it, when known. */
  opened(startedAt?: number): void {
    this.counts.opened += 1;
    if (startedAt !== undefined) this.onConnect(performance.now() - startedAt);
  }

  closed(): void {
    this.counts.closed += 1;
  }

  failed(): void {
    this.counts.failed += 1;
  }

  /** `socket` is up: counted as opened now, and as closed when it closes. */
  connected(socket: SocketEvents, startedAt?: number): void {
    this.opened(startedAt);
    socket.once('close', () => this.closed());
  }

  /** Follows a socket from its creation: opened at `readyEvent`, failed on an error before it. */
  follow(socket: SocketEvents, readyEvent: 'connect' | 'secureConnect'): void {
    const startedAt = performance.now();
    let connected = false;
    socket.once(readyEvent, () => {
      connected = true;
      this.connected(socket, startedAt);
    });
    socket.once('error', () => {
      if (!connected) this.failed();
    });
  }

  snapshot(): ClientConnectionCounts {
    return { ...this.counts };
  }
}
