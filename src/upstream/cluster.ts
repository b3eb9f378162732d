/**
 * `upstream.workers` > 1: the upstream process becomes a node:cluster primary with that many
 * worker processes, each running the same server (process.ts, started like the single upstream)
 * on one shared port; the primary hands them connections round-robin. To the parent it looks
 * like one server: counters are summed exactly as `upstream.instances` sums its instances.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { UpstreamConfig } from '../scenario/schema.js';
import { IpcCalls, type FromUpstream, type ToUpstream } from './ipc.js';
import { sumCounters } from './counters.js';
import type { UpstreamCounters } from './types.js';

const WORKER_ENTRY = fileURLToPath(new URL('./process.js', import.meta.url));
/** The environment variable that carries a worker's start message (see process.ts). */
export const WORKER_START_ENV = 'POOLBENCH_UPSTREAM_WORKER_START';

/** The upstream server's shape (listen, counters, reset, close), answered by the workers over IPC. */
export class UpstreamCluster {
  private readonly workers: { worker: Worker; calls: IpcCalls }[] = [];
  private serving = false;

  constructor(private readonly config: UpstreamConfig) {
    cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: [], serialization: 'advanced' });
    // A worker that dies while serving takes the upstream down with it: the runner sees the
    // upstream exit unexpectedly instead of half of the load failing.
    cluster.on('exit', () => {
      if (this.serving) process.exit(1);
    });
  }

  /** Workers listen on 127.0.0.1, any free port (process.ts's start); so does the cluster. */
  async listen(): Promise<number> {
    // The primary keeps one listening handle per requested address: workers asking for port 0
    // all share the one free port it picked.
    const ports = await Promise.all(Array.from({ length: this.config.workers }, () => this.startWorker()));
    if (new Set(ports).size !== 1) throw new Error(`the upstream workers listen on different ports: ${ports.join(', ')}`);
    this.serving = true;
    return ports[0];
  }

  async counters(): Promise<UpstreamCounters> {
    const all = await Promise.all(this.workers.map(({ calls }) => calls.call('counters')));
    const counters = all.map((answer) => answer.counters);
    return { ...sumCounters(counters), requestsByWorker: counters.map((c) => c.requests) };
  }

  async resetCounters(): Promise<void> {
    await Promise.all(this.workers.map(({ calls }) => calls.call('reset')));
  }

  async close(): Promise<void> {
    this.serving = false;
    await Promise.all(
      this.workers.map(({ worker }) => new Promise<void>((resolve) => {
        if (worker.isDead()) return resolve();
        worker.once('exit', () => resolve());
        worker.send({ type: 'stop' } satisfies ToUpstream);
      })),
    );
  }

  private startWorker(): Promise<number> {
    // The start message goes through the environment: a worker loses IPC messages that arrive
    // before its (ESM) module has loaded and listens.
    const worker = cluster.fork({ [WORKER_START_ENV]: JSON.stringify({ type: 'start', config: this.config } satisfies ToUpstream) });
    const calls = new IpcCalls((message) => worker.send(message));
    worker.on('message', (message: FromUpstream) => calls.receive(message));
    worker.once('exit', (code: number | null, signal: string | null) => calls.failAll(workerExited(code, signal)));
    this.workers.push({ worker, calls });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => reject(workerExited(code, signal));
      const onMessage = (reply: FromUpstream) => {
        if (reply.type === 'error') reject(new Error(reply.message));
        else if (reply.type === 'ready') resolve(reply.port);
        else return;
        worker.off('message', onMessage).off('exit', onExit);
      };
      worker.on('message', onMessage).once('exit', onExit);
    });
  }
}

function workerExited(code: number | null, signal: string | null): Error {
  return new Error(`an upstream worker exited (${signal ?? `exit code ${code}`})`);
}
