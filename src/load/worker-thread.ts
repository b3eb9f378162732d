/**
 * One generator worker thread (see workers.ts): its own client for the variant, its share of
 * the load, and its own recorder, whose figures it sends to the main thread every FLUSH_MS and
 * when a run ends — then starts a fresh recorder, so each message holds only what is new.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createClient, type RequestClient } from '../clients/index.js';
import type { Response } from './types.js';
import { VariantRecorder, poolListenerOf } from '../metrics/recorder.js';
import { driveLoad } from './index.js';
import { FLUSH_MS, type FromWorker, type ToWorker, type WorkerData } from './workers.js';

const { variant, target, load } = workerData as WorkerData;
const port = parentPort!;
let recorder = new VariantRecorder();
const client = createClient(variant, target, poolListenerOf(() => recorder));
let stopper = new AbortController();
const post = (message: FromWorker) => port.postMessage(message);

function flush(): void {
  post({ type: 'recorded', figures: recorder.figures(), connections: client.connections(), pool: client.poolState?.() });
  recorder = new VariantRecorder();
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  stopper = new AbortController();
  const options = {
    signal: stopper.signal,
    graceMs: message.graceMs,
    durationMs: message.durationMs,
    requests: message.requests,
    warmup: message.warmup,
    earlyStop: message.earlyStop,
    send: (requests: RequestClient, signal: AbortSignal, stop: AbortSignal) => requests.send(target.request.path, signal, stop),
    onResponse: (ms: number, response: Response, uncorrectedMs?: number) => recorder.recordResponse(ms, response.status, response.bytes, uncorrectedMs, response.connection),
    onFailure: (error: unknown) => recorder.recordFailure(error),
  };
  const flusher = setInterval(flush, FLUSH_MS);
  try {
    const outcome = await driveLoad(client, load, options);
    flush();
    post({ type: 'done', outcome });
  } finally {
    clearInterval(flusher);
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      // A failure is an unhandled rejection, which ends the thread: the main thread's `error` event.
      void run(message);
      break;
    case 'stop':
      stopper.abort('stop');
      break;
    case 'close':
      void client.close().finally(() => process.exit(0));
      break;
  }
});
post({ type: 'ready', library: client.library });
