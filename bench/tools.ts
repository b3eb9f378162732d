/**
 * The reference tools each figure is measured against: a bare undici Pool loop, autocannon (API
 * and CLI), wrk, and the bare node:http server. Each returns raw figures; the figures module
 * turns them into ratios and bounds.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { packageRoot } from '../src/package-info.js';

const execFileAsync = promisify(execFile);

/** Requests per second of `connections` loops on one undici Pool, each sending back to back. */
export async function bareUndiciRps(url: string, connections: number, durationMs: number, warmupMs: number): Promise<number> {
  const pool = new Pool(url, { connections });
  try {
    const loop = async (until: number) => {
      let completed = 0;
      while (performance.now() < until) {
        const response = await pool.request({ method: 'GET', path: '/' });
        await response.body.dump();
        completed += 1;
      }
      return completed;
    };
    const run = async (ms: number) => {
      const startedAt = performance.now();
      const counts = await Promise.all(Array.from({ length: connections }, () => loop(startedAt + ms)));
      return (counts.reduce((a, b) => a + b, 0) / (performance.now() - startedAt)) * 1000;
    };
    await run(warmupMs);
    return await run(durationMs);
  } finally {
    await pool.destroy();
  }
}

/** autocannon's programmatic API from this process: mean req/s over the run. */
export async function autocannonRps(url: string, connections: number, durationMs: number): Promise<number> {
  const result = await autocannon({ url, connections, duration: durationMs / 1000 });
  return result.requests.total / result.duration;
}

/** The autocannon command-line tool in its own process: mean req/s over the run. */
export async function autocannonCliRps(url: string, connections: number, durationMs: number): Promise<number> {
  const bin = join(packageRoot, 'node_modules', 'autocannon', 'autocannon.js');
  const { stdout } = await execFileAsync(process.execPath, [bin, '--json', '-c', String(connections), '-d', String(durationMs / 1000), url], { maxBuffer: 1 << 24 });
  const result = JSON.parse(stdout) as { requests: { total: number }; duration: number };
  return result.requests.total / result.duration;
}

export const WRK = '/usr/bin/wrk';

export function hasWrk(): boolean {
  return existsSync(WRK);
}

/** wrk's latency percentiles (ms) and req/s for `connections` connections on one thread. */
export async function wrkLatency(url: string, connections: number, durationMs: number): Promise<{ p50: number; p99: number; rps: number }> {
  const { stdout } = await execFileAsync(WRK, ['-t1', `-c${connections}`, `-d${Math.round(durationMs / 1000)}s`, '--latency', url]);
  const ms = (label: string) => {
    const match = new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(stdout);
    if (!match) throw new Error(`wrk printed no ${label} line:\n${stdout}`);
    return Number(match[1]) * (match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1);
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  return { p50: ms('50%'), p99: ms('99%'), rps: rps ? Number(rps[1]) : NaN };
}

/** Starts the bare hello-world server in its own process. */
export async function startHelloServer(): Promise<{ url: string; stop(): void }> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./hello-server.js', import.meta.url)), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the hello-world server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}
