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
import { createClient, type RequestClient } from '../../src/clients/index.js';
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

test('the open model delivers the requested rate', async () => {
  const result = await runScenario(
    scenarioFromYaml(`
name: open-rate
upstream: { rtt: 2ms }
load: { model: open, rate: 200, duration: 2500ms }
variants: [{ name: open, client: undici, connections: 10 }]
`),
  );
  const [open] = result.variants;
  assert.equal(open.intendedRequests, 500);
  // The schedule is kept: late timers are caught up, so at least 95 % of what was due left (the
  // self-check's own bound). A stop timer that fires late lets a few more out, never many.
  assert.ok(open.requests.sent >= 475 && open.requests.sent <= 550, `sent ${open.requests.sent}`);
  assert.doesNotMatch(open.saturated?.reason ?? '', /requests the rate asked for/);
  // Throughput also counts the wait for the last responses, which a busy machine stretches (the
  // upstream is another process): loose below, while nothing may beat the schedule.
  assert.ok(open.throughputRps >= 100 && open.throughputRps <= 220, `throughput ${open.throughputRps} req/s`);
  assert.equal(open.uncorrectedLatency?.count, open.latency.count);
});

test('corrected latency is never below the uncorrected one, and shows the wait behind a full pool', async () => {
  const server: UpstreamServer = createUpstreamServer(upstreamConfig({ latency: '20ms' }));
  const port = await server.listen();
  const client: RequestClient = createClient({ name: 'one', client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1', connections: 2 }, { origin: `http://127.0.0.1:${port}`, request: { method: 'GET', path: '/', headers: {} } });
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
  const points = ramp.timeSeries.slice(0, 3);
  // The ramp's rate per second: 150 (ramping 0 -> 300), 300, 200 (300 -> 100). The ticker may run
  // late on a busy machine, shifting each second's bounds: the targets are the ramp's over the
  // seconds as they fell, and each second's achieved rate is judged against its own target.
  [150, 300, 200].forEach((expected, i) => assert.ok(Math.abs(points[i].targetRps! - expected) <= expected * 0.25, `second ${i + 1}: target ${points[i].targetRps} req/s, expected ${expected}`));
  // Responses, counted when they come back, lag the schedule on a busy machine (the upstream is
  // another process): each second within 35 % of its target, and what was due was sent.
  points.forEach(({ rps, targetRps }, i) => assert.ok(Math.abs(rps - targetRps!) <= targetRps! * 0.35, `second ${i + 1}: ${rps} req/s for a target of ${targetRps}`));
  assert.equal(ramp.intendedRequests, 650);
  assert.ok(ramp.requests.sent >= 0.95 * 650, `sent ${ramp.requests.sent} of 650`);
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
  // Two workers, one request per ~100 ms each: about 20 in a second (without the gaps, hundreds).
  // A busy machine's late timers lengthen the gaps, never shorten them.
  assert.ok(completed >= 8 && completed <= 24, `${completed} requests`);
});

test('an unreachable rate is flagged as saturated and exits 101 unless allowed', async () => {
  const file = await temp.file(
    'saturated.yaml',
    `name: saturated
upstream: { latency: 20ms }
load: { model: open, rate: 50000, duration: 500ms, maxInFlight: 20 }
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
