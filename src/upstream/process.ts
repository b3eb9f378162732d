/**
 * The upstream process: runs the fake upstream (or the fault proxy) on its own event loop, so
 * that serving it never steals time from the loop that measures the clients. Started by
 * `startUpstream` / `startFaultProxy` with an IPC channel, it never outlives its parent: when
 * the channel goes, so does the process.
 */
import cluster from 'node:cluster';
import { createFaultProxy } from '../proxy/fault-proxy.js';
import type { FromUpstream, ToUpstream } from './ipc.js';
import { createUpstreamServer } from './server.js';
import { UpstreamCluster, WORKER_START_ENV } from './cluster.js';
import type { UpstreamCounters } from './types.js';

/** What this process serves: the upstream server, a cluster of them, or the fault proxy. */
interface Serving {
  listen(port?: number, host?: string): Promise<number>;
  counters(): UpstreamCounters | Promise<UpstreamCounters>;
  resetCounters(): void | Promise<void>;
  close(): Promise<void>;
}

const send = process.send?.bind(process);
if (send === undefined) {
  console.error('the poolbench upstream process must be started by startUpstream(), with an IPC channel');
  process.exit(1);
}

/** Sends a message; resolves once it is handed to the channel (or the channel is gone). */
function reply(message: FromUpstream): Promise<void> {
  return new Promise((resolve) => {
    // A failed send means the parent is gone; the `disconnect` handler ends the process.
    send!(message, undefined, undefined, () => resolve());
  });
}

let server: Serving | undefined;

// The parent exited, crashed or was killed: nobody is left to stop us, so stop now.
process.on('disconnect', () => process.exit(0));

process.on('message', onMessage);
const workerStart = cluster.isWorker ? process.env[WORKER_START_ENV] : undefined;
if (workerStart !== undefined) onMessage(JSON.parse(workerStart) as ToUpstream);

function onMessage(message: ToUpstream): void {
  switch (message.type) {
    case 'start':
      // With `workers` > 1 this process is the cluster primary; its workers run this file too, as servers.
      void start(() => (message.config.workers > 1 && cluster.isPrimary ? new UpstreamCluster(message.config) : createUpstreamServer(message.config)));
      break;
    case 'start-proxy':
      void start(() => createFaultProxy(message.to, message.faults));
      break;
    case 'counters':
      if (server) void Promise.resolve(server.counters()).then((counters) => reply({ type: 'counters', id: message.id, counters }));
      break;
    case 'reset':
      void Promise.resolve(server?.resetCounters()).then(() => reply({ type: 'reset', id: message.id }));
      break;
    case 'stop':
      void stop();
      break;
  }
}

async function start(create: () => Serving): Promise<void> {
  try {
    server = create();
    const port = await server.listen(0, '127.0.0.1');
    await reply({ type: 'ready', port });
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    await reply({ type: 'error', message: message ?? String(error), code: typeof code === 'string' ? code : undefined });
    process.exit(1);
  }
}

async function stop(): Promise<void> {
  await server?.close();
  process.exit(0);
}
