/** Writing report files: atomically, so a crash or Ctrl-C never leaves half a report. */
import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';

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

/** A file-name-safe form of a name: `pool connections=10` -> `pool-connections-10`. */
export function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** `reports/<scenario>-<timestamp>.<ext>`: sortable, and safe on every file system. */
export function defaultReportPath(scenarioName: string, startedAt: string, extension: string, directory = 'reports'): string {
  const slug = slugify(scenarioName) || 'run';
  const stamp = startedAt.replace(/[:.]/g, '-').replace(/Z$/, '');
  return join(directory, `${slug}-${stamp}.${extension}`);
}

/** The report beside `path` in another format: `x.json` -> `x.html`, or `x-<part>.hgrm` for one of several files. */
export function siblingReportPath(path: string, extension: string, part?: string): string {
  const base = path.slice(0, path.length - extname(path).length);
  return `${base}${part ? `-${part}` : ''}.${extension}`;
}
