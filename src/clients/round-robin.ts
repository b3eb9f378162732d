/**
 * The one spreader every client kind uses: requests go to the instances of `upstream.instances`
 * (and to a variant's independent `pools`) in turn, as a client-side load balancer would.
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
