/**
 * The plan stage: a validated scenario resolved, once, into what the runner executes — the
 * upstream to start (each instance's config, with its part of a rolling deploy) or the target to
 * reach, the request every client sends, the variants, the load, and the fault windows the
 * figures are measured against. Nothing here does I/O: a plan can be built, printed and tested
 * without starting anything, and every later stage reads its settings from it, not the scenario.
 */
import type { DeployConfig, Fault, LoadConfig, RequestConfig, Scenario, TargetTls, UpstreamConfig, Variant } from '../scenario/schema.js';
import type { FaultWindow } from '../metrics/fault-windows.js';
import { splitCredentials, withAuthorization } from '../credentials.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { SetupCharge } from '../upstream/network-model.js';

/** Where the requests go: the bundled upstream's instances, or a target (through the fault proxy when it has faults). */
export type UpstreamPlan =
  | { kind: 'bundled'; config: UpstreamConfig; instances: (UpstreamConfig & SetupCharge)[] }
  | { kind: 'target'; url: URL; faults?: Fault[]; tls?: TargetTls };

export interface RunPlan {
  /** The validated scenario, as the report quotes it (credentials are redacted when the result is assembled). */
  scenario: Scenario;
  upstream: UpstreamPlan;
  /** The request every client sends: a target URL's path and credentials already folded in. */
  request: RequestConfig;
  load: LoadConfig;
  variants: Variant[];
  /** Timed faults and deploy steps, in ms from the start of each measured window, in order. */
  faultWindows: FaultWindow[];
  /** Trials per variant, run in interleaved rounds. */
  rounds: number;
}

export function planRun(scenario: Scenario, rounds = 1): RunPlan {
  const { upstream, request } = scenario.upstream ? { upstream: bundled(scenario.upstream, scenario.variants), request: scenario.request } : target(scenario);
  const faults = upstream.kind === 'bundled' ? upstream.instances.flatMap((instance) => instance.faults) : (upstream.faults ?? []);
  const faultWindows = faultWindowsOf(faults);
  checkWorkers(scenario, faultWindows);
  return { scenario, upstream, request, load: scenario.load, variants: scenario.variants, faultWindows, rounds };
}

/**
 * Every client kind but autocannon delays its connections by the network model's setup round
 * trips (clients/modelled-connect.ts); autocannon has no hook for it, so a run with an autocannon
 * variant leaves the charge to the upstream for every variant, which keeps them comparable.
 */
function bundled(config: UpstreamConfig, variants: Variant[]): UpstreamPlan {
  const setupModelledByClients = variants.every((variant) => variant.client !== 'autocannon');
  return { kind: 'bundled', config, instances: instanceConfigs(config).map((instance) => ({ ...instance, setupModelledByClients })) };
}

/**
 * A target's path and query replace the request's path; its credentials become Basic auth on
 * every request, for every client kind (as curl does), and leave the URL.
 */
function target(scenario: Scenario): { upstream: UpstreamPlan; request: RequestConfig } {
  const { url, authorization } = splitCredentials(scenario.target!);
  const path = url.pathname !== '/' || url.search ? url.pathname + url.search : scenario.request.path;
  return {
    upstream: { kind: 'target', url, faults: scenario.faults, tls: scenario.targetTls },
    request: { ...scenario.request, path, headers: withAuthorization(scenario.request.headers, authorization) },
  };
}

/** Each instance's config: the shared one, plus its part of the rolling deploy. */
function instanceConfigs(config: UpstreamConfig): UpstreamConfig[] {
  return Array.from({ length: config.instances }, (_, index) => ({
    ...config,
    faults: [...config.faults, ...(config.deploy ? deployFaults(config.deploy, index) : [])],
  }));
}

/** Instance `index`'s turn in the deploy: drained, then down, one instance after another. */
function deployFaults(deploy: DeployConfig, index: number): Fault[] {
  const startsAt = (deploy.start ?? deploy.every) + index * deploy.every;
  const faults: Fault[] = [];
  if (deploy.drain > 0) faults.push({ type: 'drain', status: 503, trigger: { at: startsAt, for: deploy.drain, probability: 1 } });
  if (deploy.down > 0) faults.push({ type: 'refuse', trigger: { at: startsAt + deploy.drain, for: deploy.down, probability: 1 } });
  return faults;
}

/** The windows of the timed faults among `faults`, in order. */
function faultWindowsOf(faults: Fault[]): FaultWindow[] {
  const windows = faults.flatMap(({ trigger }) => (trigger.at === undefined ? [] : [{ startMs: trigger.at, endMs: trigger.at + (trigger.for ?? Infinity) }]));
  return windows.sort((a, b) => a.startMs - b.startMs);
}

/** Worker threads record on their own: per-route and fault-window figures need the one recorder. */
function checkWorkers(scenario: Scenario, faultWindows: FaultWindow[]): void {
  if (scenario.load.workers <= 1) return;
  const unsupported = scenario.upstream?.routes ? 'upstream.routes' : faultWindows.length > 0 ? 'timed faults' : undefined;
  if (!unsupported) return;
  throw new PoolbenchError(`load.workers > 1 cannot be combined with ${unsupported}: per-route and fault-window figures are recorded on one thread only`, {
    code: 'POOLBENCH_WORKERS_UNSUPPORTED',
    exitCode: ExitCode.InvalidInput,
    hint: 'use load.workers: 1 for this scenario',
  });
}
