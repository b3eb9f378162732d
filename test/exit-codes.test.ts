import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ExitCode, exitCodeMeanings, exitCodeOutputs, type ExitCodeName } from '../src/exit-codes.js';

test('the README exit-code table lists exactly the codes in the code, with the same meanings and what each writes', async () => {
  const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.split('## Exit codes')[1].split('\n## ')[0];
  const rows = [...section.matchAll(/^\| (\d+) \| (.+?) \| ([^|]+) \|$/gm)].map((m) => [Number(m[1]), m[2], m[3]] as const);
  const expected = (Object.keys(ExitCode) as ExitCodeName[]).map((name) => [ExitCode[name], exitCodeMeanings[name], exitCodeOutputs[name]] as const);
  assert.deepEqual(rows, expected);
});

test('every exit code is distinct', () => {
  const codes = Object.values(ExitCode);
  assert.equal(new Set(codes).size, codes.length);
});
