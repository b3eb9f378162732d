/**
 * Several upstream counters as one: instances and cluster workers serve side by side, so their
 * counts add up (the upstream's view of a whole group). Repeated trials, which run one after
 * another, reuse this and correct the two figures that are not sums over time (metrics/trials.ts).
 */
import { UPSTREAM_CLOSE_CAUSES, type FaultCount, type UpstreamCloseCause, type UpstreamCounters } from './types.js';

/** Closes by cause, each counted by `count`. */
function closesBy(count: (cause: UpstreamCloseCause) => number): Record<UpstreamCloseCause, number> {
  return Object.fromEntries(UPSTREAM_CLOSE_CAUSES.map((cause) => [cause, count(cause)])) as Record<UpstreamCloseCause, number>;
}

export const zeroCloses = () => closesBy(() => 0);

/** Several servers' counters as one server's: every count summed. */
export function sumCounters(all: UpstreamCounters[]): UpstreamCounters {
  if (all.length === 1) return all[0];
  const sum = (pick: (c: UpstreamCounters) => number) => all.reduce((total, c) => total + pick(c), 0);
  const connections = sum((c) => c.connectionsAccepted);
  const faults: Record<string, FaultCount> = {};
  for (const counters of all) {
    for (const [type, count] of Object.entries(counters.faults ?? {})) {
      const entry = (faults[type] ??= { struck: 0, connectionsClosed: 0 });
      entry.struck += count.struck;
      entry.connectionsClosed += count.connectionsClosed;
    }
  }
  return {
    connectionsAccepted: connections,
    tlsHandshakes: sum((c) => c.tlsHandshakes),
    tlsResumed: sum((c) => c.tlsResumed),
    requests: sum((c) => c.requests),
    connectionsClosedByServer: sum((c) => c.connectionsClosedByServer),
    connectionsClosed: sum((c) => c.connectionsClosed),
    closes: closesBy((cause) => sum((c) => c.closes[cause])),
    openConnections: sum((c) => c.openConnections),
    // Each instance's peak, added: an upper bound of the peak across instances.
    peakOpenConnections: sum((c) => c.peakOpenConnections),
    requestsPerConnection: {
      min: Math.min(...all.map((c) => c.requestsPerConnection.min)),
      mean: connections ? sum((c) => c.requestsPerConnection.mean * c.connectionsAccepted) / connections : 0,
      max: Math.max(...all.map((c) => c.requestsPerConnection.max)),
    },
    ...(Object.keys(faults).length > 0 && { faults }),
    ...(all.some((c) => c.peakInFlightPerConnection !== undefined) && { peakInFlightPerConnection: Math.max(...all.map((c) => c.peakInFlightPerConnection ?? 0)) }),
    ...(all.every((c) => c.http2) && {
      http2: {
        sessions: sum((c) => c.http2!.sessions),
        streams: sum((c) => c.http2!.streams),
        goawaySent: sum((c) => c.http2!.goawaySent),
        streamsReset: sum((c) => c.http2!.streamsReset),
      },
    }),
  };
}
