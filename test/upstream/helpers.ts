/**
 * Test helpers: a hand-driven HTTP/1.1 connection, to see exact response headers and the
 * moment the server sends its FIN — things an HTTP client library hides.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { UpstreamSchema, type UpstreamConfig } from '../../src/scenario/schema.js';

/** An upstream config from a partial scenario `upstream:` section, defaults filled in. */
export function upstreamConfig(input: Record<string, unknown> = {}): UpstreamConfig {
  return UpstreamSchema.parse(input);
}

export interface RawResponse {
  status: number;
  /** Header names lower-cased; the last value wins. */
  headers: Record<string, string>;
  /** The header block as sent, to check what is absent. */
  head: string;
  body: Buffer;
}

export class RawConnection {
  readonly socket: net.Socket;
  /** Resolves when the server's FIN arrives; with the time it did. */
  readonly ended: Promise<number>;
  /** Resolves when the socket is fully closed, for whatever reason. */
  readonly closed: Promise<void>;
  private received = Buffer.alloc(0);
  private onData: (() => void) | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.ended = new Promise((resolve) => socket.once('end', () => resolve(performance.now())));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {}); // a reset from the server shows as `closed`; the test checks that
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.onData?.();
    });
  }

  /** Connects over TCP, or over TLS when `tlsOptions` is given; resolves once connected. */
  static open(port: number, tlsOptions?: tls.ConnectionOptions): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...tlsOptions }, () => resolve(connection))
        : net.connect(port, '127.0.0.1', () => resolve(connection));
      const connection = new RawConnection(socket);
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with its complete response. */
  request(extraHeaders: string[] = [], body = ''): Promise<RawResponse> {
    const lines = ['GET / HTTP/1.1', 'Host: localhost', ...extraHeaders];
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    return this.readResponse();
  }

  private readResponse(): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const tryParse = () => {
        const headEnd = this.received.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = this.received.subarray(0, headEnd).toString('latin1');
        const [statusLine, ...headerLines] = head.split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of headerLines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (this.received.length < headEnd + 4 + length) return;
        const body = this.received.subarray(headEnd + 4, headEnd + 4 + length);
        this.received = this.received.subarray(headEnd + 4 + length);
        this.onData = undefined;
        this.socket.off('close', onClose);
        resolve({ status: Number(statusLine.split(' ')[1]), headers, head, body });
      };
      const onClose = () => reject(new Error('the connection closed before the response was complete'));
      this.socket.once('close', onClose);
      this.onData = tryParse;
      tryParse();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Rejects if `promise` has not settled within `ms`, so no test can hang. */
export function within<T>(ms: number, promise: Promise<T>, what = 'the operation'): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `condition` until it holds; counters trail socket events by a tick or two (longer on a busy machine). */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition still false after ${ms}ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One GET with a fresh connection; resolves with the status. */
export function get(url: string, ca?: Buffer): Promise<number> {
  const client = url.startsWith('https:') ? https : http;
  return within(
    5000,
    new Promise<number>((resolve, reject) => {
      client
        .get(url, { agent: false, ca }, (res) => {
          res.resume().on('end', () => resolve(res.statusCode!));
        })
        .on('error', reject);
    }),
    `GET ${url}`,
  );
}

/**
 * Whether the process still runs. An orphan that died stays a zombie until init reaps it, which
 * can take seconds (or forever in a container without an init), so on Linux a zombie counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) has the last word
  }
}

export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Processes whose parent is `pid` (Linux: read from /proc); e.g. an upstream cluster's workers. */
export function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);
}
