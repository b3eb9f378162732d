/**
 * Real targets through the CLI: the safety cap on targets that are not on this machine (refused
 * before any socket is opened; the only non-loopback address here is TEST-NET-1, 192.0.2.1, and
 * nothing is ever sent to it), `insecure` in every report format (runs pass --allow-saturation:
 * on a busy machine the generator's self-check may flag them, which is not what is tested here), a clear note when the
 * certificate cannot be verified, and fetch given a target's CA through NODE_EXTRA_CA_CERTS.
 */
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ExitCode } from '../../src/exit-codes.js';
import { checkRunSafety, isLoopbackUrl, runLoad } from '../../src/scenario/target-safety.js';
import { checkTargetSafety as checkPlanSafety } from '../../src/plan/safety.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { RunResult } from '../../src/result.js';
import { binPath, exitOf, runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

const tlsDir = fileURLToPath(new URL('../../../fixtures/tls/', import.meta.url));
const pem = (name: string) => readFileSync(join(tlsDir, name), 'utf8');

/** Sockets opened through net.connect (undici, node:http, autocannon over http) while `body` runs. */
async function socketsOpenedDuring(body: () => Promise<void>): Promise<number> {
  let opened = 0;
  const onSocket = () => opened++;
  diagnosticsChannel.subscribe('net.client.socket', onSocket);
  diagnosticsChannel.subscribe('undici:client:beforeConnect', onSocket);
  try {
    await body();
  } finally {
    diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
    diagnosticsChannel.unsubscribe('undici:client:beforeConnect', onSocket);
  }
  return opened;
}

describe('the safety cap on targets that are not on this machine', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    temp = await makeTempDir();
  });
  after(() => temp.cleanup());
  const scenario = (yaml: string) => parseScenario(`name: s\n${yaml}`, 's.yaml');

  it('knows loopback from the rest', () => {
    for (const url of ['http://127.0.0.1:1/', 'https://127.1.2.3/', 'http://localhost:8080/x', 'http://[::1]:9/', 'http://LOCALHOST/']) assert.equal(isLoopbackUrl(url), true, url);
    for (const url of ['http://192.0.2.1/', 'http://10.0.0.1/', 'http://example.com/', 'http://127.0.0.1.nip.io/', 'http://[::2]/', 'http://localhost.example/']) assert.equal(isLoopbackUrl(url), false, url);
  });

  it('run: a closed model against 192.0.2.1 is refused at start, naming the cap and the flag, and no socket is opened', async () => {
    const file = await temp.file('public.yaml', 'name: public\ntarget: http://192.0.2.1/\nload: { concurrency: 50, duration: 5s }\nvariants: [{ name: a, client: undici }, { name: b, client: node-http }]\n');
    let run!: Awaited<ReturnType<typeof runCli>>;
    const opened = await socketsOpenedDuring(async () => {
      run = await runCli(['run', file, '--out', join(temp.dir, 'never.json'), '--quiet']);
    });
    assert.equal(run.code, ExitCode.InvalidInput, run.stderr);
    assert.match(run.stderr, /error: the closed model sends each request as soon as the last one is answered, so nothing bounds the rate sent to 192\.0\.2\.1; .* capped at 50 req\/s \(targetSafety\.maxRate\)/);
    assert.match(run.stderr, /hint: .*--own-target.*; nothing was sent/);
    assert.equal(opened, 0, 'no connection was attempted');
    await assert.rejects(readFile(join(temp.dir, 'never.json')), 'no report is written for a refused run');
  });

  it('run: the open model is checked on its highest rate and on the whole run\'s load time', () => {
    const target = 'target: http://192.0.2.1/\n';
    const variants = 'variants: [{ name: a, client: undici }, { name: b, client: node-http }]\n';
    assert.throws(() => checkRunSafety(scenario(`${target}load: { model: open, rate: 10000, duration: 5s }\n${variants}`), 1, false), /could send 10000 req\/s to 192\.0\.2\.1, above the safety cap of 50 req\/s \(targetSafety\.maxRate\)/);
    assert.throws(() => checkRunSafety(scenario(`${target}load: { model: open, stages: [{ duration: 5s, target: 20 }, { duration: 5s, target: 80 }] }\n${variants}`), 1, false), /could send 80 req\/s/);
    // 2 variants × (5 s warm-up + 20 s) = 50 s: under the minute once, over it with --repeat 2.
    const long = scenario(`${target}load: { model: open, rate: 40, duration: 20s, warmup: 5s }\n${variants}`);
    assert.equal(runLoad(long, 1).loadMs, 50_000);
    assert.doesNotThrow(() => checkRunSafety(long, 1, false));
    assert.throws(() => checkRunSafety(long, 2, false), /could load 192\.0\.2\.1 for up to 1\.67 min, above the safety cap of 1\.00 min \(targetSafety\.maxDuration\)/);
    // A request budget lasts as long as sending it takes at the rate.
    assert.equal(runLoad(scenario(`${target}load: { model: open, rate: 10, requests: 100 }\n${variants}`), 1).loadMs, 20_000);
    // autocannon needs a rate of its own.
    assert.throws(() => checkRunSafety(scenario(`${target}load: { model: open, rate: 10, duration: 5s }\nvariants: [{ name: a, client: autocannon }]\n`), 1, false), /autocannon without a rate/);
    assert.doesNotThrow(() => checkRunSafety(scenario(`${target}load: { duration: 5s }\nvariants: [{ name: a, client: autocannon, rate: 20 }]\n`), 1, false));
  });

  it('run: raised in the file, lifted by --own-target, and never applied to loopback', () => {
    const fast = 'load: { model: open, rate: 400, duration: 5s }\nvariants: [{ name: a, client: undici }]\n';
    assert.doesNotThrow(() => checkRunSafety(scenario(`target: http://192.0.2.1/\ntargetSafety: { maxRate: 500 }\n${fast}`), 1, false));
    assert.doesNotThrow(() => checkRunSafety(scenario(`target: http://192.0.2.1/\n${fast}`), 1, true));
    assert.doesNotThrow(() => checkRunSafety(scenario(`target: http://127.0.0.1:1/\nload: { concurrency: 500, duration: 10m }\nvariants: [{ name: a, client: undici }]\n`), 5, false));
    assert.doesNotThrow(() => checkRunSafety(scenario(`load: { concurrency: 500, duration: 10m }\nvariants: [{ name: a, client: undici }]\n`), 5, false), 'the bundled upstream is never capped');
  });

  it('run and plan both take --own-target', async () => {
    for (const command of ['run', 'plan']) {
      const help = await runCli([command, '--help']);
      assert.match(help.stdout, /--own-target +the target is yours: lift the safety caps/, command);
    }
  });

  it('plan: the same check, with plan.targetSafety; a loopback target is not capped', () => {
    const plan = 'plan: { slo: p99 < 200ms, targetRate: 100 }\nvariants: [{ name: pool, client: undici }]\n';
    const remote = scenario(`target: http://192.0.2.1/\n${plan}`);
    assert.throws(() => checkPlanSafety(remote, remote.plan!), /could send 400 req\/s to 192\.0\.2\.1, above the safety cap of 50 req\/s \(plan\.targetSafety\.maxRate\)/);
    assert.doesNotThrow(() => checkPlanSafety(remote, remote.plan!, true));
    const local = scenario(`target: http://127.0.0.1:1/\n${plan}`);
    assert.doesNotThrow(() => checkPlanSafety(local, local.plan!));
  });
});

