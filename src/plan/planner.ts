/**
 * `poolbench plan`: for each variant, find the smallest pool size that meets the latency
 * objectives and the error budget at the required rate (target × (1 + headroom)), confirm it
 * with a longer re-run, then sweep the offered rate at that size until the objectives break,
 * and model the sweep: Little's law, the knee, the Universal Scalability Law, the fleet's
 * connections against the upstream's limit.
 *
 * Every step is an ordinary one-variant scenario run by `runScenario` (fresh upstream, warm-up,
 * open model, all the runner's measurements); the planner only chooses the next step from the
 * last one's figures (issue 8).
 */
import type { PlanConfig, Scenario, Variant } from '../scenario/schema.js';
import type { VariantResult, RunResult } from '../result.js';
import { runScenario } from '../runner.js';
import { describeEnvironment } from '../run/environment.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { brokenSlos } from './slo.js';
import { formatShare } from '../report/format.js';
import { littleCheck, poolFigures } from './little.js';
import { findKnee } from './knee.js';
import { fitUsl } from './usl.js';
import { checkTargetSafety } from './safety.js';
import { CONFIRM_ATTEMPTS, CONFIRM_LENGTH, CONFIRM_MARGIN, poolSettingOf, poolSizesOf, ratesOf, requiredRate, withPoolSize } from './sweep.js';
import { PLAN_SCHEMA_VERSION, type FleetFigures, type PlanResult, type PlanStep, type StepPhase, type VariantPlan } from './types.js';
import { redactScenario } from '../credentials.js';

export type PlanEvent =
  | { type: 'step-start'; variant: string; phase: StepPhase; poolSize: number; offeredRps: number; durationMs: number }
  | { type: 'step-end'; variant: string; step: PlanStep };

export interface PlanOptions {
  /** Aborting stops the plan after the current step's partial figures. */
  signal?: AbortSignal;
  onEvent?: (event: PlanEvent) => void;
  /** --own-target: the user owns the target, so the safety caps do not apply. */
  ownTarget?: boolean;
}

/** Thrown inside a variant's plan when a step was cut short; carries why. */
class Interrupted extends Error {
  constructor(readonly interruption: NonNullable<RunResult['interruption']>) {
    super(interruption.message);
  }
}

export async function planScenario(scenario: Scenario, options: PlanOptions = {}): Promise<PlanResult> {
  const plan = scenario.plan;
  if (plan === undefined) {
    throw new PoolbenchError(`scenario ${JSON.stringify(scenario.name)} has no plan: section`, {
      code: 'POOLBENCH_NO_PLAN',
      exitCode: ExitCode.InvalidInput,
      hint: 'add plan: { slo: "p99 < 200ms", targetRate: 500 } (see "Capacity planning" in the README)',
    });
  }
  for (const variant of scenario.variants) poolSettingOf(variant);
  checkTargetSafety(scenario, plan, options.ownTarget);

  const startedAt = new Date().toISOString();
  const variants: VariantPlan[] = [];
  let interruption: PlanResult['interruption'];
  for (const variant of scenario.variants) {
    const variantPlan: VariantPlan = { variant: variant.name, client: variant.client, poolSetting: poolSettingOf(variant), steps: [] };
    variants.push(variantPlan);
    try {
      await planVariant(scenario, plan, variant, variantPlan, options);
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      interruption = error.interruption;
      break;
    }
  }
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'plan',
    // Where the scenario becomes a result: a target's credentials stop here.
    scenario: redactScenario(scenario),
    environment: describeEnvironment(),
    startedAt,
    finishedAt: new Date().toISOString(),
    slo: plan.slo,
    errorBudget: plan.errorBudget,
    targetRps: plan.targetRate,
    headroom: plan.headroom,
    requiredRps: requiredRate(plan),
    variants,
    partial: interruption !== undefined,
    ...(interruption && { interruption }),
  };
}

/** Fills `out` step by step, so an interruption keeps what was measured. */
async function planVariant(scenario: Scenario, plan: PlanConfig, variant: Variant, out: VariantPlan, options: PlanOptions): Promise<void> {
  const required = requiredRate(plan);
  const sizes = poolSizesOf(plan);
  const run = async (phase: StepPhase, poolSize: number, offeredRps: number, durationMs = plan.step): Promise<PlanStep> => {
    options.onEvent?.({ type: 'step-start', variant: variant.name, phase, poolSize, offeredRps, durationMs });
    const result = await runScenario(stepScenario(scenario, plan, variant, poolSize, offeredRps, durationMs), { signal: options.signal });
    if (result.interruption || result.variants.length === 0) {
      throw new Interrupted(result.interruption ?? { reason: 'error', message: 'a step did not run' });
    }
    const step = toStep(phase, poolSize, offeredRps, result.variants[0], plan, phase === 'confirm' ? 1 - CONFIRM_MARGIN : 1);
    out.steps.push(step);
    options.onEvent?.({ type: 'step-end', variant: variant.name, step });
    return step;
  };
  const meets = (step: PlanStep) => step.failures.length === 0;

  // 1. Pool sizes, smallest first, at the required rate: stop at the first that meets the plan.
  let failing: number | undefined;
  let passing: number | undefined;
  for (const size of sizes) {
    if (meets(await run('pool', size, required))) {
      passing = size;
      break;
    }
    failing = size;
  }
  // 2. Bisect between the largest failing and the smallest passing size.
  for (let i = 0; i < plan.refine && passing !== undefined && failing !== undefined && passing - failing > 1; i++) {
    const middle = Math.floor((passing + failing) / 2);
    if (meets(await run('pool', middle, required))) passing = middle;
    else failing = middle;
  }
  // 3. Confirm with a longer run and a margin: one short step that passed may have been lucky.
  //    A failed confirmation moves up by about 10 %, never past the next listed size.
  for (let attempt = 0; passing !== undefined && attempt < CONFIRM_ATTEMPTS; attempt++) {
    const candidate: number = passing;
    if (meets(await run('confirm', candidate, required, plan.step * CONFIRM_LENGTH))) {
      out.recommendedPoolSize = candidate;
      break;
    }
    failing = Math.max(failing ?? 0, candidate);
    const larger = sizes.filter((size) => size > candidate);
    passing = larger.length > 0 ? Math.min(candidate + Math.ceil(candidate * 0.1), ...larger) : undefined;
  }
  if (failing !== undefined) out.largestFailingPoolSize = failing;

  // 4. Offered rates at the recommended size (or the largest tried), until the plan breaks.
  //    A p99 from one short step rests on a few dozen samples: a failure stops the sweep only
  //    when a second run at that rate fails too (both rows stay in the table).
  const sweepSize = out.recommendedPoolSize ?? Math.max(...out.steps.map((s) => s.poolSize));
  out.rateSweepPoolSize = sweepSize;
  for (const rate of ratesOf(plan)) {
    if (!meets(await run('rate', sweepSize, rate)) && !meets(await run('rate', sweepSize, rate))) break;
    out.maxRateRps = rate;
  }

  const fleet = fleetOf(scenario, plan, out);
  if (fleet) out.fleet = fleet;
  analyse(out);
}

