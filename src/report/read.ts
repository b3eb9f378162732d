/**
 * Reading a saved JSON report back — to render it again (`report`), to compare it (`compare`), as
 * a baseline (`run --baseline`). Anything that is not a poolbench report of this schema version,
 * with the fields every renderer and the gate read, is refused with the reason: exit 2, nothing run.
 */
import { readFile } from 'node:fs/promises';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { REPORT_SCHEMA_VERSION, type RunResult } from '../result.js';

/**
 * `source` names where the path came from (`--baseline`, `the baseline report`) so the message
 * points at it; absent for the `report` command's one argument.
 */
export async function readRunReport(path: string, source?: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(path, source, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(path, source, `not JSON (${(error as Error).message})`);
  }
  const problem = whyNotAReport(data);
  if (problem !== undefined) throw invalid(path, source, problem);
  return data as RunResult;
}

/** What makes `data` unusable as a report; undefined when it is one. */
function whyNotAReport(data: unknown): string | undefined {
  const report = data as Partial<RunResult> | null;
  if (typeof report !== 'object' || report === null || Array.isArray(report)) return 'not a JSON object';
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION) {
    return report.schemaVersion === undefined ? 'no schemaVersion' : `schemaVersion ${JSON.stringify(report.schemaVersion)}, this poolbench reads ${REPORT_SCHEMA_VERSION}`;
  }
  if (typeof report.scenario?.name !== 'string') return 'no scenario name';
  if (!Array.isArray(report.variants)) return 'no variants list';
  const incomplete = report.variants.findIndex((v) => typeof v?.name !== 'string' || typeof v.latencyHistogram !== 'string' || typeof v.latency !== 'object' || !Array.isArray(v.timeSeries));
  return incomplete === -1 ? undefined : `variants[${incomplete}] lacks its name, latency or time series`;
}

function invalid(path: string, source: string | undefined, reason: string): PoolbenchError {
  return new PoolbenchError(`${source ? `${source}: ` : ''}${path} is not a poolbench report: ${reason}`, {
    code: 'POOLBENCH_INVALID_REPORT',
    exitCode: ExitCode.InvalidInput,
    hint: 'pass the JSON file that `poolbench run` wrote (reports/<scenario>-<time>.json by default, or its --out or --save-baseline)',
  });
}

/**
 * The `report` command names the file by its error code; a file named by a flag or role says
 * which, and a missing one has a way out: save it first.
 */
function unreadable(path: string, source: string | undefined, error: unknown): PoolbenchError {
  const { code } = error as NodeJS.ErrnoException;
  const options = { code: 'POOLBENCH_REPORT_UNREADABLE', exitCode: ExitCode.InvalidInput, cause: error };
  if (source === undefined) return new PoolbenchError(`cannot read ${path}: ${code ?? String(error)}`, options);
  const missing = code === 'ENOENT';
  return new PoolbenchError(`${source}: cannot use ${path}: ${missing ? 'no such file' : (error as Error).message}`, {
    ...options,
    hint: missing ? 'save one first with poolbench run <scenario> --save-baseline <file>' : undefined,
  });
}
