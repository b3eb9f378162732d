import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { readRunReport } from '../../report/read.js';
import { reporters, type ReportFormat } from '../../report/index.js';
import { checkWritable, formatPath, ReportWriter } from '../report-files.js';
import { ExitCode } from '../../exit-codes.js';

export interface ReportCommandOptions {
  format: ReportFormat;
  out?: string;
}

/**
 * Renders a saved run in another format. Without --out, a one-file format goes to stdout and a
 * several-file one (.hgrm per variant) is written beside the run file.
 */
export async function reportCommand(file: string, options: ReportCommandOptions, io: CliIo): Promise<number> {
  const result = await readRunReport(file);
  const files = reporters[options.format].render(result);
  if (!options.out && files.length === 1) {
    io.stdout.write(files[0].content);
    return ExitCode.Success;
  }
  const path = resolve(options.out ?? file);
  const besidePath = options.out === undefined;
  await checkWritable(files.map(({ part }) => ({ path: formatPath(options.format, path, besidePath, part), option: options.out ? '--out' : 'the report' })));
  const writer = new ReportWriter();
  await writer.writeFormat(result, options.format, path, besidePath);
  writer.printSummary(io);
  return writer.failed ? ExitCode.RunError : ExitCode.Success;
}
