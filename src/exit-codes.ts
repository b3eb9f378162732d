/**
 * Every exit code poolbench can return, in one place. The README's table is generated from
 * the same meanings; a test checks the two agree. k6's ThresholdsHaveFailed = 99 is the model
 * for the gate's codes; codes for later features are reserved so scripts written today keep working.
 *
 * When several apply to one run, the first of these wins (judgeRun in gate/verdict.ts decides):
 * a run that did not finish (1, or interrupted: 130, 143) > a variant with no successful request (103: its figures
 * measure nothing but failures, and a generator spinning on instant errors is saturated too)
 * > saturation (101: the figures are not to be trusted) > a failed threshold (99) > the baseline
 * comparison (100) > 0. `--no-fail` turns only 99 and 100 into 0.
 */
export const ExitCode = {
  /** The run finished and nothing failed. */
  Success: 0,
  /** The run could not be carried out: the upstream crashed, a port could not be bound, a bug. */
  RunError: 1,
  /** The scenario file or the command line is invalid; nothing was run. */
  InvalidInput: 2,
  /** The CI gate: a threshold in the scenario did not hold (outranks a regression when both happen). */
  ThresholdFailed: 99,
  /** The CI gate: a regression against a saved baseline (`--baseline`, `compare`), or a comparison that compared nothing. */
  Regression: 100,
  /** The generator could not keep up (achieved rate or event-loop delay); `--allow-saturation` overrides. */
  GeneratorSaturated: 101,
  /** `poolbench plan`: no pool size tried met the objectives at the target rate, or the fleet would exceed the upstream's connection limit. */
  PlanUnmet: 102,
  /** A variant completed no request successfully (every one failed or answered 4xx/5xx); `expectFailures: true` on the variant opts out. */
  NoSuccess: 103,
  /** Interrupted by Ctrl-C (SIGINT); what was measured was still written, marked partial. 128 + 2, as shells report it. */
  Interrupted: 130,
  /** Stopped by SIGTERM (CI, `timeout`, `kill`); what was measured was still written, marked partial. 128 + 15. */
  Terminated: 143,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

export const exitCodeMeanings: Record<ExitCodeName, string> = {
  Success: 'the run finished and nothing failed',
  RunError: 'the run could not be carried out (upstream crashed, port in use, internal error), or a report could not be written where asked (it was saved to a temporary file, whose path is printed)',
  InvalidInput: 'invalid scenario file or command line, or an output path that cannot be written; nothing was run',
  ThresholdFailed: 'a threshold in the scenario did not hold (checked before the baseline: it wins when both fail)',
  Regression: 'the baseline comparison (`--baseline`, `compare`) found a regression, or compared nothing (no variant in common, or a metric missing on one side)',
  GeneratorSaturated: 'the load generator could not keep up (rate below target or event-loop delay too high; see the notes); `--allow-saturation` exits 0',
  PlanUnmet: '`poolbench plan`: no pool size tried met the latency objectives and error budget at the target rate with headroom, or the fleet would open more connections than the upstream allows',
  NoSuccess: 'a variant had no successful request: every request failed or answered 4xx/5xx (the notes name the variant); `expectFailures: true` on the variant exits 0 for fault experiments',
  Interrupted: 'interrupted by Ctrl-C (SIGINT); a partial report was written. A second Ctrl-C quits at once, with this code and no report',
  Terminated: 'stopped by SIGTERM (CI, `timeout`, `kill`); a partial report was written. A second signal quits at once, with no report',
};

/** What is written when a run ends with each code: the README's "written" column. */
export const exitCodeOutputs: Record<ExitCodeName, string> = {
  Success: '`run`: the JSON report and every `--format` file, complete, and the baseline with `--save-baseline`; `plan`: the plan JSON; `report`: the rendering',
  RunError: '`run`: when something was measured before the failure, the JSON report and every `--format` file, marked partial; otherwise nothing. A report that could not be written where asked: a temporary file, its path printed',
  InvalidInput: 'nothing',
  ThresholdFailed: 'the JSON report and every `--format` file, complete, with the verdict; the baseline with `--save-baseline`',
  Regression: '`run`: the JSON report and every `--format` file, complete, with the verdict; the baseline with `--save-baseline`; `compare`: nothing (it prints the verdict)',
  GeneratorSaturated: 'the JSON report and every `--format` file, complete, the saturated variants flagged; the baseline with `--save-baseline`',
  PlanUnmet: 'the plan JSON, complete',
  NoSuccess: 'the JSON report and every `--format` file, complete; no baseline (it would compare against failures)',
  Interrupted: 'the JSON report and every `--format` file (`plan`: the plan JSON), marked partial; no baseline; after a second Ctrl-C, nothing',
  Terminated: 'the JSON report and every `--format` file (`plan`: the plan JSON), marked partial; no baseline; after a second signal, nothing',
};

/**
 * The exit code of a run that was cut short, by why; undefined when it ran to its end. Typed by
 * its shape rather than RunResult's, so this bottom module imports nothing.
 */
export function interruptionExitCode(interruption: { reason: string } | undefined): number | undefined {
  if (interruption === undefined) return undefined;
  return isInterruptSignal(interruption.reason) ? signalExitCode(interruption.reason) : ExitCode.RunError;
}

export function isInterruptSignal(reason: unknown): reason is InterruptSignal {
  return reason === 'SIGINT' || reason === 'SIGTERM';
}

/** The signals that stop a command: the same code whether the second Ctrl-C quits at once or the first one cuts a run short. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal's number, as shells report it. */
export function signalExitCode(signal: InterruptSignal): number {
  return signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
}
