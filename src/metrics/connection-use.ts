/**
 * Connections over the same requests the latency histogram holds. A warm-up leaves its
 * connections open in the pool (as in production), so the measured window may open none at all:
 * the window's requests were carried by the connections it opened plus those the warm-up kept.
 * Requests per connection divides the window's responses by exactly those connections.
 */
import type { VariantResult } from '../result.js';

/** Connections that carried the window's requests: opened in it, or open when it began (from the warm-up). */
export function connectionsUsed(v: Pick<VariantResult, 'connections' | 'warmup'>): number {
  return v.connections.openedByClient + (v.warmup?.connectionsKept ?? 0);
}

/** The window's responses per connection that carried them; undefined when there was none. */
export function requestsPerConnection(v: Pick<VariantResult, 'connections' | 'warmup' | 'requests'>): number | undefined {
  const used = connectionsUsed(v);
  return used > 0 ? v.requests.completed / used : undefined;
}
