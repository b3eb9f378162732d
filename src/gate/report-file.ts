/** Reading a saved JSON report (a baseline, or a run to compare), with errors that name the flag or argument. */
import { readFile } from 'node:fs/promises';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { REPORT_SCHEMA_VERSION, type RunResult } from '../result.js';

/** `source` names where the path came from, e.g. `--baseline`, so the message can point at it. */
export async function readRunReport(path: string, source: string): Promise<RunResult> {
  const invalid = (reason: string, hint?: string, cause?: unknown) =>
    new PoolbenchError(`${source}: cannot use ${path}: ${reason}`, { code: 'POOLBENCH_INVALID_REPORT', exitCode: ExitCode.InvalidInput, hint, cause });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw invalid(missing ? 'no such file' : (cause as Error).message, missing ? 'save one first with poolbench run <scenario> --save-baseline <file>' : undefined, cause);
  }
  let report: Partial<RunResult>;
  try {
    report = JSON.parse(text) as Partial<RunResult>;
  } catch (cause) {
    throw invalid(`not JSON (${(cause as Error).message})`, undefined, cause);
  }
  if (report?.schemaVersion !== REPORT_SCHEMA_VERSION || !Array.isArray(report.variants) || !report.scenario) {
    throw invalid(`not a poolbench report of schema version ${REPORT_SCHEMA_VERSION}`, 'use the JSON report that poolbench run writes (--out or --save-baseline)');
  }
  return report as RunResult;
}
