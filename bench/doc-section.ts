/**
 * docs/benchmarks.md holds the figures of both benchmark scripts and a hand-written analysis.
 * Each script replaces only its own section, between markers, so one run never erases the
 * other's figures or the analysis.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../src/package-info.js';
import { writeFileAtomic } from '../src/report/write.js';

export const BENCHMARKS_DOC = join(packageRoot, 'docs', 'benchmarks.md');

export async function writeBenchmarkSection(name: 'figures' | 'gate' | 'startup' | 'pool', markdown: string): Promise<void> {
  const start = `<!-- ${name}:start (written by the benchmark; edits inside are lost) -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const current = await readFile(BENCHMARKS_DOC, 'utf8').catch(() => '# Benchmarks\n');
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + section + current.slice(to + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  await writeFileAtomic(BENCHMARKS_DOC, next);
}
