/**
 * `load.workers` > 1: the generator runs on several worker threads, each with its own client
 * (pool) for the variant and its own share of the load — the closed model's concurrency, the
 * open model's rate, the request budget — against the same target. To the runner the threads
 * are one engine that drives its own load (`ClientAdapter.drive`, as autocannon does): each
 * thread records into its own recorder and sends what it recorded every FLUSH_MS; the figures
 * are added losslessly into the runner's recorder (HDR histograms add bucket by bucket), so the
 * per-second time series, progress and the final figures are the merged ones.
 *
 * Not collected with workers: per-route latency and fault-window figures (the scenario is
 * refused), the pool's own state and queue (per thread only), requests in flight, and the
 * threads' event-loop delay (the self-check watches the main thread's).
 */
import { Worker } from 'node:worker_threads';
import type { LoadConfig, Variant } from '../scenario/schema.js';
import type { ClientAdapter, ClientConnectionCounts, Target } from '../clients/types.js';
import type { RecordedFigures, VariantRecorder } from '../metrics/recorder.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { LoadOptions, LoadOutcome } from './window.js';

/** How often a thread sends what it recorded: well under the time series' one second. */
export const FLUSH_MS = 200;

const WORKER_ENTRY = new URL('./worker-thread.js', import.meta.url);
const CLOSE_GRACE_MS = 2000;

export interface WorkerData {
  variant: Variant;
  target: Target;
  load: LoadConfig;
}

export type ToWorker = { type: 'run'; durationMs?: number; requests?: number; warmup?: boolean; graceMs: number; earlyStop?: LoadOptions['earlyStop'] } | { type: 'stop' } | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; library: string }
  | { type: 'recorded'; figures: RecordedFigures; connections: ClientConnectionCounts }
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
 * The variant's client, run on `load.workers` threads (the run plan has refused routes and timed faults with them); `recorder()` is the runner's
 * current recorder (it starts a new one after the warm-up).
 */
export function createWorkerClient(load: LoadConfig, variant: Variant, target: Target, recorder: () => VariantRecorder): ClientAdapter {
  const threads = Array.from({ length: load.workers }, (_, index) => {
    const workerData: WorkerData = { variant, target, load: loadShare(load, load.workers, index) };
    return new Worker(WORKER_ENTRY, { workerData });
  });
  const exited = threads.map((thread) => new Promise<void>((resolve) => thread.once('exit', () => resolve())));
  const connections = threads.map((): ClientConnectionCounts => ({ opened: 0, closed: 0, failed: 0 }));
  const failed = new Promise<never>((_, reject) => {
    for (const thread of threads) thread.once('error', reject);
  });
  failed.catch(() => {}); // surfaces through `drive`
  let library: string = variant.client;
  threads[0].once('message', (message: FromWorker) => {
    if (message.type === 'ready') library = message.library;
  });

  return {
    get library() {
      return library;
    },
    send() {
      return Promise.reject(new PoolbenchError('with load.workers > 1 the worker threads drive the load', { code: 'POOLBENCH_ENGINE', exitCode: ExitCode.RunError }));
    },
    async drive(options: LoadOptions): Promise<LoadOutcome> {
      const stop = () => threads.forEach((thread) => thread.postMessage({ type: 'stop' } satisfies ToWorker));
      options.signal.addEventListener('abort', stop, { once: true });
      try {
        const outcomes = await Promise.race([failed, Promise.all(threads.map((thread, index) => runThread(thread, index, options)))]);
        if (options.signal.aborted) stop();
        return mergeOutcomes(outcomes);
      } finally {
        options.signal.removeEventListener('abort', stop);
      }
    },
    connections: () => connections.reduce((sum, c) => ({ opened: sum.opened + c.opened, closed: sum.closed + c.closed, failed: sum.failed + c.failed })),
    async close() {
      for (const thread of threads) thread.postMessage({ type: 'close' } satisfies ToWorker);
      // Each thread closes its client and exits; one that hangs is ended after the grace period.
      const forced = setTimeout(() => threads.forEach((thread) => void thread.terminate()), CLOSE_GRACE_MS);
      await Promise.all(exited);
      clearTimeout(forced);
    },
  };

  function runThread(thread: Worker, index: number, options: LoadOptions): Promise<LoadOutcome> {
    return new Promise((resolve) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'recorded') {
          recorder().add(message.figures);
          connections[index] = message.connections;
        } else if (message.type === 'done') {
          thread.off('message', onMessage);
          resolve(message.outcome);
        }
      };
      thread.on('message', onMessage);
      const requests = options.requests === undefined ? undefined : splitWhole(options.requests, threads.length, index);
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
