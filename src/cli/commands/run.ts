import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { runScenario } from '../../runner.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import type { ReportFormat } from '../../report/index.js';
import { defaultReportPath, describeWriteError } from '../../report/write.js';
import { chooseProgressMode, startProgressOutput } from '../progress-output.js';
import { checkWritable, plannedFormatFiles, ReportWriter } from '../report-files.js';
import { interruptionExitCode, untilInterrupted } from '../interrupt.js';
import { ExitCode } from '../../exit-codes.js';
import { RunFailedError } from '../../errors.js';
import { parseOverride } from '../../scenario/overrides.js';
import { parseMinEffect, parseRepeat } from '../gate-options.js';
import { readRunReport } from '../../gate/report-file.js';
import { evaluateGate, gateExitCode } from '../../gate/verdict.js';
import { gateSettings } from '../../gate/settings.js';
import { variantsWithoutSuccess } from '../../gate/success.js';
import { checkRunSafety } from '../../scenario/target-safety.js';

export interface RunCommandOptions {
  out?: string;
  quiet?: boolean;
  /** Report files to write beside the JSON report. */
  format?: ReportFormat[];
  /** Exit 0 even when a variant's generator could not keep up (the flag stays in the report). */
  allowSaturation?: boolean;
  /** Absent: the scenario's gate.trials, else 1. */
  repeat?: string;
  set: string[];
  baseline?: string;
  saveBaseline?: string;
  /** Absent: the scenario's gate.minEffect, else 5 %. */
  minEffect?: string;
  /** commander's `--no-fail` sets this to false. */
  fail: boolean;
  /** --own-target: lift the safety caps for a target that is not on this machine. */
  ownTarget?: boolean;
}

export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  const flags = {
    ...(options.repeat !== undefined && { repeat: parseRepeat(options.repeat) }),
    ...(options.minEffect !== undefined && { minEffectPercent: parseMinEffect(options.minEffect) }),
  };
  const scenario = await loadScenarioFile(file, options.set.map(parseOverride));
  const gate = gateSettings(scenario.gate, flags);
  checkRunSafety(scenario, gate.trials, options.ownTarget ?? false);
  // Read the baseline first: a wrong path should cost nothing, not a whole run.
  const baseline = options.baseline ? await readRunReport(options.baseline, '--baseline') : undefined;
  // Every file the run will write is checked before any load is sent: a typo in --out costs nothing.
  const reportPath = resolve(options.out ?? defaultReportPath(scenario.name, new Date().toISOString(), 'json'));
  const baselinePath = options.saveBaseline ? resolve(options.saveBaseline) : undefined;
  await checkWritable([
    { path: reportPath, option: options.out ? '--out' : 'the report' },
    ...plannedFormatFiles(options.format ?? [], reportPath, scenario.variants.map((v) => v.name), '--format'),
    ...(baselinePath ? [{ path: baselinePath, option: '--save-baseline' }] : []),
  ]);
  const progress = await startProgressOutput(io, chooseProgressMode(io, options.quiet ?? false));
  // The live view owns the terminal until it is unmounted; the message must come after it.
  let result;
  let failure: unknown;
  try {
    result = await untilInterrupted(io, (signal) => runScenario(scenario, { repeat: gate.trials, signal, onEvent: progress.onEvent }), () => progress.stop());
  } catch (error) {
    if (!(error instanceof RunFailedError)) throw error;
    // What was measured before the failure is written like any partial run; the failure is reported after.
    ({ result, failure } = error);
  } finally {
    progress.stop();
  }

  // The gate's verdict belongs to the run's report: every format shows it, `report` re-renders it.
  if (failure === undefined && !result.interruption) {
    const verdict = evaluateGate(result, baseline, { ...gate.compare, baselineLabel: options.baseline });
    if (verdict.thresholds.length > 0 || verdict.comparison) result.gate = verdict;
  }

  // The JSON report is always written: every other format can be rendered again from it. A
  // write that fails now goes to a temporary file (printed below): the figures are not lost.
  const reports = new ReportWriter();
  await reports.write(reportPath, renderJson(result));
  for (const format of options.format ?? []) {
    if (format !== 'json') await reports.writeFormat(result, format, reportPath, true);
  }
  // GitHub Actions shows this file on the run's summary page; failing to append to it loses nothing.
  if (io.env.GITHUB_STEP_SUMMARY) {
    await appendFile(io.env.GITHUB_STEP_SUMMARY, renderMarkdown(result)).catch((error: unknown) => io.stderr.write(`warning: could not append to GITHUB_STEP_SUMMARY: ${describeWriteError(error)}\n`));
  }
  io.stdout.write(renderTerminalSummary(result));
  reports.printSummary(io);
  const withoutSuccess = variantsWithoutSuccess(result);
  const baselineFile = new ReportWriter();
  if (baselinePath && result.partial) io.stderr.write('baseline not saved: a partial run would make a misleading baseline\n');
  else if (baselinePath && withoutSuccess.length > 0) io.stderr.write(`baseline not saved: no request of ${withoutSuccess.map((v) => JSON.stringify(v.name)).join(', ')} succeeded, and a baseline of failures would mislead\n`);
  else if (baselinePath) {
    await baselineFile.write(baselinePath, renderJson(result));
    baselineFile.printSummary(io, 'baseline saved');
  }

  if (failure !== undefined) throw failure;
  // A report not written where it was asked is a failed run for CI, even though its figures were saved elsewhere.
  if (reports.failed || baselineFile.failed) return ExitCode.RunError;
  const interrupted = interruptionExitCode(result.interruption);
  if (interrupted !== undefined) return interrupted;
  // Precedence: src/exit-codes.ts. A variant that measured only failures says nothing about the pool;
  // it comes before saturation, which a generator spinning on instant errors also shows.
  if (withoutSuccess.length > 0) return ExitCode.NoSuccess;
  const saturated = !options.allowSaturation && result.variants.some((v) => v.saturated);
  // Figures from a generator that could not keep up are not to be trusted: that comes before the gate.
  if (saturated) return ExitCode.GeneratorSaturated;
  if (!result.gate) return ExitCode.Success;
  const code = gateExitCode(result.gate);
  if (code !== ExitCode.Success && !options.fail) {
    io.stderr.write(`--no-fail: the gate failed (exit code ${code}), exiting 0\n`);
    return ExitCode.Success;
  }
  return code;
}
