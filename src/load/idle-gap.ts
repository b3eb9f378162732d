/**
 * `load.idleGap`: a pause before each request of a worker except its first, drawn from a
 * latency-style distribution. Between its requests a worker's connection sits idle in the
 * pool, as between a real client's calls; gaps around the server's keep-alive timeout
 * reproduce the keep-alive race (nodejs/node#47130, #35526).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencyModel } from '../scenario/schema.js';
import { createLatencySampler } from '../upstream/latency.js';

/** Waits one drawn gap, or less if `stop` aborts first (the load is over: no request follows). */
export type IdleGap = (stop: AbortSignal) => Promise<void>;

export function createIdleGap(model: LatencyModel | undefined): IdleGap | undefined {
  if (model === undefined) return undefined;
  const draw = createLatencySampler(model);
  return (stop) => sleep(draw(), undefined, { signal: stop }).catch(() => {});
}
