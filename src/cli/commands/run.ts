import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { runScenario } from '../../runner.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { renderJson } from '../../report/json.js';
import { renderFindings } from '../../report/findings.js';
import { defaultReportPath, writeFileAtomic } from '../../report/write.js';
import { describeRunEvent } from '../progress.js';
import { ExitCode } from '../../exit-codes.js';

export interface RunCommandOptions {
  out?: string;
  quiet?: boolean;
}

export async function runCommand(file: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenarioFile(file);
  const stopper = new AbortController();
  const stopListening = io.onInterrupt((signal) => {
    io.stderr.write(`\n${signal}: stopping; writing what was measured (Ctrl-C again to quit at once)\n`);
    stopper.abort(signal);
  });
  let result;
  try {
    result = await runScenario(scenario, {
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
  const findings = renderFindings(result.findings);
  if (findings) io.stdout.write(`\n${findings}`);
  io.stderr.write(`report: ${reportPath}\n`);

  if (result.interruption?.reason === 'SIGINT' || result.interruption?.reason === 'SIGTERM') return ExitCode.Interrupted;
  if (result.interruption) return ExitCode.RunError;
  return ExitCode.Success;
}
