/**
 * Acceptance benchmark for the CI gate (issue 7): does it pass on noise and fail on a real
 * regression? Ten repetitions of, with scenarios/ci-gate.yaml and --repeat 5 on each side:
 *   1. a baseline run;
 *   2. the identical configuration again, compared with it: expect pass;
 *   3. the upstream's server time raised by 30 % (20 ms -> 26 ms), compared with it: expect
 *      the regression exit code.
 * Figures go to reports/bench-gate.json and a section of docs/benchmarks.md.
 *
 * Usage: npm run bench:gate [-- --repetitions N]
 */
import { resolve } from 'node:path';
import { loadScenarioFile } from '../src/scenario/load.js';
import { parseOverride } from '../src/scenario/overrides.js';
import { runScenario } from '../src/runner.js';
import { describeEnvironment } from '../src/run/environment.js';
import { compareWithBaseline } from '../src/gate/compare.js';
import { gateExitCode } from '../src/gate/outcome.js';
import type { MetricComparison } from '../src/gate/types.js';
import { writeFileAtomic } from '../src/report/write.js';
import { writeBenchmarkSection } from './doc-section.js';
import { loadavg } from 'node:os';
import type { RunResult } from '../src/result.js';
import { ExitCode } from '../src/exit-codes.js';
import { signed } from '../src/report/format.js';

const SCENARIO = 'scenarios/ci-gate.yaml';
const TRIALS = 5;
const SLOWER = 'upstream.latency=26ms';
const repetitionsFlag = process.argv.indexOf('--repetitions');
const REPETITIONS = repetitionsFlag > 0 ? Number(process.argv[repetitionsFlag + 1]) : 10;

interface Judgement {
  exitCode: number;
  rows: Pick<MetricComparison, 'metric' | 'base' | 'current' | 'deltaPercent' | 'pValue' | 'verdict'>[];
  /** Each trial's p50/p90/p99 and the client's worst event-loop delay, for both sides: shows a disturbed run. */
  trials: { baseline: TrialSummary; current: TrialSummary };
}

interface TrialSummary {
  p50: number[];
  p90: number[];
  p99: number[];
  loopDelayP99Ms: number;
}

function trialSummary(result: RunResult): TrialSummary {
  const [v] = result.variants;
  const round = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
  return { p50: round(v.trials!.map((t) => t.p50)), p90: round(v.trials!.map((t) => t.p90)), p99: round(v.trials!.map((t) => t.p99)), loopDelayP99Ms: v.process.loopDelayP99Ms };
}

async function run(overrides: string[]) {
  const scenario = await loadScenarioFile(SCENARIO, overrides.map(parseOverride));
  return runScenario(scenario, { repeat: TRIALS });
}

async function main(): Promise<void> {
  const started = Date.now();
  const repetitions: { identical: Judgement; regression: Judgement }[] = [];
  for (let i = 1; i <= REPETITIONS; i++) {
    const baseline = await run([]);
    const judge = async (overrides: string[]): Promise<Judgement> => {
      const current = await run(overrides);
      // Thresholds are left out: this measures the baseline comparison alone.
      const verdict = { thresholds: [], comparison: compareWithBaseline(baseline, current) };
      return {
        exitCode: gateExitCode(verdict),
        rows: verdict.comparison.rows.map(({ metric, base, current: now, deltaPercent, pValue, verdict: v }) => ({ metric, base, current: now, deltaPercent, pValue, verdict: v })),
        trials: { baseline: trialSummary(baseline), current: trialSummary(current) },
      };
    };
    const identical = await judge([]);
    const regression = await judge([SLOWER]);
    repetitions.push({ identical, regression });
    const p50 = (j: Judgement) => j.rows.find((r) => r.metric === 'latency p50')!;
    process.stderr.write(
      `[${i}/${REPETITIONS}] identical: exit ${identical.exitCode} (p50 ${signed(p50(identical).deltaPercent)} %)` +
        ` · +30 % server time: exit ${regression.exitCode} (p50 ${signed(p50(regression).deltaPercent)} %, p ${p50(regression).pValue?.toFixed(4)})\n`,
    );
  }

  const identicalPassed = repetitions.filter((r) => r.identical.exitCode === ExitCode.Success).length;
  const regressionFailed = repetitions.filter((r) => r.regression.exitCode === ExitCode.Regression).length;
  const minutes = (Date.now() - started) / 60_000;
  const figures = { scenario: SCENARIO, trialsPerSide: TRIALS, regression: SLOWER, repetitions: REPETITIONS, identicalPassed, regressionFailed, minutes, environment: describeEnvironment(), runs: repetitions };
  await writeFileAtomic(resolve('reports/bench-gate.json'), JSON.stringify(figures, null, 2) + '\n');
  await writeBenchmarkSection('gate', renderMarkdown(figures));
  process.stdout.write(`identical configuration passed ${identicalPassed}/${REPETITIONS}; 30 % regression failed ${regressionFailed}/${REPETITIONS} (${minutes.toFixed(1)} min)\n`);
}

