/**
 * The network model's arithmetic, one place for the two sides that apply it: the bundled
 * upstream (server.ts: a response waits one round trip; a connection's setup, when its client does
 * not model it) and the clients (clients/modelled-connect.ts: a connection is handed over only
 * once its setup round trips have passed).
 */

/** What a client needs to model the connection setup of the bundled upstream's network. */
export interface NetworkModel {
  /** ms per simulated round trip. */
  rtt: number;
  /** ms: each round trip adds uniform 0..jitter. */
  jitter: number;
  /** The TLS version the upstream speaks (https, h2): what its handshake costs. */
  tlsVersion: '1.2' | '1.3';
}

/** One simulated round trip: rtt plus uniform jitter. */
export function roundTrip({ rtt, jitter }: Pick<NetworkModel, 'rtt' | 'jitter'>): number {
  return jitter > 0 ? rtt + jitter * Math.random() : rtt;
}

/** A full TLS 1.3 handshake costs 1 round trip, a full TLS 1.2 one 2; a resumed session 1. */
export function tlsRoundTrips(resumed: boolean, version: '1.2' | '1.3'): number {
  return resumed || version === '1.3' ? 1 : 2;
}

/**
 * The upstream's config as a run starts it: `setupModelledByClients` is true when every client of
 * the run delays its own connections by the setup round trips, so the upstream must not charge
 * them to a connection's first request again. Absent (as for `poolbench serve`): it charges them.
 */
export interface SetupCharge {
  setupModelledByClients?: boolean;
}
