/**
 * The CLI's start-up (issue 12): `poolbench --help` and `poolbench validate` against `node -e 0`,
 * hyperfine-style: warm-up runs, then many runs of each, their median, and its ratio to bare
 * Node's. hyperfine measures when it is installed; otherwise each command is spawned in a loop,
 * all of them interleaved so that what else the machine does hits them alike. The raw figures keep
 * the spread (quartiles): on a busy machine the median moves by tens of ms. Beside each command,
 * Node importing just that command's libraries shows how much of its start-up is theirs.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../src/package-info.js';
import type { Figure } from './figures.js';

const execFileAsync = promisify(execFile);

const WARMUP_RUNS = 5;
const RUNS = 40;
/** The target: each command starts in at most twice bare Node's time. */
const MAX_RATIO = 2;
const BIN = join(packageRoot, 'bin', 'poolbench.js');

interface Command {
  name: string;
  args: string[];
}

/** Node importing `packages` and doing nothing else: the least a command that needs them can cost. */
const importing = (...packages: string[]): Command => ({ name: `import ${packages.join(', ')}`, args: ['--input-type=module', '-e', packages.map((p) => `await import('${p}');`).join(' ')] });

const NODE: Command = { name: 'node -e 0', args: ['-e', '0'] };
/** Each command, and beside it its libraries imported alone, to tell poolbench's own share from theirs. */
const MEASURED: Array<Command & { id: number; libraries: Command }> = [
  { id: 7, name: 'poolbench --help', args: [BIN, '--help'], libraries: importing('commander') },
  { id: 8, name: 'poolbench validate scenarios/keepalive.yaml', args: [BIN, 'validate', join(packageRoot, 'scenarios', 'keepalive.yaml')], libraries: importing('commander', 'zod', 'yaml') },
];

/** The two start-up figures, each the ratio of its median to `node -e 0`'s. */
export async function startupFigures(): Promise<Figure[]> {
  const load = loadavg()[0];
  const commands = [NODE, ...MEASURED.flatMap((command) => [command, command.libraries])];
  const hyperfine = await hyperfineVersion();
  const times = hyperfine ? await timesWithHyperfine(commands) : timesWithSpawnLoop(commands);
  const spread = new Map(commands.map((command, index) => [command, quartiles(times[index])]));
  const tool = hyperfine ?? 'spawn loop';
  const node = spread.get(NODE)!;
  // Above half the cores' worth of load, other work competed with the runs.
  const busy = load > cpus().length / 2 ? `machine busy (load average ${load.toFixed(1)} on ${cpus().length} cores): the figure is noisy` : undefined;
  return MEASURED.map((command) => {
    const measured = spread.get(command)!;
    const libraries = spread.get(command.libraries)!;
    const ratio = measured.median / node.median;
    return {
      id: command.id,
      title: `start-up of \`${command.name}\` against \`node -e 0\``,
      measured: `${ratio.toFixed(2)}× (median ${measured.median.toFixed(0)} ms vs ${node.median.toFixed(0)} ms)`,
      target: `≤ ${MAX_RATIO}×`,
      met: ratio <= MAX_RATIO,
      raw: { medianMs: round(measured.median), q1Ms: round(measured.q1), q3Ms: round(measured.q3), nodeMedianMs: round(node.median), nodeQ1Ms: round(node.q1), nodeQ3Ms: round(node.q3), librariesMedianMs: round(libraries.median), librariesRatio: round(libraries.median / node.median), runs: RUNS, warmupRuns: WARMUP_RUNS, tool, loadAverage: round(load) },
      ...(busy && { note: busy }),
    };
  });
}

async function hyperfineVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('hyperfine', ['--version']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Each command's run times in ms; hyperfine fails on a command that exits non-zero. */
async function timesWithHyperfine(commands: Command[]): Promise<number[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'poolbench-startup-'));
  try {
    const out = join(dir, 'times.json');
    const quoted = (args: string[]) => [process.execPath, ...args].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
    await execFileAsync('hyperfine', ['--shell=none', '--style', 'none', '--warmup', String(WARMUP_RUNS), '--runs', String(RUNS), '--export-json', out, ...commands.map((c) => quoted(c.args))], { cwd: packageRoot });
    const { results } = JSON.parse(await readFile(out, 'utf8')) as { results: Array<{ times: number[] }> };
    return results.map((r) => r.times.map((seconds) => seconds * 1000));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each command's run times in ms, the commands taking turns; warm-up rounds are dropped. */
function timesWithSpawnLoop(commands: Command[]): number[][] {
  const times: number[][] = commands.map(() => []);
  for (let round = 0; round < WARMUP_RUNS + RUNS; round++) {
    commands.forEach((command, index) => {
      const started = performance.now();
      const { status, stderr } = spawnSync(process.execPath, command.args, { cwd: packageRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = performance.now() - started;
      if (status !== 0) throw new Error(`${command.name} exited with ${status}:\n${stderr}`);
      if (round >= WARMUP_RUNS) times[index].push(ms);
    });
  }
  return times;
}

/** Quantiles as hyperfine computes them: interpolated between the two nearest runs. */
function quartiles(values: number[]): { q1: number; median: number; q3: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    return sorted[below] + (sorted[Math.ceil(position)] - sorted[below]) * (position - below);
  };
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
}

const round = (n: number) => Math.round(n * 100) / 100;
