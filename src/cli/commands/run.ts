import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { runScenario } from '../../runner.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import type { ReportFormat } from '../../report/index.js';
import { renderFindings } from '../../report/findings.js';
import { defaultReportPath, writeFileAtomic } from '../../report/write.js';
import { chooseProgressMode, startProgressOutput } from '../progress-output.js';
import { writeReportFormat } from '../report-files.js';
import { ExitCode } from '../../exit-codes.js';

export interface RunCommandOptions {
  out?: string;
  quiet?: boolean;
  /** Report files to write beside the JSON report. */
  format?: ReportFormat[];
  /** Exit 0 even when a variant's generator could not keep up (the flag stays in the report). */
  allowSaturation?: boolean;
}

export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenarioFile(file);
  const stopper = new AbortController();
  const progress = startProgressOutput(io, chooseProgressMode(io, options.quiet ?? false));
  const stopListening = io.onInterrupt((signal) => {
    // The live view owns the terminal until it is unmounted; the message must come after it.
    progress.stop();
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once)\n`);
    stopper.abort(signal);
  });
  let result;
  try {
    result = await runScenario(scenario, { signal: stopper.signal, onEvent: progress.onEvent });
  } finally {
    stopListening();
    progress.stop();
  }

  // The JSON report is always written: every other format can be rendered again from it.
  const reportPath = resolve(options.out ?? defaultReportPath(scenario.name, result.startedAt, 'json'));
  await writeFileAtomic(reportPath, renderJson(result));
  const written = [reportPath];
  for (const format of options.format ?? []) {
    if (format !== 'json') written.push(...(await writeReportFormat(result, format, reportPath, true)));
  }
  // GitHub Actions shows this file on the run's summary page.
  if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, renderMarkdown(result));
  io.stdout.write(renderTerminalSummary(result));
  const findings = renderFindings(result.findings);
  if (findings) io.stdout.write(`\n${findings}`);
  for (const path of written) io.stderr.write(`report: ${path}\n`);

  if (result.interruption?.reason === 'SIGINT' || result.interruption?.reason === 'SIGTERM') return ExitCode.Interrupted;
  if (result.interruption) return ExitCode.RunError;
  if (!options.allowSaturation && result.variants.some((v) => v.saturated)) return ExitCode.GeneratorSaturated;
  return ExitCode.Success;
}