/** The one-variant scenario of a step: open model at `offeredRps`, the variant's pool set to `poolSize`. */
export function stepScenario(scenario: Scenario, plan: PlanConfig, variant: Variant, poolSize: number, offeredRps: number, durationMs: number): Scenario {
  const { concurrency, maxInFlight, saturation, workers } = scenario.load;
  const stepVariant = { ...withPoolSize(variant, poolSize), name: `${variant.name} pool ${poolSize} at ${offeredRps} req/s` };
  return {
    ...scenario,
    load: { model: 'open', rate: offeredRps, duration: durationMs, warmup: plan.warmup, concurrency, maxInFlight, workers, saturation },
    variants: [stepVariant],
    baseline: stepVariant.name,
  };
}

/** `sloScale` below 1 tightens the objectives (the confirmation's margin). */
function toStep(phase: StepPhase, poolSize: number, offeredRps: number, v: VariantResult, plan: PlanConfig, sloScale: number): PlanStep {
  const attempted = v.requests.completed + v.requests.failed;
  const errorShare = attempted > 0 ? v.errorCount / attempted : 0;
  const slos = plan.slo.map((slo) => ({ ...slo, limitMs: slo.limitMs * sloScale }));
  const failures = v.requests.completed === 0 ? ['no responses'] : brokenSlos(slos, v.latency, v.pool?.attempts?.acquireWait);
  if (errorShare > plan.errorBudget) failures.push(`errors ${formatShare(errorShare)} > ${formatShare(plan.errorBudget)}`);
  if (v.saturated) failures.push(`generator could not keep up: ${v.saturated.reason}`);
  // In-flight counts from the send, so Little's W is the latency from the send too.
  const sentLatency = v.uncorrectedLatency ?? v.latency;
  return {
    phase,
    poolSize,
    offeredRps,
    durationMs: v.durationMs,
    throughputRps: v.throughputRps,
    latency: v.latency,
    errors: v.errorCount,
    errorShare,
    ...(v.inFlight && { little: littleCheck(v.inFlight.mean, v.throughputRps, sentLatency.mean), pool: poolFigures(v.inFlight, poolSize, v.throughputRps) }),
    failures,
  };
}

function fleetOf(scenario: Scenario, plan: PlanConfig, out: VariantPlan): FleetFigures | undefined {
  if (out.recommendedPoolSize === undefined) return undefined;
  const limit = plan.connectionLimit ?? scenario.upstream?.maxConnections ?? 0;
  const totalConnections = plan.instances * out.recommendedPoolSize;
  const confirmation = out.steps.find((s) => s.phase === 'confirm' && s.poolSize === out.recommendedPoolSize);
  const busy = confirmation?.pool && confirmation.pool.occupancy * out.recommendedPoolSize * plan.instances;
  return {
    instances: plan.instances,
    poolSize: out.recommendedPoolSize,
    totalConnections,
    ...(busy !== undefined && { busyConnections: busy }),
    limit,
    withinLimit: limit === 0 || totalConnections <= limit,
  };
}

/** Models over the measured steps: knee and USL on the rate sweep, Little's law on all. */
function analyse(out: VariantPlan): void {
  const rateSteps = out.steps.filter((s) => s.phase === 'rate' && s.little);
  const points = rateSteps.map((s) => ({ concurrency: s.little!.measured, throughput: s.throughputRps }));
  const knee = findKnee(points.map((p) => ({ x: p.concurrency, y: p.throughput })));
  if (knee !== undefined) out.knee = { concurrency: points[knee].concurrency, throughputRps: points[knee].throughput, offeredRps: rateSteps[knee].offeredRps };
  const usl = fitUsl(points);
  if (usl) out.usl = usl;
  // Only steady steps: in an overloaded one, requests abandoned at the end count in flight but never in latency.
  const errors = out.steps.flatMap((s) => (s.little && s.failures.length === 0 ? [Math.abs(s.little.relativeError)] : []));
  if (errors.length > 0) out.littleWorstError = Math.max(...errors);
}

/** True when every variant got a confirmed pool size that the fleet can open within the upstream's limit. */
export function planSucceeded(result: PlanResult): boolean {
  return result.variants.every((v) => v.recommendedPoolSize !== undefined && v.fleet?.withinLimit !== false);
}
