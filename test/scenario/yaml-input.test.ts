/**
 * YAML a scenario file may and may not use (issue 11 §7): merge keys and `x-` keys work, and
 * what would crash, hang or exhaust memory (alias bombs and cycles, deep nesting, huge files,
 * non-UTF-8, directories, endless devices) is a user error with a place, never an internal error.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { PoolbenchError, ScenarioError, type ScenarioProblem } from '../../src/errors.js';
import { ExitCode } from '../../src/exit-codes.js';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.js';
import { makeTempDir } from '../helpers/temp.js';

const FILE = 'y.yaml';

function problemsOf(yaml: string): ScenarioProblem[] {
  try {
    parseScenario(yaml, FILE);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${error instanceof Error ? error.stack : String(error)}`);
    assert.equal(error.exitCode, ExitCode.InvalidInput);
    return error.problems;
  }
  assert.fail('the scenario was accepted');
}

const VARIANT = 'variants: [{name: a, client: undici}]\n';

/** Nine anchors, each a list of nine aliases of the one before: 9^7 values once expanded. */
const aliasBomb = ['name: bomb', 'x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat(['b', 'c', 'd', 'e', 'f', 'g'].map((name, i) => `x-${name}: &${name} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`))
  .concat([VARIANT])
  .join('\n');

describe('YAML a scenario may use', () => {
  it('merge keys bring an x- anchor into variants; x- keys are otherwise ignored; own keys win', () => {
    const scenario = parseScenario('name: m\nx-pool: &pool\n  client: undici\n  connections: 10\nx-unused: {anything: [1, 2]}\nvariants:\n  - <<: *pool\n    name: small\n  - <<: *pool\n    name: large\n    connections: 50\n', FILE);
    assert.deepEqual(scenario.variants.map((v) => [v.name, v.client, (v as { connections?: number }).connections]), [['small', 'undici', 10], ['large', 'undici', 50]]);
  });

  it('a problem in a merged value is reported where the anchor wrote it', () => {
    const problems = problemsOf('name: m\nx-pool: &pool\n  client: undici\n  connections: 100000\nvariants:\n  - <<: *pool\n    name: small\n');
    assert.deepEqual(problems.map((p) => [p.path, p.line, p.col]), [['variants[0].connections', 4, 16]]);
    assert.match(problems[0].message, /must be at most 10000, but is 100000/);
  });

  it('a merge of a list of anchors is located too', () => {
    const problems = problemsOf('name: m\nx-a: &a {client: undici}\nx-b: &b {pipelining: 0}\nvariants:\n  - <<: [*a, *b]\n    name: small\n');
    assert.deepEqual(problems.map((p) => [p.path, p.line]), [['variants[0].pipelining', 3]]);
  });

  it('x- keys are only ignored at the top level', () => {
    const problems = problemsOf(`name: m\nload: {x-note: 1}\n${VARIANT}`);
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [['load.x-note', 'unknown key "x-note"']]);
  });
});

