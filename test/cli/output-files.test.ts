/**
 * Output that cannot be lost: every path a command writes is checked before any load is sent
 * (exit 2, and the target sees no request); a write that fails after the run goes to a temporary
 * file whose path is printed (exit 1); a closed stdout ends the command quietly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../../src/exit-codes.js';
import { renderJson } from '../../src/report/json.js';
import { renderHtml } from '../../src/report/html.js';
import { makeTempDir } from '../helpers/temp.js';
import { binPath, exitOf, runCli, spawnCli, waitForOutput } from '../helpers/cli.js';
import { countingServer, type CountingServer } from '../helpers/counting-server.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let server: CountingServer;
let scenario: string;
/** A regular file: a path under it cannot be created, whoever runs the test (root included). */
let aFile: string;

before(async () => {
  temp = await makeTempDir();
  server = await countingServer();
  // Long enough that a run which started would be obvious; the checks must refuse it at once.
  scenario = await temp.file('s.yaml', `name: output files\ntarget: http://127.0.0.1:${server.port}/\nload: { concurrency: 1, duration: 30s }\nvariants: [{ name: a, client: undici }, { name: b, client: node-http }]\n`);
  aFile = await temp.file('a-file', 'not a directory');
});

after(async () => {
  await server.close();
  await temp.cleanup();
});

test('run: an unwritable --out, --format file or --save-baseline is exit 2 before any request is sent', async () => {
  const dir = join(temp.dir, 'reports');
  await mkdir(join(dir, 'r.html'), { recursive: true });
  await mkdir(join(dir, 'r-b.hgrm'), { recursive: true });
  const cases: Array<[string[], RegExp]> = [
    [['--out', join(aFile, 'r.json')], /^error: --out: cannot write .*a-file\/r\.json: a part of its directory path is a file \(ENOTDIR\)$/m],
    [['--out', dir], /^error: --out: cannot write .*reports: it is a directory$/m],
    [['--out', join(dir, 'r.json'), '--format', 'md,html'], /^error: --format: cannot write .*reports\/r\.html: it is a directory$/m],
    [['--out', join(dir, 'r.json'), '--format', 'hgrm'], /^error: --format: cannot write .*reports\/r-b\.hgrm: it is a directory$/m],
    [['--out', join(dir, 'ok.json'), '--save-baseline', join(aFile, 'b.json')], /^error: --save-baseline: cannot write .*a-file\/b\.json: a part of its directory path is a file/m],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runCli(['run', scenario, '-q', ...args]);
    assert.equal(code, ExitCode.InvalidInput, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
    assert.match(stderr, /nothing was run/);
  }
  assert.equal(server.requests(), 0, 'no request reached the target');
  assert.deepEqual((await readdir(dir)).sort(), ['r-b.hgrm', 'r.html'], 'no report and no probe file left behind');
});

test('run: a read-only directory is refused too (skipped as root, whom permission bits do not stop)', { skip: process.getuid?.() === 0 }, async () => {
  const readOnly = join(temp.dir, 'read-only');
  await mkdir(readOnly);
  await chmod(readOnly, 0o555);
  try {
    const { code, stderr } = await runCli(['run', scenario, '-q', '--out', join(readOnly, 'r.json')]);
    assert.equal(code, ExitCode.InvalidInput);
    assert.match(stderr, /--out: cannot write .*read-only\/r\.json: permission denied \(EACCES\)/);
    assert.equal(server.requests(), 0);
  } finally {
    await chmod(readOnly, 0o755);
  }
});

test('plan --out and report --out are checked the same way', async () => {
  const capacity = new URL('../../../scenarios/capacity.yaml', import.meta.url).pathname;
  const plan = await runCli(['plan', capacity, '-q', '--out', join(aFile, 'plan.json')]);
  assert.equal(plan.code, ExitCode.InvalidInput, plan.stderr);
  assert.match(plan.stderr, /--out: cannot write .*a-file\/plan\.json: a part of its directory path is a file/);

  const saved = await temp.file('saved.json', renderJson(runResult([variantResult('a', [1, 2, 3])])));
  const report = await runCli(['report', saved, '--format', 'html', '--out', join(aFile, 'r.html')]);
  assert.equal(report.code, ExitCode.InvalidInput, report.stderr);
  assert.match(report.stderr, /--out: cannot write .*a-file\/r\.html: a part of its directory path is a file/);
});

test('run: a write that fails after the run prints the table and saves the reports to a temporary file (exit 1)', { concurrency: false }, async () => {
  const work = await makeTempDir();
  try {
    const short = await work.file('short.yaml', 'name: lost\nload: { concurrency: 1, duration: 3s }\nvariants: [{ name: a, client: undici }]\n');
    const outDir = join(work.dir, 'out');
    const tmp = join(work.dir, 'tmp');
    await mkdir(tmp);
    // TMPDIR: the fallback goes inside this test's folder, removed with it.
    const child = spawnCli(['run', short, '--out', join(outDir, 'r.json'), '--format', 'md', '--allow-saturation'], work.dir, { TMPDIR: tmp, CI: '1' });
    await waitForOutput(child, ({ stderr }) => /measuring/.test(stderr), 30_000);
    // The checked directory becomes a file while the run goes on: the writes at the end fail.
    await rm(outDir, { recursive: true, force: true });
    await writeFile(outDir, 'in the way');
    const code = await exitOf(child);
    const { stdout, stderr } = child.output();
    assert.equal(code, ExitCode.RunError, stderr);
    assert.match(stdout, /latency p50/, 'the table is printed');
    const saved = [...stderr.matchAll(/^error: could not write (.+): a part of its directory path is a file \((?:ENOTDIR|EEXIST)\); it was saved to (.+) instead$/gm)];
    assert.deepEqual(saved.map((m) => m[1]), [join(outDir, 'r.json'), join(outDir, 'r.md')], stderr);
    const report = JSON.parse(await readFile(saved[0][2], 'utf8'));
    assert.equal(report.variants[0].name, 'a');
    assert.ok(report.variants[0].requests.completed > 0);
    assert.match(await readFile(saved[1][2], 'utf8'), /^## poolbench — lost/);
    assert.ok(saved[0][2].startsWith(tmp));
  } finally {
    await work.cleanup();
  }
});

test('a closed stdout (report … | head -c 10) ends quietly: no EPIPE stack trace, exit 0', { concurrency: false }, async () => {
  // Twice a pipe's buffer (64 KiB), so the write is still going on when head has gone.
  const result = runResult(Array.from({ length: 40 }, (_, i) => variantResult(`variant ${i}`, spread(2000, 1 + i, 100 + i))));
  assert.ok(renderHtml(result).length > 128 * 1024);
  const saved = await temp.file('big.json', renderJson(result));
  // A real shell pipeline: only then is head the pipe's one reader (a pipe handed from this process
  // to head keeps this process as a second reader that never reads, and the writer blocks on Node 24).
  const errFile = join(temp.dir, 'report.err');
  const script = `"${process.execPath}" "${binPath}" report "${saved}" --format html 2>"${errFile}" | head -c 10; codes=("\${PIPESTATUS[@]}"); echo; echo "report-exit=\${codes[0]} head-exit=\${codes[1]}"`;
  const shell = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  shell.stdout.on('data', (chunk) => (out += chunk));
  await exitOf(shell);
  const [headOut, codes] = out.split('\n');
  assert.equal(headOut, '<!doctype ');
  assert.equal(codes, `report-exit=${ExitCode.Success} head-exit=0`);
  assert.equal(await readFile(errFile, 'utf8'), '', 'nothing on stderr');
});
