/**
 * The phrases of every report's heading: where the run went and on what, and the load it applied.
 * The closed model fixes requests in flight (its concurrency); the open model fixes arrivals (its
 * rate) and lets requests in flight follow, up to maxInFlight — so the open model is never
 * described by a concurrency it did not use.
 */
import type { LoadConfig, Scenario } from '../scenario/schema.js';
import type { RunResult } from '../result.js';
import { formatCount, formatRate } from './format.js';

export function describeLoad(load: LoadConfig): string {
  const targets = load.stages?.map((stage) => formatCount(stage.target)).join(' → ');
  if (load.model === 'open') {
    const rate = targets ? `arrival rate ${formatCount(load.rate ?? 0)} → ${targets} req/s` : `arrival rate ${formatRate(load.rate ?? 0)}`;
    return `open model, ${rate}, at most ${formatCount(load.maxInFlight)} requests in flight`;
  }
  return `closed model, concurrency ${formatCount(load.concurrency)}${targets ? ` → ${targets}` : ''}`;
}

/** The target, Node, undici and the machine, in one line; `escape` makes the target's and the CPU's text safe for the format. */
export function describeSetting(result: RunResult, escape: (text: string) => string = (text) => text): string {
  const env = result.environment;
  return `target ${escape(result.targetUrl)} · node ${env.node} · undici ${env.undici} · ${env.cpuCount}× ${escape(env.cpuModel)}`;
}

/** The scenario as shown in a report: under the open model without the concurrency default it did not use. */
export function scenarioAsRun(scenario: Scenario): object {
  if (scenario.load.model !== 'open') return scenario;
  const { concurrency: _unused, ...load } = scenario.load;
  return { ...scenario, load };
}
