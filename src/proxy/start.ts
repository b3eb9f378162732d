/**
 * `target` + `faults`: the fault proxy in front of the target, in its own process as the bundled
 * upstream is (a proxy served from the clients' event loop would be measured with them), seen by
 * the runner as its upstream: the clients go to the proxy, whose counters say what each fault did.
 */
import type { Fault } from '../scenario/schema.js';
import type { UpstreamGroup } from '../upstream/instances.js';
import { startServingProcess } from '../upstream/start.js';
import { proxyDestination } from './destination.js';

export async function startFaultProxy(target: URL, faults: Fault[]): Promise<UpstreamGroup> {
  const url = (port: number) => `${target.protocol}//127.0.0.1:${port}`;
  const handle = await startServingProcess({ type: 'start-proxy', to: proxyDestination(target), faults }, 'fault proxy', (port) => ({ url: url(port), caFile: undefined }));
  // Object.assign, not a spread: a spread would read the `exited` getter, which holds the event loop.
  return Object.assign(handle, { urls: [handle.url] });
}
