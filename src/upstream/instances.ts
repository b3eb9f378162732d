/**
 * `upstream.instances`: several upstream processes, each on its own port, seen by the runner
 * as one upstream (counters summed) with several URLs. Each instance gets its own config from
 * the run plan (run/plan.ts): a `deploy` is fault windows of each instance — drain, then
 * refuse — one after another, so every instance keeps its own timeline and no message has to
 * cross a process boundary at the right moment.
 */
import type { UpstreamConfig } from '../scenario/schema.js';
import { startUpstream } from './start.js';
import type { UpstreamHandle } from './types.js';
import { sumCounters } from './counters.js';

export interface UpstreamGroup extends UpstreamHandle {
  /** Every instance's URL; `url` is the first. */
  readonly urls: string[];
}

/** Starts one upstream per config (the run plan gives each instance's, deploy steps included). */
export async function startUpstreams(instances: UpstreamConfig[]): Promise<UpstreamGroup> {
  const started = await Promise.allSettled(instances.map((instance) => startUpstream(instance)));
  const handles = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await Promise.all(handles.map((h) => h.stop()));
    throw failure.reason;
  }
  const [first] = handles;
  return {
    url: first.url,
    urls: handles.map((h) => h.url),
    port: first.port,
    caFile: first.caFile,
    pid: first.pid,
    counters: async () => sumCounters(await Promise.all(handles.map((h) => h.counters()))),
    resetCounters: async () => {
      await Promise.all(handles.map((h) => h.resetCounters()));
    },
    stop: async () => {
      await Promise.all(handles.map((h) => h.stop()));
    },
    // The first instance to exit unexpectedly is the group's failure.
    get exited() {
      return Promise.race(handles.map((h) => h.exited.then((status) => (status.expected ? new Promise<never>(() => {}) : status))));
    },
  };
}
