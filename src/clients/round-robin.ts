/**
 * The one spreader of the request clients (request-client.ts): requests go to their lanes — the
 * instances of `upstream.instances`, or a variant's independent `pools` — in turn, as a
 * client-side load balancer would. undici's BalancedPool and autocannon spread over the
 * instances themselves: a second spreader in front of theirs would only fight it.
 */
export class RoundRobin<T> {
  private nextIndex = 0;

  constructor(readonly items: readonly T[]) {
    if (items.length === 0) throw new RangeError('nothing to spread requests over');
  }

  next(): T {
    const item = this.items[this.nextIndex];
    this.nextIndex = (this.nextIndex + 1) % this.items.length;
    return item;
  }
}
