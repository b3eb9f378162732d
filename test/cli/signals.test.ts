/**
 * Signals to the real binary, as CI systems and `timeout` send them: SIGTERM writes a partial
 * report and exits 143, also while every request fails at once; a second Ctrl-C quits at once,
 * writing nothing. Nothing is left behind: no upstream process, no listening port.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunResult } from '../../src/result.js';
import { makeTempDir } from '../helpers/temp.js';
import { childPids, exitOf, runCli, spawnCli, waitForOutput } from '../helpers/cli.js';
import { isListening, processExists } from '../helpers/net.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
/** Every process started, so that one a failed test left running is ended. */
const started: Array<ReturnType<typeof spawnCli>> = [];
before(async () => {
  temp = await makeTempDir();
});
after(async () => {
  const running = started.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(exited);
  await temp.cleanup();
});

/**
 * Starts `run` on `scenario`, waits until it measures, and returns the child with the upstream's
 * port and pid (the run's only child process).
 */
async function startRun(name: string, scenario: string) {
  const file = await temp.file(`${name}.yaml`, scenario);
  const out = join(temp.dir, `${name}.json`);
  const child = spawnCli(['run', file, '--out', out], temp.dir);
  started.push(child);
  await waitForOutput(child, ({ stderr }) => /measuring/.test(stderr), 30_000);
  const port = Number(/target http:\/\/127\.0\.0\.1:(\d+)/.exec(child.output().stderr)?.[1]);
  assert.ok(port > 0, 'target port printed');
  const upstreamPids = await childPids(child.pid!);
  assert.equal(upstreamPids.length, 1, `one upstream process (children: ${upstreamPids.join(', ')})`);
  return { child, out, port, upstreamPid: upstreamPids[0] };
}

/** Sends `signal` and returns the exit code and how long the process took to end. */
async function signalAndWait(child: ReturnType<typeof spawnCli>, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const sentAt = performance.now();
  child.kill(signal);
  const code = await exitOf(child);
  return { code, ms: performance.now() - sentAt };
}

async function assertNothingLeft(port: number, upstreamPid: number): Promise<void> {
  // The upstream exits when its parent's channel closes, which it learns a moment after the parent
  // is gone (after a second Ctrl-C nobody stops it in order): give a loaded machine that moment,
  // then neither the process nor its port may be left.
  for (let i = 0; i < 50 && processExists(upstreamPid); i++) await sleep(100);
  assert.equal(processExists(upstreamPid), false, `upstream process ${upstreamPid} is gone`);
  assert.equal(await isListening(port), false, 'no upstream left listening');
}

test('SIGTERM mid-run: a partial report, exit 143, no upstream process and no port left', { timeout: 90_000 }, async () => {
  const { child, out, port, upstreamPid } = await startRun(
    'term',
    `name: term
upstream: { rtt: 5ms }
load: { concurrency: 2, duration: 60s }
variants: [{ name: only, client: undici, connections: 2 }]
`,
  );
  await sleep(500);
  const { code, ms } = await signalAndWait(child, 'SIGTERM');
  const { stdout, stderr } = child.output();
  assert.equal(code, ExitCode.Terminated, stderr);
  // The grace period is 2 s; the rest is a generous allowance for a busy machine.
  assert.ok(ms < 20_000, `ended ${ms} ms after SIGTERM`);
  assert.match(stderr, /SIGTERM: stopping; writing what was measured/);
  assert.match(stdout, /PARTIAL/);
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(report.partial, true);
  assert.equal(report.interruption?.reason, 'SIGTERM');
  assert.ok(report.variants[0].requests.completed > 0);
  await assertNothingLeft(port, upstreamPid);
});

test('SIGTERM while every request fails at once (the loop spinning on refusals): honoured, exit 143, partial report', { timeout: 90_000 }, async () => {
  // A timed fault turns the early stop off (refusing for a while is such a scenario's experiment),
  // so the variant would fail at once for its whole minute if the signal went unheard.
  const { child, out, port, upstreamPid } = await startRun(
    'term-spinning',
    `name: term-spinning
upstream: { rtt: 1ms, faults: [{ type: http_error, trigger: { at: 50s, for: 1s } }] }
request: { headers: { expect: 100-continue } }
load: { concurrency: 8, duration: 60s }
variants: [{ name: bad, client: undici, connections: 4 }]
`,
  );
  await sleep(300);
  const { code, ms } = await signalAndWait(child, 'SIGTERM');
  const { stderr } = child.output();
  assert.equal(code, ExitCode.Terminated, stderr);
  assert.ok(ms < 20_000, `ended ${ms} ms after SIGTERM`);
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(report.partial, true);
  assert.equal(report.interruption?.reason, 'SIGTERM');
  const [v] = report.variants;
  assert.equal(v.partial, true);
  assert.equal(v.stoppedEarly, undefined);
  assert.equal(v.requests.completed, 0);
  assert.ok(v.requests.failed > 0, 'failures were recorded');
  await assertNothingLeft(port, upstreamPid);
});

test('a second Ctrl-C quits at once: exit 130, no report written, no upstream left', { timeout: 90_000 }, async () => {
  // Each response takes 5 s: after the first Ctrl-C, the run waits its 2 s grace for them.
  const { child, out, port, upstreamPid } = await startRun(
    'twice',
    `name: twice
upstream: { rtt: 1ms, latency: 5s }
load: { concurrency: 2, duration: 60s }
variants: [{ name: only, client: undici, connections: 2 }]
`,
  );
  child.kill('SIGINT');
  await waitForOutput(child, ({ stderr }) => /SIGINT: stopping/.test(stderr));
  const { code, ms } = await signalAndWait(child, 'SIGINT');
  assert.equal(code, ExitCode.Interrupted, child.output().stderr);
  assert.ok(ms < 1500, `quit ${ms} ms after the second Ctrl-C, before the 2 s grace was over`);
  await assert.rejects(access(out), 'no report was written');
  await assertNothingLeft(port, upstreamPid);
});

test('plan: SIGTERM stops the sweep and writes the partial plan, exit 143', { timeout: 90_000 }, async () => {
  const file = await temp.file(
    'plan.yaml',
    `name: plan-term
upstream: { rtt: 2ms }
plan: { slo: p99 < 500ms, targetRate: 20, connections: [1, 2, 4], rates: [20], step: 2s, warmup: 0 }
variants: [{ name: pool, client: undici }]
`,
  );
  const out = join(temp.dir, 'plan-term.json');
  const run = await runCli(['plan', file, '-o', out, '--quiet'], { interruptAfterMs: 1000, interruptSignal: 'SIGTERM' });
  assert.equal(run.code, ExitCode.Terminated, run.stderr);
  const saved = JSON.parse(await readFile(out, 'utf8')) as { partial: boolean; interruption?: { reason: string } };
  assert.equal(saved.partial, true);
  assert.equal(saved.interruption?.reason, 'SIGTERM');
});
