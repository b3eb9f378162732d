/** docs/benchmarks.md from a bench run: the machine, then one row per figure. */
import type { Environment } from '../src/result.js';
import type { Figure } from './figures.js';

export interface BenchReport {
  startedAt: string;
  durationS: number;
  environment: Environment;
  figures: Figure[];
  /** Its JSON file, in reports/. */
  file: string;
}

/** `title` heads the section; `command` is what measured it. */
export function renderBenchMarkdown(report: BenchReport, title: string, command: string): string {
  const env = report.environment;
  const rawText = (raw: Figure['raw']) =>
    Object.entries(raw)
      .map(([key, value]) => `${key} ${typeof value === 'number' ? value.toLocaleString('en-US') : String(value)}`)
      .join(', ');
  const rows = report.figures.map((f) => `| ${f.id} | ${f.title} | ${f.measured} | ${f.target} | ${f.met ? 'yes' : '**no**'} | ${rawText(f.raw)}${f.note ? ` (${f.note})` : ''} |`);
  return [
    `## ${title}`,
    '',
    `Measured by \`${command}\` on ${report.startedAt} in ${report.durationS.toFixed(0)} s: ${env.cpuCount}× ${env.cpuModel}, Node ${env.node}, undici ${env.undici}, ${env.platform} ${env.osRelease}. Raw figures are in \`reports/${report.file}\`.`,
    '',
    '| # | figure | measured | target | met | raw |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
