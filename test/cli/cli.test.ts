/** The CLI as users meet it: exit codes, messages, report files; in-process and as a real process. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunResult } from '../../src/result.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { makeTempDir } from '../helpers/temp.js';
import { runCli, spawnCli, waitForOutput, exitOf } from '../helpers/cli.js';
import { isListening } from '../helpers/net.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let quickScenario: string;
let longScenario: string;
let badScenario: string;

before(async () => {
  temp = await makeTempDir();
  quickScenario = await temp.file(
    'quick.yaml',
    `name: quick
upstream: { rtt: 2ms }
load: { concurrency: 2, requests: 40 }
variants:
  - { name: off, client: undici, connections: 2, keepAlive: false }
  - { name: on, client: undici, connections: 2 }
`,
  );
  longScenario = await temp.file(
    'long.yaml',
    `name: long
upstream: { rtt: 5ms }
load: { concurrency: 2, duration: 60s }
variants: [{ name: only, client: undici, connections: 2 }]
`,
  );
  badScenario = await temp.file(
    'bad.yaml',
    `name: bad
load:
  concurency: 5
variants:
  - name: a
    client: undici
    connections: -1
`,
  );
});

after(() => temp.cleanup());

test('run: prints the comparison table, writes a JSON report that decodes, exits 0', async () => {
  const out = join(temp.dir, 'quick.json');
  // Not a test of the self-check: a busy machine may flag the generator, which must not change the code.
  const { code, stdout, stderr } = await runCli(['run', quickScenario, '--out', out, '--allow-saturation']);
  assert.equal(code, ExitCode.Success, stderr);
  assert.match(stdout, /latency p50/);
  assert.match(stdout, /off \(baseline\)/);
  assert.match(stdout, /connections opened/);
  assert.match(stderr, new RegExp(`report: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(report.partial, false);
  assert.deepEqual(report.variants.map((v) => v.name), ['off', 'on']);
  for (const v of report.variants) {
    assert.equal(decodeHistogram(v.latencyHistogram).totalCount, v.latency.count);
  }
  assert.ok(report.environment.undici && report.environment.node);
  const leftovers = (await readdir(temp.dir)).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'no temporary files left');
});

test('a variant that fails to start: the variants before it are still written, then the error is reported', async () => {
  // fetch cannot trust the test CA without NODE_EXTRA_CA_CERTS: the second variant fails at creation.
  const file = await temp.file(
    'fails-midway.yaml',
    `name: fails-midway
upstream: { protocol: https, rtt: 2ms }
load: { concurrency: 2, requests: 20 }
variants:
  - { name: first, client: undici, connections: 2 }
  - { name: second, client: fetch }
`,
  );
  const out = join(temp.dir, 'fails-midway.json');
  const { code, stdout, stderr } = await runCli(['run', file, '--out', out, '--quiet']);
  assert.equal(code, ExitCode.InvalidInput, stderr);
  assert.match(stderr, /error: fetch cannot trust/);
  assert.match(stderr, /hint: run with NODE_EXTRA_CA_CERTS/);
  assert.match(stdout, /PARTIAL/);
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(report.partial, true);
  assert.equal(report.interruption?.reason, 'error');
  assert.deepEqual(report.variants.map((v) => v.name), ['first']);
  assert.equal(report.variants[0].requests.completed, 20);
});

test('validate: a good file exits 0 and names its variants', async () => {
  const { code, stdout } = await runCli(['validate', quickScenario]);
  assert.equal(code, ExitCode.Success);
  assert.match(stdout, /ok — 2 variant\(s\): off, on; baseline: off/);
});

test('validate: a bad file gets one line per problem with file:line:col, and no stack trace', async () => {
  const { code, stderr } = await runCli(['validate', badScenario]);
  assert.equal(code, ExitCode.InvalidInput);
  assert.match(stderr, /bad\.yaml:3:3 load\.concurency:/);
  assert.match(stderr, /bad\.yaml:7:18 variants\[0\]\.connections:/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
});

test('run: a missing file is a clear error with the invalid-input code', async () => {
  const { code, stderr } = await runCli(['run', join(temp.dir, 'nope.yaml')]);
  assert.equal(code, ExitCode.InvalidInput);
  assert.match(stderr, /nope\.yaml/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('an unknown command or option exits with the invalid-input code', async () => {
  assert.equal((await runCli(['frobnicate'])).code, ExitCode.InvalidInput);
  assert.equal((await runCli(['run', quickScenario, '--bogus'])).code, ExitCode.InvalidInput);
});

test('Ctrl-C in-process: exits 130 and the report is written, marked partial', async () => {
  const out = join(temp.dir, 'interrupted.json');
  // Timed from the start of measuring: on a busy machine starting the upstream alone can take seconds.
  const { code, stdout } = await runCli(['run', longScenario, '--out', out], { interruptWhen: /measuring/, interruptAfterMs: 800 });
  assert.equal(code, ExitCode.Interrupted);
  assert.match(stdout, /PARTIAL/);
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(report.partial, true);
  assert.equal(report.interruption?.reason, 'SIGINT');
  assert.ok(report.variants[0].requests.completed > 0);
});

test('SIGINT to the real process: partial report, exit 130, upstream port closed', async () => {
  const out = join(temp.dir, 'sigint.json');
  const child = spawnCli(['run', longScenario, '--out', out], temp.dir);
  await waitForOutput(child, ({ stderr }) => /measuring/.test(stderr));
  const port = Number(/target http:\/\/127\.0\.0\.1:(\d+)/.exec(child.output().stderr)?.[1]);
  assert.ok(port > 0, 'target port printed');
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  assert.equal(await exitOf(child), ExitCode.Interrupted, child.output().stderr);
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(report.partial, true);
  assert.equal(await isListening(port), false, 'no upstream left listening');
});

test('serve: prints a URL that answers, and stops on SIGINT with exit 0', async () => {
  const child = spawnCli(['serve', '--body-size', '16'], temp.dir);
  await waitForOutput(child, ({ stdout }) => /^http:\/\/127\.0\.0\.1:\d+\n/.test(stdout));
  const url = child.output().stdout.trim();
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal((await response.arrayBuffer()).byteLength, 16);
  child.kill('SIGINT');
  assert.equal(await exitOf(child), ExitCode.Success);
  assert.equal(await isListening(Number(new URL(url).port)), false);
});

test('serve: a bad flag is reported with the flag name', async () => {
  const { code, stderr } = await runCli(['serve', '--rtt', 'fast']);
  assert.equal(code, ExitCode.InvalidInput);
  assert.match(stderr, /--rtt: expected a duration/);
});
