/**
 * Cancelling undici requests that a window no longer sends (clients/cancel.ts), without
 * opening connections for them. undici needs help in three places:
 * - a request waiting in a Pool's queue notices its abort only once the pool has handed it to a
 *   connection, which connects first: every request queued at the end of a window would open a
 *   connection of its own (hundreds for a pool of 2). Each request carries a ticket; when the
 *   window stops, the tickets not yet handed over are rejected at once, and the connection the
 *   pool later hands them to (CancellingClient) drops them instead of sending them;
 * - a connection whose request was aborted in flight reconnects before it drops that request:
 *   after the stop, the connector opens nothing (`mayConnect`);
 * - the tickets are followed through RetryAgent, which copies a request's options (symbol keys
 *   included) for every attempt.
 */
import { Client, type Dispatcher } from 'undici';
import { cancelledBeforeSending, onceStopped } from './cancel.js';
import { takenOver, takingOver } from './undici-attempts.js';

const TICKET = Symbol('poolbench.ticket');

interface Ticket {
  readonly stop: AbortSignal;
  /** Settles the caller's promise with the cancellation. */
  cancel(): void;
  /** A connection took the request (retries are taken again); cancelled: rejected at the stop. */
  state: 'waiting' | 'taken' | 'cancelled';
}

export class UndiciCancellation {
  /** Requests of a window not yet handed to a connection. */
  private readonly waiting = new Set<Ticket>();
  /** The stop of the window that sent last. */
  private latestStop: AbortSignal | undefined;

  /** The pools' `factory`: connections that drop a stopped window's requests. */
  readonly factory = (origin: URL, options: object): Dispatcher => new CancellingClient(origin, options as Client.Options, this);

  /** False once the window that sent last has stopped: a connection opened now would carry no request of it. */
  mayConnect(): boolean {
    return !this.latestStop?.aborted;
  }

  /** Sends `request` (undici's `request()` with the extra options given to it), cancellable until a connection takes it. */
  async send<T>(stop: AbortSignal | undefined, request: (extra: object) => Promise<T>): Promise<T> {
    if (stop === undefined) return request({});
    this.latestStop = stop;
    let cancel!: () => void;
    const cancelled = new Promise<never>((_, reject) => (cancel = () => reject(cancelledBeforeSending())));
    const ticket: Ticket = { stop, cancel, state: 'waiting' };
    this.waiting.add(ticket);
    onceStopped(stop, this, () => this.cancelWaiting(stop));
    const pending = request({ [TICKET]: ticket });
    // Once cancelled, undici's own promise settles later (dropped by CancellingClient, or destroyed with the pool).
    pending.catch(() => {});
    try {
      return await Promise.race([pending, cancelled]);
    } finally {
      this.waiting.delete(ticket);
    }
  }

  /** A connection takes the request: true when it may send it. */
  handOver(options: object): boolean {
    const ticket = (options as { [TICKET]?: Ticket })[TICKET];
    if (ticket === undefined) return true;
    // After the stop nothing more is written, retries included.
    if (ticket.state === 'cancelled' || ticket.stop.aborted) return false;
    ticket.state = 'taken';
    this.waiting.delete(ticket);
    return true;
  }

  private cancelWaiting(stop: AbortSignal): void {
    for (const ticket of this.waiting) {
      if (ticket.stop !== stop) continue;
      this.waiting.delete(ticket);
      ticket.state = 'cancelled';
      ticket.cancel();
    }
  }
}

/** A pool's connection that drops, rather than sends, a request whose window has stopped. */
class CancellingClient extends Client {
  constructor(origin: URL, options: Client.Options, private readonly cancellation: UndiciCancellation) {
    super(origin, options);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.cancellation.handOver(options)) {
      takingOver(options);
      try {
        return super.dispatch(options, handler);
      } finally {
        takenOver();
      }
    }
    (handler as { onError?(error: Error): void }).onError?.(cancelledBeforeSending());
    // The pool reads `false` as "this connection is busy"; it is free, the request is settled.
    return true;
  }
}
