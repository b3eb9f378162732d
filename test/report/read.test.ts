/**
 * The one reader of saved reports (`report`, `compare`, `run --baseline`): the same checks for
 * every command, the invalid-input exit code, and a message that names where the path came from.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readRunReport } from '../../src/report/read.js';
import { PoolbenchError } from '../../src/errors.js';
import { ExitCode } from '../../src/exit-codes.js';
import { renderJson } from '../../src/report/json.js';
import { runResult, spread, variantResult } from '../helpers/results.js';
import { makeTempDir } from '../helpers/temp.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
before(async () => {
  temp = await makeTempDir();
});
after(() => temp.cleanup());

async function refusal(path: string, source?: string): Promise<PoolbenchError> {
  const error = await readRunReport(path, source).then(
    () => assert.fail(`${path} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PoolbenchError, String(error));
  assert.equal(error.exitCode, ExitCode.InvalidInput);
  return error;
}

test('a saved run reads back as it was written', async () => {
  const run = runResult([variantResult('pooled', spread(50, 10, 20))]);
  assert.deepEqual(await readRunReport(await temp.file('run.json', renderJson(run)), '--baseline'), JSON.parse(renderJson(run)));
});

test('every command gets the same checks: a variant without its latency is refused for --baseline as for report', async () => {
  const run = JSON.parse(renderJson(runResult([variantResult('pooled', spread(50, 10, 20))])));
  delete run.variants[0].latencyHistogram;
  const path = await temp.file('edited.json', JSON.stringify(run));
  for (const source of [undefined, '--baseline', 'the current report']) {
    const error = await refusal(path, source);
    assert.equal(error.code, 'POOLBENCH_INVALID_REPORT');
    assert.match(error.message, /edited\.json is not a poolbench report: variants\[0\] lacks its name, latency or time series/);
    if (source) assert.ok(error.message.startsWith(`${source}: `), error.message);
  }
});

test('a missing file: the flag and the way out for a baseline, the system error for report', async () => {
  const missing = join(temp.dir, 'missing.json');
  const baseline = await refusal(missing, '--baseline');
  assert.equal(baseline.code, 'POOLBENCH_REPORT_UNREADABLE');
  assert.match(baseline.message, /^--baseline: cannot use .*missing\.json: no such file$/);
  assert.match(baseline.hint ?? '', /--save-baseline/);
  assert.match((await refusal(missing)).message, /^cannot read .*missing\.json: ENOENT$/);
  assert.match((await refusal(await temp.file('array.json', '[]'), 'the baseline report')).message, /not a poolbench report: not a JSON object/);
});
