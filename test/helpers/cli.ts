import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export const binPath = fileURLToPath(new URL('../../../bin/poolbench.js', import.meta.url));

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process. `interruptAfterMs` delivers a Ctrl-C (or `interruptSignal`) as the terminal would, that
 * long after the CLI starts listening for it or, with `interruptWhen`, after stderr first matches
 * it (a busy machine can take seconds to start an upstream: a fixed delay may strike before any
 * load was sent). `stderrIsTTY` makes stderr claim to be a terminal; `env` is the environment the CLI sees.
 */
export async function runCli(args: string[], options: { interruptAfterMs?: number; interruptWhen?: RegExp; interruptSignal?: 'SIGINT' | 'SIGTERM'; stderrIsTTY?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  let interrupt: (() => void) | undefined;
  const arm = () => {
    if (interrupt === undefined || timer !== undefined || options.interruptAfterMs === undefined) return;
    if (options.interruptWhen && !options.interruptWhen.test(stderr)) return;
    timer = setTimeout(interrupt, options.interruptAfterMs);
  };
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: {
      write: (s: string) => {
        stderr += s;
        arm();
      },
      isTTY: options.stderrIsTTY,
    },
    env: options.env ?? {},
    onInterrupt(listener) {
      interrupt = () => listener(options.interruptSignal ?? 'SIGINT');
      arm();
      return () => {
        clearTimeout(timer);
        interrupt = undefined;
      };
    },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Starts the real binary as a child process, in `cwd`, with Node's own executable; `env` adds to this process's environment. */
export function spawnCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess & { output(): { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [binPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

/**
 * Resolves when `predicate(text so far)` holds for the child's stderr or stdout, or kills the
 * child and rejects after `timeoutMs` (generous: on a busy machine Node alone can take seconds to start).
 */
export function waitForOutput(child: ReturnType<typeof spawnCli>, predicate: (out: { stdout: string; stderr: string }) => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate(child.output())) return resolve();
      if (child.exitCode !== null) return reject(new Error(`child exited (${child.exitCode}) first:\n${child.output().stderr}`));
      if (Date.now() - started > timeoutMs) {
        child.kill('SIGKILL');
        return reject(new Error(`timed out; output so far:\n${JSON.stringify(child.output())}`));
      }
      setTimeout(check, 25);
    };
    check();
  });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}

/** The pids of `pid`'s child processes, read from /proc (Linux): the upstream a run forks. */
export async function childPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}