function range(values: number[], digits = 1): string {
  const finite = values.filter(Number.isFinite);
  return `${signed(Math.min(...finite), digits)} … ${signed(Math.max(...finite), digits)}`;
}

function renderMarkdown(f: { identicalPassed: number; regressionFailed: number; repetitions: number; minutes: number; environment: ReturnType<typeof describeEnvironment>; runs: { identical: Judgement; regression: Judgement }[] }): string {
  const metrics = f.runs[0].identical.rows.map((r) => r.metric);
  const rowsOf = (pick: (r: (typeof f.runs)[number]) => Judgement, metric: string) => f.runs.map((r) => pick(r).rows.find((row) => row.metric === metric)!);
  const table = metrics.map((metric) => {
    const same = rowsOf((r) => r.identical, metric);
    const slow = rowsOf((r) => r.regression, metric);
    const worse = (rows: typeof same) => rows.filter((row) => row.verdict === 'worse').length;
    return `| ${metric} | ${range(same.map((r) => r.deltaPercent))} % | ${worse(same)}/${f.repetitions} | ${range(slow.map((r) => r.deltaPercent))} % | ${Math.max(...slow.map((r) => r.pValue ?? 1)).toFixed(4)} | ${worse(slow)}/${f.repetitions} |`;
  });
  const env = f.environment;
  return `## CI gate: noise passes, a 30 % regression fails

\`npm run bench:gate\` (bench/gate.ts): ${f.repetitions} repetitions, each a baseline run of \`${SCENARIO}\` with
\`--repeat ${TRIALS}\`, the identical configuration compared with it, and the same scenario with the upstream's
server time raised by 30 % (\`--set ${SLOWER}\`, 20 ms → 26 ms) compared with it. Mann-Whitney U across the
${TRIALS} trials a side, significance level 0.05, minimum effect 5 %. Measured on ${env.cpuCount}× ${env.cpuModel}, Node ${env.node},
undici ${env.undici}, in ${f.minutes.toFixed(1)} minutes; the machine's load average was ${loadavg()[0].toFixed(1)} when it finished.

| | result |
| --- | --- |
| identical configuration passes | **${f.identicalPassed}/${f.repetitions}** |
| 30 % server-time regression fails with exit code 100 | **${f.regressionFailed}/${f.repetitions}** |

| metric | identical: change (range) | identical: judged worse | +30 %: change (range) | +30 %: largest p | +30 %: judged worse |
| --- | --- | --- | --- | --- | --- |
${table.join('\n')}

The end-to-end latency moves by less than 30 % because the 2 ms simulated round trip is unchanged. With 5
trials a side the smallest possible p-value is 2/252 ≈ 0.008, so a change present in every trial is
significant; noise that shifts a figure by more than 5 % in every trial of a run would be reported too.
`;
}

await main();
