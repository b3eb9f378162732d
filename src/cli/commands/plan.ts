import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { planScenario, planSucceeded } from '../../plan/planner.js';
import { renderPlan, renderPlanJson, renderStepLine } from '../../plan/render.js';
import { defaultReportPath } from '../../report/write.js';
import { checkWritable, ReportWriter } from '../report-files.js';
import { ExitCode } from '../../exit-codes.js';

export interface PlanCommandOptions {
  out?: string;
  quiet?: boolean;
}

export async function planCommand(file: string, options: PlanCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenarioFile(file);
  // Checked before any load is sent; written after with a temporary file as the fallback.
  const reportPath = resolve(options.out ?? defaultReportPath(`${scenario.name}-plan`, new Date().toISOString(), 'json'));
  await checkWritable([{ path: reportPath, option: options.out ? '--out' : 'the plan' }]);
  const stopper = new AbortController();
  const stopListening = io.onInterrupt((signal) => {
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once)\n`);
    stopper.abort(signal);
  });
  let result;
  try {
    result = await planScenario(scenario, {
      signal: stopper.signal,
      onEvent: (event) => {
        if (!options.quiet && event.type === 'step-end') io.stderr.write(renderStepLine(event.variant, event.step));
      },
    });
  } finally {
    stopListening();
  }

  const writer = new ReportWriter();
  await writer.write(reportPath, renderPlanJson(result));
  io.stdout.write(renderPlan(result));
  writer.printSummary(io);
  if (writer.failed) return ExitCode.RunError;

  if (result.interruption?.reason === 'SIGINT' || result.interruption?.reason === 'SIGTERM') return ExitCode.Interrupted;
  if (result.interruption) return ExitCode.RunError;
  return planSucceeded(result) ? ExitCode.Success : ExitCode.PlanUnmet;
}
