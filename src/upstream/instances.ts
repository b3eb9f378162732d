/**
 * `upstream.instances`: several upstream processes, each on its own port, seen by the runner
 * as one upstream (counters summed) with several URLs. A `deploy` becomes fault windows of
 * each instance — drain, then refuse — one instance after another, so every instance keeps
 * its own timeline and no message has to cross a process boundary at the right moment.
 */
import type { DeployConfig, Fault, UpstreamConfig } from '../scenario/schema.js';
import { startUpstream } from './start.js';
import type { UpstreamHandle } from './types.js';
import { sumCounters } from './counters.js';

export interface UpstreamGroup extends UpstreamHandle {
  /** Every instance's URL; `url` is the first. */
  readonly urls: string[];
}

/** A window of the measured run in which some instance is faulty, in ms from its start. */
export interface FaultWindow {
  startMs: number;
  /** Infinity when the window lasts to the end of the run. */
  endMs: number;
}

export async function startUpstreams(config: UpstreamConfig): Promise<UpstreamGroup> {
  const started = await Promise.allSettled(instanceConfigs(config).map((instance) => startUpstream(instance)));
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

/** Each instance's config: the shared one, plus its part of the rolling deploy. */
export function instanceConfigs(config: UpstreamConfig): UpstreamConfig[] {
  return Array.from({ length: config.instances }, (_, index) => ({
    ...config,
    faults: [...config.faults, ...(config.deploy ? deployFaults(config.deploy, index) : [])],
  }));
}

function deployFaults(deploy: DeployConfig, index: number): Fault[] {
  const startsAt = (deploy.start ?? deploy.every) + index * deploy.every;
  const faults: Fault[] = [];
  if (deploy.drain > 0) faults.push({ type: 'drain', status: 503, trigger: { at: startsAt, for: deploy.drain, probability: 1 } });
  if (deploy.down > 0) faults.push({ type: 'refuse', trigger: { at: startsAt + deploy.drain, for: deploy.down, probability: 1 } });
  return faults;
}

/** The windows of the run in which any instance has a timed fault or is being deployed. */
export function faultWindows(config: UpstreamConfig): FaultWindow[] {
  return faultWindowsOf(instanceConfigs(config).flatMap((instance) => instance.faults));
}

/** The windows of the timed faults among `faults`, in order. */
export function faultWindowsOf(faults: Fault[]): FaultWindow[] {
  const windows = faults.flatMap(({ trigger }) => (trigger.at === undefined ? [] : [{ startMs: trigger.at, endMs: trigger.at + (trigger.for ?? Infinity) }]));
  return windows.sort((a, b) => a.startMs - b.startMs);
}

