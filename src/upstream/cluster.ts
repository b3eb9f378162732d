/**
 * `upstream.workers` > 1: the upstream process becomes a node:cluster primary with that many
 * worker processes, each running the same server (process.ts, started like the single upstream)
 * on one shared port; the primary hands them connections round-robin. To the parent it looks
 * like one server: counters are summed exactly as `upstream.instances` sums its instances.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { UpstreamConfig } from '../scenario/schema.js';
import type { FromUpstream, ToUpstream } from './ipc.js';
import { sumCounters } from './counters.js';
import type { UpstreamCounters } from './types.js';

/** The upstream server's shape (listen, counters, reset, close), answered over IPC. */
export interface ServingCluster {
  listen(): Promise<number>;
  counters(): Promise<UpstreamCounters>;
  resetCounters(): Promise<void>;
  close(): Promise<void>;
}

const WORKER_ENTRY = fileURLToPath(new URL('./process.js', import.meta.url));
/** The environment variable that carries a worker's start message (see process.ts). */
export const WORKER_START_ENV = 'POOLBENCH_UPSTREAM_WORKER_START';

export function createUpstreamCluster(config: UpstreamConfig): ServingCluster {
  cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: [], serialization: 'advanced' });
  const workers: Worker[] = [];
  let nextCallId = 1;
  let serving = false;

  // A worker that dies while serving takes the upstream down with it: the runner sees the
  // upstream exit unexpectedly instead of half of the load failing.
  cluster.on('exit', () => {
    if (serving) process.exit(1);
  });

  /** Sends a message to one worker and resolves with its answer (same type and id). */
  function call<T extends 'counters' | 'reset'>(worker: Worker, type: T): Promise<Extract<FromUpstream, { type: T }>> {
    const id = nextCallId++;
    const answered = answer(worker, type, id);
    worker.send({ type, id } satisfies ToUpstream);
    return answered;
  }

  /** Resolves with the worker's next message of `type` (and `id`); rejects if it fails or exits first. */
  function answer<T extends FromUpstream['type']>(worker: Worker, type: T, id?: number): Promise<Extract<FromUpstream, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`an upstream worker exited (${signal ?? `exit code ${code}`})`));
      const onMessage = (reply: FromUpstream) => {
        if (reply.type === 'error') return reject(new Error(reply.message));
        if (reply.type !== type || ('id' in reply && reply.id !== id)) return;
        worker.off('message', onMessage).off('exit', onExit);
        resolve(reply as Extract<FromUpstream, { type: T }>);
      };
      worker.on('message', onMessage).once('exit', onExit);
    });
  }

  async function startWorker(): Promise<number> {
    // The start message goes through the environment: a worker loses IPC messages that arrive
    // before its (ESM) module has loaded and listens.
    const worker = cluster.fork({ [WORKER_START_ENV]: JSON.stringify({ type: 'start', config } satisfies ToUpstream) });
    workers.push(worker);
    return (await answer(worker, 'ready')).port;
  }

  return {
    /** Workers listen on 127.0.0.1, any free port (process.ts's start); so does the cluster. */
    async listen() {
      // The primary keeps one listening handle per requested address: workers asking for port 0
      // all share the one free port it picked.
      const ports = await Promise.all(Array.from({ length: config.workers }, () => startWorker()));
      if (new Set(ports).size !== 1) throw new Error(`the upstream workers listen on different ports: ${ports.join(', ')}`);
      serving = true;
      return ports[0];
    },
    async counters() {
      const all = await Promise.all(workers.map((worker) => call(worker, 'counters')));
      const counters = all.map((answer) => answer.counters);
      return { ...sumCounters(counters), requestsByWorker: counters.map((c) => c.requests) };
    },
    async resetCounters() {
      await Promise.all(workers.map((worker) => call(worker, 'reset')));
    },
    async close() {
      serving = false;
      await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
        if (worker.isDead()) return resolve();
        worker.once('exit', () => resolve());
        worker.send({ type: 'stop' } satisfies ToUpstream);
      })));
    },
  };
}
