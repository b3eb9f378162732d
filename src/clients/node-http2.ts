/**
 * node:http2 as an application without a library would use it: per instance of
 * `upstream.instances`, a pool of sessions (http2-session-pool.ts, `sessions` each); requests go
 * to the instances in turn and take a stream on a session of that instance's pool.
 */
import type http2 from 'node:http2';
import type { NodeHttp2Variant } from '../scenario/schema.js';
import type { ClientHttp2Counts, PoolState, Response } from './types.js';
import { sumFields } from '../metrics/counts.js';
import { originsOf, type Target } from './target.js';
import { drainBody } from './drain.js';
import { PoolbenchError } from '../errors.js';
import { tlsOptions } from './tls.js';
import { PoolObserver, type AttemptOutcome, type PoolListener } from './pool-observer.js';
import { isAbort } from './attempts.js';
import { modelledHttp2Connection } from './modelled-connect.js';
import { RequestClientBase } from './request-client.js';
import { Http2SessionPool } from './http2-session-pool.js';

/** The lanes are the instances' session pools. */
export class NodeHttp2Client extends RequestClientBase<Http2SessionPool> {
  readonly library = `node:http2 ${process.version}`;
  private readonly pools: Http2SessionPool[];
  private readonly http2Counts: ClientHttp2Counts;
  private readonly requestHeaders: http2.OutgoingHttpHeaders;
  private readonly body: Target['request']['body'];

  constructor(variant: NodeHttp2Variant, target: Target, pool: PoolListener) {
    const observer = new PoolObserver(pool);
    const http2Counts: ClientHttp2Counts = { sessionsOpened: 0, goawaysReceived: 0, peakStreamsPerSession: 0 };
    const pools = originsOf(target).map((origin) => new Http2SessionPool(origin, variant, { ...tlsOptions(target), ...modelledHttp2Connection(target.network) }, observer, http2Counts));
    super(variant, target.request.method, pools, observer);
    this.pools = pools;
    this.http2Counts = http2Counts;
    const { method, headers, body } = target.request;
    this.requestHeaders = { ...headers, ':method': method };
    this.body = body;
  }

  protected async sendOn(pool: Http2SessionPool, path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response> {
    // The acquire wait starts here: waiting for a session, or for a stream slot on one, is part of it.
    const handedAt = this.observer.handed();
    const slot = await pool.acquire(signal, stop);
    try {
      return await this.request(slot.session, path, signal, handedAt);
    } finally {
      pool.release(slot);
    }
  }

  readonly waiting = (): number => this.pools.reduce((sum, pool) => sum + pool.waiting, 0);

  readonly poolState = (): PoolState => sumFields(this.pools.map((pool) => pool.state));

  readonly http2 = (): ClientHttp2Counts => ({ ...this.http2Counts });

  async close(): Promise<void> {
    this.observer.closing();
    await Promise.all(this.pools.map((pool) => pool.close()));
  }

  /** One stream on `session`; it goes out on the session once it has its id (its 'ready'). */
  private request(session: http2.ClientHttp2Session, path: string, signal: AbortSignal, handedAt: number): Promise<Response> {
    const { body, observer } = this;
    return new Promise((resolve, reject) => {
      const stream = session.request({ ...this.requestHeaders, ':path': path }, { signal, endStream: body === undefined });
      const goOut = () => observer.sent(session, handedAt);
      let acquired = stream.pending ? undefined : goOut();
      if (acquired === undefined) stream.once('ready', () => (acquired = goOut()));
      const settle = (outcome: AttemptOutcome) => {
        if (acquired) observer.settled(session, acquired, outcome);
      };
      let status = 0;
      stream.once('response', (responseHeaders) => {
        status = Number(responseHeaders[':status']);
      });
      drainBody(stream).then(
        (bytes) => {
          if (status === 0) return fail(closedWithoutResponse());
          settle('answered');
          resolve({ status, bytes, connection: acquired });
        },
        (error: unknown) => fail(error),
      );
      function fail(error: unknown): void {
        settle(isAbort(error) ? 'aborted' : 'transport-failure');
        reject(error);
      }
      if (body !== undefined) stream.end(body);
    });
  }
}

/**
 * A stream that ended without response headers: its connection closed under it (a FIN). Named
 * as node:http names the same thing on HTTP/1.1 ("socket hang up"), so retries treat both alike.
 */
function closedWithoutResponse(): PoolbenchError {
  return new PoolbenchError('socket hang up: the connection closed before the response', { code: 'ECONNRESET' });
}
