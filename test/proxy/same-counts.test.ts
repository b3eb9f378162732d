/**
 * One fault engine: the same fault list, driven by the same hand-written client, through the
 * bundled upstream and through the fault proxy in front of a plain node:http server, gives the
 * same symptoms, the same per-fault counts (struck, connectionsClosed) and the same closes by
 * cause (a fault's, the client's). Only the faults the proxy can apply are here
 * (src/scenario/proxy-faults.ts).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultSchema } from '../../src/scenario/schema.js';
import { createFaultProxy } from '../../src/proxy/fault-proxy.js';
import { createUpstreamServer } from '../../src/upstream/server.js';
import { zeroCloses } from '../../src/upstream/counters.js';
import type { UpstreamCloseCause, UpstreamCounters } from '../../src/upstream/types.js';
import { connectionRefused, eventually, RawConnection, upstreamConfig, within } from '../upstream/helpers.js';

interface Subject {
  port: number;
  counters(): UpstreamCounters;
  close(): Promise<void>;
  /** Through the proxy: connections the proxy opened to the plain server. */
  targetConnections?(): number;
}

async function bundledUpstream(faults: unknown[]): Promise<Subject> {
  const server = createUpstreamServer(upstreamConfig({ faults }));
  const port = await server.listen();
  return { port, counters: () => server.counters(), close: () => server.close() };
}

async function proxyInFrontOfPlainServer(faults: unknown[]): Promise<Subject> {
  const origin = http.createServer((_req, res) => res.end('hello'));
  let targetConnections = 0;
  origin.on('connection', () => targetConnections++);
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const proxy = createFaultProxy({ host: '127.0.0.1', port: (origin.address() as AddressInfo).port }, faults.map((f) => FaultSchema.parse(f)));
  const port = await proxy.listen();
  return {
    port,
    counters: () => proxy.counters(),
    targetConnections: () => targetConnections,
    close: async () => {
      await proxy.close();
      origin.closeAllConnections();
      await new Promise((resolve) => origin.close(resolve));
    },
  };
}

/** The status of one request, `closed` when the connection went first, `no answer` when none comes in time. */
function ask(connection: RawConnection, ms = 400): Promise<string> {
  const answer = connection.request().then(
    (response) => String(response.status),
    () => 'closed',
  );
  return Promise.race([answer, sleep(ms).then(() => 'no answer')]);
}

/** Waits for the server to close an idle connection (a FIN or a reset). */
async function closedWhileIdle(connection: RawConnection): Promise<string> {
  await within(3000, connection.closed, 'the close of the idle connection');
  return 'closed while idle';
}

const open = (subject: Subject) => RawConnection.open(subject.port);

/** One request on a new connection; a connection reset before it was even open is `closed` too. */
async function askOnNew(subject: Subject): Promise<string> {
  const connection = await open(subject).catch(() => undefined);
  return connection ? ask(connection) : 'closed';
}

/**
 * Each case: a fault list, what the client does (from the moment the subject was created), what it
 * sees, what the faults count (absent without faults), and the connections closed by then, by cause.
 */
