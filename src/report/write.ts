/** Writing report files: atomically, so a crash or Ctrl-C never leaves half a report. */
import { mkdir, rename, writeFile, rm, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';

/** Beside the file, so that the rename is atomic (same file system). */
const temporaryPath = (path: string, kind: string) => `${path}.${process.pid}.${Date.now()}.${kind}`;

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPath(path, 'tmp');
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

const FS_REASONS: Record<string, string> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its directory path is a file',
  // mkdir -p meeting a file where a directory should be.
  EEXIST: 'a part of its directory path is a file',
  ENOENT: 'its directory does not exist and cannot be created',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/** A file-system error in a few words, with its code: `permission denied (EACCES)`. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code ? FS_REASONS[code] : undefined;
  return reason ? `${reason} (${code})` : error instanceof Error ? error.message : String(error);
}

/**
 * Why `path` could not be written as writeFileAtomic writes it, or undefined when it can. Probed
 * for real — the directory created, a file created and removed beside the target — because
 * permission bits do not tell (root ignores them; a read-only mount or a full disk does not).
 */
export async function whyUnwritable(path: string): Promise<string | undefined> {
  try {
    const existing = await stat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (existing?.isDirectory()) return FS_REASONS.EISDIR;
    await mkdir(dirname(path), { recursive: true });
    const probe = temporaryPath(path, 'probe');
    await writeFile(probe, '', { flag: 'wx' });
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    return describeWriteError(error);
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
