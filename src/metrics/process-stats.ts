/**
 * What the client process itself did during a variant: CPU time, memory and event-loop delay.
 * A load generator that is short of CPU or whose loop stalls measures itself, not the pool;
 * these figures let a reader see that. Sampling keeps running sums, never arrays, so memory
 * does not grow with the length of the run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProcessStats {
  cpuUserMs: number;
  cpuSystemMs: number;
  peakRssBytes: number;
  meanRssBytes: number;
  /** Standard deviation of RSS over the samples: how steady memory was. */
  rssStdevBytes: number;
  /** Event-loop delay of the client process, ms. */
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const SAMPLE_EVERY_MS = 250;

export class ProcessSampler {
  private readonly cpuAtStart = process.cpuUsage();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private samples = 0;
  private rssMean = 0;
  private rssM2 = 0; // Welford's running sum of squared deviations
  private rssPeak = 0;

  constructor() {
    this.loopDelay.enable();
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    this.samples += 1;
    const delta = rss - this.rssMean;
    this.rssMean += delta / this.samples;
    this.rssM2 += delta * (rss - this.rssMean);
    if (rss > this.rssPeak) this.rssPeak = rss;
  }

  stop(): ProcessStats {
    clearInterval(this.timer);
    this.sample();
    this.loopDelay.disable();
    const cpu = process.cpuUsage(this.cpuAtStart);
    const ns = (v: number) => (Number.isFinite(v) ? v / 1e6 : 0);
    return {
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      peakRssBytes: this.rssPeak,
      meanRssBytes: Math.round(this.rssMean),
      rssStdevBytes: Math.round(this.samples > 1 ? Math.sqrt(this.rssM2 / (this.samples - 1)) : 0),
      loopDelayP50Ms: ns(this.loopDelay.percentile(50)),
      loopDelayP99Ms: ns(this.loopDelay.percentile(99)),
      loopDelayMaxMs: ns(this.loopDelay.max),
    };
  }
}
