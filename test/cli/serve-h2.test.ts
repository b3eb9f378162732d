/** `poolbench serve --protocol h2` answers real external HTTP/2 clients: h2load and curl. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { tlsFixtureFiles } from '../../src/upstream/tls-fixtures.js';
import { ExitCode } from '../../src/exit-codes.js';
import { exitOf, spawnCli, waitForOutput } from '../helpers/cli.js';
import { has } from '../helpers/tools.js';
import { makeTempDir } from '../helpers/temp.js';

const run = promisify(execFile);
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let server: ReturnType<typeof spawnCli>;
let url: string;

before(async () => {
  temp = await makeTempDir();
  server = spawnCli(['serve', '--protocol', 'h2', '--body-size', '32'], temp.dir);
  await waitForOutput(server, ({ stdout }) => /^https:\/\/127\.0\.0\.1:\d+\n/.test(stdout));
  url = server.output().stdout.trim();
});

after(async () => {
  server.kill('SIGINT');
  assert.equal(await exitOf(server), ExitCode.Success);
  await temp.cleanup();
});

test('h2load completes against serve --protocol h2 with 0 errors', { skip: !has('h2load') && 'h2load not installed (apt-get install nghttp2-client)' }, async () => {
  const { stdout } = await run('h2load', ['-n', '400', '-c', '4', '-m', '10', `${url}/`], { timeout: 20_000 });
  assert.match(stdout, /Application protocol: h2/);
  assert.match(stdout, /requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored/);
});

test('curl --http2 gets an HTTP/2 answer, trusting the test CA', { skip: !has('curl') && 'curl not installed (apt-get install curl)' }, async () => {
  const { stdout } = await run('curl', ['--http2', '--cacert', tlsFixtureFiles().caFile, '-sS', '-o', '/dev/null', '-w', '%{http_version} %{http_code} %{size_download}', `${url}/`], { timeout: 10_000 });
  assert.equal(stdout, '2 200 32');
});

test('curl --http1.1 falls back to HTTP/1.1 on the same port', { skip: !has('curl') && 'curl not installed (apt-get install curl)' }, async () => {
  const { stdout } = await run('curl', ['--http1.1', '--cacert', tlsFixtureFiles().caFile, '-sS', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `${url}/`], { timeout: 10_000 });
  assert.equal(stdout, '1.1 200');
});
