/**
 * undici Pool (a BalancedPool over several instances), behind a RetryAgent when the variant
 * retries. Connections are counted by wrapping the pool's connector, so the count belongs
 * to this pool alone (diagnostics_channel is process-wide and would also see other pools).
 */
import { BalancedPool, Pool, RetryAgent, buildConnector, type Dispatcher } from 'undici';
import type { UndiciVariant } from '../scenario/schema.js';
import type { ClientAdapter, ClientFactory, ClientConnectionCounts } from './types.js';
import { drainBody } from './drain.js';
import { trackUndiciAttempts } from './attempts.js';
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

  const poolOptions: Pool.Options = {
    connect: countingConnector,
    connections: variant.connections ?? null,
    // undici's way to turn keep-alive off: it sends `connection: close` and drops the socket.
    pipelining: variant.keepAlive ? variant.pipelining : 0,
    keepAliveTimeout: variant.keepAliveTimeout,
    keepAliveMaxTimeout: variant.keepAliveMaxTimeout,
    headersTimeout: variant.headersTimeout,
    bodyTimeout: variant.bodyTimeout,
    allowH2: false,
  };
  const origins = target.origins ?? [target.origin];
  const pool = origins.length > 1 ? new BalancedPool(origins, poolOptions) : new Pool(target.origin, poolOptions);
  // When retries run out on a status, undici fails the request with UND_ERR_REQ_RETRY. (throwOnError: false
  // would return the response instead, but trips an assertion in undici 7.30's parser when the retried
  // response closes the connection.)
  const dispatcher: Dispatcher = variant.retry ? new RetryAgent(pool, { ...variant.retry }) : pool;
  const attempts = trackUndiciAttempts();

  const { method, headers, body } = target.request;
  const adapter: ClientAdapter = {
    library: `undici ${undiciVersion}`,
    async send(path, signal) {
      const response = await dispatcher.request({ method, path, headers, body, signal });
      return { status: response.statusCode, bytes: await drainBody(response.body) };
    },
    connections: () => ({ ...counts }),
    attempts: attempts.counts,
    async close() {
      attempts.close();
      await dispatcher.destroy();
    },
  };
  return adapter;
};
