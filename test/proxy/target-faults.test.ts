/**
 * `target` + `faults`: the runner puts the fault proxy, in a process of its own, in front of a
 * real server (here a plain node:http server the test starts) and reports what each fault did.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ScenarioError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario, type RunEvent } from '../../src/runner.js';
import { byName } from '../helpers/results.js';
import { processExists } from '../helpers/net.js';
import { scenarioFromYaml } from '../helpers/scenario.js';

describe('target + faults through the fault proxy', { timeout: 60_000 }, () => {
  let server: http.Server;
  let port: number;
  let served = 0;

  before(async () => {
    server = http.createServer((_req, res) => {
      served++;
      res.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('resets every third request of a connection; retries recover them; the proxy counts the kills and exits', async () => {
    let proxyPid: number | undefined;
    const result = await runScenario(
      scenarioFromYaml(`
name: proxied
target: http://127.0.0.1:${port}/
faults: [{ type: reset, trigger: { nth: 3 } }]
load: { concurrency: 2, requests: 60 }
variants:
  - { name: plain, client: node-http }
  - { name: retry, client: node-http, retry: { maxRetries: 3, minTimeout: 10ms } }
`),
      { onEvent: (event: RunEvent) => event.type === 'run-start' && (proxyPid = event.upstreamPid) },
    );
    assert.ok(proxyPid !== undefined && proxyPid !== process.pid, 'the proxy runs in a process of its own');
    assert.equal(processExists(proxyPid), false, 'the proxy process is gone after the run');
    assert.equal(result.targetUrl, `http://127.0.0.1:${port}/`);
    assert.ok(served >= 60, `the real server answered ${served} requests`);

    const plain = byName(result.variants, 'plain');
    const kills = plain.connections.upstream?.faults?.reset;
    assert.ok(kills && kills.connectionsClosed > 0 && kills.connectionsClosed === kills.struck, JSON.stringify(kills));
    assert.equal(plain.errors.ECONNRESET, kills.connectionsClosed, 'each kill is one lost request');
    assert.equal(plain.connections.countsAgree, true, 'client and proxy count the same connections');

    const retry = byName(result.variants, 'retry');
    assert.equal(retry.errorCount, 0, JSON.stringify(retry.errors));
    assert.ok((retry.connections.upstream?.faults?.reset?.connectionsClosed ?? 0) > 0);
    assert.ok(retry.attempts!.attempts > retry.requests.completed, 'the resets were retried');
  });

  it('rejects faults the proxy cannot apply, and faults without a target, at their line and column', () => {
    const problems = (yaml: string) => {
      try {
        parseScenario(yaml, 'proxied.yaml');
      } catch (error) {
        assert.ok(error instanceof ScenarioError);
        return error.problems;
      }
      assert.fail('the scenario was accepted');
    };
    const [http503] = problems('name: x\ntarget: http://127.0.0.1:1/\nfaults:\n  - { type: http_error, status: 503 }\nvariants: [{ name: a, client: undici }]\n');
    assert.deepEqual([http503.file, http503.line, http503.col, http503.path], ['proxied.yaml', 4, 13, 'faults[0].type']);
    assert.match(http503.message, /the proxy sees bytes, not HTTP, and cannot apply http_error/);
    const [limit503] = problems('name: x\ntarget: http://127.0.0.1:1/\nfaults: [{ type: conn_limit, max: 2, action: "503" }]\nvariants: [{ name: a, client: undici }]\n');
    assert.equal(limit503.path, 'faults[0].action');
    const [noTarget] = problems('name: x\nfaults: [{ type: reset }]\nvariants: [{ name: a, client: undici }]\n');
    assert.deepEqual([noTarget.line, noTarget.path], [2, 'faults']);
    assert.match(noTarget.hint ?? '', /upstream\.faults/);
    assert.match(problems('name: x\ntarget: https://example.com/\nfaults: [{ type: reset }]\nvariants: [{ name: a, client: undici }]\n')[0].message, /https target/);
  });
});
