/**
 * The shape of src/, checked on every test run so that it cannot drift back: no import cycle
 * (type imports included: a cycle of types still ties two layers together), no block of six or
 * more lines written twice, no function over 80 lines. Each failure names what to fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { spawnSync } from 'node:child_process';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MAX_FUNCTION_LINES = 80;
const MIN_CLONE_LINES = 6;

async function sourceFiles(dir = join(root, 'src')): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat().filter((file) => /\.tsx?$/.test(file));
}

test('no import cycle in src/, type imports included', async () => {
  const tree = await parseDependencyTree(['src/**/*.ts', 'src/**/*.tsx'], { cwd: root, context: root, transform: false, skipDynamicImports: false });
  const cycles = parseCircular(tree).map((cycle) => cycle.join(' -> '));
  assert.ok(Object.keys(tree).length > 50, 'the dependency tree was read');
  assert.equal(cycles.length, 0, `import cycles:\n${cycles.join('\n')}`);
});

// jscpd's own command line: its programmatic API (4.0.5) ignores `path` and scans the working directory.
test(`no block of ${MIN_CLONE_LINES} or more lines repeated in src/`, () => {
  const jscpd = join(root, 'node_modules/jscpd/bin/jscpd');
  const args = [jscpd, '--min-lines', String(MIN_CLONE_LINES), '--format', 'typescript,tsx', '--reporters', 'console', '--exitCode', '1', 'src'];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000 });
  assert.match(run.stdout, /Found \d+ clones|Detection time/, `jscpd ran: ${run.stderr}`);
  assert.equal(run.status, 0, `repeated blocks:\n${run.stdout.replace(/\u001b\[[0-9;]*m/g, '')}`);
});

test(`no function in src/ over ${MAX_FUNCTION_LINES} lines`, async () => {
  const tooLong: string[] = [];
  const files = await sourceFiles();
  for (const file of files) {
    const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const lines = source.getLineAndCharacterOfPosition(node.end).line - first + 1;
        const name = node.name?.getText(source) ?? '(anonymous)';
        if (lines > MAX_FUNCTION_LINES) tooLong.push(`${relative(root, file)}:${first + 1} ${name}: ${lines} lines`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.ok(files.length > 50, 'the sources were read');
  assert.equal(tooLong.length, 0, `functions over ${MAX_FUNCTION_LINES} lines:\n${tooLong.join('\n')}`);
});
