/** What `poolbench plan` produces: the input of the plan renderers and of the plan's JSON file. */
import type { Environment, RunResult } from '../result.js';
import type { Scenario } from '../scenario/schema.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { Slo } from '../scenario/slo.js';
import type { LittleCheck, PoolFigures } from './little.js';
import type { UslFit } from './usl.js';

export const PLAN_SCHEMA_VERSION = 1;

/**
 * `pool`: a pool size tried at the required rate; `confirm`: a longer re-run of the candidate;
 * `rate`: an offered rate tried at the recommended pool size.
 */
export type StepPhase = 'pool' | 'confirm' | 'rate';

export interface PlanStep {
  phase: StepPhase;
  poolSize: number;
  offeredRps: number;
  durationMs: number;
  throughputRps: number;
  /** From each request's intended start (coordinated-omission corrected): what the SLO is judged on. */
  latency: LatencySummary;
  errors: number;
  /** Errors ÷ requests that completed or failed. */
  errorShare: number;
  /** Absent when the client drives its own load (no in-flight gauge). */
  little?: LittleCheck;
  pool?: PoolFigures;
  /** Why the step does not meet the plan (broken objectives, error budget, generator saturation); empty when it does. */
  failures: string[];
}

export interface FleetFigures {
  instances: number;
  poolSize: number;
  /** Connections the upstream sees when every instance fills its pool. */
  totalConnections: number;
  /** Connections busy on average over the fleet at the required rate (from the confirmation run). */
  busyConnections?: number;
  /** The upstream's limit; 0 = none known. */
  limit: number;
  withinLimit: boolean;
}

export interface VariantPlan {
  variant: string;
  client: string;
  /** The variant setting the sweep varies: undici `connections`, node:http `maxSockets`. */
  poolSetting: string;
  steps: PlanStep[];
  /** The smallest pool size that met the plan at the required rate and was confirmed by a longer re-run. */
  recommendedPoolSize?: number;
  /** The largest pool size that did not. */
  largestFailingPoolSize?: number;
  /** The pool size the rate sweep ran at: the recommendation, or the largest size tried. */
  rateSweepPoolSize?: number;
  /** The highest offered rate that met the plan in the rate sweep. */
  maxRateRps?: number;
  /** Where throughput stops growing with concurrency (Kneedle on the rate sweep). */
  knee?: { concurrency: number; throughputRps: number; offeredRps: number };
  usl?: UslFit;
  /** Largest |relative error| of Little's law over the steps that met the plan (steady ones). */
  littleWorstError?: number;
  fleet?: FleetFigures;
}

export interface PlanResult {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  kind: 'plan';
  scenario: Scenario;
  environment: Environment;
  startedAt: string;
  finishedAt: string;
  slo: Slo[];
  errorBudget: number;
  /** Per instance. */
  targetRps: number;
  headroom: number;
  /** targetRps × (1 + headroom): the rate the pool is sized for. */
  requiredRps: number;
  variants: VariantPlan[];
  /** True when the plan stopped early; `interruption` says why. */
  partial: boolean;
  interruption?: RunResult['interruption'];
}
