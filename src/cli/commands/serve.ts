import type { CliIo } from '../io.js';
import { UpstreamSchema, type UpstreamConfig } from '../../scenario/schema.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { createUpstreamServer } from '../../upstream/server.js';
import { urlScheme } from '../../upstream/protocol.js';
import { ExitCode } from '../../exit-codes.js';
import { waitForInterrupt } from '../interrupt.js';
import { invalidOption } from '../invalid-option.js';
import { parsePort } from '../port.js';

export interface ServeOptions {
  port: string;
  host: string;
  protocol: UpstreamConfig['protocol'];
  rtt: string;
  latency: string;
  bodySize: string;
  keepAliveTimeout: string;
  scenario?: string;
}

/**
 * Runs the bundled upstream in this process until Ctrl-C. In-process is right here: this
 * process generates no load, so nothing shares its event loop.
 */
export async function serveCommand(options: ServeOptions, io: CliIo): Promise<number> {
  const config = options.scenario ? await upstreamOfScenario(options.scenario) : upstreamFromFlags(options);
  const port = parsePort(options.port);
  const server = createUpstreamServer(config);
  const boundPort = await server.listen(port, options.host);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  io.stdout.write(`${urlScheme(config.protocol)}://${host}:${boundPort}\n`);
  io.stderr.write(`serving ${config.protocol} (rtt ${config.rtt} ms); Ctrl-C to stop\n`);

  const signal = await waitForInterrupt(io);
  const counters = await server.counters();
  await server.close();
  io.stderr.write(`${signal}: stopped after ${counters.requests} requests on ${counters.connectionsAccepted} connections\n`);
  return ExitCode.Success;
}

async function upstreamOfScenario(file: string): Promise<UpstreamConfig> {
  const scenario = await loadScenarioFile(file);
  if (!scenario.upstream) {
    throw invalidOption(`${file} names a target, not a bundled upstream`);
  }
  return scenario.upstream;
}

/** Flags go through the scenario schema, so they accept exactly what a scenario file does. */
function upstreamFromFlags(options: ServeOptions): UpstreamConfig {
  const parsed = UpstreamSchema.safeParse({
    protocol: options.protocol,
    rtt: options.rtt,
    latency: options.latency,
    response: { bodySize: options.bodySize },
    keepAlive: { timeout: options.keepAliveTimeout },
  });
  if (parsed.success) return parsed.data;
  const flagOf: Record<string, string> = { rtt: '--rtt', latency: '--latency', response: '--body-size', keepAlive: '--keep-alive-timeout', protocol: '--protocol' };
  const issue = parsed.error.issues[0];
  const flag = flagOf[String(issue.path[0])] ?? String(issue.path[0]);
  throw invalidOption(`${flag}: ${issue.message}`);
}
