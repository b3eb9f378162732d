/**
 * Issue 11, "exit codes that tell the truth", through the CLI with the bundled upstream and real
 * clients: a variant without a successful request exits 103 unless it expects failures; a renamed
 * variant does not switch the gate off; a scenario's gate: settings are used and the flags win.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { access, readFile } from 'node:fs/promises';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunResult } from '../../src/result.js';
import { makeTempDir } from '../helpers/temp.js';
import { runCli } from '../helpers/cli.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;

before(async () => {
  temp = await makeTempDir();
});

after(() => temp.cleanup());

const readReport = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as RunResult;

/** Every request answered 500 by the upstream; `variants` in flow style. */
const failingScenario = (variants: string) => `name: all-500
upstream: { faults: [{ type: http_error, status: 500 }] }
load: { concurrency: 2, duration: 300ms }
thresholds: ['rps > 1000000']
variants: ${variants}
`;

test('a variant whose every response is a 500 exits 103 (over a failed threshold and --no-fail), names the variant, and writes the report but no baseline', async () => {
  const scenario = await temp.file('all-500.yaml', failingScenario('[{ name: doomed, client: undici, connections: 2 }, { name: experiment, client: node-http, expectFailures: true }]'));
  const out = join(temp.dir, 'all-500.json');
  const baseline = join(temp.dir, 'not-saved.json');
  const { code, stdout, stderr } = await runCli(['run', scenario, '--quiet', '--no-fail', '--out', out, '--format', 'md', '--save-baseline', baseline]);
  assert.equal(code, ExitCode.NoSuccess, stdout + stderr);
  assert.match(stdout, /gate FAILED: 2 threshold\(s\) did not hold/, 'the threshold failed too; 103 outranks it, and --no-fail does not hide it');
  assert.match(stdout, /note: doomed: no request succeeded \(\d[\d,]* sent; HTTP 5xx ×\d[\d,]*\); its figures measure only failures — exit code 103/);
  assert.match(stdout, /note: experiment: no request succeeded \(.*\), as its expectFailures: true allows/);
  assert.match(stderr, /baseline not saved: no request of "doomed" succeeded/);
  await assert.rejects(access(baseline), 'no baseline of failures');
  const report = await readReport(out);
  assert.equal(report.partial, false);
  assert.ok(report.variants.every((v) => v.requests.completed > 0 && v.statusCodes['500'] === v.requests.completed), 'the upstream answered, with 500s');
  assert.match(await readFile(out.replace(/\.json$/, '.md'), 'utf8'), /\*\*note:\*\* doomed: no request succeeded/);
});

test('the same total failure with expectFailures: true on every variant exits 0', async () => {
  const scenario = await temp.file('all-500-expected.yaml', failingScenario('[{ name: experiment, client: undici, connections: 2, expectFailures: true }]'));
  const { code, stdout, stderr } = await runCli(['run', scenario, '--quiet', '--allow-saturation', '--set', 'thresholds=[]', '--out', join(temp.dir, 'expected.json')]);
  assert.equal(code, ExitCode.Success, stdout + stderr);
  assert.match(stdout, /experiment: no request succeeded .*as its expectFailures: true allows/);
});

const gateScenario = (variant: string) => `name: gated
upstream: { latency: 5ms }
load: { concurrency: 2, duration: 250ms }
gate: { trials: 2, minEffect: 40%, metrics: [p50, rps] }
variants: [{ name: ${variant}, client: undici, connections: 2 }]
`;