const cases: {
  name: string;
  faults: unknown[];
  script(subject: Subject, createdAt: number): Promise<string[]>;
  outcomes: string[];
  counts?: Record<string, { struck: number; connectionsClosed: number }>;
  closes: Partial<Record<UpstreamCloseCause, number>>;
  targetConnections?: number;
}[] = [
  {
    name: 'reset on the 2nd request',
    faults: [{ type: 'reset', trigger: { nth: 2 } }],
    script: async (subject) => {
      const c = await open(subject);
      return [await ask(c), await ask(c)];
    },
    outcomes: ['200', 'closed'],
    counts: { reset: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 1 },
  },
  {
    name: 'empty_response',
    faults: [{ type: 'empty_response' }],
    script: async (subject) => [await askOnNew(subject)],
    outcomes: ['closed'],
    counts: { empty_response: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 1 },
  },
  {
    name: 'stall on the 2nd request (short timeout)',
    faults: [{ type: 'stall', trigger: { nth: 2 } }],
    script: async (subject) => {
      const c = await open(subject);
      return [await ask(c), await ask(c)];
    },
    outcomes: ['200', 'no answer'],
    counts: { stall: { struck: 1, connectionsClosed: 0 } },
    closes: {},
  },
  {
    name: 'hang',
    faults: [{ type: 'hang' }],
    script: async (subject) => [await askOnNew(subject)],
    outcomes: ['no answer'],
    counts: { hang: { struck: 1, connectionsClosed: 0 } },
    closes: {},
  },
  {
    name: 'reset on accept',
    faults: [{ type: 'reset', trigger: { on: 'accept' } }],
    script: async (subject) => [await askOnNew(subject)],
    outcomes: ['closed'],
    counts: { reset: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 1 },
    targetConnections: 0,
  },
  {
    name: 'stall on accept',
    faults: [{ type: 'stall', trigger: { on: 'accept' } }],
    script: async (subject) => [await askOnNew(subject)],
    outcomes: ['no answer'],
    counts: { stall: { struck: 1, connectionsClosed: 0 } },
    closes: {},
    targetConnections: 0,
  },
  {
    name: 'idle_close',
    faults: [{ type: 'idle_close', trigger: { idle: '100ms' } }],
    script: async (subject) => {
      const c = await open(subject);
      return [await ask(c), await closedWhileIdle(c)];
    },
    outcomes: ['200', 'closed while idle'],
    counts: { idle_close: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 1 },
  },
  {
    name: 'conn_limit (close), reset on the 2nd request and idle_close together',
    faults: [{ type: 'conn_limit', max: 1 }, { type: 'reset', trigger: { nth: 2 } }, { type: 'idle_close', trigger: { idle: '300ms' } }],
    script: async (subject) => {
      const a = await open(subject);
      const outcomes = [await ask(a)];
      outcomes.push(await askOnNew(subject)); // beyond max: closed at once
      outcomes.push(await ask(a)); // the 2nd request on a: reset
      await a.closed;
      const c = await open(subject); // a's place is free again
      outcomes.push(await ask(c), await closedWhileIdle(c));
      return outcomes;
    },
    outcomes: ['200', 'closed', 'closed', '200', 'closed while idle'],
    counts: { conn_limit: { struck: 1, connectionsClosed: 1 }, reset: { struck: 1, connectionsClosed: 1 }, idle_close: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 3 },
    // Admission first: the connection beyond max never reached the target.
    targetConnections: 2,
  },
  {
    name: 'conn_limit (reset)',
    faults: [{ type: 'conn_limit', max: 1, action: 'reset' }],
    script: async (subject) => {
      const a = await open(subject);
      return [await ask(a), await askOnNew(subject), await ask(a)];
    },
    outcomes: ['200', 'closed', '200'],
    counts: { conn_limit: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 1 },
    targetConnections: 1,
  },
  {
    name: 'a refuse window',
    // The first request has 400 ms before the window opens: room for a busy machine.
    faults: [{ type: 'refuse', trigger: { at: '400ms', for: '500ms' } }],
    script: async (subject, createdAt) => {
      const a = await open(subject);
      const outcomes = [await ask(a), await closedWhileIdle(a)];
      outcomes.push((await connectionRefused(subject.port)) ? 'refused' : 'accepted');
      await sleep(createdAt + 1000 - performance.now());
      outcomes.push(await ask(await open(subject)));
      return outcomes;
    },
    outcomes: ['200', 'closed while idle', 'refused', '200'],
    counts: { refuse: { struck: 1, connectionsClosed: 1 } },
    closes: { fault: 1 },
  },
  {
    name: 'the client closes its idle connection',
    faults: [],
    script: async (subject) => {
      const c = await open(subject);
      const outcomes = [await ask(c)];
      c.destroy();
      return outcomes;
    },
    outcomes: ['200'],
    closes: { 'client-idle': 1 },
  },
  {
    name: 'the client gives up on a hung request',
    faults: [{ type: 'hang' }],
    script: async (subject) => {
      const c = await open(subject);
      const outcomes = [await ask(c)];
      c.destroy();
      return outcomes;
    },
    outcomes: ['no answer'],
    counts: { hang: { struck: 1, connectionsClosed: 0 } },
    closes: { 'client-in-flight': 1 },
  },
];

/** The subject's closes by cause, once as many connections as expected have closed. */
async function closesOnceSettled(subject: Subject, expected: Partial<Record<UpstreamCloseCause, number>>): Promise<UpstreamCounters['closes']> {
  const total = Object.values(expected).reduce((sum, n) => sum + n, 0);
  await eventually(() => subject.counters().connectionsClosed >= total);
  const { closes, connectionsClosed } = subject.counters();
  assert.equal(Object.values(closes).reduce((sum, n) => sum + n, 0), connectionsClosed, 'every close has exactly one cause');
  return closes;
}

describe('the same fault list through the bundled upstream and through the fault proxy', { timeout: 60_000 }, () => {
  let subject: Subject | undefined;
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  for (const { name, faults, script, outcomes, counts, closes, targetConnections } of cases) {
    it(`${name}: the same symptoms and the same counts`, async () => {
      const seen: Record<string, { outcomes: string[]; faults: UpstreamCounters['faults']; closes: UpstreamCounters['closes'] }> = {};
      for (const [side, start] of [['upstream', bundledUpstream], ['proxy', proxyInFrontOfPlainServer]] as const) {
        const createdAt = performance.now();
        subject = await start(faults);
        const sideOutcomes = await script(subject, createdAt);
        seen[side] = { outcomes: sideOutcomes, faults: subject.counters().faults, closes: await closesOnceSettled(subject, closes) };
        if (subject.targetConnections && targetConnections !== undefined) assert.equal(subject.targetConnections(), targetConnections, 'connections the proxy opened to the target');
        await subject.close();
        subject = undefined;
      }
      assert.deepEqual(seen.proxy, seen.upstream);
      assert.deepEqual(seen.upstream, { outcomes, faults: counts, closes: { ...zeroCloses(), ...closes } });
    });
  }
});
