/** What each upstream protocol means on the wire: its URL scheme and whether it runs over TLS. */
import type { UpstreamConfig } from '../scenario/schema.js';

type Protocol = UpstreamConfig['protocol'];

/** h2 negotiates HTTP/2 by ALPN inside TLS; h2c speaks it in the clear (prior knowledge). */
export function usesTls(protocol: Protocol): boolean {
  return protocol === 'https' || protocol === 'h2';
}

export function isHttp2(protocol: Protocol): boolean {
  return protocol === 'h2' || protocol === 'h2c';
}

/** The scheme clients put in the URL: HTTP/2 is chosen by negotiation, not by the scheme. */
export function urlScheme(protocol: Protocol): 'http' | 'https' {
  return usesTls(protocol) ? 'https' : 'http';
}
