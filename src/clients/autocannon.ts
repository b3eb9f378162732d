/**
 * autocannon as a client kind: HTTP/1.1 at the highest throughput Node can drive, through
 * autocannon's programmatic API (its own HTTP parser, keep-alive always on, pipelining). It
 * generates its own load, so it drives the window itself (`drive`) instead of being called per
 * request; every response still reaches poolbench's recorder with autocannon's own latency
 * figure (ms, from the request's write), so histograms, errors and time series are poolbench's.
 *
 * Connections are followed from autocannon's own connection slots: `setupClient` is its hook per
 * slot, and `_connect` (re)opens the slot's socket. With several instances (`target.origins`) autocannon is given every URL
 * and spreads its connections over them in turn (connection i to URL i mod n): at least one
 * connection per instance is required, else an instance would get no request.
 *
 * Each connection's lifetime, requests carried and close cause come from autocannon's own
 * connection slots (its 'request' and 'response' events, its socket). An attempt's acquire wait
 * and reuse are not measured: autocannon writes its requests straight onto fixed connections,
 * pipelined, so there is no wait for a connection to time, and reuse is its design, not an outcome.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import autocannon from 'autocannon';
import type { AutocannonVariant } from '../scenario/schema.js';
import type { ClientConnectionCounts, LoadEngine } from './types.js';
import type { LoadOutcome, WindowOptions } from '../load/types.js';
import { originsOf, type Target } from './target.js';
import { PoolObserver, type PoolListener } from './pool-observer.js';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { autocannonVersion } from '../package-info.js';
import { tlsOptions } from './tls.js';

/** autocannon's connection slot (its httpClient.js): one connection at a time, reopened as needed. */
interface AutocannonSlot {
  conn?: Socket;
  _connect(): void;
  on(event: 'request' | 'response' | 'done', listener: () => void): void;
}

/**
 * Follows a slot's connections and the requests it writes on them. Each connection is followed
 * from the slot's `_connect` to its connect (TLS included for https). autocannon writes a new
 * connection's first requests inside `_connect`, before it is up: they are counted at its connect,
 * once the observer follows it (one listener per connection, not per request).
 *
 * autocannon connects with `rejectUnauthorized: false` whatever it is given (its httpClient.js),
 * so it would measure any server that answers, trusted or not. node:tls still verifies the
 * certificate (chain and name) and records the outcome in `authorized`; unless the target is
 * `insecure`, a connection whose verification failed is destroyed as its handshake completes, as
 * node:tls does itself with `rejectUnauthorized: true`, and autocannon counts the connection
 * error like any other.
 */
function followSlot(slot: AutocannonSlot, observer: PoolObserver, verify: boolean): void {
  let writtenBeforeUp = 0;
  const connect = slot._connect.bind(slot);
  slot._connect = () => {
    writtenBeforeUp = 0;
    connect();
    const socket = slot.conn!;
    const secure = socket instanceof TLSSocket;
    const ready = secure ? 'secureConnect' : 'connect';
    observer.follow(socket, ready);
    socket.once(ready, () => {
      for (; writtenBeforeUp > 0; writtenBeforeUp--) observer.carried(socket);
    });
    if (secure && verify) socket.once('secureConnect', () => refuseUnverified(socket));
  };
  slot.on('request', () => {
    const socket = slot.conn;
    if (socket === undefined) return;
    if (observer.isUp(socket)) observer.carried(socket);
    else writtenBeforeUp += 1;
  });
  slot.on('response', () => {
    if (slot.conn) observer.settled(slot.conn, NOT_MEASURED, 'answered');
  });
  // The slot is done (its drive ended, or its share of the requests is in): it closes its connection.
  slot.on('done', () => {
    if (slot.conn) observer.closing(slot.conn);
  });
}

function refuseUnverified(socket: TLSSocket): void {
  if (socket.authorized) return;
  const code = String(socket.authorizationError);
  socket.destroy(Object.assign(new Error(`the server's certificate failed verification: ${code}`), { code }));
}

/** What settles a request autocannon answered: its acquire was never measured, and is not reported. */
const NOT_MEASURED = { waitMs: 0, reused: false, idleMs: 0 };

export class AutocannonEngine implements LoadEngine {
  readonly kind = 'engine';
  readonly library = `autocannon ${autocannonVersion}`;
  private readonly observer: PoolObserver;
  private readonly origins: string[];

  constructor(private readonly variant: AutocannonVariant, private readonly target: Target, pool: PoolListener) {
    this.origins = originsOf(target);
    if (variant.connections < this.origins.length) {
      throw new PoolbenchError(`autocannon spreads its connections over the ${this.origins.length} instances, but has ${variant.connections}: some instance would get no request`, {
        code: 'POOLBENCH_AUTOCANNON_INSTANCES',
        exitCode: ExitCode.InvalidInput,
        hint: `give variant "${variant.name}" at least ${this.origins.length} connections, or lower upstream.instances`,
      });
    }
    this.observer = new PoolObserver(pool);
  }

  readonly connections = (): ClientConnectionCounts => this.observer.snapshot();

  drive(options: WindowOptions): Promise<LoadOutcome> {
    const { signal, onResponse, onFailure } = options;
    return new Promise((resolve, reject) => {
      const startedAt = performance.now();
      const instance = autocannon(this.options(options), (error, result) => {
        signal.removeEventListener('abort', stop);
        if (error) return reject(error);
        const sent = result.requests.sent;
        const settled = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'] + result.errors;
        // Requests still in flight when autocannon stops are dropped by it: unfinished, as poolbench counts them.
        resolve({ elapsedMs: performance.now() - startedAt, sent, unfinished: Math.max(sent - settled, 0), cancelled: 0 });
      });
      // The typings leave out the client autocannon passes first.
      (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, bytes: number, ms: number) => onResponse(ms, { status, bytes }));
      instance.on('reqError', (error) => onFailure(error, 0));
      const stop = () => instance.stop();
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }

  async close(): Promise<void> {
    this.observer.closing();
  }

  private options({ durationMs, requests }: WindowOptions): autocannon.Options {
    const { variant, target } = this;
    const { method, headers, body, path } = target.request;
    const { ca, cert, key, servername } = tlsOptions(target);
    return {
      // Several URLs are documented (autocannon's README, `url`), though its typings take one.
      url: (this.origins.length === 1 ? target.origin + path : this.origins.map((origin) => origin + path)) as string,
      method,
      headers,
      body,
      connections: variant.connections,
      pipelining: variant.pipelining,
      ...(variant.rate !== undefined && { overallRate: variant.rate }),
      ...(requests !== undefined ? { amount: requests } : { duration: (durationMs ?? 0) / 1000 }),
      // A variant's requests never leave the window: autocannon's own timeout would count as
      // an error what poolbench counts as unfinished.
      timeout: 3600,
      tlsOptions: { ca, cert, key },
      ...(servername !== undefined && { servername }),
      setupClient: (client: unknown) => {
        followSlot(client as AutocannonSlot, this.observer, !target.insecure);
      },
    };
  }
}
