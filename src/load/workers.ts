/**
 * `load.workers` > 1: the generator runs on several worker threads, each with its own client
 * (pool) for the variant and its own share of the load — the closed model's concurrency, the
 * open model's rate, the request budget — against the same target. To the runner the threads
 * are one engine that drives its own load (a LoadEngine, as autocannon is): each
 * thread records into its own recorder and sends what it recorded every FLUSH_MS; the figures
 * are added losslessly into the runner's recorder (HDR histograms add bucket by bucket), so the
 * per-second time series, progress and the final figures are the merged ones.
 *
 * The pool's state is the threads' pools summed (connected, idle, busy, pending add up over
 * independent pools), each as its thread last sent it: at most FLUSH_MS old.
 *
 * Not collected with workers: per-route latency and fault-window figures (the scenario is
 * refused), the pool's queue for the sampled wait (per thread only), requests in flight, and the
 * threads' event-loop delay (the self-check watches the main thread's).
 */
import { Worker } from 'node:worker_threads';
import type { LoadConfig, Variant } from '../scenario/schema.js';
import type { ClientConnectionCounts, LoadEngine, PoolState } from '../clients/types.js';
import type { Target } from '../clients/target.js';
import { sumFields } from '../metrics/counts.js';
import type { RecordedFigures, VariantRecorder } from '../metrics/recorder.js';
import type { LoadOutcome, WindowOptions } from './types.js';

/** How often a thread sends what it recorded: well under the time series' one second. */
export const FLUSH_MS = 200;

const WORKER_ENTRY = new URL('./worker-thread.js', import.meta.url);
const CLOSE_GRACE_MS = 2000;

export interface WorkerData {
  variant: Variant;
  target: Target;
  load: LoadConfig;
}

export type ToWorker = { type: 'run'; durationMs?: number; requests?: number; warmup?: boolean; graceMs: number; earlyStop?: WindowOptions['earlyStop'] } | { type: 'stop' } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; library: string }
  | { type: 'recorded'; figures: RecordedFigures; connections: ClientConnectionCounts; pool?: PoolState }
  | { type: 'done'; outcome: LoadOutcome };

/** `total` split in `parts` whole shares, the remainder going to the first ones. */
function splitWhole(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/** Thread `index`'s share of the load. */
export function loadShare(load: LoadConfig, threads: number, index: number): LoadConfig {
  // Closed: whole workers per thread; open: an equal share of the rate. Stages scale alike.
  const share = load.model === 'open' ? 1 / threads : splitWhole(load.concurrency, threads, index) / load.concurrency;
  return {
    ...load,
    workers: 1,
    concurrency: splitWhole(load.concurrency, threads, index),
    ...(load.rate !== undefined && { rate: load.rate * share }),
    maxInFlight: Math.ceil(load.maxInFlight / threads),
    ...(load.stages && { stages: load.stages.map((stage) => ({ ...stage, target: stage.target * share })) }),
  };
}

/**
 * The variant's client, run on `load.workers` threads (the run plan refuses routes and timed faults with them); `recorder()` is the runner's
 * current recorder (it starts a new one after the warm-up).
 */
export function createWorkerEngine(load: LoadConfig, variant: Variant, target: Target, recorder: () => VariantRecorder): LoadEngine {
  return new WorkerThreadsEngine(load, variant, target, recorder);
}

class WorkerThreadsEngine implements LoadEngine {
  readonly kind = 'engine';
  private readonly threads: Worker[];
  private readonly exited: Promise<void>[];
  /** Each thread's connection counts, as it last sent them. */
  private readonly connectionsByThread: ClientConnectionCounts[];
  /** Each thread's pool state, as it last sent it. */
  private readonly poolByThread: PoolState[];
  /** Rejects when a thread fails: surfaces through `drive`. */
  private readonly failed: Promise<never>;
  private libraryName: string;

  constructor(load: LoadConfig, variant: Variant, target: Target, private readonly recorder: () => VariantRecorder) {
    this.threads = Array.from({ length: load.workers }, (_, index) => {
      const workerData: WorkerData = { variant, target, load: loadShare(load, load.workers, index) };
      return new Worker(WORKER_ENTRY, { workerData });
    });
    this.exited = this.threads.map((thread) => new Promise<void>((resolve) => thread.once('exit', () => resolve())));
    this.connectionsByThread = this.threads.map((): ClientConnectionCounts => ({ opened: 0, closed: 0, failed: 0 }));
    this.poolByThread = this.threads.map((): PoolState => ({ connected: 0, idle: 0, busy: 0, pending: 0 }));
    this.failed = new Promise<never>((_, reject) => {
      for (const thread of this.threads) thread.once('error', reject);
    });
    this.failed.catch(() => {});
    this.libraryName = variant.client;
    this.threads[0].once('message', (message: FromWorker) => {
      if (message.type === 'ready') this.libraryName = message.library;
    });
  }

  get library(): string {
    return this.libraryName;
  }

  async drive(options: WindowOptions): Promise<LoadOutcome> {
    const stop = () => this.post({ type: 'stop' });
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      const outcomes = await Promise.race([this.failed, Promise.all(this.threads.map((thread, index) => this.runThread(thread, index, options)))]);
      if (options.signal.aborted) stop();
      return mergeOutcomes(outcomes);
    } finally {
      options.signal.removeEventListener('abort', stop);
    }
  }

  readonly connections = (): ClientConnectionCounts => sumFields(this.connectionsByThread);

  readonly poolState = (): PoolState => sumFields(this.poolByThread);

  async close(): Promise<void> {
    this.post({ type: 'close' });
    // Each thread closes its client and exits; one that hangs is ended after the grace period.
    const forced = setTimeout(() => this.threads.forEach((thread) => void thread.terminate()), CLOSE_GRACE_MS);
    await Promise.all(this.exited);
    clearTimeout(forced);
  }

  private post(message: ToWorker): void {
    for (const thread of this.threads) thread.postMessage(message);
  }

  private runThread(thread: Worker, index: number, options: WindowOptions): Promise<LoadOutcome> {
    return new Promise((resolve) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'recorded') {
          this.recorder().add(message.figures);
          this.connectionsByThread[index] = message.connections;
          if (message.pool) this.poolByThread[index] = message.pool;
        } else if (message.type === 'done') {
          thread.off('message', onMessage);
          resolve(message.outcome);
        }
      };
      thread.on('message', onMessage);
      const requests = options.requests === undefined ? undefined : splitWhole(options.requests, this.threads.length, index);
      const { durationMs, warmup, graceMs, earlyStop } = options;
      thread.postMessage({ type: 'run', durationMs, requests, warmup, graceMs, earlyStop } satisfies ToWorker);
      if (options.signal.aborted) thread.postMessage({ type: 'stop' } satisfies ToWorker);
    });
  }
}

/** The threads' windows as one: they ran side by side, so the longest is the window. */
function mergeOutcomes(outcomes: LoadOutcome[]): LoadOutcome {
  const sum = (pick: (o: LoadOutcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
  return {
    elapsedMs: Math.max(...outcomes.map((o) => o.elapsedMs)),
    sent: sum((o) => o.sent),
    unfinished: sum((o) => o.unfinished),
    cancelled: sum((o) => o.cancelled),
    ...(outcomes.some((o) => o.intended !== undefined) && { intended: sum((o) => o.intended ?? 0) }),
    // Each thread watches its own share; the variant stopped early only if every one did.
    ...(outcomes.every((o) => o.stoppedEarly) && { stoppedEarly: outcomes[0].stoppedEarly }),
  };
}
