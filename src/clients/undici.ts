/**
 * undici Pool. Connections are counted by wrapping the pool's connector, so the count belongs
 * to this pool alone (diagnostics_channel is process-wide and would also see other pools).
 */
import { Pool, buildConnector } from 'undici';
import type { UndiciVariant } from '../scenario/schema.js';
import type { ClientAdapter, ClientFactory, ClientConnectionCounts } from './types.js';
import { drainBody } from './drain.js';
import { undiciVersion } from '../package-info.js';

export const createUndiciClient: ClientFactory<UndiciVariant> = (variant, target, onConnect) => {
  const counts: ClientConnectionCounts = { opened: 0, closed: 0, failed: 0 };
  const baseConnector = buildConnector({
    ca: target.ca,
    timeout: variant.connectTimeout ?? 10_000,
    // HTTP/2 comes with its own issue; undici 8 changes this default, so it is set explicitly.
    allowH2: false,
  });
  const countingConnector: buildConnector.connector = (options, callback) => {
    const startedAt = performance.now();
    baseConnector(options, (error, socket) => {
      if (error || !socket) {
        counts.failed += 1;
      } else {
        counts.opened += 1;
        onConnect(performance.now() - startedAt);
        socket.once('close', () => {
          counts.closed += 1;
        });
      }
      (callback as (e: Error | null, s: typeof socket) => void)(error, socket);
    });
  };

  const pool = new Pool(target.origin, {
    connect: countingConnector,
    connections: variant.connections ?? null,
    // undici's way to turn keep-alive off: it sends `connection: close` and drops the socket.
    pipelining: variant.keepAlive ? variant.pipelining : 0,
    keepAliveTimeout: variant.keepAliveTimeout,
    keepAliveMaxTimeout: variant.keepAliveMaxTimeout,
    headersTimeout: variant.headersTimeout,
    bodyTimeout: variant.bodyTimeout,
    allowH2: false,
  });

  const { method, headers, body } = target.request;
  const adapter: ClientAdapter = {
    library: `undici ${undiciVersion}`,
    async send(path, signal) {
      const response = await pool.request({ method, path, headers, body, signal });
      return { status: response.statusCode, bytes: await drainBody(response.body) };
    },
    connections: () => ({ ...counts }),
    poolState() {
      const { connected, free, pending, queued, running } = pool.stats;
      return { connected, free, pending, queued, running };
    },
    async close() {
      await pool.destroy();
    },
  };
  return adapter;
};
