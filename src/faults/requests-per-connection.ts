/**
 * Requests per connection since the last reset, for the upstream's and the fault proxy's
 * counters: connections that closed are kept as a running summary (no per-connection memory),
 * open ones are added when the figure is read.
 */
export class RequestsPerConnection {
  private count = 0;
  private requests = 0;
  private min = Infinity;
  private max = 0;

  recordClosed(requests: number): void {
    this.count++;
    this.requests += requests;
    this.min = Math.min(this.min, requests);
    this.max = Math.max(this.max, requests);
  }

  /** min, mean and max over the closed connections and `open` (each open connection's requests so far). */
  summary(open: Iterable<number>): { min: number; mean: number; max: number } {
    let { count, requests, min, max } = this;
    for (const n of open) {
      count++;
      requests += n;
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    return count === 0 ? { min: 0, mean: 0, max: 0 } : { min, mean: requests / count, max };
  }
}
