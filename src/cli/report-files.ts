/**
 * The files a command writes (reports, plans, baselines): every path is checked before any load
 * is sent, and a write that still fails afterwards goes to a temporary file instead, whose path
 * is printed — what was measured is never lost.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RunResult } from '../result.js';
import { reporters, type ReportFormat } from '../report/index.js';
import { describeWriteError, siblingReportPath, slugify, whyUnwritable, writeFileAtomic } from '../report/write.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from './io.js';
import { visibleText } from '../report/escape.js';

/** A path to write and the option it came from, e.g. `--out`, for the message. */
export interface PlannedFile {
  path: string;
  option: string;
}

/**
 * Refuses (exit 2, nothing run) when any of `files` cannot be written: a missing directory that
 * cannot be created, a directory given as the file, a read-only place.
 */
export async function checkWritable(files: PlannedFile[]): Promise<void> {
  for (const { path, option } of files) {
    const reason = await whyUnwritable(path);
    if (reason !== undefined) {
      throw new PoolbenchError(`${option}: cannot write ${path}: ${reason}`, {
        code: 'POOLBENCH_UNWRITABLE_OUTPUT',
        exitCode: ExitCode.InvalidInput,
        hint: 'choose a file in a directory you can write to; nothing was run',
      });
    }
  }
}

/**
 * The file `format` is written to for `path`: `path` itself, or beside it (`besidePath`: `path`
 * is another report, the JSON one) with the format's extension. A format with several files
 * (one .hgrm per variant) always gets one file per part: `<path without extension>-<part>.<ext>`.
 */
export function formatPath(format: ReportFormat, path: string, besidePath: boolean, part?: string): string {
  return !besidePath && part === undefined ? path : siblingReportPath(path, reporters[format].extension, part);
}

/** Every file `formats` will write beside the JSON report at `path`, for a run of these variants. */
export function plannedFormatFiles(formats: readonly ReportFormat[], path: string, variantNames: readonly string[], option: string): PlannedFile[] {
  return formats
    .filter((format) => format !== 'json')
    .flatMap((format) => (format === 'hgrm' ? variantNames.map((name) => formatPath(format, path, true, slugify(name))) : [formatPath(format, path, true)]))
    .map((file) => ({ path: file, option }));
}

/** Writes a command's files and remembers how each went; never throws. */
export class ReportWriter {
  private readonly written: string[] = [];
  private readonly failures: Array<{ path: string; reason: string; savedTo?: string }> = [];
  private fallbackDir: Promise<string> | undefined;

  /** Writes `content` to `path`, or — when that fails — to a temporary file. */
  async write(path: string, content: string): Promise<void> {
    try {
      await writeFileAtomic(path, content);
      this.written.push(path);
    } catch (error) {
      const reason = describeWriteError(error);
      try {
        // One directory per command, so several files keep their names side by side.
        this.fallbackDir ??= mkdtemp(join(tmpdir(), 'poolbench-unsaved-'));
        const savedTo = join(await this.fallbackDir, basename(path));
        await writeFileAtomic(savedTo, content);
        this.failures.push({ path, reason, savedTo });
      } catch (fallbackError) {
        this.failures.push({ path, reason: `${reason}; nor could a temporary copy be written: ${describeWriteError(fallbackError)}` });
      }
    }
  }

  /** Renders `format` and writes its file(s); see formatPath. */
  async writeFormat(result: RunResult, format: ReportFormat, path: string, besidePath: boolean): Promise<void> {
    for (const { part, content } of reporters[format].render(result)) await this.write(formatPath(format, path, besidePath, part), content);
  }

  /** True when some file could not be written where it was asked for. */
  get failed(): boolean {
    return this.failures.length > 0;
  }

  /** `report: <path>` per file written; per failure, why and where its content went instead. */
  printSummary(io: CliIo, label = 'report'): void {
    // A path is the user's text too (`--out` may hold anything): one safe line each.
    const line = (text: string) => io.stderr.write(`${visibleText(text)}\n`);
    for (const path of this.written) line(`${label}: ${path}`);
    for (const { path, reason, savedTo } of this.failures) {
      line(savedTo ? `error: could not write ${path}: ${reason}; it was saved to ${savedTo} instead` : `error: could not write ${path}: ${reason}`);
    }
  }
}
