/**
 * A TCP proxy that applies the connection-level faults in front of any server, so dead
 * connections can be injected in front of a real (staging) service. It sees bytes, not HTTP:
 * a "request" is a burst of client bytes that follows the server's answer to the previous one
 * (HTTP/1.1 without pipelining), which is what `on: request` and `nth` count.
 */
import net from 'node:net';
import { faultMoment, type Fault, type FaultType } from '../scenario/schema.js';
import type { FaultCount } from '../upstream/types.js';
import { takeListenerDown } from '../upstream/faults/listener.js';
import { FaultCounter, FaultTimeline, strikes } from '../upstream/faults/trigger.js';

/** The faults a byte-level proxy can apply; the others need to speak HTTP. */
export const PROXY_FAULT_TYPES: readonly FaultType[] = ['reset', 'empty_response', 'hang', 'stall', 'idle_close', 'refuse', 'conn_limit'];

/** Why the proxy cannot apply `fault`, or undefined when it can. */
export function whyProxyCannotApply(fault: Fault): string | undefined {
  if (fault.type === 'conn_limit' && fault.action === '503') return 'the proxy sees bytes, not HTTP, and cannot answer 503: use action close or reset';
  if (!PROXY_FAULT_TYPES.includes(fault.type)) return `the proxy sees bytes, not HTTP, and cannot apply ${fault.type}; it can ${PROXY_FAULT_TYPES.join(', ')}`;
  return undefined;
}

export interface FaultProxy {
  listen(port?: number, host?: string): Promise<number>;
  counters(): Partial<Record<FaultType, FaultCount>>;
  close(): Promise<void>;
}

export function createFaultProxy(to: { host: string; port: number }, faults: Fault[]): FaultProxy {
  for (const fault of faults) {
    const problem = whyProxyCannotApply(fault);
    if (problem) throw new Error(problem);
  }
  const timeline = new FaultTimeline();
  const counter = new FaultCounter();
  const sockets = new Set<net.Socket>();
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
        for (const socket of sockets) if (!socket.destroyed) kill(socket, 'refuse', 'fin');
      },
      () => bringListenerBack?.(),
    );
  }
  timeline.restart();


  function kill(client: net.Socket, type: FaultType, how: 'fin' | 'rst'): void {
    counter.of(type).connectionsClosed++;
    if (how === 'rst') client.resetAndDestroy();
    else client.end();
  }

  function onConnection(client: net.Socket): void {
    sockets.add(client);
    admitted++;
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
      admitted--;
      teardown();
    });
    upstream.once('close', () => {
      sockets.delete(upstream);
      if (!frozen) client.end();
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
    counters: () => counter.snapshot(faults),
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
