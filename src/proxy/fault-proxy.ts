/**
 * A TCP proxy that applies the connection-level faults in front of any server, so dead
 * connections can be injected in front of a real (staging) service. It sees bytes, not HTTP:
 * a "request" is a burst of client bytes that follows the server's answer to the previous one
 * (HTTP/1.1 without pipelining), which is what `on: request` and `nth` count.
 *
 * When a fault strikes and what it counts is the fault plan's, as on the bundled upstream
 * (src/faults/plan.ts); the counting listener counts like the upstream (`UpstreamCounters`),
 * from the client's side of the proxy: connections accepted and closed ("by the server" when
 * the proxy or the target ended them), requests answered, and what each fault did.
 */
import net from 'node:net';
import type { Fault } from '../scenario/schema.js';
import { whyProxyCannotApply } from '../scenario/proxy-faults.js';
import { ServedConnection } from '../faults/connection.js';
import { CountingListener } from '../faults/listener.js';

/** One client connection through the proxy; `requestsInProgress` is 1 while the client waits for an answer. */
class Passage extends ServedConnection {
  /** The connection to the target: opened only once the client's connection is admitted. */
  target: net.Socket | undefined;
}

export function createFaultProxy(to: { host: string; port: number }, faults: Fault[]): FaultProxy {
  return new FaultProxy(to, faults);
}

export class FaultProxy extends CountingListener<Passage> {
  constructor(
    private readonly to: { host: string; port: number },
    faults: Fault[],
  ) {
    for (const fault of faults) {
      const problem = whyProxyCannotApply(fault);
      if (problem) throw new Error(problem.message);
    }
    super(net.createServer(), faults);
  }

  // --- fault actions (FaultActions) -------------------------------------------------------

  protected reset(passage: Passage): void {
    passage.tcpSocket.resetAndDestroy();
  }

  protected finish(passage: Passage): void {
    passage.tcpSocket.end();
  }

  /** Bytes are never HTTP/2 to the proxy (no passage is multiplexed): a FIN. */
  protected goaway(passage: Passage): void {
    this.finish(passage);
  }

  /** hang and stall: nothing is forwarded any more, nothing closes. */
  protected stall(passage: Passage): void {
    passage.tcpSocket.pause();
  }

  // --- passages -----------------------------------------------------------------------------

  protected accept(client: net.Socket): void {
    const passage = new Passage(client, this.epoch);
    client.on('error', () => this.destroy(passage));
    client.on('end', () => passage.target?.end());
    client.on('data', (chunk: Buffer) => this.onClientData(passage, chunk));
    client.on('drain', () => passage.target?.resume());
    // Admission and the accept faults come first: a connection they take never reaches the target.
    if (this.register(passage)) this.connectTarget(passage);
  }

  protected destroy(passage: Passage): void {
    passage.tcpSocket.destroy();
    passage.target?.destroy();
  }

  protected override onClosed(passage: Passage): void {
    this.destroy(passage);
  }

  private connectTarget(passage: Passage): void {
    const target = net.connect(this.to.port, this.to.host);
    passage.target = target;
    target.on('error', () => {
      // The target failed (refused, reset): its doing, though not a close it decided (closedByServer).
      passage.closeCause ??= 'target';
      this.destroy(passage);
    });
    target.once('close', () => {
      if (passage.faults.stalled || passage.tcpSocket.destroyed) return;
      passage.closedForCause('target');
      passage.tcpSocket.end();
    });
    target.on('data', (chunk: Buffer) => this.onTargetData(passage, chunk));
    target.on('drain', () => !passage.faults.stalled && passage.tcpSocket.resume());
  }

  private onClientData(passage: Passage, chunk: Buffer): void {
    // Stalled, or on its way out (a fault, the target): nothing more goes to the target.
    if (passage.faults.stalled || passage.closedByServer || passage.target === undefined) return;
    if (passage.requestsInProgress === 0) {
      passage.requestsInProgress = 1;
      if (this.requestTakenByFault(passage)) return;
    }
    if (!passage.target.write(chunk)) passage.tcpSocket.pause();
  }

  /** The first bytes of a request: true when a fault struck it. */
  private requestTakenByFault(passage: Passage): boolean {
    const fault = this.plan.onRequest(passage);
    if (fault === undefined) return false;
    if (fault === 'lost') return true;
    if (fault.type === 'reset') this.plan.close(passage, fault.type, 'rst');
    else if (fault.type === 'empty_response') this.plan.close(passage, fault.type, 'fin');
    else this.plan.stall(passage); // hang, stall
    return true;
  }

  private onTargetData(passage: Passage, chunk: Buffer): void {
    if (passage.faults.stalled) return;
    if (passage.requestsInProgress > 0) {
      passage.answered++;
      this.counts.requests++;
    }
    passage.requestsInProgress = 0;
    this.plan.wentIdle(passage);
    if (!passage.tcpSocket.write(chunk)) passage.target!.pause();
  }
}
