import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { planScenario, planSucceeded } from '../../plan/planner.js';
import { renderPlan, renderPlanJson, renderStepLine } from '../../plan/render.js';
import { defaultReportPath, writeFileAtomic } from '../../report/write.js';
import { ExitCode } from '../../exit-codes.js';

export interface PlanCommandOptions {
  out?: string;
  quiet?: boolean;
  /** --own-target: lift the safety caps for a target that is not on this machine. */
  ownTarget?: boolean;
}

export async function planCommand(file: string, options: PlanCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenarioFile(file);
  const stopper = new AbortController();
  const stopListening = io.onInterrupt((signal) => {
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once)\n`);
    stopper.abort(signal);
  });
  let result;
  try {
    result = await planScenario(scenario, {
      signal: stopper.signal,
      ownTarget: options.ownTarget,
      onEvent: (event) => {
        if (!options.quiet && event.type === 'step-end') io.stderr.write(renderStepLine(event.variant, event.step));
      },
    });
  } finally {
    stopListening();
  }

  const reportPath = resolve(options.out ?? defaultReportPath(`${scenario.name}-plan`, result.startedAt, 'json'));
  await writeFileAtomic(reportPath, renderPlanJson(result));
  io.stdout.write(renderPlan(result));
  io.stderr.write(`report: ${reportPath}\n`);

  if (result.interruption?.reason === 'SIGINT' || result.interruption?.reason === 'SIGTERM') return ExitCode.Interrupted;
  if (result.interruption) return ExitCode.RunError;
  return planSucceeded(result) ? ExitCode.Success : ExitCode.PlanUnmet;
}
