/** A loopback server (HTTP/1.1, or cleartext HTTP/2) that answers `ok` and counts requests by their Authorization header. */
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface CountingServer {
  port: number;
  /** Requests per Authorization header value (`none` without one). */
  byAuthorization: Map<string, number>;
  requests(): number;
  close(): Promise<void>;
}

export async function countingServer(kind: 'http1' | 'h2c' = 'http1'): Promise<CountingServer> {
  const byAuthorization = new Map<string, number>();
  const handle = (req: { headers: { authorization?: string } }, res: { end(body: string): void }) => {
    const key = req.headers.authorization ?? 'none';
    byAuthorization.set(key, (byAuthorization.get(key) ?? 0) + 1);
    res.end('ok');
  };
  const server = kind === 'http1' ? http.createServer(handle) : http2.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    byAuthorization,
    requests: () => [...byAuthorization.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
