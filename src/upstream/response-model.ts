/**
 * What the upstream answers on each path: status, body and think time, from `response` and
 * `latency` for every path, overridden per path by `routes`. Everything a response needs is
 * built once here, so answering a request allocates nothing.
 */
import type http from 'node:http';
import type { UpstreamConfig } from '../scenario/schema.js';
import { createLatencySampler, isZeroLatency } from './latency.js';

export interface ResponseModel {
  status: number;
  /** One body for every response: a benchmark must not measure the upstream's allocator. */
  body: Buffer | undefined;
  sampleLatency: () => number;
  zeroLatency: boolean;
  /** HTTP/1.1 headers on a connection that stays open. */
  keepAliveHeaders: http.OutgoingHttpHeaders;
  /** HTTP/1.1 headers on the last response of a connection. */
  closingHeaders: http.OutgoingHttpHeaders;
  /** HTTP/2 forbids connection-specific headers (connection, keep-alive). */
  http2Headers: http.OutgoingHttpHeaders;
}

export interface ResponseModels {
  /** The model for a request URL (path and query); the default one for paths without a route. */
  forUrl(url: string | undefined): ResponseModel;
  /** True when no path has any think time. */
  allZeroLatency: boolean;
}

export function createResponseModels(config: UpstreamConfig): ResponseModels {
  const fallback = buildModel(config, config.response.status, config.response.bodySize, config.latency);
  const byPath = new Map<string, ResponseModel>();
  for (const route of config.routes ?? []) {
    byPath.set(route.path, buildModel(config, route.status ?? config.response.status, route.bodySize ?? config.response.bodySize, route.latency));
  }
  const allZeroLatency = fallback.zeroLatency && [...byPath.values()].every((model) => model.zeroLatency);
  if (byPath.size === 0) return { forUrl: () => fallback, allZeroLatency };
  return {
    forUrl(url) {
      if (url === undefined) return fallback;
      const query = url.indexOf('?');
      return byPath.get(query < 0 ? url : url.slice(0, query)) ?? fallback;
    },
    allZeroLatency,
  };
}

function buildModel(config: UpstreamConfig, status: number, bodySize: number, latency: UpstreamConfig['latency']): ResponseModel {
  return {
    status,
    body: bodySize > 0 ? Buffer.alloc(bodySize, 'x') : undefined,
    sampleLatency: createLatencySampler(latency),
    zeroLatency: isZeroLatency(latency),
    keepAliveHeaders: responseHeaders(config, bodySize, 'keep-alive'),
    closingHeaders: responseHeaders(config, bodySize, 'close'),
    http2Headers: responseHeaders(config, bodySize, 'http2'),
  };
}

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2); node:http2 throws on them. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Built once per model: the same object serves every response. */
function responseHeaders(config: UpstreamConfig, bodySize: number, kind: 'keep-alive' | 'close' | 'http2'): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  // Lower-cased, so a scenario's `Content-Length` cannot end up sent twice next to ours.
  for (const [name, value] of Object.entries(config.response.headers)) {
    if (kind === 'http2' && CONNECTION_SPECIFIC.has(name.toLowerCase())) continue;
    headers[name.toLowerCase()] = value;
  }
  headers['content-length'] = bodySize;
  if (kind === 'close') headers['connection'] = 'close';
  else if (kind === 'keep-alive' && config.keepAlive.hint) headers['keep-alive'] = `timeout=${Math.floor(config.keepAlive.timeout / 1000)}`;
  return headers;
}
