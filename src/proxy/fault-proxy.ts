/**
 * A TCP proxy that applies the connection-level faults in front of any server, so dead
 * connections can be injected in front of a real (staging) service. It sees bytes, not HTTP:
 * a "request" is a burst of client bytes that follows the server's answer to the previous one
 * (HTTP/1.1 without pipelining), which is what `on: request` and `nth` count.
 *
 * It counts like the bundled upstream (`UpstreamCounters`), from the client's side of the proxy:
 * connections accepted and closed ("by the server" when the proxy or the target ended them),
 * requests answered, and what each fault did.
 */
import net from 'node:net';
import { faultMoment, type Fault, type FaultType } from '../scenario/schema.js';
import type { UpstreamCounters } from '../upstream/types.js';
import { takeListenerDown } from '../upstream/faults/listener.js';
import { FaultCounter, FaultTimeline, strikes } from '../upstream/faults/trigger.js';
import { RequestsPerConnection } from '../upstream/requests-per-connection.js';
import { whyProxyCannotApply } from './applicable-faults.js';

export interface FaultProxy {
  listen(port?: number, host?: string): Promise<number>;
  counters(): UpstreamCounters;
  /** Zeroes the counters and restarts the fault windows from now (the start of a measured window). */
  resetCounters(): void;
  close(): Promise<void>;
}

/** One client connection through the proxy, for the counters. */
interface Passage {
  /** Requests answered by the target. */
  requests: number;
  /** The proxy (a fault) or the target ended it. */
  closedByServer: boolean;
  /** The counter epoch at accept: connections from before the last reset stay out of requestsPerConnection. */
  readonly epoch: number;
}

export function createFaultProxy(to: { host: string; port: number }, faults: Fault[]): FaultProxy {
  for (const fault of faults) {
    const problem = whyProxyCannotApply(fault);
    if (problem) throw new Error(problem.message);
  }
  const timeline = new FaultTimeline();
  const counter = new FaultCounter();
  const sockets = new Set<net.Socket>();
  const passages = new Map<net.Socket, Passage>();
  let counts = zeroCounts();
  let requestsPerConnection = new RequestsPerConnection();
  let epoch = 0;
  const byMoment = (moment: string) => faults.filter((fault) => faultMoment(fault) === moment);
  const acceptFaults = byMoment('accept');
  const requestFaults = byMoment('request');
  const idleFaults = byMoment('idle');
  let admitted = 0;
  let closing = false;
  let bringListenerBack: (() => void) | undefined;

  const server = net.createServer(onConnection);
  for (const fault of faults) {
    if (fault.type !== 'refuse') continue;
    timeline.onWindow(
      fault.trigger,
      () => {
        counter.of(fault.type).struck++;
        bringListenerBack = takeListenerDown(server, () => closing);
        for (const client of passages.keys()) if (!client.destroyed) kill(client, 'refuse', 'fin');
      },
      () => bringListenerBack?.(),
    );
  }
  timeline.restart();


  function kill(client: net.Socket, type: FaultType, how: 'fin' | 'rst'): void {
    counter.of(type).connectionsClosed++;
    passages.get(client)!.closedByServer = true;
    if (how === 'rst') client.resetAndDestroy();
    else client.end();
  }

  function onConnection(client: net.Socket): void {
    sockets.add(client);
    admitted++;
    const passage: Passage = { requests: 0, closedByServer: false, epoch };
    passages.set(client, passage);
    counts.connectionsAccepted++;
    counts.peakOpenConnections = Math.max(counts.peakOpenConnections, passages.size);
    let requests = 0;
    /** Client bytes sent since the server last answered: a request in progress. */
    let awaitingAnswer = false;
    /** hang and stall: nothing is forwarded any more, nothing closes. */
    let frozen = false;
    const upstream = net.connect(to.port, to.host);
    sockets.add(upstream);
    const idleTimers = idleFaults.map((fault) => setTimeout(onIdle, fault.trigger.idle, fault).unref());

    const teardown = () => {
      for (const timer of idleTimers) clearTimeout(timer);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', () => {
      sockets.delete(client);
      passages.delete(client);
      admitted--;
      counts.connectionsClosed++;
      if (passage.closedByServer) counts.connectionsClosedByServer++;
      if (passage.epoch === epoch) requestsPerConnection.recordClosed(passage.requests);
      teardown();
    });
    upstream.once('close', () => {
      sockets.delete(upstream);
      if (frozen || client.destroyed) return;
      passage.closedByServer = true;
      client.end();
    });
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('end', () => upstream.end());

    function freeze(): void {
      frozen = true;
      client.pause();
    }

    function onIdle(fault: Fault): void {
      if (frozen || awaitingAnswer || client.destroyed || !strikes(fault.trigger, timeline)) return;
      counter.of(fault.type).struck++;
      if (fault.type === 'stall') freeze();
      else kill(client, fault.type, fault.type === 'reset' ? 'rst' : 'fin');
    }

    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (!awaitingAnswer) {
        awaitingAnswer = true;
        requests++;
        for (const fault of requestFaults) {
          if (!strikes(fault.trigger, timeline, requests)) continue;
          counter.of(fault.type).struck++;
          if (fault.type === 'reset') return kill(client, fault.type, 'rst');
          if (fault.type === 'empty_response') return kill(client, fault.type, 'fin');
          return freeze(); // hang, stall
        }
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => !frozen && client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (awaitingAnswer) {
        passage.requests++;
        counts.requests++;
      }
      awaitingAnswer = false;
      for (const timer of idleTimers) timer.refresh();
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());

    for (const fault of acceptFaults) {
      if (fault.type === 'conn_limit') {
        if (admitted <= fault.max || !strikes(fault.trigger, timeline)) continue;
        counter.of(fault.type).struck++;
        return kill(client, fault.type, fault.action === 'reset' ? 'rst' : 'fin');
      }
      if (!strikes(fault.trigger, timeline)) continue;
      counter.of(fault.type).struck++;
      if (fault.type === 'reset') return kill(client, fault.type, 'rst');
      return freeze(); // stall
    }
  }

  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as net.AddressInfo).port);
        });
      });
    },
    counters() {
      const open = [...passages.values()].filter((p) => p.epoch === epoch).map((p) => p.requests);
      return { ...counts, openConnections: passages.size, requestsPerConnection: requestsPerConnection.summary(open), faults: counter.snapshot(faults) };
    },
    resetCounters() {
      epoch++;
      counts = zeroCounts();
      counts.peakOpenConnections = passages.size;
      requestsPerConnection = new RequestsPerConnection();
      counter.reset();
      timeline.restart();
    },
    close() {
      closing = true;
      timeline.stop();
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function zeroCounts(): Omit<UpstreamCounters, 'openConnections' | 'requestsPerConnection' | 'faults'> {
  return { connectionsAccepted: 0, tlsHandshakes: 0, tlsResumed: 0, requests: 0, connectionsClosedByServer: 0, connectionsClosed: 0, peakOpenConnections: 0 };
}
