/** Fault and trigger mistakes in a scenario are reported at their line and column. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScenarioError, type ScenarioProblem } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load.js';

function problemsOf(faults: string, protocol = 'http'): ScenarioProblem[] {
  try {
    parseScenario(`name: x\nupstream:\n  protocol: ${protocol}\n  faults:\n${faults}variants: [{name: a, client: undici}]\n`, 'bad.yaml');
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    return error.problems;
  }
  assert.fail('the scenario was accepted');
}

describe('fault triggers in a scenario', () => {
  it('rejects a moment the fault cannot strike at, at the trigger', () => {
    const [problem] = problemsOf('    - type: hang\n      trigger: { on: idle, idle: 1s }\n');
    assert.equal(problem.path, 'upstream.faults[0].trigger.on');
    assert.equal(problem.line, 6);
    assert.match(problem.message, /hang cannot strike on idle; it can on request/);
  });

  it('asks for a window for the window faults', () => {
    const [problem] = problemsOf('    - { type: drain }\n');
    assert.equal(problem.path, 'upstream.faults[0].trigger');
    assert.match(problem.message, /drain acts on a window of the run: it needs trigger\.at/);
  });

  it('rejects nth outside on: request, and on: idle without an idle time', () => {
    assert.match(problemsOf('    - { type: reset, trigger: { on: accept, nth: 2 } }\n')[0].message, /nth applies to on: request/);
    assert.match(problemsOf('    - { type: stall, trigger: { on: idle } }\n')[0].message, /on: idle needs trigger\.idle/);
  });

  it('suggests the fault type meant', () => {
    const [problem] = problemsOf('    - { type: rest }\n');
    assert.match(problem.message, /unknown type "rest"/);
    assert.match(problem.hint ?? '', /reset/);
  });

  it('rejects h2_refuse_stream on an HTTP/1.1 upstream, and malformed on an HTTP/2 one, at the type', () => {
    const [refuse] = problemsOf('    - { type: h2_refuse_stream }\n');
    assert.equal(refuse.path, 'upstream.faults[0].type');
    assert.deepEqual([refuse.line, refuse.col], [5, 15]);
    assert.match(refuse.message, /h2_refuse_stream resets HTTP\/2 streams, but the upstream's protocol is http/);
    assert.match(problemsOf('    - { type: malformed }\n', 'h2c')[0].message, /malformed sends bytes that are not HTTP\/1\.1/);
    assert.doesNotThrow(() => parseScenario('name: x\nupstream: { protocol: h2, faults: [{ type: h2_refuse_stream, trigger: { probability: 0.1 } }] }\nvariants: [{name: a, client: node-http2}]\n', 'ok.yaml'));
  });
});
