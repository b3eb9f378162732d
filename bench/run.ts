/**
 * `npm run bench`: the six figures of issue 5, the CLI's start-up figures of issue 12 and the
 * pool's figures of issue 13, printed and written to reports/bench*.json and docs/benchmarks.md.
 * Not part of `npm test`: it takes a few minutes and wants a quiet machine.
 * `npm run bench:startup` measures the start-up figures alone, in about a minute.
 */
import { join } from 'node:path';
import { describeEnvironment } from '../src/run/environment.js';
import { packageRoot } from '../src/package-info.js';
import { accuracy, coordinatedOmission, engineParity, generatorOverhead, memory, type Figure, upstreamSpeed } from './figures.js';
import { startupFigures } from './startup.js';
import { acquireWait, connectTime, deadSocketRate } from './pool.js';
import { renderBenchMarkdown, type BenchReport } from './markdown.js';
import { writeBenchmarkSection } from './doc-section.js';
import { writeFileAtomic } from '../src/report/write.js';

const startupOnly = process.argv.slice(2).includes('startup');

/** Measures one group of figures, printing each as it comes, then writes the group's JSON file and section. */
async function record(section: 'figures' | 'startup' | 'pool', file: string, title: string, measures: Array<() => Promise<Figure | Figure[]>>): Promise<void> {
  const startedAt = new Date();
  const began = performance.now();
  const figures: Figure[] = [];
  for (const measure of measures) {
    for (const figure of [await measure()].flat()) {
      figures.push(figure);
      const raw = Object.entries(figure.raw).map(([k, v]) => `${k}=${v}`).join(' ');
      process.stdout.write(`${figure.id}. ${figure.title}: ${figure.measured} (target ${figure.target}) ${figure.met ? 'met' : 'MISSED'}\n   ${raw}${figure.note ? `\n   ${figure.note}` : ''}\n`);
    }
  }
  const report: BenchReport = { startedAt: startedAt.toISOString(), durationS: (performance.now() - began) / 1000, environment: describeEnvironment(), figures, file };
  await writeFileAtomic(join(packageRoot, 'reports', file), JSON.stringify(report, null, 2) + '\n');
  await writeBenchmarkSection(section, renderBenchMarkdown(report, title, startupOnly ? 'npm run bench:startup' : 'npm run bench'));
  process.stdout.write(`\n${figures.filter((f) => f.met).length}/${figures.length} targets met in ${report.durationS.toFixed(0)} s; wrote reports/${file} and docs/benchmarks.md\n`);
}

if (!startupOnly) await record('figures', 'bench.json', 'The six figures (issue 5)', [generatorOverhead, upstreamSpeed, engineParity, accuracy, coordinatedOmission, memory]);
await record('startup', 'bench-startup.json', 'CLI start-up (issue 12)', [startupFigures]);
if (!startupOnly) await record('pool', 'bench-pool.json', 'The pool under the microscope (issue 13)', [acquireWait, deadSocketRate, connectTime]);
