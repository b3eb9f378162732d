/**
 * The messages between `startUpstream` / `startFaultProxy` (the parent) and the process that
 * serves (`process.ts`): the bundled upstream, or the fault proxy in front of a target.
 * Requests that expect an answer carry an `id`, echoed back in the answer.
 */
import type { Fault, UpstreamConfig } from '../scenario/schema.js';
import type { UpstreamCounters } from './types.js';

export type ToUpstream =
  | { type: 'start'; config: UpstreamConfig }
  | { type: 'start-proxy'; to: { host: string; port: number }; faults: Fault[] }
  | { type: 'counters'; id: number }
  | { type: 'reset'; id: number }
  | { type: 'stop' };

export type FromUpstream =
  | { type: 'ready'; port: number }
  /** The server could not be created or could not listen; the process exits 1 right after. */
  | { type: 'error'; message: string; code: string | undefined }
  | { type: 'counters'; id: number; counters: UpstreamCounters }
  | { type: 'reset'; id: number };
