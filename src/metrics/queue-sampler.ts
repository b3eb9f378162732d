/**
 * How many requests wait for a connection (or an HTTP/2 stream), sampled a few times a second
 * from the client's own queue — undici's `pool.stats.pending`, the node-http2 pool's waiters.
 * Cheaper than timing each request's wait: by Little's law the mean wait is the mean number
 * waiting divided by the throughput, so the sampled mean is enough to estimate it.
 */
export interface PoolWait {
  /** Mean number of requests waiting over the samples. */
  meanWaiting: number;
  peakWaiting: number;
  samples: number;
  /** Little's law: meanWaiting / throughput, in ms. An estimate, not a per-request measurement. */
  estimatedMeanWaitMs: number;
}

const SAMPLE_MS = 100;

export class QueueSampler {
  private readonly timer: NodeJS.Timeout;
  private sum = 0;
  private peak = 0;
  private samples = 0;

  constructor(private readonly waiting: () => number) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS).unref();
  }

  private sample(): void {
    const waiting = this.waiting();
    this.sum += waiting;
    this.samples += 1;
    if (waiting > this.peak) this.peak = waiting;
  }

  /** Stops sampling; `throughputRps` is the variant's completed responses per second. */
  stop(throughputRps: number): PoolWait {
    clearInterval(this.timer);
    // A run shorter than one interval still gets its one sample.
    if (this.samples === 0) this.sample();
    const meanWaiting = this.sum / this.samples;
    return {
      meanWaiting,
      peakWaiting: this.peak,
      samples: this.samples,
      estimatedMeanWaitMs: throughputRps > 0 ? (meanWaiting / throughputRps) * 1000 : 0,
    };
  }
}
