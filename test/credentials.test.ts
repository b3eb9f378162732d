/**
 * Credentials in a target URL: sent as HTTP Basic auth by every client kind (checked by a real
 * loopback server), and redacted everywhere they would be printed or stored — every report
 * format, the terminal, the progress lines, error messages, `--set target=` and `proxy --to`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactCredentials, redactScenario, splitCredentials, withAuthorization } from '../src/credentials.js';
import { runScenario } from '../src/runner.js';
import { scenarioFromYaml } from './helpers/scenario.js';
import { makeTempDir } from './helpers/temp.js';
import { exitOf, spawnCli, waitForOutput } from './helpers/cli.js';
import { freeClosedPort } from './helpers/net.js';
import { countingServer } from './helpers/counting-server.js';

const USER = 'alice';
const PASSWORD = 'hunter2-TOPSECRET';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
/** Every form the secret could leak in: itself, percent-encoded, and inside the Authorization header. */
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`${USER}:${PASSWORD}`).toString('base64')];

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds the secret ${secret}`);
}

test('splitCredentials: the URL without them, and the Basic header made from them, percent-decoded as curl does', () => {
  const split = splitCredentials('http://al%20ice:p%40ss:word@127.0.0.1:8080/path?q=1');
  assert.equal(split.url.href, 'http://127.0.0.1:8080/path?q=1');
  assert.equal(split.authorization, `Basic ${Buffer.from('al ice:p@ss:word').toString('base64')}`);
  assert.equal(splitCredentials('http://bob@127.0.0.1/').authorization, `Basic ${Buffer.from('bob:').toString('base64')}`);
  assert.deepEqual(splitCredentials('https://127.0.0.1/'), { url: new URL('https://127.0.0.1/') });
});

test('withAuthorization: added to the headers unless the scenario sets its own (any case)', () => {
  assert.deepEqual(withAuthorization({ accept: '*/*' }, 'Basic x'), { accept: '*/*', authorization: 'Basic x' });
  assert.deepEqual(withAuthorization({ Authorization: 'Bearer t' }, 'Basic x'), { Authorization: 'Bearer t' });
  assert.deepEqual(withAuthorization({ a: 'b' }, undefined), { a: 'b' });
});

test('redactCredentials: the user info of every URL in a text, up to the last @ before the path', () => {
  assert.equal(redactCredentials('http://u:p@127.0.0.1/'), 'http://***@127.0.0.1/');
  assert.equal(redactCredentials('connect to https://u:p@ss@h:1/x failed; ftp://a:b@c too'), 'connect to https://***@h:1/x failed; ftp://***@c too');
  assert.equal(redactCredentials('found "http://u:p@[::1"'), 'found "http://***@[::1"');
  assert.equal(redactCredentials('http://127.0.0.1:1/a@b and mail me@example.com'), 'http://127.0.0.1:1/a@b and mail me@example.com');
  assert.deepEqual(redactScenario({ name: 'x', target: `http://${USER}:${PASSWORD}@h/` }), { name: 'x', target: 'http://***@h/' });
});

test('redactScenario: secret request headers keep their name and lose their value; others are kept', () => {
  const headers = { Authorization: 'Bearer abc', cookie: 's=1', 'x-api-key': 'k', 'X-Auth-Token': 't', accept: 'text/plain', 'x-trace': 'on' };
  const redacted = redactScenario({ name: 'x', request: { method: 'GET', headers } });
  assert.deepEqual(redacted.request.headers, { Authorization: '***', cookie: '***', 'x-api-key': '***', 'X-Auth-Token': '***', accept: 'text/plain', 'x-trace': 'on' });
  assert.equal(headers.Authorization, 'Bearer abc', 'what is sent is not changed');
});

test('every client kind sends the URL credentials as Basic auth on every request; the result holds them nowhere', async () => {
  const [server, h2Server] = await Promise.all([countingServer('http1'), countingServer('h2c')]);
  try {
    const variants = ['undici', 'node-http', 'fetch', 'autocannon'].map((client) => `  - { name: ${client}, client: ${client} }`).join('\n');
    const result = await runScenario(
      scenarioFromYaml(`
name: credentials
target: http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}/
load: { concurrency: 2, duration: 500ms }
variants:
${variants}
`),
    );
    const h2 = await runScenario(
      scenarioFromYaml(`
name: credentials-h2
target: http://${USER}:${PASSWORD}@127.0.0.1:${h2Server.port}/
load: { concurrency: 2, duration: 500ms }
variants: [{ name: h2, client: node-http2 }]
`),
    );
    for (const [name, counts] of [['HTTP/1.1', server.byAuthorization], ['h2c', h2Server.byAuthorization]] as const) {
      assert.deepEqual([...counts.keys()], [BASIC], `${name}: every request carried the Basic header`);
    }
    assert.ok(result.variants.every((v) => v.requests.completed > 0 && v.errorCount === 0), JSON.stringify(result.variants.map((v) => [v.name, v.requests.completed, v.errors])));
    assert.ok(h2.variants[0].requests.completed > 0);
    assert.equal(result.targetUrl, `http://***@127.0.0.1:${server.port}/`);
    assert.equal(result.scenario.target, `http://***@127.0.0.1:${server.port}/`);
    assertNoSecret(JSON.stringify([result, h2]), 'the run result');
  } finally {
    await Promise.all([server.close(), h2Server.close()]);
  }
});

