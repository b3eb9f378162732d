/**
 * The load a run applied, in one phrase for every heading. The closed model fixes requests in
 * flight (its concurrency); the open model fixes arrivals (its rate) and lets requests in flight
 * follow, up to maxInFlight — so the open model is never described by a concurrency it did not use.
 */
import type { LoadConfig, Scenario } from '../scenario/schema.js';
import { formatCount, formatRate } from './format.js';

export function describeLoad(load: LoadConfig): string {
  const targets = load.stages?.map((stage) => formatCount(stage.target)).join(' → ');
  if (load.model === 'open') {
    const rate = targets ? `arrival rate ${formatCount(load.rate ?? 0)} → ${targets} req/s` : `arrival rate ${formatRate(load.rate ?? 0)}`;
    return `open model, ${rate}, at most ${formatCount(load.maxInFlight)} requests in flight`;
  }
  return `closed model, concurrency ${formatCount(load.concurrency)}${targets ? ` → ${targets}` : ''}`;
}

/** The scenario as shown in a report: under the open model without the concurrency default it did not use. */
export function scenarioAsRun(scenario: Scenario): object {
  if (scenario.load.model !== 'open') return scenario;
  const { concurrency: _unused, ...load } = scenario.load;
  return { ...scenario, load };
}
