/**
 * node:http / node:https with an Agent (with `pools: N`, N independent agents taking requests in
 * turn), round robin over the instances when there are several.
 * Connections are followed by wrapping the agent's createConnection, which Node calls exactly
 * once per new socket. An attempt goes out when its socket is assigned and connected; whether
 * that socket had carried a request before is the observer's answer, not `request.reusedSocket`:
 * Node sets that flag only for a socket taken from the free list, not for one handed straight
 * to a request queued for it, so a stale-socket failure is told from a fresh one by the observer.
 * When a window stops, requests still queued in an agent for a socket are taken off its queue
 * and cancelled: left there, each would get a socket of its own once the agent has room.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { NodeHttpVariant } from '../scenario/schema.js';
import type { PoolState, Response } from './types.js';
import { originsOf, type Target } from './target.js';
import { drainBody } from './drain.js';
import { PoolbenchError } from '../errors.js';
import { isAbort, zeroAttempts, type AttemptCounts } from './attempts.js';
import { cancelledBeforeSending, isCancelled, onceStopped } from './cancel.js';
import type { Socket } from 'node:net';
import { tlsOptions } from './tls.js';
import { PoolObserver, clientClose, type Acquired, type AttemptOutcome, type PoolListener } from './pool-observer.js';
import { modelSetup } from './modelled-connect.js';
import type { NetworkModel } from '../upstream/network-model.js';
import { RequestClientBase } from './request-client.js';
import { RoundRobin } from './round-robin.js';

/** The lanes are the instances; the variant's `pools` (agents) take requests in turn besides. */
export class NodeHttpClient extends RequestClientBase<URL> {
  readonly library: string;
  private readonly agents: RoundRobin<http.Agent>;
  private readonly request: typeof http.request;
  private readonly requestOptions: http.RequestOptions;
  private readonly body: Target['request']['body'];
  private readonly attemptCounts = zeroAttempts();
  /** The event after which a new socket carries requests: TCP's connect, or TLS's handshake. */
  private readonly readyEvent: 'connect' | 'secureConnect';
  /** Requests sent with a window's stop signal: that stop, and how to cancel the request. */
  private readonly queued = new WeakMap<http.ClientRequest, { stop: AbortSignal; cancel(): void }>();

