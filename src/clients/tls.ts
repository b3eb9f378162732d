/**
 * A target's TLS settings as node:tls connect options, shared by every client that connects
 * through node:tls (undici's connector, node:https, node:http2, autocannon). `servername` is both
 * the SNI sent and the name node:tls checks the certificate against; `insecure` turns the check
 * off, and reports say so (see insecureNote).
 */
import type { ConnectionOptions } from 'node:tls';
import type { TlsMaterial } from '../scenario/target-tls.js';

export function tlsOptions(tls: TlsMaterial): Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'> {
  return {
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    ...(tls.serverName !== undefined && { servername: tls.serverName }),
    ...(tls.insecure && { rejectUnauthorized: false }),
  };
}
