/**
 * The verdict on a finished run, in one pure function: the advisor's findings, the CI gate's
 * checks, and from those and the run's own state the exit code and why. The CLI and a caller of
 * runScenario get the same answer; nothing here reads or writes anything.
 */
import type { RunResult } from '../result.js';
import type { Finding } from '../advisor/types.js';
import { advise } from '../advisor/index.js';
import { ExitCode, interruptionExitCode } from '../exit-codes.js';
import type { GateVerdict } from './types.js';
import { checkThresholds } from './check-thresholds.js';
import { compareWithBaseline, type CompareOptions } from './compare.js';
import { gateOutcome, outcomeExitCode, type GateOutcome } from './outcome.js';
import { variantsWithoutSuccess } from './success.js';

/** What the gate compares with: a saved run and how the comparison judges. */
export interface ComparisonOptions {
  /** A saved run to compare with (`--baseline`). */
  baseline?: RunResult;
  /** How the comparison judges (gate/settings.ts: flags over the scenario's `gate:`), and the baseline's label. */
  compare?: CompareOptions;
}

/** What the verdict depends on besides the run: the command line's choices, or a caller's. */
export interface VerdictOptions extends ComparisonOptions {
  /** `--allow-saturation`: a generator that could not keep up does not decide the exit code. */
  allowSaturation?: boolean;
  /** False with `--no-fail`: a failing gate exits 0 (and says so). Default true. */
  fail?: boolean;
}

/** Why a run exits with its code: the first that applies, in the order of src/exit-codes.ts. */
export type ExitReason =
  | { kind: 'stopped-early'; by: NonNullable<RunResult['interruption']>['reason'] }
  | { kind: 'no-success'; variants: string[] }
  | { kind: 'saturated'; variants: string[] }
  | { kind: 'gate-failed'; outcome: Exclude<GateOutcome, 'pass'> }
  /** `--no-fail`: the gate failed with `code`, and the run exits 0 all the same. */
  | { kind: 'gate-waived'; outcome: Exclude<GateOutcome, 'pass'>; code: number }
  | { kind: 'passed' };

export interface ExitDecision {
  exitCode: number;
  reason: ExitReason;
}

/** The verdict as a report stores it. */
export interface StoredVerdict {
  findings: Finding[];
  /** Absent when the run had no threshold and no baseline, or did not run to its end. */
  gate?: GateVerdict;
}

export interface RunVerdict extends ExitDecision, StoredVerdict {}

/** Checks a run's thresholds and, given a baseline run, compares with it. */
export function evaluateGate(result: RunResult, baseline?: RunResult, options: CompareOptions = {}): GateVerdict {
  return {
    thresholds: checkThresholds(result),
    ...(baseline && { comparison: compareWithBaseline(baseline, result, options) }),
  };
}

/**
 * Findings, gate and exit code of a run. The gate judges only a run that ran to its end: the
 * figures of a partial one would fail (or pass) it for the wrong reason.
 */
export function judgeRun(result: RunResult, options: VerdictOptions = {}): RunVerdict {
  const stored = storedVerdict(result, options);
  return { ...stored, ...runExit(result, stored.gate, options) };
}

/** The part of the verdict a report stores: the findings and, for a finished run, the gate. */
export function storedVerdict(result: RunResult, options: ComparisonOptions = {}): StoredVerdict {
  const evaluated = result.interruption ? undefined : evaluateGate(result, options.baseline, options.compare);
  const gate = evaluated && (evaluated.thresholds.length > 0 || evaluated.comparison) ? evaluated : undefined;
  return { findings: advise(result), ...(gate && { gate }) };
}

/** The exit code of a run that carries its verdict (runScenario's result, a saved report). */
export function exitDecision(judged: RunResult, options: VerdictOptions = {}): ExitDecision {
  return runExit(judged, judged.gate, options);
}

/** The precedence of src/exit-codes.ts, from "did not finish" down to the gate. */
function runExit(result: RunResult, gate: GateVerdict | undefined, options: VerdictOptions): ExitDecision {
  const interrupted = interruptionExitCode(result.interruption);
  if (interrupted !== undefined) return { exitCode: interrupted, reason: { kind: 'stopped-early', by: result.interruption!.reason } };
  // A variant that measured only failures says nothing about the pool; it comes before
  // saturation, which a generator spinning on instant errors also shows.
  const withoutSuccess = variantsWithoutSuccess(result);
  if (withoutSuccess.length > 0) return { exitCode: ExitCode.NoSuccess, reason: { kind: 'no-success', variants: withoutSuccess.map((v) => v.name) } };
  // Figures from a generator that could not keep up are not to be trusted: that comes before the gate.
  const saturated = result.variants.filter((v) => v.saturated);
  if (saturated.length > 0 && !options.allowSaturation) return { exitCode: ExitCode.GeneratorSaturated, reason: { kind: 'saturated', variants: saturated.map((v) => v.name) } };
  return judgeGate(gate, options.fail ?? true);
}

/** The gate's exit code; `fail: false` (`--no-fail`) turns a failing one into 0, keeping the code it would have been. */
export function judgeGate(gate: GateVerdict | undefined, fail: boolean): ExitDecision {
  const outcome = gate ? gateOutcome(gate) : 'pass';
  if (!gate || outcome === 'pass') return { exitCode: ExitCode.Success, reason: { kind: 'passed' } };
  const code = outcomeExitCode(outcome);
  return fail ? { exitCode: code, reason: { kind: 'gate-failed', outcome } } : { exitCode: ExitCode.Success, reason: { kind: 'gate-waived', outcome, code } };
}

/** The run as its report stores it: with the verdict's findings and gate. */
export function withVerdict(result: RunResult, verdict: StoredVerdict): RunResult {
  return { ...result, findings: verdict.findings, ...(verdict.gate && { gate: verdict.gate }) };
}
