/**
 * node:http2 as an application without a library would use it: per instance of
 * `upstream.instances`, a pool of sessions (http2-session-pool.ts, `sessions` each); requests go
 * to the instances in turn and take a stream on a session of that instance's pool.
 */
import type http2 from 'node:http2';
import type { NodeHttp2Variant } from '../scenario/schema.js';
import type { ClientHttp2Counts, ConnectListener, Response } from './types.js';
import { originsOf, type Target } from './target.js';
import { drainBody } from './drain.js';
import { PoolbenchError } from '../errors.js';
import { tlsOptions } from './tls.js';
import { modelledHttp2Connection } from './modelled-connect.js';
import { ConnectionCounter } from './connection-counter.js';
import { RequestClientBase } from './request-client.js';
import { Http2SessionPool } from './http2-session-pool.js';

/** The lanes are the instances' session pools. */
export class NodeHttp2Client extends RequestClientBase<Http2SessionPool> {
  readonly library = `node:http2 ${process.version}`;
  private readonly pools: Http2SessionPool[];
  private readonly http2Counts: ClientHttp2Counts;
  private readonly requestHeaders: http2.OutgoingHttpHeaders;
  private readonly body: Target['request']['body'];

  constructor(variant: NodeHttp2Variant, target: Target, onConnect: ConnectListener) {
    const counter = new ConnectionCounter(onConnect);
    const http2Counts: ClientHttp2Counts = { sessionsOpened: 0, goawaysReceived: 0, peakStreamsPerSession: 0 };
    const pools = originsOf(target).map((origin) => new Http2SessionPool(origin, variant, { ...tlsOptions(target), ...modelledHttp2Connection(target.network) }, counter, http2Counts));
    super(variant, target.request.method, pools, counter);
    this.pools = pools;
    this.http2Counts = http2Counts;
    const { method, headers, body } = target.request;
    this.requestHeaders = { ...headers, ':method': method };
    this.body = body;
  }

  protected async sendOn(pool: Http2SessionPool, path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response> {
    const slot = await pool.acquire(signal, stop);
    try {
      return await this.request(slot.session, path, signal);
    } finally {
      pool.release(slot);
    }
  }

  readonly waiting = (): number => this.pools.reduce((sum, pool) => sum + pool.waiting, 0);

  readonly http2 = (): ClientHttp2Counts => ({ ...this.http2Counts });

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close()));
  }

  private request(session: http2.ClientHttp2Session, path: string, signal: AbortSignal): Promise<Response> {
    const { body } = this;
    return new Promise((resolve, reject) => {
      const stream = session.request({ ...this.requestHeaders, ':path': path }, { signal, endStream: body === undefined });
      let status = 0;
      stream.once('response', (responseHeaders) => {
        status = Number(responseHeaders[':status']);
      });
      drainBody(stream).then((bytes) => (status === 0 ? reject(closedWithoutResponse()) : resolve({ status, bytes })), reject);
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
