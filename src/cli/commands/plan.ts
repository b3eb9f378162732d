import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { planScenario, planSucceeded } from '../../plan/planner.js';
import { renderPlan, renderPlanJson, renderStepLine } from '../../plan/render.js';
import { defaultReportPath } from '../../report/write.js';
import { checkWritable, ReportWriter } from '../report-files.js';
import { ExitCode, interruptionExitCode } from '../../exit-codes.js';
import { untilInterrupted } from '../interrupt.js';

export interface PlanCommandOptions {
  out?: string;
  quiet?: boolean;
  /** --own-target: lift the safety caps for a target that is not on this machine. */
  ownTarget?: boolean;
}

export async function planCommand(file: string, options: PlanCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenarioFile(file);
  // Checked before any load is sent; written after with a temporary file as the fallback.
  const reportPath = resolve(options.out ?? defaultReportPath(`${scenario.name}-plan`, new Date().toISOString(), 'json'));
  await checkWritable([{ path: reportPath, option: options.out ? '--out' : 'the plan' }]);
  const result = await untilInterrupted(io, (signal) =>
    planScenario(scenario, {
      signal,
      ownTarget: options.ownTarget,
      onEvent: (event) => {
        if (!options.quiet && event.type === 'step-end') io.stderr.write(renderStepLine(event.variant, event.step));
      },
    }),
  );

  const writer = new ReportWriter();
  await writer.write(reportPath, renderPlanJson(result));
  io.stdout.write(renderPlan(result));
  writer.printSummary(io);
  if (writer.failed) return ExitCode.RunError;

  return interruptionExitCode(result.interruption) ?? (planSucceeded(result) ? ExitCode.Success : ExitCode.PlanUnmet);
}
