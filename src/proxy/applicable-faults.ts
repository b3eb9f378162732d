/**
 * Which faults the fault proxy can apply, and where it sends traffic: shared by the proxy, the
 * `proxy` command and the scenario schema (`target` + `faults`). Type imports only, so the
 * schema can use it without an import cycle.
 */
import type { Fault, FaultType } from '../scenario/schema.js';

/** The faults a byte-level proxy can apply; the others need to speak HTTP. */
export const PROXY_FAULT_TYPES: readonly FaultType[] = ['reset', 'empty_response', 'hang', 'stall', 'idle_close', 'refuse', 'conn_limit'];

/** Why the proxy cannot apply `fault` (and the key at fault), or undefined when it can. */
export function whyProxyCannotApply(fault: Fault): { key: 'type' | 'action'; message: string } | undefined {
  if (fault.type === 'conn_limit' && fault.action === '503') return { key: 'action', message: 'the proxy sees bytes, not HTTP, and cannot answer 503: use action close or reset' };
  if (!PROXY_FAULT_TYPES.includes(fault.type)) return { key: 'type', message: `the proxy sees bytes, not HTTP, and cannot apply ${fault.type}; it can ${PROXY_FAULT_TYPES.join(', ')}` };
  return undefined;
}

/** The host and port the proxy forwards to, from a target URL. */
export function proxyDestination(url: URL): { host: string; port: number } {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}