test("the scenario's gate: settings are used, and --repeat and --min-effect override them", async () => {
  const scenario = await temp.file('gated.yaml', gateScenario('pooled'));
  const baseline = join(temp.dir, 'gated-baseline.json');
  const saved = await runCli(['run', scenario, '--quiet', '--allow-saturation', '--out', join(temp.dir, 'gated-first.json'), '--save-baseline', baseline]);
  assert.equal(saved.code, ExitCode.Success, saved.stdout + saved.stderr);
  assert.equal((await readReport(baseline)).variants[0].trials?.length, 2, 'gate.trials stands in for --repeat');

  const fromFile = join(temp.dir, 'gated-file.json');
  const byFile = await runCli(['run', scenario, '--quiet', '--allow-saturation', '--out', fromFile, '--baseline', baseline]);
  assert.ok(byFile.code === ExitCode.Success || byFile.code === ExitCode.Regression, byFile.stdout + byFile.stderr);
  const fileGate = (await readReport(fromFile)).gate!.comparison!;
  assert.equal(fileGate.minEffectPercent, 40);
  assert.deepEqual(fileGate.variants.map((v) => [v.baseTrials, v.currentTrials]), [[2, 2]]);
  assert.deepEqual(fileGate.rows.map((r) => r.metric), ['latency p50', 'throughput'], 'gate.metrics');

  const fromFlags = join(temp.dir, 'gated-flags.json');
  const byFlags = await runCli(['run', scenario, '--quiet', '--allow-saturation', '--out', fromFlags, '--baseline', baseline, '--repeat', '1', '--min-effect', '60%']);
  assert.ok(byFlags.code === ExitCode.Success || byFlags.code === ExitCode.Regression, byFlags.stdout + byFlags.stderr);
  const flagGate = (await readReport(fromFlags)).gate!.comparison!;
  assert.equal(flagGate.minEffectPercent, 60);
  assert.deepEqual(flagGate.variants.map((v) => [v.baseTrials, v.currentTrials]), [[2, 1]]);
  assert.match(byFlags.stdout, /merged histograms against a ±60 % tolerance; significance not tested/);
  assert.doesNotMatch(byFlags.stdout, /\bsignificant\b/);

  // compare takes the current report's scenario settings; the flag wins there too.
  const compared = await runCli(['compare', baseline, fromFile, '--no-fail']);
  assert.match(compared.stdout, /minimum effect 40 %|±40 % tolerance/);
  const comparedFlag = await runCli(['compare', baseline, fromFile, '--min-effect', '15%', '--no-fail']);
  assert.match(comparedFlag.stdout, /minimum effect 15 %|±15 % tolerance/);

  // A bad gate: section is refused by validate, at its line.
  const bad = await temp.file('bad-gate.yaml', gateScenario('pooled').replace('gate: { trials: 2, minEffect: 40%, metrics: [p50, rps] }', 'gate: { trials: 0, minEffect: 5000%, metrics: [p75] }'));
  const refused = await runCli(['validate', bad]);
  assert.equal(refused.code, ExitCode.InvalidInput);
  assert.match(refused.stderr, /bad-gate\.yaml:4:\d+ gate\.trials/);
  assert.match(refused.stderr, /gate\.minEffect: must be at most 1000%/);
  assert.match(refused.stderr, /gate\.metrics\[0\]/);
});

test('a renamed variant does not switch the gate off: run --baseline and compare fail with 100, naming both sides', async () => {
  const baseline = join(temp.dir, 'renamed-baseline.json');
  const saved = await runCli(['run', await temp.file('before.yaml', gateScenario('pooled')), '--quiet', '--allow-saturation', '--repeat', '1', '--out', join(temp.dir, 'before.json'), '--save-baseline', baseline]);
  assert.equal(saved.code, ExitCode.Success, saved.stdout + saved.stderr);
  const current = join(temp.dir, 'renamed.json');
  const renamed = await runCli(['run', await temp.file('after.yaml', gateScenario('pooled-v2')), '--quiet', '--allow-saturation', '--repeat', '1', '--out', current, '--baseline', baseline, '--format', 'junit']);
  assert.equal(renamed.code, ExitCode.Regression, renamed.stdout + renamed.stderr);
  assert.match(renamed.stdout, /gate FAILED: the baseline comparison could not compare: no variant in common: the baseline has "pooled", this run has "pooled-v2"/);
  assert.match(await readFile(current.replace(/\.json$/, '.junit.xml'), 'utf8'), /<failure message="the baseline comparison could not compare: no variant in common/);

  const compared = await runCli(['compare', baseline, current, '--format', 'markdown']);
  assert.equal(compared.code, ExitCode.Regression);
  assert.match(compared.stdout, /^### ❌ poolbench gate FAILED: the baseline comparison could not compare: no variant in common: the baseline has "pooled", this run has "pooled-v2"/);
  const reportOnly = await runCli(['compare', baseline, current, '--no-fail']);
  assert.equal(reportOnly.code, ExitCode.Success);
  assert.match(reportOnly.stderr, /--no-fail: gate FAILED: .*no variant in common.*; exiting 0/);
});
