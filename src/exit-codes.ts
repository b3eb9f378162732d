/**
 * Every exit code poolbench can return, in one place. The README's table is generated from
 * the same meanings; a test checks the two agree. k6's ThresholdsHaveFailed = 99 is the model
 * for the gate's codes; codes for later features are reserved so scripts written today keep working.
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
  /** The CI gate: a significant regression against a saved baseline (`--baseline`, `compare`). */
  Regression: 100,
  /** The generator could not keep up (achieved rate or event-loop delay); `--allow-saturation` overrides. */
  GeneratorSaturated: 101,
  /** `poolbench plan`: no pool size tried met the objectives at the target rate, or the fleet would exceed the upstream's connection limit. */
  PlanUnmet: 102,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM; what was measured was still written, marked partial. */
  Interrupted: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

export const exitCodeMeanings: Record<ExitCodeName, string> = {
  Success: 'the run finished and nothing failed',
  RunError: 'the run could not be carried out (upstream crashed, port in use, internal error), or a report could not be written where asked (it was saved to a temporary file, whose path is printed)',
  InvalidInput: 'invalid scenario file or command line, or an output path that cannot be written; nothing was run',
  ThresholdFailed: 'a threshold in the scenario did not hold (checked before the baseline: it wins when both fail)',
  Regression: 'a significant regression against the baseline (`--baseline`, `compare`)',
  GeneratorSaturated: 'the load generator could not keep up (rate below target or event-loop delay too high; see the notes); `--allow-saturation` exits 0',
  PlanUnmet: '`poolbench plan`: no pool size tried met the latency objectives and error budget at the target rate with headroom, or the fleet would open more connections than the upstream allows',
  Interrupted: 'interrupted by Ctrl-C / SIGTERM; a partial report was written',
};