describe('YAML a scenario may not use: an error with a place, exit 2, never a crash', () => {
  const cases: Array<{ title: string; yaml: string; line: number; message: RegExp }> = [
    { title: 'an alias bomb ("billion laughs")', yaml: aliasBomb, line: 7, message: /the aliases expand the file past 100000 values here \(an alias bomb\?\)/ },
    { title: 'an alias inside the value it names', yaml: `name: c\nx-loop: &s [1, *s]\n${VARIANT}`, line: 2, message: /the alias \*s is inside the value it names/ },
    { title: 'a merge of the map it is in', yaml: `name: c\nx-loop: &m {a: 1, <<: *m}\n${VARIANT}`, line: 2, message: /the alias \*m is inside the value it names/ },
    { title: 'an unknown tag', yaml: `name: !foo t\n${VARIANT}`, line: 1, message: /unknown tag: !foo/ },
    { title: 'a tag of another language', yaml: `name: t\ndescription: !!js/function 'function () {}'\n${VARIANT}`, line: 2, message: /unknown tag: !!js\/function/ },
    { title: 'nesting deeper than 64 levels', yaml: `name: d\n${VARIANT}description: ${'['.repeat(70)}${']'.repeat(70)}\n`, line: 3, message: /nested more than 64 levels deep/ },
    { title: 'block maps nested deeper than 64 levels', yaml: `name: d\n${VARIANT}description:\n${Array.from({ length: 70 }, (_, n) => `${'  '.repeat(n + 1)}k${n}:`).join('\n')} end\n`, line: 67, message: /nested more than 64 levels deep/ },
    { title: 'nesting deep enough to overflow the parser', yaml: `name: d\n${VARIANT}description: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, line: 3, message: /nested more than 64 levels deep here/ },
  ];
  for (const { title, yaml, line, message } of cases) {
    it(title, () => {
      const started = Date.now();
      const problems = problemsOf(yaml);
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0].message, message);
      assert.equal(problems[0].line, line);
      assert.ok(problems[0].path.length < 200, 'the path is shortened');
    });
  }

  it('brackets in quoted strings and comments do not count as nesting', () => {
    const brackets = '['.repeat(100);
    const scenario = parseScenario(`name: q\n# ${brackets}\ndescription: "${brackets}"\nrequest: {path: '/${brackets}'}\n${VARIANT}`, FILE);
    assert.equal(scenario.description, brackets);
  });

  it('64 levels are accepted as YAML (and then checked as a scenario)', () => {
    const problems = problemsOf(`name: d\n${VARIANT}description: ${'['.repeat(63)}${']'.repeat(63)}\n`);
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [['description', 'expected a string, but found a list']]);
  });
});

describe('the file itself', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    temp = await makeTempDir();
  });
  after(() => temp.cleanup());

  async function loadError(path: string): Promise<PoolbenchError> {
    try {
      await loadScenarioFile(path);
    } catch (error) {
      assert.ok(error instanceof PoolbenchError, `expected a PoolbenchError, got ${error instanceof Error ? error.stack : String(error)}`);
      assert.equal(error.exitCode, ExitCode.InvalidInput);
      return error;
    }
    assert.fail('the file was accepted');
  }

  it('a file over 256 KiB is refused without being read whole', async () => {
    const path = await temp.file('huge.yaml', `name: huge\n${VARIANT}description: ${'x'.repeat(256 * 1024)}\n`);
    assert.match((await loadError(path)).message, /huge\.yaml is larger than 256kb/);
  });

  it('an endless device is refused, not read until memory runs out', { skip: !existsSync('/dev/zero') }, async () => {
    assert.match((await loadError('/dev/zero')).message, /larger than 256kb/);
  });

  it('a file that is not UTF-8 is refused at its first bad byte', async () => {
    const path = await temp.file('latin1.yaml', '');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, Buffer.concat([Buffer.from(`name: ok\n${VARIANT}description: caf`), Buffer.from([0xe9]), Buffer.from('\n')]));
    const error = await loadError(path);
    assert.ok(error instanceof ScenarioError);
    assert.deepEqual([error.problems[0].line, error.problems[0].col], [3, 17]);
    assert.match(error.problems[0].message, /not UTF-8/);
  });

  it('a directory and a missing file say so', async () => {
    assert.match((await loadError(temp.dir)).message, /it is a directory/);
    assert.match((await loadError(`${temp.dir}/nope.yaml`)).message, /no such file/);
  });
});

describe('a file wrong thousands of times over', () => {
  it('lists the first 100 problems and counts the rest', () => {
    const variants = Array.from({ length: 200 }, (_, n) => `  - {name: v${n}, client: nope}`).join('\n');
    try {
      parseScenario(`name: many\nvariants:\n${variants}\n`, FILE);
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof ScenarioError);
      assert.equal(error.problems.length, 101);
      assert.equal(error.message, '200 problems in the scenario');
      assert.equal(error.problems[100].message, 'and 100 more problems not shown');
    }
  });
});
