import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { runScenario } from '../../runner.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { renderJson } from '../../report/json.js';
import { defaultReportPath, writeFileAtomic } from '../../report/write.js';
import { describeRunEvent } from '../progress.js';
import { ExitCode } from '../../exit-codes.js';
import { parseOverride } from '../../scenario/overrides.js';
import { parseMinEffect, parseRepeat } from '../gate-options.js';
import { readRunReport } from '../../gate/report-file.js';
import { evaluateGate, gateExitCode } from '../../gate/verdict.js';
import { renderGateTable } from '../../gate/render.js';

export interface RunCommandOptions {
  out?: string;
  quiet?: boolean;
  repeat: string;
  set: string[];
  baseline?: string;
  saveBaseline?: string;
  minEffect: string;
  /** commander's `--no-fail` sets this to false. */
  fail: boolean;
}

export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  const repeat = parseRepeat(options.repeat);
  const minEffectPercent = parseMinEffect(options.minEffect);
  const scenario = await loadScenarioFile(file, options.set.map(parseOverride));
  // Read the baseline first: a wrong path should cost nothing, not a whole run.
  const baseline = options.baseline ? await readRunReport(options.baseline, '--baseline') : undefined;
  const stopper = new AbortController();
  const stopListening = io.onInterrupt((signal) => {
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once)\n`);
    stopper.abort(signal);
  });
  let result;
  try {
    result = await runScenario(scenario, {
      repeat,
      signal: stopper.signal,
      onEvent: (event) => {
        if (options.quiet) return;
        // A terminal gets a progress line a second; logs one every five.
        if (event.type === 'progress' && !io.stderr.isTTY && Math.round(event.elapsedMs / 1000) % 5 !== 0) return;
        const line = describeRunEvent(event);
        if (line) io.stderr.write(line + '\n');
      },
    });
  } finally {
    stopListening();
  }

  const reportPath = resolve(options.out ?? defaultReportPath(scenario.name, result.startedAt, 'json'));
  await writeFileAtomic(reportPath, renderJson(result));
  io.stdout.write(renderTerminalSummary(result));
  io.stderr.write(`report: ${reportPath}\n`);
  if (options.saveBaseline && result.partial) io.stderr.write('baseline not saved: a partial run would make a misleading baseline\n');
  else if (options.saveBaseline) {
    const baselinePath = resolve(options.saveBaseline);
    await writeFileAtomic(baselinePath, renderJson(result));
    io.stderr.write(`baseline saved: ${baselinePath}\n`);
  }

  if (result.interruption?.reason === 'SIGINT' || result.interruption?.reason === 'SIGTERM') return ExitCode.Interrupted;
  if (result.interruption) return ExitCode.RunError;
  const verdict = evaluateGate(result, baseline, { minEffectPercent, baselineLabel: options.baseline });
  if (verdict.thresholds.length === 0 && !verdict.comparison) return ExitCode.Success;
  io.stdout.write('\n' + renderGateTable(verdict));
  const code = gateExitCode(verdict);
  if (code !== ExitCode.Success && !options.fail) {
    io.stderr.write(`--no-fail: the gate failed (exit code ${code}), exiting 0\n`);
    return ExitCode.Success;
  }
  return code;
}