test('the CLI: nothing it prints or writes holds the password, from the file or from --set target=', { concurrency: false }, async () => {
  const server = await countingServer('http1');
  const temp = await makeTempDir();
  try {
    const body = (target: string) => `name: cli credentials\ntarget: ${target}\nload: { concurrency: 1, duration: 400ms }\nvariants: [{ name: a, client: undici }]\n`;
    const fromFile = await temp.file('file.yaml', body(`http://${USER}:${PASSWORD}@127.0.0.1:${server.port}/`));
    const fromSet = await temp.file('set.yaml', body(`http://127.0.0.1:${server.port}/`));
    const runs = [
      [fromFile, '--out', join(temp.dir, 'file', 'r.json')],
      [fromSet, '--set', `target=http://${USER}:${PASSWORD}@127.0.0.1:${server.port}/`, '--out', join(temp.dir, 'set', 'r.json')],
    ];
    for (const args of runs) {
      const child = spawnCli(['run', ...args, '--format', 'table,md,html,junit,hgrm', '--allow-saturation'], temp.dir);
      const code = await exitOf(child);
      const { stdout, stderr } = child.output();
      assert.equal(code, 0, stderr);
      assert.match(stdout, /target http:\/\/\*\*\*@127\.0\.0\.1:\d+\//);
      assertNoSecret(stdout + stderr, 'the terminal');
    }
    assert.deepEqual([...server.byAuthorization.keys()], [BASIC]);
    const written = (await readdir(temp.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !e.name.endsWith('.yaml'));
    assert.ok(written.length >= 12, `${written.length} report files`);
    for (const file of written) assertNoSecret(await readFile(join(file.parentPath, file.name), 'utf8'), file.name);
  } finally {
    await temp.cleanup();
    await server.close();
  }
});

test('error messages that quote the URL are redacted: a refused target, an invalid --set target, proxy --to', { concurrency: false }, async () => {
  const temp = await makeTempDir();
  try {
    const port = await freeClosedPort();
    const scenario = await temp.file('s.yaml', `name: refused\ntarget: http://${USER}:${PASSWORD}@127.0.0.1:${port}/\nload: { concurrency: 1, duration: 300ms }\nvariants: [{ name: a, client: node-http }]\n`);
    const refused = spawnCli(['run', scenario, '--out', join(temp.dir, 'out', 'r.json'), '--format', 'md,html,junit'], temp.dir);
    await exitOf(refused);
    assert.match(refused.output().stdout, /ECONNREFUSED/);
    const invalid = spawnCli(['run', scenario, '--set', `target=ftp://${USER}:${PASSWORD}@127.0.0.1:1/`], temp.dir);
    assert.equal(await exitOf(invalid), 2);
    assert.match(invalid.output().stderr, /ftp:\/\/\*\*\*@127\.0\.0\.1:1\//);
    const badProxy = spawnCli(['proxy', '--to', `http://${USER}:${PASSWORD}@[::1`], temp.dir);
    assert.equal(await exitOf(badProxy), 2);
    assert.match(badProxy.output().stderr, /--to: expected a URL/);
    const proxy = spawnCli(['proxy', '--to', `http://${USER}:${PASSWORD}@127.0.0.1:${port}`], temp.dir);
    await waitForOutput(proxy, ({ stderr }) => stderr.includes('Ctrl-C to stop'));
    proxy.kill('SIGINT');
    await exitOf(proxy);
    for (const child of [refused, invalid, badProxy, proxy]) {
      const { stdout, stderr } = child.output();
      assertNoSecret(stdout + stderr, `${child.spawnargs.slice(2, 4).join(' ')}`);
    }
    for (const file of await readdir(join(temp.dir, 'out'))) assertNoSecret(await readFile(join(temp.dir, 'out', file), 'utf8'), file);
  } finally {
    await temp.cleanup();
  }
});
