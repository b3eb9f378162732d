/**
 * `npm run bench`: the six figures of issue 5 in one run, printed and written to
 * reports/bench.json and docs/benchmarks.md. Not part of `npm test`: it takes a few minutes and
 * wants a quiet machine.
 */
import { join } from 'node:path';
import { describeEnvironment } from '../src/runner.js';
import { packageRoot } from '../src/package-info.js';
import { accuracy, coordinatedOmission, engineParity, generatorOverhead, memory, type Figure, upstreamSpeed } from './figures.js';
import { renderBenchMarkdown, type BenchReport } from './markdown.js';
import { writeBenchmarkSection } from './doc-section.js';
import { writeFileAtomic } from '../src/report/write.js';

const startedAt = new Date();
const began = performance.now();
const figures: Figure[] = [];
const done = (figure: Figure) => {
  figures.push(figure);
  const raw = Object.entries(figure.raw).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(`${figure.id}. ${figure.title}: ${figure.measured} (target ${figure.target}) ${figure.met ? 'met' : 'MISSED'}\n   ${raw}${figure.note ? `\n   ${figure.note}` : ''}\n`);
};

done(await generatorOverhead());
done(await upstreamSpeed());
done(await engineParity());
done(await accuracy());
done(await coordinatedOmission());
done(await memory());

const report: BenchReport = { startedAt: startedAt.toISOString(), durationS: (performance.now() - began) / 1000, environment: describeEnvironment(), figures };
await writeFileAtomic(join(packageRoot, 'reports', 'bench.json'), JSON.stringify(report, null, 2) + '\n');
await writeBenchmarkSection('figures', renderBenchMarkdown(report));
process.stdout.write(`\n${figures.filter((f) => f.met).length}/${figures.length} targets met in ${report.durationS.toFixed(0)} s; wrote reports/bench.json and docs/benchmarks.md\n`);
