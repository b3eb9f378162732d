/**
 * The CLI starts fast because each command loads its modules only when it runs: `--help` and
 * `validate` must not load the load generator's dependencies. Every module the real binary loads
 * is logged by a module hook; a timing would be too noisy to test on a shared machine
 * (bench/startup.ts measures it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir } from '../helpers/temp.js';
import { binPath } from '../helpers/cli.js';

const execFileAsync = promisify(execFile);
const keepalive = fileURLToPath(new URL('../../../scenarios/keepalive.yaml', import.meta.url));
/** What only `run` and `plan` need: the clients, the live view, the load engines, the histograms. */
const HEAVY = /\/node_modules\/(undici|ink|react|autocannon|hdr-histogram-js)\/|\/dist\/src\/(runner|clients|load|upstream)\b/;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let register: string;

before(async () => {
  temp = await makeTempDir();
  const hooks = await temp.file(
    'hooks.mjs',
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.MODULE_LOG, url + '\\n');
  return next(url, context);
}
`,
  );
  register = await temp.file('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
});

after(() => temp.cleanup());

async function modulesLoadedBy(args: string[], log: string): Promise<string[]> {
  const logPath = `${temp.dir}/${log}`;
  await execFileAsync(process.execPath, ['--import', register, binPath, ...args], { env: { ...process.env, MODULE_LOG: logPath } });
  return (await readFile(logPath, 'utf8')).trim().split('\n');
}

test('--help loads commander and none of the commands', async () => {
  const modules = await modulesLoadedBy(['--help'], 'help.log');
  assert.ok(modules.some((url) => url.includes('/node_modules/commander/')), 'the hook saw commander load');
  assert.deepEqual(modules.filter((url) => HEAVY.test(url) || url.includes('/dist/src/cli/commands/')), []);
});

test('validate loads the scenario language and nothing that sends load', async () => {
  const modules = await modulesLoadedBy(['validate', keepalive], 'validate.log');
  assert.ok(modules.some((url) => url.endsWith('/dist/src/scenario/load.js')), 'the hook saw the scenario loader');
  assert.deepEqual(modules.filter((url) => HEAVY.test(url)), []);
});
