/**
 * Load sent to a real service that is not on this machine is capped, for `run` and `plan` alike:
 * a scenario is easy to copy and point at the wrong host, and a benchmark at full speed against
 * someone else's service is an outage. Before anything is sent, the highest rate the command
 * could send and its longest possible load time are checked against the caps (`targetSafety`,
 * defaults 50 req/s and 1 minute); over either, the command is refused. A target on this machine
 * (127.0.0.0/8, ::1, localhost) is not capped. Raising a cap is a line in the file next to the
 * target it concerns; `--own-target` lifts both for one command, for the people who own it.
 */
import { isIPv4 } from 'node:net';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatDuration } from './units.js';
import type { Scenario, TargetSafety } from './schema.js';

/** The default caps, as the schema fills them in. */
export const DEFAULT_TARGET_SAFETY: TargetSafety = { maxRate: 50, maxDuration: 60_000 };

/** The command-line flag that lifts the caps (run and plan). */
export const OWN_TARGET_FLAG = '--own-target';

/** Whether `url`'s host is this machine: 127.0.0.0/8, ::1 or localhost. Names are not resolved. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/** The most a command could send to the target. */
export interface TargetLoad {
  /** Requests per second at the highest; Infinity when nothing bounds it. */
  rate: number;
  /** When nothing bounds the rate: why, and what would bound it. */
  unbounded?: { why: string; fix: string };
  /** Load time, warm-ups included; Infinity when nothing bounds it. */
  loadMs: number;
}

/** Where each cap is set, and what else would bring the load under it; for the messages. */
export interface SafetyAdvice {
  command: 'run' | 'plan';
  /** `targetSafety` or `plan.targetSafety`. */
  key: string;
  lowerRate: string;
  lowerDuration: string;
}

/**
 * Throws when `load` could exceed `caps` against a target that is not on this machine, unless
 * the user said they own it. Nothing has been sent when this runs.
 */
export function checkTargetSafety(target: string, load: TargetLoad, caps: TargetSafety, advice: SafetyAdvice, ownTarget: boolean): void {
  if (ownTarget || isLoopbackUrl(target)) return;
  const { maxRate, maxDuration } = caps;
  // The host alone: a URL may carry credentials, and this message is printed.
  const host = new URL(target).host;
  const owners = `or, if the service is yours and can take it, raise ${advice.key}.maxRate or pass ${OWN_TARGET_FLAG}`;
  if (load.unbounded !== undefined) {
    throw unsafe(`${load.unbounded.why}, so nothing bounds the rate sent to ${host}; a target that is not on this machine is capped at ${maxRate} req/s (${advice.key}.maxRate)`, `${load.unbounded.fix}, or pass ${OWN_TARGET_FLAG} if the service is yours and its owners agree`);
  }
  if (load.rate > maxRate) {
    throw unsafe(`the ${advice.command} could send ${round(load.rate)} req/s to ${host}, above the safety cap of ${maxRate} req/s (${advice.key}.maxRate) for a target that is not on this machine`, `${advice.lowerRate}, ${owners}`);
  }
  if (load.loadMs > maxDuration) {
    const length = Number.isFinite(load.loadMs) ? `for up to ${formatDuration(load.loadMs)}` : 'for as long as it takes to send every request';
    throw unsafe(`the ${advice.command} could load ${host} ${length}, above the safety cap of ${formatDuration(maxDuration)} (${advice.key}.maxDuration) for a target that is not on this machine`, `${advice.lowerDuration}, or, if the service is yours, raise ${advice.key}.maxDuration or pass ${OWN_TARGET_FLAG}`);
  }
}

/** The most `poolbench run` could send: every variant, warm-ups included, `repeat` trials each. */
export function runLoad(scenario: Scenario, repeat: number): TargetLoad {
  const { load } = scenario;
  let rate = 0;
  let unbounded: TargetLoad['unbounded'];
  let loadMs = 0;
  for (const variant of scenario.variants) {
    let variantRate: number;
    if (variant.client === 'autocannon') {
      variantRate = variant.rate ?? Infinity;
      if (variant.rate === undefined) unbounded ??= { why: `variant ${JSON.stringify(variant.name)} runs autocannon without a rate, which sends as fast as the target answers`, fix: 'give it a rate under the cap' };
    } else if (load.model === 'open') {
      variantRate = Math.max(load.rate ?? 0, ...(load.stages ?? []).map((stage) => stage.target));
    } else {
      variantRate = Infinity;
      unbounded ??= { why: 'the closed model sends each request as soon as the last one is answered', fix: 'use load.model: open with a load.rate under the cap' };
    }
    rate = Math.max(rate, variantRate);
    // A run bounded by a request count lasts as long as sending them takes at the rate.
    const measureMs = load.duration ?? ((load.requests ?? 0) / variantRate) * 1000;
    loadMs += load.warmup + measureMs;
  }
  return { rate, unbounded, loadMs: loadMs * repeat };
}

/** What `run` checks before it starts: the scenario's own caps over the most the run could send. */
export function checkRunSafety(scenario: Scenario, repeat: number, ownTarget: boolean): void {
  if (scenario.target === undefined) return;
  checkTargetSafety(scenario.target, runLoad(scenario, repeat), scenario.targetSafety ?? DEFAULT_TARGET_SAFETY, {
    command: 'run',
    key: 'targetSafety',
    lowerRate: "lower load.rate or the stages' targets (autocannon: its rate)",
    lowerDuration: 'shorten load.duration or load.warmup, run fewer variants or trials',
  }, ownTarget);
}

function round(rate: number): number {
  return Math.round(rate * 10) / 10;
}

function unsafe(message: string, hint: string): PoolbenchError {
  return new PoolbenchError(message, { code: 'POOLBENCH_TARGET_UNSAFE', exitCode: ExitCode.InvalidInput, hint: `${hint}; nothing was sent` });
}
