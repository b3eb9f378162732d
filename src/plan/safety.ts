/**
 * Planning against a real service (`target:`) sends it real load, at rates chosen to find where
 * it breaks. Before any request is sent, the plan's highest rate and its longest possible load
 * time are checked against `plan.targetSafety` (defaults: 50 req/s, 1 minute) by the check `run`
 * uses too (scenario/target-safety.ts): a plan that could exceed either is refused, unless the
 * target is on this machine or the user passed --own-target.
 */
import type { PlanConfig, Scenario } from '../scenario/schema.js';
import { checkTargetSafety as checkTargetLoad } from '../scenario/target-safety.js';
import { ratesOf, requiredRate, worstCaseLoadMs } from './sweep.js';

export function checkTargetSafety(scenario: Scenario, plan: PlanConfig, ownTarget = false): void {
  if (scenario.target === undefined) return;
  const load = { rate: Math.max(requiredRate(plan), ...ratesOf(plan)), loadMs: worstCaseLoadMs(scenario, plan) };
  checkTargetLoad(scenario.target, load, plan.targetSafety, {
    command: 'plan',
    key: 'plan.targetSafety',
    lowerRate: 'lower plan.targetRate, plan.headroom or plan.rates',
    lowerDuration: 'sweep fewer pool sizes or rates, shorten plan.step or plan.warmup',
  }, ownTarget);
}
