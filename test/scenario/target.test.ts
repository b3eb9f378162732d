/**
 * `target:` as a URL or as a map with TLS settings, and `targetSafety`: what the loader accepts,
 * how it resolves the TLS files, and what it refuses at which line and column.
 */
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ScenarioError, type ScenarioProblem } from '../../src/errors.js';
import { ExitCode } from '../../src/exit-codes.js';
import { parseScenario } from '../../src/scenario/load.js';
import { makeTempDir } from '../helpers/temp.js';

const tlsDir = fileURLToPath(new URL('../../../fixtures/tls/', import.meta.url));

describe('target: URL or map with TLS settings', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let scenarioFile: string;
  before(async () => {
    temp = await makeTempDir();
    scenarioFile = join(temp.dir, 'scenario.yaml');
    await copyFile(join(tlsDir, 'ca.crt'), join(temp.dir, 'ca.pem'));
    await copyFile(join(tlsDir, 'client.crt'), join(temp.dir, 'client.pem'));
    await copyFile(join(tlsDir, 'client.key'), join(temp.dir, 'client.key'));
  });
  after(() => temp.cleanup());

  const parse = (yaml: string) => parseScenario(yaml, scenarioFile);
  function problemsOf(yaml: string): ScenarioProblem[] {
    try {
      parse(yaml);
    } catch (error) {
      assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
      assert.equal(error.exitCode, ExitCode.InvalidInput);
      return error.problems;
    }
    assert.fail('the scenario was accepted');
  }
  const variants = 'variants: [{ name: a, client: undici }]\n';

  it('keeps the string form as it was: the URL, no TLS settings, the default caps', () => {
    const scenario = parse(`name: x\ntarget: https://127.0.0.1:8443/health\n${variants}`);
    assert.equal(scenario.target, 'https://127.0.0.1:8443/health');
    assert.equal(scenario.targetTls, undefined);
    assert.deepEqual(scenario.targetSafety, { maxRate: 50, maxDuration: 60_000 });
  });

  it('reads the map form: the URL stays a string, files resolve from the scenario file\'s folder', () => {
    const scenario = parse(`name: x
target:
  url: https://127.0.0.1:8443/
  ca: ./ca.pem
  serverName: localhost
  cert: client.pem
  key: ${join(temp.dir, 'client.key')}
targetSafety: { maxRate: 200, maxDuration: 5m }
${variants}`);
    assert.equal(scenario.target, 'https://127.0.0.1:8443/');
    assert.deepEqual(scenario.targetTls, {
      ca: join(temp.dir, 'ca.pem'),
      serverName: 'localhost',
      cert: join(temp.dir, 'client.pem'),
      key: join(temp.dir, 'client.key'),
      insecure: false,
    });
    assert.deepEqual(scenario.targetSafety, { maxRate: 200, maxDuration: 300_000 });
  });

  it('refuses a missing CA file at its line and column, naming the file it looked for', () => {
    const [problem, ...rest] = problemsOf(`name: x\ntarget:\n  url: https://127.0.0.1:8443/\n  ca: ./missing-ca.pem\n${variants}`);
    assert.deepEqual(rest, []);
    assert.equal(problem.path, 'target.ca');
    assert.deepEqual([problem.line, problem.col], [4, 7]);
    assert.match(problem.message, new RegExp(`cannot read the ca file ${join(temp.dir, 'missing-ca.pem').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no such file`));
  });

  it('refuses a file that does not hold what its key needs, without quoting it', () => {
    const [problem] = problemsOf(`name: x\ntarget: { url: "https://127.0.0.1:8443/", ca: client.key }\n${variants}`);
    assert.equal(problem.path, 'target.ca');
    assert.match(problem.message, /does not hold a PEM certificate/);
    assert.doesNotMatch(problem.message, /PRIVATE KEY-----\n/);
  });

  it('refuses settings that contradict each other, each at its key', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['{ url: "https://h.example/", cert: client.pem }', 'target.cert', /needs its private key: add key/],
      ['{ url: "https://h.example/", key: client.key }', 'target.key', /needs its client certificate: add cert/],
      ['{ url: "https://h.example/", ca: ca.pem, insecure: true }', 'target.ca', /insecure: true skips verification/],
      ['{ url: "http://h.example/", serverName: h }', 'target.serverName', /applies to https:\/\/ targets only/],
      ['{ url: "ftp://h.example/" }', 'target.url', /expected an http:\/\/ or https:\/\/ URL/],
      ['{ url: "https://h.example/", sni: h }', 'target.sni', /unknown key "sni"/],
    ];
    for (const [target, path, message] of cases) {
      const problems = problemsOf(`name: x\ntarget: ${target}\n${variants}`);
      assert.equal(problems.length, 1, `${target}: ${JSON.stringify(problems)}`);
      assert.equal(problems[0].path, path, target);
      assert.match(problems[0].message, message, target);
    }
  });

  it('refuses fetch with TLS settings it cannot honour, at the variant\'s client', () => {
    const problems = problemsOf(`name: x\ntarget: { url: "https://127.0.0.1:8443/", insecure: true }\nvariants:\n  - { name: u, client: undici }\n  - { name: f, client: fetch }\n`);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].path, 'variants[1].client');
    assert.match(problems[0].message, /fetch cannot use the target's insecure/);
    // A CA alone is fine for fetch: NODE_EXTRA_CA_CERTS can supply it (checked when the client starts).
    assert.doesNotThrow(() => parse(`name: x\ntarget: { url: "https://127.0.0.1:8443/", ca: ca.pem }\nvariants: [{ name: f, client: fetch }]\n`));
  });

  it('says at the target\'s URL that the fault proxy cannot reach an https target', () => {
    const problems = problemsOf(`name: x\ntarget:\n  url: https://127.0.0.1:8443/\n  ca: ca.pem\nfaults: [{ type: reset }]\n${variants}`);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].path, 'target.url');
    assert.equal(problems[0].line, 3);
    assert.match(problems[0].message, /fault proxy .* speaks no TLS/);
  });

  it('refuses targetSafety without a target', () => {
    const [problem] = problemsOf(`name: x\ntargetSafety: { maxRate: 10 }\n${variants}`);
    assert.equal(problem.path, 'targetSafety');
    assert.match(problem.message, /this scenario has none/);
  });
});
