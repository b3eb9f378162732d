import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePort } from '../../src/cli/port.js';
import { PoolbenchError } from '../../src/errors.js';
import { ExitCode } from '../../src/exit-codes.js';

test('--port takes a whole number from 0 to 65535', () => {
  assert.equal(parsePort('0'), 0);
  assert.equal(parsePort('8080'), 8080);
  assert.equal(parsePort('65535'), 65535);
});

test('--port refuses what Number() would quietly turn into a port', () => {
  for (const value of ['', ' ', ' 80', '80 ', '0x50', '8e1', '80.0', '-1', '65536', 'http']) {
    assert.throws(
      () => parsePort(value),
      (error: unknown) => error instanceof PoolbenchError && error.exitCode === ExitCode.InvalidInput && error.message === `--port: expected a whole number from 0 to 65535, but found ${JSON.stringify(value)}`,
      value,
    );
  }
});
