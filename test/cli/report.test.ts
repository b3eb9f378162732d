/** `poolbench report` re-renders saved runs; `run --format` writes the chosen reports. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../../src/exit-codes.js';
import { renderJson } from '../../src/report/json.js';
import { makeTempDir } from '../helpers/temp.js';
import { runCli } from '../helpers/cli.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

const ESCAPE = /\u001b/;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let savedRun: string;

before(async () => {
  temp = await makeTempDir();
  savedRun = await temp.file('saved.json', renderJson(runResult([variantResult('pool 1', spread(50, 90, 110)), variantResult('pool 10', spread(500, 9, 11))])));
});

after(() => temp.cleanup());

test('report: a one-file format goes to stdout', async () => {
  const { code, stdout } = await runCli(['report', savedRun, '--format', 'md']);
  assert.equal(code, ExitCode.Success);
  assert.match(stdout, /^## poolbench — renderer test\n/);
  assert.match((await runCli(['report', savedRun])).stdout, /latency p50/, 'the table by default');
});

test('report: --out writes the file; .hgrm writes one file per variant beside the run', async () => {
  const out = join(temp.dir, 'out', 'run.html');
  const html = await runCli(['report', savedRun, '--format', 'html', '--out', out]);
  assert.equal(html.code, ExitCode.Success, html.stderr);
  assert.match(await readFile(out, 'utf8'), /^<!doctype html>/);

  const hgrm = await runCli(['report', savedRun, '--format', 'hgrm']);
  assert.equal(hgrm.code, ExitCode.Success, hgrm.stderr);
  assert.deepEqual((await readdir(temp.dir)).filter((f) => f.endsWith('.hgrm')).sort(), ['saved-pool-1.hgrm', 'saved-pool-10.hgrm']);
});

test('report: a file that is not a poolbench report is a clear error with the invalid-input code', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['not-json.json', 'hello', /not-json\.json is not a poolbench report: not JSON/],
    ['other.json', '{"name": "package"}', /other\.json is not a poolbench report: no schemaVersion/],
    ['no-variants.json', '{"schemaVersion": 1, "scenario": {"name": "x"}}', /no-variants\.json is not a poolbench report: no variants list/],
  ];
  for (const [name, content, message] of cases) {
    const { code, stderr } = await runCli(['report', await temp.file(name, content)]);
    assert.equal(code, ExitCode.InvalidInput, name);
    assert.match(stderr, message);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  }
  const missing = await runCli(['report', join(temp.dir, 'missing.json')]);
  assert.equal(missing.code, ExitCode.InvalidInput);
  assert.match(missing.stderr, /cannot read .*missing\.json: ENOENT/);
});

test('an unknown format is refused, naming the flag', async () => {
  const report = await runCli(['report', savedRun, '--format', 'pdf']);
  assert.equal(report.code, ExitCode.InvalidInput);
  assert.match(report.stderr, /--format/);
  const run = await runCli(['run', 'any.yaml', '--format', 'md,pdf']);
  assert.equal(run.code, ExitCode.InvalidInput);
  assert.match(run.stderr, /--format.*unknown: pdf/s);
});

test('run in CI: plain progress lines without escape codes, the chosen reports, and the step summary', async () => {
  const scenario = await temp.file(
    'ci.yaml',
    `name: ci run
upstream: { rtt: 2ms }
load: { concurrency: 2, duration: 1200ms }
variants:
  - { name: a, client: undici, connections: 2 }
  - { name: b, client: undici, connections: 1 }
`,
  );
  const summary = join(temp.dir, 'summary.md');
  const out = join(temp.dir, 'ci', 'run.json');
  const { code, stdout, stderr } = await runCli(['run', scenario, '--out', out, '--format', 'md,junit,hgrm', '--allow-saturation'], { stderrIsTTY: true, env: { CI: 'true', GITHUB_STEP_SUMMARY: summary } });
  assert.equal(code, ExitCode.Success, stderr);
  assert.match(stderr, /\n  a: [\d.]+ m?s · \d+ done/, 'a progress line a second');
  assert.doesNotMatch(stderr, ESCAPE);
  assert.doesNotMatch(stdout, ESCAPE);
  assert.deepEqual((await readdir(join(temp.dir, 'ci'))).sort(), ['run-a.hgrm', 'run-b.hgrm', 'run.json', 'run.junit.xml', 'run.md']);
  assert.match(await readFile(summary, 'utf8'), /^## poolbench — ci run\n/);
});
