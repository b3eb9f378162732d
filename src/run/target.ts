/**
 * Starts what a plan's requests go to and says how to reach it: the bundled upstream's
 * instances, or a target — through the fault proxy when the scenario has faults for it, the
 * proxy then standing in for the upstream (its counters say what each fault did).
 */
import { readFile } from 'node:fs/promises';
import type { Target } from '../clients/target.js';
import type { UpstreamGroup } from '../upstream/instances.js';
import { startUpstreams } from '../upstream/instances.js';
import { startFaultProxy } from '../proxy/start.js';
import { readTargetTls } from '../scenario/target-tls.js';
import type { RunPlan } from './plan.js';

export interface Reached {
  target: Target;
  /** Absent for a target reached directly. */
  upstream?: UpstreamGroup;
  /** What `upstream` is, for messages: the bundled upstream or the fault proxy. */
  upstreamName: string;
}

export async function reach(plan: RunPlan): Promise<Reached> {
  const { upstream: where, request } = plan;
  if (where.kind === 'bundled') {
    const upstream = await startUpstreams(where.instances);
    const ca = await stopOnFailure(upstream, async () => (upstream.caFile ? await readFile(upstream.caFile, 'utf8') : undefined));
    const [{ rtt, jitter, tls, setupModelledByClients }] = where.instances;
    // The clients model the connection setup only when the upstream leaves it to them.
    const network = setupModelledByClients && (rtt > 0 || jitter > 0) ? { network: { rtt, jitter, tlsVersion: tls.version } } : {};
    return { upstream, upstreamName: 'bundled upstream', target: { origin: upstream.url, origins: upstream.urls, ca, request, ...network } };
  }
  const upstream = where.faults ? await startFaultProxy(where.url, where.faults) : undefined;
  const tls = await stopOnFailure(upstream, () => readTargetTls(where.tls));
  return { upstream, upstreamName: 'fault proxy', target: { origin: upstream?.url ?? where.url.origin, request, ...tls } };
}

/** `work`'s result; when it fails, what was started is stopped first: the caller never gets a handle to stop it. */
async function stopOnFailure<T>(upstream: UpstreamGroup | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await upstream?.stop();
    throw error;
  }
}
