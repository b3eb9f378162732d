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

/** The requests that expect an answer. */
export type Call = Extract<ToUpstream, { id: number }>['type'];
/** The answer to a call of type T. */
export type Answer<T extends Call> = Extract<FromUpstream, { type: T }>;

/**
 * Calls over one IPC channel (the parent's to its serving process, the cluster primary's to a
 * worker): each gets an id, and the answer that echoes it settles the call.
 */
export class IpcCalls {
  private readonly pending = new Map<number, { resolve(answer: FromUpstream): void; reject(error: Error): void }>();
  private nextId = 1;

  /** `send` hands a message to the channel; a failed send must end in `failAll` (the other side is going away). */
  constructor(private readonly send: (message: ToUpstream) => void) {}

  call<T extends Call>(type: T): Promise<Answer<T>> {
    const id = this.nextId++;
    return new Promise<Answer<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: (answer) => resolve(answer as Answer<T>), reject });
      this.send({ type, id });
    });
  }

  /** Settles the call `message` answers; messages that answer no call are ignored. */
  receive(message: FromUpstream): void {
    if (!('id' in message)) return;
    this.pending.get(message.id)?.resolve(message);
    this.pending.delete(message.id);
  }

  /** The other side has gone: every call still waiting fails with `error`. */
  failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
