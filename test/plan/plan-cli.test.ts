import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';
import { ExitCode } from '../../src/exit-codes.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
before(async () => {
  temp = await makeTempDir();
});
after(() => temp.cleanup());

test(`a plan whose objectives no size meets exits ${ExitCode.PlanUnmet} and says so`, async () => {
  const file = await temp.file('unmet.yaml', `
name: unmet
upstream: { rtt: 10ms }
plan: { slo: p99 < 5ms, targetRate: 20, connections: [1, 2], rates: [20], step: 300ms, warmup: 0 }
variants: [{ name: pool, client: undici }]
`);
  const out = `${temp.dir}/unmet.json`;
  const run = await runCli(['plan', file, '-o', out]);
  assert.equal(run.code, ExitCode.PlanUnmet, run.stderr);
  assert.match(run.stdout, /No pool size tried for pool met p99 < 5\.00 ms/);
  assert.match(run.stderr, /pool size · pool 1 at 25\.0 req\/s: .* fails: p99/);
  const saved = JSON.parse(await readFile(out, 'utf8'));
  assert.equal(saved.kind, 'plan');
  assert.deepEqual(saved.variants[0].steps.map((s: { phase: string; poolSize: number }) => `${s.phase} ${s.poolSize}`), ['pool 1', 'pool 2', 'rate 2', 'rate 2']);
});

test('a plan against a real target above the safety cap is refused before anything is sent', async () => {
  // TEST-NET-1: an address that is not this machine; the plan is refused before any connection.
  const file = await temp.file('unsafe.yaml', `
name: unsafe
target: http://192.0.2.1:9/
plan: { slo: p99 < 200ms, targetRate: 100 }
variants: [{ name: pool, client: undici }]
`);
  const run = await runCli(['plan', file]);
  assert.equal(run.code, ExitCode.InvalidInput);
  assert.match(run.stderr, /could send 400 req\/s to 192\.0\.2\.1:9, above the safety cap of 50 req\/s \(plan\.targetSafety\.maxRate\)/);
  assert.match(run.stderr, /nothing was sent/);
});

test('plan without a plan: section is an input error', async () => {
  const file = await temp.file('none.yaml', 'name: none\nvariants: [{ name: a, client: undici }]\n');
  const run = await runCli(['plan', file]);
  assert.equal(run.code, ExitCode.InvalidInput);
  assert.match(run.stderr, /has no plan: section/);
});
