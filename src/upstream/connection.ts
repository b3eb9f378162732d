/** One TCP connection accepted by the bundled upstream, from accept to close. */
import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import { ServedConnection } from '../faults/connection.js';

export class UpstreamConnection extends ServedConnection {
  /** The socket HTTP runs on: the TCP socket in the clear, the TLS socket once its handshake is done. */
  httpSocket: Socket | undefined;
  /** The HTTP/2 session on this connection; undefined for HTTP/1.1 (including the ALPN fallback). */
  session: http2.ServerHttp2Session | undefined = undefined;
  /** Requests that arrived so far: picks the one that carries `Connection: close` under maxRequests. */
  requestsArrived = 0;
  /** HTTP/2 streams open on the session, from HEADERS to close (a stream the client reset closes at once). */
  openStreams = 0;
  /** Closes the connection after `keepAlive.timeout` idle. Created once and re-armed with `refresh()`. */
  idleTimer: NodeJS.Timeout | undefined = undefined;

  /**
   * `readyAt`: `performance.now()` when the simulated connection setup (TCP and TLS round
   * trips) is over, no response before; TLS adds its round trips once the handshake is done.
   */
  constructor(
    tcpSocket: Socket,
    epoch: number,
    isTls: boolean,
    public readyAt: number,
  ) {
    super(tcpSocket, epoch);
    this.httpSocket = isTls ? undefined : tcpSocket;
  }

  override get multiplexed(): boolean {
    return this.session !== undefined;
  }
}
