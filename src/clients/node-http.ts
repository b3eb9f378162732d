/**
 * node:http / node:https with an Agent (with `pools: N`, N independent agents taking requests in
 * turn), round robin over the instances when there are several.
 * Connections are counted by wrapping the agent's createConnection, which Node calls exactly
 * once per new socket; `request.reusedSocket` tells a stale-socket failure from a fresh one.
 * When a window stops, requests still queued in an agent for a socket are taken off its queue
 * and cancelled: left there, each would get a socket of its own once the agent has room.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { NodeHttpVariant } from '../scenario/schema.js';
import type { ClientAdapter, ClientFactory, ClientConnectionCounts } from './types.js';
import { drainBody } from './drain.js';
import { PoolbenchError } from '../errors.js';
import { isAbort, zeroAttempts } from './attempts.js';
import { cancelledBeforeSending, isCancelled, onceStopped } from './cancel.js';
import { tlsOptions } from './tls.js';

export const createNodeHttpClient: ClientFactory<NodeHttpVariant> = (variant, target, onConnect) => {
  const url = new URL(target.origin);
  const isHttps = url.protocol === 'https:';
  const agentOptions: https.AgentOptions = {
    keepAlive: variant.keepAlive,
    maxSockets: variant.maxSockets,
    maxFreeSockets: variant.maxFreeSockets,
    timeout: variant.timeout,
    scheduling: variant.scheduling,
    ...tlsOptions(target),
  };
  const counts: ClientConnectionCounts = { opened: 0, closed: 0, failed: 0 };
  const agents = Array.from({ length: variant.pools ?? 1 }, () => countingConnections(isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions)));
  let nextAgent = 0;

  function countingConnections(agent: http.Agent): http.Agent {
    // createConnection is public API but missing from the Agent type in @types/node.
    const agentWithConnect = agent as unknown as {
      createConnection: (options: object, callback?: (err: Error | null, socket: Duplex) => void) => Duplex;
    };
    const originalCreateConnection = agentWithConnect.createConnection.bind(agent);
    agentWithConnect.createConnection = (options, callback) => {
      const startedAt = performance.now();
      const socket = originalCreateConnection(options, callback);
      let connected = false;
      socket.once(isHttps ? 'secureConnect' : 'connect', () => {
        connected = true;
        counts.opened += 1;
        onConnect(performance.now() - startedAt);
        socket.once('close', () => {
          counts.closed += 1;
        });
      });
      socket.once('error', () => {
        if (!connected) counts.failed += 1;
      });
      return socket;
    };
    return agent;
  }

  const request = isHttps ? https.request : http.request;
  const { method, headers, body } = target.request;
  const attempts = zeroAttempts();
  const hosts = (target.origins ?? [target.origin]).map((origin) => new URL(origin));
  let nextHost = 0;
  /** Requests sent with a window's stop signal: that stop, and how to cancel the request. */
  const queued = new WeakMap<http.ClientRequest, { stop: AbortSignal; cancel(): void }>();

  /**
   * Takes off the agents' queues every request `stop` belongs to (or `only` that one) and cancels
   * it. Node emits nothing for a request destroyed before it has a socket, so `cancel` settles it.
   */
  function cancelQueued(stop: AbortSignal, only?: http.ClientRequest): void {
    for (const agent of agents) {
      const queues = agent.requests as Record<string, http.ClientRequest[] | undefined>;
      for (const [name, queue] of Object.entries(queues)) {
        if (!queue) continue;
        const cancelled = queue.filter((req) => (only === undefined || req === only) && queued.get(req)?.stop === stop);
        if (cancelled.length === 0) continue;
        const gone = new Set(cancelled);
        queue.splice(0, queue.length, ...queue.filter((req) => !gone.has(req)));
        // As the agent does: an empty queue is deleted, never left (it reads a present key as a waiting request).
        if (queue.length === 0) delete queues[name];
        for (const req of cancelled) queued.get(req)!.cancel();
      }
    }
  }

  const requestOptions: http.RequestOptions = {
    protocol: url.protocol,
    method,
    headers,
    timeout: variant.timeout,
  };

  return {
    library: `node:${isHttps ? 'https' : 'http'} ${process.version}`,
    send(path, signal, stop) {
      const { hostname, port } = hosts[nextHost++ % hosts.length];
      const agent = agents[nextAgent++ % agents.length];
      attempts.attempts++;
      return new Promise((resolve, reject) => {
        const fail = (error: unknown) => {
          // A cancelled request never reached the wire: no attempt, no failure.
          if (isCancelled(error)) attempts.attempts--;
          else if (!isAbort(error)) {
            if (req.reusedSocket) attempts.failedOnReused++;
            else attempts.failedOnFresh++;
          }
          reject(error);
        };
        const req = request({ ...requestOptions, agent, hostname, port, path, signal }, (res) => {
          const retryAfter = res.headers['retry-after'];
          drainBody(res).then((bytes) => resolve({ status: res.statusCode ?? 0, bytes, retryAfter }), fail);
        });
        req.once('error', fail);
        // node:http only emits 'timeout'; ending the request is the caller's job.
        req.once('timeout', () =>
          req.destroy(new PoolbenchError('socket idle timeout', { code: 'ETIMEDOUT' })),
        );
        req.end(body);
        if (stop) {
          queued.set(req, {
            stop,
            cancel: () => {
              req.destroy();
              fail(cancelledBeforeSending());
            },
          });
          // A request sent after the stop (a retry) is cancelled at once if it has to wait.
          if (stop.aborted) cancelQueued(stop, req);
          else onceStopped(stop, queued, () => cancelQueued(stop));
        }
      });
    },
    connections: () => ({ ...counts }),
    // Requests queued in the agents for a free socket, over every origin.
    waiting: () => agents.reduce((sum, agent) => sum + Object.values(agent.requests).reduce((n, queue) => n + (queue?.length ?? 0), 0), 0),
    attempts: () => ({ ...attempts }),
    async close() {
      for (const agent of agents) agent.destroy();
    },
  };
};
