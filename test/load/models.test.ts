/**
 * The load models over real sockets: the open model's rate and its latency correction, stages,
 * idle gaps, and the generator's self-check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../src/runner.js';
import { runOpenLoad } from '../../src/load/open.js';
import { Ramp } from '../../src/load/ramp.js';
import { createUpstreamServer, type UpstreamServer } from '../../src/upstream/server.js';
import { createClient, type ClientAdapter } from '../../src/clients/index.js';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunResult } from '../../src/result.js';
import { readFile } from 'node:fs/promises';
import { scenarioFromYaml } from '../helpers/scenario.js';
import { makeTempDir } from '../helpers/temp.js';
import { runCli } from '../helpers/cli.js';
import { upstreamConfig } from '../upstream/helpers.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
before(async () => {
  temp = await makeTempDir();
});
after(() => temp.cleanup());

test('the open model delivers the requested rate (±5 %)', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: open-rate
upstream: { rtt: 2ms }
load: { model: open, rate: 200, duration: 2500ms }
variants: [{ name: open, client: undici, connections: 10 }]
`),
  );
  const [open] = result.variants;
  assert.ok(Math.abs(open.throughputRps - 200) <= 10, `throughput ${open.throughputRps} req/s`);
  assert.ok(Math.abs(open.requests.sent - 500) <= 25, `sent ${open.requests.sent}`);
  assert.equal(open.intendedRequests, 500);
  assert.equal(open.saturated, undefined);
  assert.equal(open.uncorrectedLatency?.count, open.latency.count);
});

test('corrected latency is never below the uncorrected one, and shows the wait behind a full pool', async () => {
  const server: UpstreamServer = createUpstreamServer(upstreamConfig({ latency: '20ms' }));
  const port = await server.listen();
  const client: ClientAdapter = createClient({ name: 'one', client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1', connections: 2 }, { origin: `http://127.0.0.1:${port}`, request: { method: 'GET', path: '/', headers: {} } }, () => {});
  try {
    const pairs: Array<[number, number]> = [];
    // 2 requests in flight at most, each 20 ms, but 200 started per second: later ones queue.
    await runOpenLoad({
      rate: new Ramp(200),
      maxInFlight: 2,
      requests: 60,
      signal: new AbortController().signal,
      graceMs: 2000,
      send: (signal) => client.send('/', signal),
      onResponse: (corrected, _response, uncorrected) => pairs.push([corrected, uncorrected!]),
      onFailure: (error) => assert.fail(String(error)),
    });
    assert.equal(pairs.length, 60);
    for (const [corrected, uncorrected] of pairs) assert.ok(corrected >= uncorrected, `corrected ${corrected} < uncorrected ${uncorrected}`);
    const lastCorrected = pairs.at(-1)![0];
    assert.ok(lastCorrected > 100, `the last request waited behind the cap: ${lastCorrected} ms`);
  } finally {
    await client.close();
    await server.close();
  }
});

test('open-model stages follow their ramp second by second', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: stages
upstream: { rtt: 1ms }
load: { model: open, stages: [{ duration: 1s, target: 300 }, { duration: 1s, target: 300 }, { duration: 1s, target: 100 }] }
variants: [{ name: ramp, client: undici, connections: 10 }]
`),
  );
  const [ramp] = result.variants;
  const rates = ramp.timeSeries.slice(0, 3).map((p) => Math.round(p.rps));
  // Expected per second: 150 (ramping 0 -> 300), 300, 200 (300 -> 100).
  [150, 300, 200].forEach((expected, i) => assert.ok(Math.abs(rates[i] - expected) <= expected * 0.15, `second ${i + 1}: ${rates[i]} req/s, expected ${expected}`));
  // The ticker may run late on a busy machine, shifting each second's bounds a little.
  const targets = ramp.timeSeries.slice(0, 3).map((p) => p.targetRps!);
  [150, 300, 200].forEach((expected, i) => assert.ok(Math.abs(targets[i] - expected) <= expected * 0.1, `second ${i + 1}: target ${targets[i]} req/s`));
  assert.equal(ramp.intendedRequests, 650);
});

test('closed-model stages change the number of requests in flight', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: closed-stages
upstream: { latency: 20ms }
load: { concurrency: 1, stages: [{ duration: 1s, target: 1 }, { duration: 1s, target: 8 }] }
variants: [{ name: ramp, client: undici, connections: 8 }]
`),
  );
  const [first, second] = result.variants[0].timeSeries.map((p) => p.rps);
  // One worker at ~20 ms a request: ~50 req/s; then ramping to 8 workers: several times more.
  assert.ok(first <= 60, `first second ${first} req/s`);
  assert.ok(second >= 2 * first, `second second ${second} req/s vs ${first}`);
});

test('idle gaps pause each worker between its requests', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: idle
upstream: { rtt: 1ms }
load: { concurrency: 2, duration: 1s, idleGap: { distribution: uniform, min: 90ms, max: 110ms } }
variants: [{ name: idle, client: undici, connections: 2 }]
`),
  );
  const { completed } = result.variants[0].requests;
  // Two workers, one request per ~100 ms each: about 20 in a second.
  assert.ok(completed >= 12 && completed <= 24, `${completed} requests`);
});

test('an unreachable rate is flagged as saturated and exits 101 unless allowed', async () => {
  const file = await temp.file(
    'saturated.yaml',
    `name: saturated
upstream: { latency: 20ms }
load: { model: open, rate: 50000, duration: 1s, maxInFlight: 20 }
variants: [{ name: flooded, client: undici, connections: 20 }]
`,
  );
  const out = `${temp.dir}/saturated.json`;
  const strict = await runCli(['run', file, '--out', out, '--quiet']);
  assert.equal(strict.code, ExitCode.GeneratorSaturated, strict.stderr);
  assert.match(strict.stdout, /could not keep up/);
  const report = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.match(report.variants[0].saturated?.reason ?? '', /requests the rate asked for/);

  const allowed = await runCli(['run', file, '--out', out, '--quiet', '--allow-saturation']);
  assert.equal(allowed.code, ExitCode.Success, allowed.stderr);
});
