/**
 * Which faults the fault proxy can apply: a rule of the scenario language (`target` + `faults`),
 * used by the schema, the `proxy` command and the proxy itself.
 *
 * It reads a fault structurally (its type and action) instead of importing the schema's `Fault`
 * type: the schema uses this rule, so an import back would be a cycle.
 */

/** The faults a byte-level proxy can apply; the others need to speak HTTP. */
export const PROXY_FAULT_TYPES = ['reset', 'empty_response', 'hang', 'stall', 'idle_close', 'refuse', 'conn_limit'] as const;

/** Why the proxy cannot apply `fault` (and the key at fault), or undefined when it can. */
export function whyProxyCannotApply(fault: { type: string; action?: string }): { key: 'type' | 'action'; message: string } | undefined {
  if (fault.type === 'conn_limit' && fault.action === '503') return { key: 'action', message: 'the proxy sees bytes, not HTTP, and cannot answer 503: use action close or reset' };
  if (!(PROXY_FAULT_TYPES as readonly string[]).includes(fault.type)) return { key: 'type', message: `the proxy sees bytes, not HTTP, and cannot apply ${fault.type}; it can ${PROXY_FAULT_TYPES.join(', ')}` };
  return undefined;
}
