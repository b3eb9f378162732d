/** Rendering a run in one format and writing the file(s). */
import type { RunResult } from '../result.js';
import { reporters, type ReportFormat } from '../report/index.js';
import { siblingReportPath, writeFileAtomic } from '../report/write.js';

/**
 * Writes `format` to `path`. `besidePath`: `path` is another report (the JSON one) and this
 * format goes next to it with its own extension. A format with several files always gets
 * one file per part: `<path without extension>-<part>.<ext>`. Returns the paths written.
 */
export async function writeReportFormat(result: RunResult, format: ReportFormat, path: string, besidePath: boolean): Promise<string[]> {
  const reporter = reporters[format];
  const files = reporter.render(result);
  const written: string[] = [];
  for (const { part, content } of files) {
    const target = !besidePath && part === undefined ? path : siblingReportPath(path, reporter.extension, part);
    await writeFileAtomic(target, content);
    written.push(target);
  }
  return written;
}
