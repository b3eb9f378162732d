import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { runScenario } from '../../runner.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import type { ReportFormat } from '../../report/index.js';
import { defaultReportPath, writeFileAtomic } from '../../report/write.js';
import { chooseProgressMode, startProgressOutput } from '../progress-output.js';
import { writeReportFormat } from '../report-files.js';
import { ExitCode } from '../../exit-codes.js';
import { RunFailedError } from '../../errors.js';
import { parseOverride } from '../../scenario/overrides.js';
import { parseMinEffect, parseRepeat } from '../gate-options.js';
import { readRunReport } from '../../gate/report-file.js';
import { evaluateGate, gateExitCode } from '../../gate/verdict.js';
import { checkRunSafety } from '../../scenario/target-safety.js';

export interface RunCommandOptions {
  out?: string;
  quiet?: boolean;
  /** Report files to write beside the JSON report. */
  format?: ReportFormat[];
  /** Exit 0 even when a variant's generator could not keep up (the flag stays in the report). */
  allowSaturation?: boolean;
  repeat: string;
  set: string[];
  baseline?: string;
  saveBaseline?: string;
  minEffect: string;
  /** commander's `--no-fail` sets this to false. */
  fail: boolean;
  /** --own-target: lift the safety caps for a target that is not on this machine. */
  ownTarget?: boolean;
}

export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  const repeat = parseRepeat(options.repeat);
  const minEffectPercent = parseMinEffect(options.minEffect);
  const scenario = await loadScenarioFile(file, options.set.map(parseOverride));
  checkRunSafety(scenario, repeat, options.ownTarget ?? false);
  // Read the baseline first: a wrong path should cost nothing, not a whole run.
  const baseline = options.baseline ? await readRunReport(options.baseline, '--baseline') : undefined;
  const stopper = new AbortController();
  const progress = await startProgressOutput(io, chooseProgressMode(io, options.quiet ?? false));
  const stopListening = io.onInterrupt((signal) => {
    // The live view owns the terminal until it is unmounted; the message must come after it.
    progress.stop();
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once)\n`);
    stopper.abort(signal);
  });
  let result;
  let failure: unknown;
  try {
    result = await runScenario(scenario, { repeat, signal: stopper.signal, onEvent: progress.onEvent });
  } catch (error) {
    if (!(error instanceof RunFailedError)) throw error;
    // What was measured before the failure is written like any partial run; the failure is reported after.
    ({ result, failure } = error);
  } finally {
    stopListening();
    progress.stop();
  }

  // The gate's verdict belongs to the run's report: every format shows it, `report` re-renders it.
  if (failure === undefined && !result.interruption) {
    const verdict = evaluateGate(result, baseline, { minEffectPercent, baselineLabel: options.baseline });
    if (verdict.thresholds.length > 0 || verdict.comparison) result.gate = verdict;
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
  for (const path of written) io.stderr.write(`report: ${path}\n`);
  if (options.saveBaseline && result.partial) io.stderr.write('baseline not saved: a partial run would make a misleading baseline\n');
  else if (options.saveBaseline) {
    const baselinePath = resolve(options.saveBaseline);
    await writeFileAtomic(baselinePath, renderJson(result));
    io.stderr.write(`baseline saved: ${baselinePath}\n`);
  }

  if (failure !== undefined) throw failure;
  if (result.interruption?.reason === 'SIGINT' || result.interruption?.reason === 'SIGTERM') return ExitCode.Interrupted;
  if (result.interruption) return ExitCode.RunError;
  const saturated = !options.allowSaturation && result.variants.some((v) => v.saturated);
  // Figures from a generator that could not keep up are not to be trusted: that comes first.
  if (saturated) return ExitCode.GeneratorSaturated;
  if (!result.gate) return ExitCode.Success;
  const code = gateExitCode(result.gate);
  if (code !== ExitCode.Success && !options.fail) {
    io.stderr.write(`--no-fail: the gate failed (exit code ${code}), exiting 0\n`);
    return ExitCode.Success;
  }
  return code;
}
