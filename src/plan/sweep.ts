/**
 * What a plan sweeps, from its `plan:` section: the pool sizes tried at the required rate and
 * the offered rates tried at the recommended size, and an upper bound on the load time they
 * can take (for the safety cap on real targets).
 */
import type { PlanConfig, Scenario, Variant } from '../scenario/schema.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** 1, 2, 4 … 256: doubling finds the order of magnitude in few steps; bisection does the rest. */
const DEFAULT_POOL_SIZES = Array.from({ length: 9 }, (_, i) => 2 ** i);
/** Shares of the target rate: dense around it, sparse beyond, up to 4×. */
const DEFAULT_RATE_SHARES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4];
/** A confirmation that fails moves to a larger size; this many attempts at most. */
export const CONFIRM_ATTEMPTS = 3;
/**
 * A confirmation must meet the objectives with this margin (p99 < 200ms is confirmed below
 * 180 ms): near the smallest size that passes, the pool runs close to full and p99 over a few
 * seconds varies by tens of percent from run to run, so a bare pass would not survive a re-run.
 */
export const CONFIRM_MARGIN = 0.1;
/** A confirmation run measures this many times a step's duration. */
export const CONFIRM_LENGTH = 2;

export function requiredRate(plan: PlanConfig): number {
  return plan.targetRate * (1 + plan.headroom);
}

export function poolSizesOf(plan: PlanConfig): number[] {
  return plan.connections ?? DEFAULT_POOL_SIZES;
}

export function ratesOf(plan: PlanConfig): number[] {
  return plan.rates ?? DEFAULT_RATE_SHARES.map((share) => Math.round(plan.targetRate * share * 10) / 10);
}

/** The variant setting that is the pool size, per client kind; other kinds cannot be planned. */
const POOL_SETTINGS = { undici: 'connections', 'node-http': 'maxSockets' } as const;

export function poolSettingOf(variant: Variant): string {
  if (variant.client === 'undici' || variant.client === 'node-http') return POOL_SETTINGS[variant.client];
  throw new PoolbenchError(`variant ${JSON.stringify(variant.name)} uses ${variant.client}, which has no pool size to plan`, {
    code: 'POOLBENCH_PLAN_CLIENT',
    exitCode: ExitCode.InvalidInput,
    hint: `plan sweeps ${Object.entries(POOL_SETTINGS).map(([client, setting]) => `${client} ${setting}`).join(' or ')}`,
  });
}

/** The variant with its pool size set to `size`. */
export function withPoolSize(variant: Variant, size: number): Variant {
  return { ...variant, [poolSettingOf(variant)]: size };
}

/** Load time (warm-ups included) of the longest plan the section allows, over every variant. */
export function worstCaseLoadMs(scenario: Scenario, plan: PlanConfig): number {
  // A failing rate step is run twice (planner.ts, step 4).
  const steps = poolSizesOf(plan).length + plan.refine + CONFIRM_ATTEMPTS * CONFIRM_LENGTH + 2 * ratesOf(plan).length;
  return scenario.variants.length * steps * (plan.warmup + plan.step);
}
