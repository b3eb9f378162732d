import type { CliIo } from '../io.js';
import { readRunReport } from '../../report/read.js';
import type { GateVerdict } from '../../gate/types.js';
import { judgeGate } from '../../gate/verdict.js';
import { compareWithBaseline } from '../../gate/compare.js';
import { gateSettings } from '../../gate/settings.js';
import { gateHeadline, renderGateMarkdown, renderGateTable } from '../../report/gate.js';
import { parseMinEffect } from '../gate-options.js';
import { displaySafe } from '../../report/escape.js';

export interface CompareCommandOptions {
  /** Absent: the current report's scenario's gate.minEffect, else 5 %. */
  minEffect?: string;
  /** commander's `--no-fail` sets this to false. */
  fail: boolean;
  format: 'terminal' | 'markdown';
}

/**
 * Compares two saved reports; only the baseline comparison, since thresholds were checked when each
 * ran. The gate's settings are those the current run's scenario carries, as `run --baseline` uses.
 */
export async function compareCommand(basePath: string, currentPath: string, options: CompareCommandOptions, io: CliIo): Promise<number> {
  const flags = options.minEffect !== undefined ? { minEffectPercent: parseMinEffect(options.minEffect) } : {};
  const [base, current] = await Promise.all([readRunReport(basePath, 'the baseline report'), readRunReport(currentPath, 'the current report')]);
  const { compare } = gateSettings(current.scenario.gate, flags);
  const verdict: GateVerdict = { thresholds: [], comparison: compareWithBaseline(base, current, { ...compare, baselineLabel: basePath }) };
  // The reports' names are the scenarios' text: shown through the same escaping as every report.
  const shown = displaySafe(verdict);
  io.stdout.write(options.format === 'markdown' ? renderGateMarkdown(shown) : renderGateTable(shown));
  // Only the gate's part of the run's precedence applies: the saved runs' own codes were given when they ran.
  const { exitCode, reason } = judgeGate(verdict, options.fail);
  if (reason.kind === 'gate-waived') io.stderr.write(`--no-fail: ${gateHeadline(verdict)}; exiting 0\n`);
  return exitCode;
}
