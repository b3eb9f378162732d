/**
 * Planning against a real service (`target:`) sends it real load, at rates chosen to find where
 * it breaks. Before any request is sent, the plan's highest rate and its longest possible load
 * time are checked against `plan.targetSafety` (defaults: 50 req/s, 1 minute), and a plan that
 * could exceed either is refused. The caps are deliberately low: raising them is a decision to
 * write down in the file, next to the target it concerns.
 */
import type { PlanConfig, Scenario } from '../scenario/schema.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatDuration } from '../scenario/units.js';
import { ratesOf, requiredRate, worstCaseLoadMs } from './sweep.js';

export function checkTargetSafety(scenario: Scenario, plan: PlanConfig): void {
  if (scenario.target === undefined) return;
  const { maxRate, maxDuration } = plan.targetSafety;
  const highestRate = Math.max(requiredRate(plan), ...ratesOf(plan));
  if (highestRate > maxRate) {
    throw unsafe(`the plan could send ${highestRate} req/s to ${scenario.target}, above the safety cap of ${maxRate} req/s (plan.targetSafety.maxRate)`, 'lower plan.targetRate, plan.headroom or plan.rates, or raise plan.targetSafety.maxRate if the service can take it and its owners agree');
  }
  const loadMs = worstCaseLoadMs(scenario, plan);
  if (loadMs > maxDuration) {
    throw unsafe(`the plan could load ${scenario.target} for up to ${formatDuration(loadMs)}, above the safety cap of ${formatDuration(maxDuration)} (plan.targetSafety.maxDuration)`, 'sweep fewer pool sizes or rates, shorten plan.step or plan.warmup, or raise plan.targetSafety.maxDuration');
  }
}

function unsafe(message: string, hint: string): PoolbenchError {
  return new PoolbenchError(message, { code: 'POOLBENCH_PLAN_UNSAFE', exitCode: ExitCode.InvalidInput, hint: `${hint}; nothing was sent` });
}
