import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PoolbenchError } from '../../src/errors.js';
import { ExitCode } from '../../src/exit-codes.js';
import { DEFAULT_DURATION_MS, loadScenarioFile, parseScenario } from '../../src/scenario/load.js';
import { defaultUpstream, type UndiciVariant } from '../../src/scenario/schema.js';

/** The load model's defaults (load/): the closed model, and the generator's self-check bounds. */
const LOAD_DEFAULTS = { model: 'closed', maxInFlight: 1000, workers: 1, saturation: { minRateRatio: 0.95, maxLoopDelay: 50 } };

describe('parseScenario accepts good input', () => {
  it('fills the defaults of a minimal scenario', () => {
    const scenario = parseScenario('name: minimal\nvariants:\n  - {name: pool, client: undici}\n', 'minimal.yaml');
    assert.deepEqual(scenario, {
      name: 'minimal',
      upstream: defaultUpstream(),
      request: { method: 'GET', path: '/', headers: {} },
      load: { concurrency: 10, warmup: 0, duration: DEFAULT_DURATION_MS, ...LOAD_DEFAULTS },
      variants: [{ name: 'pool', client: 'undici', keepAlive: true, pipelining: 1, protocol: 'h1' }],
      baseline: 'pool',
    });
  });

  it('does not invent a duration when a request count is given', () => {
    const scenario = parseScenario('name: x\nload: {requests: 500}\nvariants: [{name: a, client: fetch}]\n', 'x.yaml');
    assert.deepEqual(scenario.load, { concurrency: 10, warmup: 0, requests: 500, ...LOAD_DEFAULTS });
  });

  it('converts human durations and sizes to milliseconds and bytes', () => {
    const scenario = parseScenario(
      [
        'name: units',
        'upstream:',
        '  rtt: 1.5s',
        '  latency: {distribution: uniform, min: 500us, max: 2ms}',
        '  response: {bodySize: 64kb}',
        '  keepAlive: {timeout: 1m}',
        'load: {duration: 30s, warmup: 250}',
        'variants:',
        '  - {name: a, client: undici, keepAliveTimeout: 4s}',
      ].join('\n'),
      'units.yaml',
    );
    assert.equal(scenario.upstream?.rtt, 1500);
    assert.deepEqual(scenario.upstream?.latency, { distribution: 'uniform', min: 0.5, max: 2 });
    assert.equal(scenario.upstream?.response.bodySize, 65536);
    assert.equal(scenario.upstream?.keepAlive.timeout, 60_000);
    assert.equal(scenario.load.duration, 30_000);
    assert.equal(scenario.load.warmup, 250);
    assert.equal((scenario.variants[0] as UndiciVariant).keepAliveTimeout, 4000);
  });

  it('takes a target instead of the bundled upstream', () => {
    const scenario = parseScenario('name: x\ntarget: https://example.com/api\nvariants: [{name: a, client: fetch}]\n', 'x.yaml');
    assert.equal(scenario.target, 'https://example.com/api');
    assert.equal(scenario.upstream, undefined);
  });

  it('keeps an explicit baseline', () => {
    const scenario = parseScenario('name: x\nbaseline: b\nvariants: [{name: a, client: fetch}, {name: b, client: node-http}]\n', 'x.yaml');
    assert.equal(scenario.baseline, 'b');
  });
});

describe('matrix expansion', () => {
  const yaml = [
    'name: matrix',
    'baseline: pool connections=10 pipelining=1',
    'variants:',
    '  - name: pool',
    '    client: undici',
    '    keepAliveTimeout: 2s',
    '    matrix:',
    '      connections: [1, 10]',
    '      pipelining: [1, 4]',
    '  - name: agent',
    '    client: node-http',
    '    matrix: {scheduling: [lifo, fifo]}',
  ].join('\n');

  it('makes one variant per combination, in key order, named after its values', () => {
    const scenario = parseScenario(yaml, 'matrix.yaml');
    assert.deepEqual(scenario.variants.map((v) => v.name), [
      'pool connections=1 pipelining=1',
      'pool connections=1 pipelining=4',
      'pool connections=10 pipelining=1',
      'pool connections=10 pipelining=4',
      'agent scheduling=lifo',
      'agent scheduling=fifo',
    ]);
  });

  it('substitutes the values, keeps the other fields and drops the matrix', () => {
    const scenario = parseScenario(yaml, 'matrix.yaml');
    assert.deepEqual(scenario.variants[3], {
      name: 'pool connections=10 pipelining=4',
      client: 'undici',
      keepAlive: true,
      keepAliveTimeout: 2000,
      protocol: 'h1',
      connections: 10,
      pipelining: 4,
    });
    assert.ok(scenario.variants.every((variant) => !('matrix' in variant)));
    assert.equal(scenario.baseline, 'pool connections=10 pipelining=1');
  });

  it('defaults the baseline to the first expanded variant', () => {
    const scenario = parseScenario('name: x\nvariants: [{name: a, client: undici, matrix: {connections: [2, 3]}}]\n', 'x.yaml');
    assert.equal(scenario.baseline, 'a connections=2');
  });
});

describe('loadScenarioFile', () => {
  it('reads the file and remembers where it came from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolbench-'));
    try {
      const file = join(dir, 'scenario.yaml');
      await writeFile(file, 'name: from-disk\nvariants: [{name: a, client: fetch}]\n');
      const scenario = await loadScenarioFile(file);
      assert.equal(scenario.name, 'from-disk');
      assert.equal(scenario.file, file);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reports a missing file as invalid input', async () => {
    const missing = join(tmpdir(), 'poolbench-no-such-dir', 'nope.yaml');
    await assert.rejects(loadScenarioFile(missing), (error: unknown) => {
      assert.ok(error instanceof PoolbenchError);
      assert.equal(error.code, 'POOLBENCH_FILE_NOT_FOUND');
      assert.equal(error.exitCode, ExitCode.InvalidInput);
      assert.match(error.message, /nope\.yaml: no such file/);
      return true;
    });
  });
});
