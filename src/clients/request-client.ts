/**
 * The base every request client extends, after undici's PoolBase beside Pool: the base owns the
 * work all kinds share — the pool observer, spreading requests in turn over the client's
 * lanes, and the deadline and retries an application wraps around its client — and a kind
 * overrides one hook, `sendOn`, which sends one request on the lane it is handed. A lane is
 * whatever the kind spreads over: an origin of `target.origins` (node-http, fetch), a per-origin
 * session pool (node-http2), or one of the variant's independent pools (undici, whose
 * BalancedPool spreads over the origins itself).
 */
import type { PoolObserver } from './pool-observer.js';
import { withResilience } from './resilience.js';
import { RoundRobin } from './round-robin.js';
import type { ClientConnectionCounts, RequestClient, RequestVariant, Response } from './types.js';

export abstract class RequestClientBase<Lane> implements RequestClient {
  readonly kind = 'requests';
  abstract readonly library: string;
  /** `send`, spread over the lanes, with the variant's deadline and retries around it. */
  readonly send: RequestClient['send'];

  constructor(variant: RequestVariant, method: string, lanes: readonly Lane[], protected readonly observer: PoolObserver) {
    const spread = new RoundRobin(lanes);
    this.send = withResilience((path, signal, stop) => this.sendOn(spread.next(), path, signal, stop), variant, method);
  }

  readonly connections = (): ClientConnectionCounts => this.observer.snapshot();

  /** Sends one request on `lane` and reads its whole body; see RequestClient.send. */
  protected abstract sendOn(lane: Lane, path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response>;

  abstract close(): Promise<void>;
}
