/** The HTML report in a real browser: every chart drawn, no console errors, works offline. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { renderHtml } from '../../src/report/html.js';
import { buildCharts } from '../../src/report/chart-data.js';
import type { VariantResult } from '../../src/result.js';
import { makeTempDir } from '../helpers/temp.js';
import { chromiumMissing, launchChromium, openFile } from '../helpers/chromium.js';
import { runResult, spread, variantResult } from '../helpers/results.js';

function withTimeSeries(v: VariantResult, seconds: number, rps: number): VariantResult {
  v.timeSeries = Array.from({ length: seconds }, (_, i) => ({ t: i + 1.003, completed: rps, rps, p50: 10 + i, p99: 20 + i, errors: i % 3, connectionsOpened: i === 0 ? 10 : 0, openConnections: 10 }));
  return v;
}

const result = runResult([
  withTimeSeries(variantResult('pool 1', spread(300, 900, 1100)), 5, 50),
  withTimeSeries(variantResult('pool 50', spread(3000, 19, 25)), 4, 2500),
]);
// Per-route figures, as the runner records them for upstream routes: by path.
const routeFigures = (v: VariantResult) => ({ count: v.latency.count, latency: v.latency, latencyHistogram: v.latencyHistogram });
result.variants[1].routes = { '/fast': routeFigures(variantResult('f', spread(100, 1, 5))), '/slow': routeFigures(variantResult('s', spread(10, 900, 1000))) };

// Pool 50 ran with timed faults: one window closed at 3 s, one lasting to the end (null once read back from JSON).
const withFaults = runResult([withTimeSeries(variantResult('pool 1', spread(300, 900, 1100)), 5, 50), withTimeSeries(variantResult('pool 50', spread(3000, 19, 25)), 6, 2500)]);
withFaults.variants[1].faultWindows = { windows: [{ startMs: 1500, endMs: 3000 }, { startMs: 4500, endMs: null as unknown as number }], requestsLost: 9, requestsInWindows: 200, recoveryMs: 120 };

// The same run, with each second's pool state for pool 50 (its client could tell) and none for pool 1 (autocannon's could not).
const withPool = runResult([withTimeSeries(variantResult('pool 1', spread(300, 900, 1100)), 5, 50), withTimeSeries(variantResult('pool 50', spread(3000, 19, 25)), 6, 2500)]);
withPool.variants[1].timeSeries.forEach((point, i) => (point.pool = { connected: 50, idle: i, busy: 50 - i, pending: 10 - i }));
withPool.variants[1].faultWindows = withFaults.variants[1].faultWindows;
const POOL_CHARTS = ['pool-busy', 'pool-idle', 'pool-pending'];

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let browser: Browser | undefined;

before(async () => {
  temp = await makeTempDir();
  if (!chromiumMissing) browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await temp.cleanup();
});

test('the charts: the percentile spectrum, five over time, and one per variant with routes', () => {
  const charts = buildCharts(result);
  assert.deepEqual(charts.map((c) => c.id), ['spectrum', 'throughput', 'p99', 'errors', 'connections-opened', 'connections-open', 'routes-1']);
  assert.deepEqual(charts.at(-1)!.series.map((s) => s.label), ['/fast', '/slow'], 'route series are named by path');
  // Pool 1 near 1 s and pool 50 near 20 ms: a log latency axis, or one line would sit on the floor.
  assert.equal(buildCharts(result)[0].logY, true);
});

test('the HTML needs nothing but itself: no external URL in a src or href', () => {
  assert.doesNotMatch(renderHtml(result), /(src|href)\s*=\s*["']?(https?:)?\/\//i);
});

test('headless Chromium draws every chart with no console error', { skip: chromiumMissing }, async () => {
  const file = await temp.file('report.html', renderHtml(result));
  const { page, errors } = await openFile(browser!, file);
  const charts = await page.$$eval('.chart', (elements) =>
    elements.map((element) => {
      const box = element.querySelector('canvas')?.getBoundingClientRect();
      return { id: element.id, width: box?.width ?? 0, height: box?.height ?? 0, legend: element.querySelectorAll('.u-legend .u-series').length };
    }),
  );
  assert.equal(charts.length, 7);
  for (const chart of charts) {
    assert.ok(chart.width > 100 && chart.height > 100, `${chart.id} is drawn: ${chart.width}×${chart.height}`);
    assert.ok(chart.legend >= 3, `${chart.id} has a legend entry per series`);
  }
  assert.deepEqual(errors, []);
  const screenshot = join(temp.dir, 'report.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.ok((await stat(screenshot)).size > 10_000, 'the screenshot has content');
});

test('time charts carry each variant’s fault windows as bands; no bands without timed faults', () => {
  const bands = buildCharts(withFaults).filter((c) => c.faultBands).map((c) => [c.id, c.faultBands]);
  const expected = [{ series: 1, startS: 1.5, endS: 3 }, { series: 1, startS: 4.5, endS: null }];
  assert.deepEqual(bands, ['throughput', 'p99', 'errors', 'connections-opened', 'connections-open'].map((id) => [id, expected]));
  assert.ok(buildCharts(result).every((c) => c.faultBands === undefined));
});

test('headless Chromium shades the fault windows on every time chart, with a caption', { skip: chromiumMissing }, async () => {
  const file = await temp.file('faults.html', renderHtml(withFaults));
  const { page, errors } = await openFile(browser!, file);
  const drawn = await page.$$eval('.chart', (elements) => elements.map((element) => [element.id, (element as HTMLElement).dataset.faultBands ?? 'none']));
  assert.deepEqual(drawn, [['chart-spectrum', 'none'], ...['throughput', 'p99', 'errors', 'connections-opened', 'connections-open'].map((id) => [`chart-${id}`, '2'])]);
  assert.equal(await page.locator('.caption', { hasText: 'Shaded: fault windows' }).count(), 5);
  assert.deepEqual(errors, []);
});

test('pool state: a chart each for busy, idle and pending, a line per variant (none for a client that cannot tell), fault windows shaded', () => {
  const charts = buildCharts(withPool).filter((c) => POOL_CHARTS.includes(c.id));
  assert.deepEqual(charts.map((c) => c.id), POOL_CHARTS);
  const pending = charts[2];
  assert.deepEqual(pending.series.map((s) => s.label), ['pool 1', 'pool 50'], 'every variant keeps its colour');
  assert.ok(pending.series[0].values.every((v) => v === null));
  assert.deepEqual(pending.series[1].values, [10, 9, 8, 7, 6, 5]);
  assert.ok(charts.every((c) => c.faultBands?.length === 2 && c.caption));
  assert.ok(buildCharts(result).every((c) => !POOL_CHARTS.includes(c.id)), 'no pool charts when no client could tell');
});

test('headless Chromium draws the pool state charts, shaded, with their captions', { skip: chromiumMissing }, async () => {
  const file = await temp.file('pool.html', renderHtml(withPool));
  const { page, errors } = await openFile(browser!, file);
  for (const id of POOL_CHARTS) {
    const chart = page.locator(`#chart-${id}`);
    const box = await chart.locator('canvas').boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `${id} is drawn`);
    assert.equal(await chart.getAttribute('data-fault-bands'), '2', `${id} shades the fault windows`);
  }
  assert.equal(await page.locator('.caption', { hasText: 'requests waiting for a connection or a stream' }).count(), 1);
  assert.deepEqual(errors, []);
});
