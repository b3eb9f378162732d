import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { startUpstream } from '../../src/upstream/start.js';
import type { UpstreamHandle } from '../../src/upstream/types.js';
import type { UpstreamConfig } from '../../src/scenario/schema.js';
import { connectionRefused, eventually, get, isAlive, upstreamConfig, within } from './helpers.js';

describe('startUpstream (child process)', { timeout: 60_000 }, () => {
  let handles: UpstreamHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.map((handle) => handle.stop()));
    handles = [];
  });
  async function start(input: Record<string, unknown> = {}): Promise<UpstreamHandle> {
    const handle = await startUpstream(upstreamConfig(input));
    handles.push(handle);
    return handle;
  }

  it('serves on the URL it gives and reports counters over IPC', async () => {
    const handle = await start({ response: { status: 204 } });
    assert.match(handle.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(handle.url, `http://127.0.0.1:${handle.port}`);
    assert.equal(handle.caFile, undefined);
    assert.equal(await get(`${handle.url}/`), 204);
    assert.equal(await get(`${handle.url}/`), 204);
    await eventually(async () => (await handle.counters()).connectionsClosed === 2);
    const counters = await handle.counters();
    assert.equal(counters.requests, 2);
    assert.equal(counters.connectionsAccepted, 2);
    await handle.resetCounters();
    assert.equal((await handle.counters()).requests, 0);
  });

  it('stop() ends the process and frees the port; calling it twice is fine', async () => {
    const handle = await start();
    assert.equal(isAlive(handle.pid), true);
    await within(5000, Promise.all([handle.stop(), handle.stop()]), 'stop()');
    await handle.stop();
    assert.equal(isAlive(handle.pid), false);
    assert.equal(await connectionRefused(handle.port), true);
    assert.deepEqual(await handle.exited, { code: 0, signal: null, expected: true });
    await assert.rejects(handle.counters(), { code: 'POOLBENCH_UPSTREAM_EXITED' });
  });

  it('reports a killed upstream as an unexpected exit', async () => {
    const handle = await start();
    process.kill(handle.pid, 'SIGKILL');
    const exit = await within(5000, handle.exited, 'exited');
    assert.deepEqual(exit, { code: null, signal: 'SIGKILL', expected: false });
    await assert.rejects(handle.counters(), { code: 'POOLBENCH_UPSTREAM_EXITED' });
  });

  it('serves https with the test CA it names', async () => {
    const handle = await start({ protocol: 'https' });
    assert.match(handle.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(handle.caFile && existsSync(handle.caFile));
    assert.equal(await get(`https://localhost:${handle.port}/`, readFileSync(handle.caFile)), 200);
    assert.equal((await handle.counters()).tlsHandshakes, 1);
  });

  it('fails with POOLBENCH_UPSTREAM_START when the upstream cannot start', async () => {
    // The schema rejects this model; built past it, it still makes the child fail to start.
    const unstartable = { ...upstreamConfig(), latency: { distribution: 'lognormal', p50: 0, p99: 10 } } as UpstreamConfig;
    await assert.rejects(startUpstream(unstartable), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'POOLBENCH_UPSTREAM_START');
      assert.match(error.message, /p50/);
      return true;
    });
  });

  /** Runs a parent process that starts an upstream, prints its pid, then does `then`. */
  function runParent(then: string): Promise<{ upstreamPid: number; parentPid: number }> {
    const startModule = fileURLToPath(new URL('../../src/upstream/start.js', import.meta.url));
    const script = `
      import { startUpstream } from ${JSON.stringify(startModule)};
      import { UpstreamSchema } from ${JSON.stringify(fileURLToPath(new URL('../../src/scenario/schema.js', import.meta.url)))};
      const handle = await startUpstream(UpstreamSchema.parse({}));
      console.log(JSON.stringify({ upstreamPid: handle.pid, parentPid: process.pid }));
      ${then}
    `;
    return new Promise((resolve, reject) => {
      const parent = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }, (error) => {
        if (error && error.signal !== 'SIGKILL') reject(error);
      });
      parent.stdout!.once('data', (line: Buffer) => resolve(JSON.parse(line.toString())));
    });
  }

  it('leaves no upstream behind when the parent ends without stop()', async () => {
    const { upstreamPid } = await runParent('/* end of script, no stop() */');
    await eventually(() => !isAlive(upstreamPid), 5000);
  });

  it('leaves no upstream behind when the parent exits on an uncaught error', async () => {
    const { upstreamPid } = await runParent(`setTimeout(() => { throw new Error('boom'); }, 50);`);
    await eventually(() => !isAlive(upstreamPid), 5000);
  });

  it('leaves no upstream behind when the parent is killed', async () => {
    const { upstreamPid, parentPid } = await runParent('setInterval(() => {}, 1000);');
    assert.equal(isAlive(upstreamPid), true);
    process.kill(parentPid, 'SIGKILL');
    await eventually(() => !isAlive(upstreamPid), 5000);
  });
});
