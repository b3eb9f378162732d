/**
 * Runs a scenario: scenario → plan (run/plan.ts) → upstream or target reached (run/target.ts)
 * → every variant, round by round (run/variant.ts) → RunResult (assembled below from what ran)
 * → the verdict: the advisor's findings and the gate's checks (gate/verdict.ts), in the result.
 *
 * The runner never writes to the terminal. It reports progress through `onEvent` and returns
 * everything it measured — also when stopped early by the signal or by the upstream dying, in
 * which case the result is marked partial and says why.
 */
import type { Scenario } from './scenario/schema.js';
import type { Environment, RunResult, VariantResult } from './result.js';
import { REPORT_SCHEMA_VERSION } from './result.js';
import { RunFailedError } from './errors.js';
import { storedVerdict, withVerdict, type ComparisonOptions } from './gate/verdict.js';
import { mergeTrials } from './metrics/trials.js';
import { redactCredentials, redactScenario } from './credentials.js';
import { planRun, type RunPlan } from './run/plan.js';
import { reach, type Reached } from './run/target.js';
import { runVariant } from './run/variant.js';
import { interruptionOf, upstreamExited, type Interruption } from './run/stop-reason.js';
import { describeEnvironment } from './run/environment.js';
import type { EmitRunEvent, RunEvent } from './run/events.js';

export type { RunEvent } from './run/events.js';

/** With a baseline and the comparison's settings, the result carries the gate's verdict (gate/verdict.ts). */
export interface RunOptions extends ComparisonOptions {
  /** Aborting stops the run; a reason of 'SIGINT' or 'SIGTERM' is recorded as that signal. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /**
   * Trials per variant (default 1), run in interleaved rounds (A B A B …) so that drift on a
   * shared machine falls on every variant alike instead of on whichever ran last.
   */
  repeat?: number;
}

/** Async even where the plan refuses the scenario (planRun throws): callers get a rejection, never a synchronous throw. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  return runPlan(planRun(scenario, options.repeat), options);
}

/** What a run produced before it was assembled: each variant's trials, and how it ended. */
interface RunOutcome {
  startedAt: Date;
  environment: Environment;
  trials: VariantResult[][];
  interruption?: Interruption;
  failure?: unknown;
  upstreamUrl?: string;
}

async function runPlan(plan: RunPlan, options: RunOptions = {}): Promise<RunResult> {
  const emit = options.onEvent ?? (() => {});
  const outcome: RunOutcome = { startedAt: new Date(), environment: describeEnvironment(), trials: plan.variants.map(() => []) };
  // One controller for every reason to stop: the caller's signal, or the upstream dying.
  const stopper = new AbortController();
  const forwardAbort = () => stopper.abort(interruptionOf(options.signal?.reason ?? 'SIGINT'));
  if (options.signal?.aborted) forwardAbort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  let reached: Reached | undefined;
  try {
    reached = await reach(plan);
    outcome.upstreamUrl = reached.upstream?.url;
    watchUpstream(reached, stopper);
    emit({ type: 'run-start', targetUrl: reached.target.origin, variants: plan.variants.map((v) => v.name), upstreamPid: reached.upstream?.pid });
    await runRounds(plan, reached, stopper.signal, emit, outcome.trials);
  } catch (error) {
    // An error caused by stopping (e.g. a counters request to a dead upstream) is the stop itself.
    if (!stopper.signal.aborted) outcome.failure = error;
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
    await reached?.upstream?.stop();
  }
  if (stopper.signal.aborted) outcome.interruption = interruptionOf(stopper.signal.reason);
  const measured = assembleRunResult(plan, outcome, new Date());
  const result = withVerdict(measured, storedVerdict(measured, options));
  if (outcome.failure !== undefined) throw new RunFailedError(outcome.failure, result);
  return result;
}

function watchUpstream({ upstream, upstreamName }: Reached, stopper: AbortController): void {
  void upstream?.exited.then(({ expected, code, signal }) => {
    if (!expected) stopper.abort(upstreamExited(upstreamName, code, signal));
  });
}

async function runRounds(plan: RunPlan, { target, upstream }: Reached, signal: AbortSignal, emit: EmitRunEvent, trials: VariantResult[][]): Promise<void> {
  for (let round = 0; round < plan.rounds; round++) {
    if (plan.rounds > 1) emit({ type: 'round-start', round: round + 1, rounds: plan.rounds });
    for (const [index, variant] of plan.variants.entries()) {
      if (signal.aborted) return;
      const result = await runVariant({ plan, index, variant, target, upstream, signal, emit });
      trials[index].push(result);
      emit({ type: 'variant-end', result });
    }
  }
}

/**
 * The run's result, from its plan and what it produced. A failure with nothing measured has
 * nothing to keep and is thrown as it is; with some variants measured it becomes the reason the
 * run is partial. A target's credentials stop here: reports, terminal, every format.
 */
function assembleRunResult(plan: RunPlan, outcome: RunOutcome, finishedAt: Date): RunResult {
  const variants = outcome.trials.filter((runs) => runs.length > 0).map((runs) => (plan.rounds > 1 ? mergeTrials(runs) : runs[0]));
  let { interruption } = outcome;
  if (outcome.failure !== undefined) {
    if (variants.length === 0) throw outcome.failure;
    interruption = interruptionOf(outcome.failure);
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: redactScenario(plan.scenario),
    environment: outcome.environment,
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    partial: interruption !== undefined || variants.length < plan.variants.length,
    interruption: interruption && { ...interruption, message: redactCredentials(interruption.message) },
    targetUrl: redactCredentials(plan.scenario.target ?? outcome.upstreamUrl!),
    baseline: plan.scenario.baseline,
    variants,
  };
}
