/**
 * The client's closes beside the upstream's: the mapping to "closed by the server" / "closed by
 * the client", the mismatch rule, and the rows every format shows (only when a run has closes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_CLOSE_CAUSES, type ClientCloseCause } from '../../src/clients/pool-observer.js';
import { clientClosesBy, countsAgree, upstreamClosesBy } from '../../src/metrics/close-sides.js';
import { encodeHistogram, createHistogram, summarize } from '../../src/metrics/histogram.js';
import { renderComparisonTable } from '../../src/report/comparison.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { PoolFigures, VariantResult } from '../../src/result.js';
import { zeroCloses } from '../../src/upstream/counters.js';
import type { UpstreamCloseCause, UpstreamCounters } from '../../src/upstream/types.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

type ClientCloses = Partial<Record<ClientCloseCause, number>>;
type UpstreamCloses = Partial<Record<UpstreamCloseCause, number>>;

const clientCloses = (closes: ClientCloses) => ({ ...Object.fromEntries(CLIENT_CLOSE_CAUSES.map((cause) => [cause, 0])), ...closes }) as Record<ClientCloseCause, number>;
const upstreamCloses = (closes: UpstreamCloses) => ({ ...zeroCloses(), ...closes });

/** Pool figures with nothing in them but `closes`. */
function pool(closes: ClientCloses): PoolFigures {
  const empty = createHistogram();
  const summary = summarize(empty);
  const encoded = encodeHistogram(empty);
  return {
    connectionLifetime: summary,
    connectionLifetimeHistogram: encoded,
    requestsPerConnection: summary,
    requestsPerConnectionHistogram: encoded,
    closes: clientCloses(closes),
  };
}

function upstream(closes: UpstreamCloses): UpstreamCounters {
  const all = upstreamCloses(closes);
  const closed = Object.values(all).reduce((sum, n) => sum + n, 0);
  return {
    connectionsAccepted: closed,
    tlsHandshakes: 0,
    tlsResumed: 0,
    requests: 10,
    connectionsClosedByServer: 0,
    connectionsClosed: closed,
    closes: all,
    openConnections: 0,
    peakOpenConnections: 1,
    requestsPerConnection: { min: 1, mean: 1, max: 1 },
  };
}

/** A variant whose client counted `client` closes and whose upstream counted `server` ones (either may be absent). */
function variant(name: string, client: ClientCloses | undefined, server: UpstreamCloses | undefined): VariantResult {
  const v = variantResult(name, spread(10, 1, 2));
  return { ...v, ...(client && { pool: pool(client) }), connections: { ...v.connections, ...(server && { upstream: upstream(server) }) } };
}

const rowOf = (text: string, label: string) => text.split('\n').find((line) => line.includes(label));

test('each side’s causes map to who closed; the client’s closes at the end and errored ones are on neither side', () => {
  const client = clientCloses({ 'server-idle': 6, 'server-in-flight': 2, 'client-idle': 1, 'client-in-flight': 1, 'client-end': 3, errored: 4 });
  const upstream = upstreamCloses({ 'idle-timeout': 5, 'max-requests': 1, fault: 2, 'asked-to-close': 1, 'client-in-flight': 1 });
  assert.deepEqual([clientClosesBy(client, 'server'), upstreamClosesBy(upstream, 'server')], [8, 8]);
  assert.deepEqual([clientClosesBy(client, 'client'), upstreamClosesBy(upstream, 'client')], [2, 2]);
  // The proxy's target and the server's own stop are the server's closes too.
  assert.equal(upstreamClosesBy(upstreamCloses({ target: 2, shutdown: 1 }), 'server'), 3);
});

test('within one close or 1 % the counts agree, and the cell says the upstream’s own count', () => {
  const text = renderComparisonTable(runResult([variant('v', { 'server-idle': 11 }, { 'idle-timeout': 10 })]));
  assert.match(rowOf(text, 'closed by the server')!, /11 \(upstream 10\)/);
});

test('a mismatch is a difference beyond one close, or 1 % of the larger count', () => {
  assert.equal(countsAgree(0, 0), true);
  assert.equal(countsAgree(10, 11), true, 'one close racing the window’s edge');
  assert.equal(countsAgree(10, 12), false);
  assert.equal(countsAgree(1000, 990), true);
  assert.equal(countsAgree(1000, 989), false);
});

test('the comparison table sets both sides beside each other and shows a mismatch', () => {
  const result = runResult([
    variant('agree', { 'server-idle': 40, 'client-idle': 8, 'client-end': 5 }, { 'idle-timeout': 40, 'client-idle': 8 }),
    variant('mismatch', { 'server-idle': 30, 'client-in-flight': 1 }, { 'idle-timeout': 12, 'client-in-flight': 1 }),
  ]);
  const text = renderComparisonTable(result);
  assert.match(rowOf(text, 'closed by the server')!, /40 \(upstream agrees\).*30 \(≠ upstream 12\)/);
  assert.match(rowOf(text, 'closed by the client')!, /8 \(upstream agrees; \+5 at the end\).*1 \(upstream agrees\)/);
  assert.equal(rowOf(text, 'connections errored'), undefined, 'no client errored a connection');
  const markdown = renderMarkdown(result);
  assert.match(rowOf(markdown, 'closed by the server')!, /^\| closed by the server \| 40 \(upstream agrees\) \| 30 \(≠ upstream 12\) \|/);
  const html = renderHtml(result);
  assert.match(html, /<td>closed by the server<\/td><td>40 \(upstream agrees\)<\/td><td>30 \(≠ upstream 12\)/);
  // JSON carries both sides' causes as counted.
  const json = JSON.parse(renderJson(result)) as { variants: VariantResult[] };
  assert.equal(json.variants[1].pool?.closes['server-idle'], 30);
  assert.equal(json.variants[1].connections.upstream?.closes['idle-timeout'], 12);
});

test('one side alone: the client’s count (a real target), or the upstream’s beside a dash; the errored line when there are any', () => {
  const text = renderComparisonTable(runResult([variant('client only', { 'server-idle': 5, 'client-end': 3, errored: 2 }, undefined), variant('upstream only', undefined, { 'max-requests': 7 })]));
  assert.match(rowOf(text, 'closed by the server')!, /│ 5 +│ — \(upstream 7\)/);
  assert.match(rowOf(text, 'closed by the client')!, /│ 0 \(\+3 at the end\) +│ — \(upstream 0\)/);
  assert.match(rowOf(text, 'connections errored')!, /│ 2 +│ — /);
});

test('no closes on either side: no close rows', () => {
  const text = renderComparisonTable(runResult([variant('a', undefined, undefined), variant('b', {}, {})]));
  assert.equal(rowOf(text, 'closed by the'), undefined);
});