describe('https targets through the CLI', { timeout: 60_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let server: https.Server;
  let url: string;
  before(async () => {
    temp = await makeTempDir();
    server = https.createServer({ cert: pem('server.crt'), key: pem('server.key') }, (_req, res) => res.end('ok'));
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await temp.cleanup();
  });

  it('insecure: the run succeeds and the terminal summary, JSON, Markdown and HTML all say verification was off', async () => {
    const file = await temp.file('insecure.yaml', `name: insecure\ntarget: { url: "${url}", insecure: true }\nload: { concurrency: 2, requests: 10 }\nvariants: [{ name: a, client: undici, connections: 2 }]\n`);
    const out = join(temp.dir, 'insecure.json');
    const run = await runCli(['run', file, '--out', out, '--format', 'md,html', '--quiet', '--allow-saturation']);
    assert.equal(run.code, ExitCode.Success, run.stderr);
    assert.match(run.stdout, /note: TLS certificate verification was OFF \(target\.insecure: true\)/);
    const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.equal(report.scenario.targetTls?.insecure, true);
    assert.equal(report.variants[0].requests.completed, 10);
    assert.match(await readFile(join(temp.dir, 'insecure.md'), 'utf8'), /TLS certificate verification was OFF/);
    const html = await readFile(join(temp.dir, 'insecure.html'), 'utf8');
    const header = html.slice(0, html.indexOf('<h2>Comparison</h2>'));
    assert.match(header, /<ul class="notes"><li>TLS certificate verification was OFF/);
  });

  it('without the CA every request fails, and the summary says which setting fixes it', async () => {
    const file = await temp.file('untrusted.yaml', `name: untrusted\ntarget: ${url}\nload: { concurrency: 2, requests: 4 }\nvariants: [{ name: a, client: node-http }]\n`);
    const run = await runCli(['run', file, '--out', join(temp.dir, 'untrusted.json'), '--quiet']);
    assert.match(run.stdout, /note: a: \d+ request\(s\) failed with UNABLE_TO_VERIFY_LEAF_SIGNATURE: the server's certificate is not signed by a CA this run trusts: give the target's CA as a PEM file \(target: \{ url, ca \}\)/);
    assert.doesNotMatch(run.stdout, /verification was OFF/);
  });

  it('fetch trusts the target\'s CA only when Node was started with it, and says so otherwise', async () => {
    const file = await temp.file('fetch.yaml', `name: fetch\ntarget: { url: "${url}", ca: ${join(tlsDir, 'ca.crt')} }\nload: { concurrency: 2, requests: 10 }\nvariants: [{ name: f, client: fetch }]\n`);
    const refused = await runCli(['run', file, '--out', join(temp.dir, 'refused.json'), '--quiet']);
    assert.equal(refused.code, ExitCode.InvalidInput, refused.stderr);
    assert.match(refused.stderr, /error: fetch cannot trust the CA this run needs/);
    assert.match(refused.stderr, /hint: run with NODE_EXTRA_CA_CERTS=/);

    const out = join(temp.dir, 'fetch.json');
    const child = spawn(process.execPath, [binPath, 'run', file, '--out', out, '--quiet', '--allow-saturation'], { cwd: temp.dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: join(tlsDir, 'ca.crt') } });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exitOf(child);
    clearTimeout(killer);
    assert.equal(code, ExitCode.Success, stderr);
    const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.equal(report.variants[0].requests.completed, 10, JSON.stringify(report.variants[0].errors));
  });
});
