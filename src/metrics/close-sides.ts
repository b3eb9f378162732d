/**
 * The client's closes and the upstream's, side by side. Each side names its causes in its own
 * words (clients/pool-observer.ts ClientCloseCause, upstream/types.ts UpstreamCloseCause); both
 * agree on who closed: the server, or the client. Two of the client's have no counterpart and
 * are lines of their own: a connection errored on the client (TLS, a protocol error), and the
 * connections the client closes at the end, after the upstream's counters were read
 * (run/variant.ts): the upstream never counts those in the window.
 */
import type { ClientCloseCause } from '../clients/pool-observer.js';
import type { UpstreamCloseCause } from '../upstream/types.js';

export type CloseSide = 'server' | 'client';

const CLIENT_CAUSE_SIDE: Record<ClientCloseCause, CloseSide | undefined> = {
  'server-idle': 'server',
  'server-in-flight': 'server',
  'client-idle': 'client',
  'client-in-flight': 'client',
  'client-end': undefined,
  errored: undefined,
};

const UPSTREAM_CAUSE_SIDE: Record<UpstreamCloseCause, CloseSide> = {
  'idle-timeout': 'server',
  'max-requests': 'server',
  fault: 'server',
  // Behind the proxy, its target is the server the client talks to.
  target: 'server',
  // The server stopping is the server closing, as the client sees it.
  shutdown: 'server',
  // Keep-alive off: the client's decision (undici closes the socket itself), though the server sends the FIN.
  'asked-to-close': 'client',
  'client-idle': 'client',
  'client-in-flight': 'client',
};

/**
 * Closes racing the measured window's edges can land on one side only (each side reads its own
 * counts a moment apart): differences up to one close, or 1 % of the larger count, are no mismatch.
 */
const RACE_SHARE = 0.01;

export function countsAgree(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1, Math.floor(RACE_SHARE * Math.max(a, b)));
}

function bySide<C extends string>(closes: Record<C, number>, sideOf: Record<C, CloseSide | undefined>, side: CloseSide): number {
  return (Object.keys(sideOf) as C[]).reduce((total, cause) => (sideOf[cause] === side ? total + (closes[cause] ?? 0) : total), 0);
}

/** The client's closes that `side` made. */
export const clientClosesBy = (closes: Record<ClientCloseCause, number>, side: CloseSide) => bySide(closes, CLIENT_CAUSE_SIDE, side);
/** The upstream's closes that `side` made. */
export const upstreamClosesBy = (closes: Record<UpstreamCloseCause, number>, side: CloseSide) => bySide(closes, UPSTREAM_CAUSE_SIDE, side);
