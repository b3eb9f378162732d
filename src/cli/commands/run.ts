import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import type { Scenario } from '../../scenario/schema.js';
import type { RunResult } from '../../result.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { runScenario } from '../../runner.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import type { ReportFormat } from '../../report/index.js';
import { defaultReportPath, describeWriteError } from '../../report/write.js';
import { chooseProgressMode, startProgressOutput } from '../progress-output.js';
import { checkWritable, plannedFormatFiles, ReportWriter } from '../report-files.js';
import { untilInterrupted } from '../interrupt.js';
import { ExitCode } from '../../exit-codes.js';
import { RunFailedError } from '../../errors.js';
import { parseOverride } from '../../scenario/overrides.js';
import { parseMinEffect, parseRepeat } from '../gate-options.js';
import { readRunReport } from '../../report/read.js';
import { exitDecision, type ExitDecision, type VerdictOptions } from '../../gate/verdict.js';
import { gateSettings } from '../../gate/settings.js';
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
  const prepared = await prepareRun(file, options);
  const { result, failure } = await measure(prepared, options, io);
  const decision = exitDecision(result, prepared.verdictOptions);
  const reports = await writeReports(result, prepared.reportPath, options, io);
  const baselineFile = await saveBaseline(result, decision, prepared.baselinePath, io);
  if (failure !== undefined) throw failure;
  // A report not written where it was asked is a failed run for CI, even though its figures were saved elsewhere.
  if (reports.failed || baselineFile.failed) return ExitCode.RunError;
  if (decision.reason.kind === 'gate-waived') io.stderr.write(`--no-fail: the gate failed (exit code ${decision.reason.code}), exiting 0\n`);
  return decision.exitCode;
}

interface PreparedRun {
  scenario: Scenario;
  trials: number;
  verdictOptions: VerdictOptions;
  reportPath: string;
  baselinePath: string | undefined;
}

/** Everything that can be refused is refused here, before any load is sent: a typo costs nothing, not a whole run. */
async function prepareRun(file: string, options: RunCommandOptions): Promise<PreparedRun> {
  const flags = {
    ...(options.repeat !== undefined && { repeat: parseRepeat(options.repeat) }),
    ...(options.minEffect !== undefined && { minEffectPercent: parseMinEffect(options.minEffect) }),
  };
  const scenario = await loadScenarioFile(file, options.set.map(parseOverride));
  const gate = gateSettings(scenario.gate, flags);
  checkRunSafety(scenario, gate.trials, options.ownTarget ?? false);
  const baseline = options.baseline ? await readRunReport(options.baseline, '--baseline') : undefined;
  const reportPath = resolve(options.out ?? defaultReportPath(scenario.name, new Date().toISOString(), 'json'));
  const baselinePath = options.saveBaseline ? resolve(options.saveBaseline) : undefined;
  await checkWritable([
    { path: reportPath, option: options.out ? '--out' : 'the report' },
    ...plannedFormatFiles(options.format ?? [], reportPath, scenario.variants.map((v) => v.name), '--format'),
    ...(baselinePath ? [{ path: baselinePath, option: '--save-baseline' }] : []),
  ]);
  const verdictOptions = { baseline, compare: { ...gate.compare, baselineLabel: options.baseline }, allowSaturation: options.allowSaturation ?? false, fail: options.fail };
  return { scenario, trials: gate.trials, verdictOptions, reportPath, baselinePath };
}

/** Runs the scenario with progress and Ctrl-C handling; a run that failed part-way still yields what it measured. */
async function measure({ scenario, trials, verdictOptions }: PreparedRun, options: RunCommandOptions, io: CliIo): Promise<{ result: RunResult; failure?: unknown }> {
  const progress = await startProgressOutput(io, chooseProgressMode(io, options.quiet ?? false));
  // The live view owns the terminal until it is unmounted: the "stopping" message comes after it lets go.
  try {
    const result = await untilInterrupted(io, (signal) => runScenario(scenario, { ...verdictOptions, repeat: trials, signal, onEvent: progress.onEvent }), () => progress.stop());
    return { result };
  } catch (error) {
    if (!(error instanceof RunFailedError)) throw error;
    // What was measured before the failure is written like any partial run; the failure is reported after.
    return { result: error.result, failure: error.failure };
  } finally {
    progress.stop();
  }
}

/**
 * The JSON report is always written: every other format can be rendered again from it. A write
 * that fails now goes to a temporary file (printed): the figures are not lost.
 */
async function writeReports(result: RunResult, reportPath: string, options: RunCommandOptions, io: CliIo): Promise<ReportWriter> {
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
  return reports;
}

/** `--save-baseline`: only a complete run in which every variant succeeded makes a baseline worth comparing with. */
async function saveBaseline(result: RunResult, decision: ExitDecision, baselinePath: string | undefined, io: CliIo): Promise<ReportWriter> {
  const baselineFile = new ReportWriter();
  if (!baselinePath) return baselineFile;
  if (result.partial) {
    io.stderr.write('baseline not saved: a partial run would make a misleading baseline\n');
  } else if (decision.reason.kind === 'no-success') {
    io.stderr.write(`baseline not saved: no request of ${decision.reason.variants.map((name) => JSON.stringify(name)).join(', ')} succeeded, and a baseline of failures would mislead\n`);
  } else {
    await baselineFile.write(baselinePath, renderJson(result));
    baselineFile.printSummary(io, 'baseline saved');
  }
  return baselineFile;
}
