import type { CliIo } from '../io.js';
import { FaultSchema, type Fault } from '../../scenario/schema.js';
import { createFaultProxy } from '../../proxy/fault-proxy.js';
import { proxyDestination } from '../../proxy/destination.js';
import { PROXY_FAULT_TYPES, whyProxyCannotApply } from '../../scenario/proxy-faults.js';
import { ExitCode } from '../../exit-codes.js';
import { waitForInterrupt } from '../interrupt.js';
import { invalidOption } from '../invalid-option.js';
import { parsePort } from '../port.js';

export interface ProxyOptions {
  to: string;
  fault: string[];
  port: string;
  host: string;
}

const TRIGGER_KEYS = new Set(['on', 'nth', 'idle', 'probability', 'at', 'for']);

/**
 * Runs the fault proxy in this process until Ctrl-C (it generates no load, so nothing shares
 * its event loop), then prints what each fault did.
 */
export async function proxyCommand(options: ProxyOptions, io: CliIo): Promise<number> {
  const to = parseTarget(options.to);
  const faults = options.fault.map(parseFaultSpec);
  const port = parsePort(options.port);
  const proxy = createFaultProxy(to, faults);
  const boundPort = await proxy.listen(port, options.host);
  io.stdout.write(`tcp://${options.host}:${boundPort} -> ${to.host}:${to.port}\n`);
  io.stderr.write(`proxying with ${faults.map((f) => f.type).join(', ') || 'no faults'}; Ctrl-C to stop\n`);
  const signal = await waitForInterrupt(io);
  const counters = proxy.counters();
  await proxy.close();
  const summary = Object.entries(counters.faults ?? {}).map(([type, c]) => `${type}: struck ${c!.struck}, closed ${c!.connectionsClosed}`);
  io.stderr.write(`${signal}: stopped${summary.length ? `; ${summary.join('; ')}` : ''}\n`);
  return ExitCode.Success;
}

function parseTarget(text: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidOption(`--to: expected a URL such as http://127.0.0.1:8080, but found ${JSON.stringify(text)}`);
  }
  return proxyDestination(url);
}

/**
 * `type[:key=value,...]`, e.g. `reset:on=idle,idle=2s` or `refuse:at=10s,for=5s`: trigger keys
 * go to the trigger, the others to the fault; the scenario schema checks the result.
 */
export function parseFaultSpec(spec: string): Fault {
  const [type, params = ''] = spec.split(/:(.*)/s);
  const fault: Record<string, unknown> = { type };
  const trigger: Record<string, unknown> = {};
  for (const pair of params.split(',').filter(Boolean)) {
    const [key, value] = pair.split('=');
    if (value === undefined) throw invalidOption(`--fault ${spec}: expected key=value, but found ${JSON.stringify(pair)}`);
    const parsed = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
    (TRIGGER_KEYS.has(key) ? trigger : fault)[key] = parsed;
  }
  fault.trigger = trigger;
  const result = FaultSchema.safeParse(fault);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw invalidOption(`--fault ${spec}: ${where}${issue.message}`, `the proxy's faults are ${PROXY_FAULT_TYPES.join(', ')}`);
  }
  const problem = whyProxyCannotApply(result.data);
  if (problem) throw invalidOption(`--fault ${spec}: ${problem.message}`);
  return result.data;
}