  constructor(variant: NodeHttpVariant, target: Target, pool: PoolListener) {
    const observer = new PoolObserver(pool);
    super(variant, target.request.method, originsOf(target).map((origin) => new URL(origin)), observer);
    const isHttps = new URL(target.origin).protocol === 'https:';
    const agentOptions: https.AgentOptions = {
      keepAlive: variant.keepAlive,
      maxSockets: variant.maxSockets,
      maxFreeSockets: variant.maxFreeSockets,
      timeout: variant.timeout,
      scheduling: variant.scheduling,
      ...tlsOptions(target),
    };
    this.readyEvent = isHttps ? 'secureConnect' : 'connect';
    const agents = Array.from({ length: variant.pools ?? 1 }, () => followingConnections(isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions), observer, this.readyEvent, target.network));
    this.agents = new RoundRobin(agents);
    this.library = `node:${isHttps ? 'https' : 'http'} ${process.version}`;
    this.request = isHttps ? https.request : http.request;
    const { method, headers, body } = target.request;
    this.requestOptions = { protocol: isHttps ? 'https:' : 'http:', method, headers, timeout: variant.timeout };
    this.body = body;
  }

  protected sendOn({ hostname, port }: URL, path: string, signal: AbortSignal, stop?: AbortSignal): Promise<Response> {
    const agent = this.agents.next();
    const { attemptCounts: attempts, observer } = this;
    attempts.attempts++;
    const handedAt = observer.handed();
    return new Promise((resolve, reject) => {
      /** The attempt's socket and how it got it, once it went out on one. */
      let socket: Duplex | undefined;
      let acquired: Acquired | undefined;
      const settle = (outcome: AttemptOutcome) => {
        if (socket && acquired) observer.settled(socket, acquired, outcome);
        socket = undefined;
      };
      const fail = (error: unknown) => {
        // A cancelled request never reached the wire: no attempt, no failure.
        if (isCancelled(error)) attempts.attempts--;
        else if (isAbort(error)) settle('aborted');
        else {
          // The observer's reused is the one the dead-socket rate counts; without a socket, the attempt failed fresh.
          if (acquired?.reused) attempts.failedOnReused++;
          else attempts.failedOnFresh++;
          settle('transport-failure');
        }
        reject(error);
      };
      const req = this.request({ ...this.requestOptions, agent, hostname, port, path, signal }, (res) => {
        const retryAfter = res.headers['retry-after'];
        // Settled at the body's end, before the agent hands the socket on (a tick later): the next
        // attempt on it then finds it idle.
        res.once('end', () => settle('answered'));
        drainBody(res).then((bytes) => resolve({ status: res.statusCode ?? 0, bytes, retryAfter, connection: acquired }), fail);
      });
      req.once('socket', (assigned: Duplex) => {
        const goOut = () => {
          socket = assigned;
          acquired = observer.sent(assigned, handedAt);
        };
        // A socket still connecting (or in its TLS handshake): the acquire wait includes its connect;
        // the observer hears of the connect first (it listens from the socket's creation).
        if (observer.isUp(assigned)) goOut();
        else assigned.once(this.readyEvent, goOut);
      });
      req.once('error', fail);
      // node:http only emits 'timeout'; ending the request is the caller's job. The socket goes with
      // it, closed by the client with the request in flight.
      req.once('timeout', () => req.destroy(clientClose(new PoolbenchError('socket idle timeout', { code: 'ETIMEDOUT' }))));
      req.end(this.body);
      if (stop) this.cancellableWhileQueued(req, stop, () => fail(cancelledBeforeSending()));
    });
  }

  /** Requests queued in the agents for a free socket, over every origin. */
  readonly waiting = (): number => this.agents.items.reduce((sum, agent) => sum + Object.values(agent.requests).reduce((n, queue) => n + (queue?.length ?? 0), 0), 0);

  /**
   * From the agents' own lists: `freeSockets` are idle (kept alive), `sockets` are assigned to a
   * request — busy, unless still connecting (TCP): that request is not sent yet, so it is pending,
   * as are the requests queued for a socket.
   */
  readonly poolState = (): PoolState => {
    let idle = 0;
    let busy = 0;
    let connecting = 0;
    for (const agent of this.agents.items) {
      for (const sockets of Object.values(agent.freeSockets)) idle += sockets?.length ?? 0;
      for (const sockets of Object.values(agent.sockets)) for (const socket of sockets ?? []) if (socket.connecting) connecting += 1; else busy += 1;
    }
    return { connected: idle + busy, idle, busy, pending: this.waiting() + connecting };
  };

  readonly attempts = (): AttemptCounts => ({ ...this.attemptCounts });

  async close(): Promise<void> {
    this.observer.closing();
    for (const agent of this.agents.items) agent.destroy();
  }

  private cancellableWhileQueued(req: http.ClientRequest, stop: AbortSignal, fail: () => void): void {
    this.queued.set(req, {
      stop,
      cancel: () => {
        req.destroy();
        fail();
      },
    });
    // A request sent after the stop (a retry) is cancelled at once if it has to wait.
    if (stop.aborted) this.cancelQueued(stop, req);
    else onceStopped(stop, this.queued, () => this.cancelQueued(stop));
  }

  /**
   * Takes off the agents' queues every request `stop` belongs to (or `only` that one) and cancels
   * it. Node emits nothing for a request destroyed before it has a socket, so `cancel` settles it.
   */
  private cancelQueued(stop: AbortSignal, only?: http.ClientRequest): void {
    for (const agent of this.agents.items) {
      const queues = agent.requests as Record<string, http.ClientRequest[] | undefined>;
      for (const [name, queue] of Object.entries(queues)) {
        if (!queue) continue;
        const cancelled = queue.filter((req) => (only === undefined || req === only) && this.queued.get(req)?.stop === stop);
        if (cancelled.length === 0) continue;
        const gone = new Set(cancelled);
        queue.splice(0, queue.length, ...queue.filter((req) => !gone.has(req)));
        // As the agent does: an empty queue is deleted, never left (it reads a present key as a waiting request).
        if (queue.length === 0) delete queues[name];
        for (const req of cancelled) this.queued.get(req)!.cancel();
      }
    }
  }
}

/** Follows the agent's connections by wrapping its createConnection, which Node calls once per new socket; models their setup on `network`. */
function followingConnections(agent: http.Agent, observer: PoolObserver, readyEvent: 'connect' | 'secureConnect', network: NetworkModel | undefined): http.Agent {
  // createConnection is public API but missing from the Agent type in @types/node.
  const agentWithConnect = agent as unknown as {
    createConnection: (options: object, callback?: (err: Error | null, socket: Duplex) => void) => Duplex;
  };
  const originalCreateConnection = agentWithConnect.createConnection.bind(agent);
  agentWithConnect.createConnection = (options, callback) => {
    const socket = modelSetup(originalCreateConnection(options, callback) as Socket, network);
    watchFreeSocketEnd(agent, socket, observer);
    observer.follow(socket, readyEvent);
    return socket;
  };
  return agent;
}

/**
 * Node 24's agent guards a free socket: any read on it, the server's FIN included, destroys it at
 * once without an 'end' event. A free socket that closes — not on the agent's idle timeout, not at
 * the client's end — was ended by the server while idle. Registered before the observer's own
 * 'close' listener, so the observer judges the close knowing it.
 */
function watchFreeSocketEnd(agent: http.Agent, socket: Socket, observer: PoolObserver): void {
  let timedOut = false;
  socket.once('timeout', () => (timedOut = true));
  socket.once('close', () => {
    const free = Object.values(agent.freeSockets).some((sockets) => sockets?.includes(socket));
    if (free && !timedOut && !observer.isEnding) observer.endedByServer(socket);
  });
}
