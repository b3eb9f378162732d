/** Writing report files: atomically, so a crash or Ctrl-C never leaves half a report. */
import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `reports/<scenario>-<timestamp>.<ext>`: sortable, and safe on every file system. */
export function defaultReportPath(scenarioName: string, startedAt: string, extension: string, directory = 'reports'): string {
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
  const stamp = startedAt.replace(/[:.]/g, '-').replace(/Z$/, '');
  return join(directory, `${slug}-${stamp}.${extension}`);
}
