/** Reading a saved JSON report back, for re-rendering; anything else is refused with a clear reason. */
import { readFile } from 'node:fs/promises';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { REPORT_SCHEMA_VERSION, type RunResult } from '../result.js';

function invalid(file: string, reason: string): PoolbenchError {
  return new PoolbenchError(`${file} is not a poolbench report: ${reason}`, {
    code: 'POOLBENCH_INVALID_REPORT',
    exitCode: ExitCode.InvalidInput,
    hint: 'pass the JSON file that `poolbench run` wrote (reports/<scenario>-<time>.json by default)',
  });
}

export async function readRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PoolbenchError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'POOLBENCH_REPORT_UNREADABLE', exitCode: ExitCode.InvalidInput });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `not JSON (${(error as Error).message})`);
  }
  const report = data as Partial<RunResult> | null;
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw invalid(file, 'not a JSON object');
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw invalid(file, report.schemaVersion === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(report.schemaVersion)}, this poolbench reads ${REPORT_SCHEMA_VERSION}`);
  }
  if (typeof report.scenario?.name !== 'string') throw invalid(file, 'no scenario name');
  if (!Array.isArray(report.variants)) throw invalid(file, 'no variants list');
  for (const [i, v] of report.variants.entries()) {
    if (typeof v?.name !== 'string' || typeof v.latencyHistogram !== 'string' || typeof v.latency !== 'object' || !Array.isArray(v.timeSeries)) {
      throw invalid(file, `variants[${i}] lacks its name, latency or time series`);
    }
  }
  return report as RunResult;
}
