/**
 * Little's law, L = λW: the mean number of requests in flight equals throughput times mean
 * latency, for any stable system, whatever the distributions. poolbench measures all three
 * independently (in-flight from a time-weighted gauge, throughput and latency from responses),
 * so the law is a check of the measurement itself; and applied to the part of the in-flight
 * count beyond the pool size, it gives the mean time spent waiting for a connection.
 */
import type { InFlightSummary } from '../metrics/in-flight.js';

export interface LittleCheck {
  /** Time-weighted mean of requests in flight, as measured. */
  measured: number;
  /** Throughput × mean latency. */
  predicted: number;
  /** (predicted − measured) / measured. */
  relativeError: number;
}

/** `meanLatencyMs` must be counted over the same span the gauge sees: from send to the end of the response. */
export function littleCheck(measured: number, throughputRps: number, meanLatencyMs: number): LittleCheck {
  const predicted = throughputRps * (meanLatencyMs / 1000);
  return { measured, predicted, relativeError: measured > 0 ? (predicted - measured) / measured : predicted > 0 ? Infinity : 0 };
}

export interface PoolFigures {
  /** Mean share of the pool's connections busy with a request. */
  occupancy: number;
  /** Mean requests waiting for a connection. */
  meanWaiting: number;
  /** Mean time a request waited for a connection (Little's law on the waiting count), ms. */
  meanWaitMs: number;
}

/**
 * From the time spent at each in-flight level: a request beyond `poolSize` in flight has no
 * connection and waits. Holds for a keep-alive pool serving one request per connection at a
 * time (HTTP/1.1 without pipelining); connecting counts as busy, as the request is then bound
 * to its connection.
 */
export function poolFigures(inFlight: InFlightSummary, poolSize: number, throughputRps: number): PoolFigures {
  let busy = 0;
  let meanWaiting = 0;
  inFlight.distribution.forEach((share, level) => {
    busy += share * Math.min(level, poolSize);
    meanWaiting += share * Math.max(level - poolSize, 0);
  });
  return { occupancy: busy / poolSize, meanWaiting, meanWaitMs: throughputRps > 0 ? (meanWaiting / throughputRps) * 1000 : 0 };
}
