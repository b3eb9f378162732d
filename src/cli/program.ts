/**
 * The commands, their arguments and options, and their help. Each action loads its command's
 * module when it runs (a dynamic import): `poolbench --help` and `poolbench validate` start
 * without undici, the live view, autocannon or the histograms, which only `run` and `plan` need.
 * Everything imported here statically is loaded by every command: keep it small.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from './io.js';
import type { RunCommandOptions } from './commands/run.js';
import type { PlanCommandOptions } from './commands/plan.js';
import type { CompareCommandOptions } from './commands/compare.js';
import type { ReportCommandOptions } from './commands/report.js';
import type { ServeOptions } from './commands/serve.js';
import type { ProxyOptions } from './commands/proxy.js';
import { reportFormats, type ReportFormat } from '../report/formats.js';
import { ExitCode } from '../exit-codes.js';
import { poolbenchVersion } from '../package-info.js';
import { redactCredentials } from '../credentials.js';

/** Runs a command and keeps its exit code; commands never call process.exit. */
type Execute = (command: () => Promise<number>) => Promise<void>;

/** The program; every command it runs hands its exit code to `setExitCode`. */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('poolbench')
    .description('Load-test and benchmark HTTP client connection pools.')
    .version(poolbenchVersion)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(redactCredentials(s)) })
    .showSuggestionAfterError();
  const execute: Execute = async (command) => setExitCode(await command());
  addLoadCommands(program, io, execute);
  addReportCommands(program, io, execute);
  addScenarioCommands(program, io, execute);
  addServerCommands(program, io, execute);
  return program;
}

const OWN_TARGET_HELP = "the target is yours: lift the safety caps (rate, duration) on a target that is not on this machine";

/** `run` and `plan`: the commands that send load. */
function addLoadCommands(program: Command, io: CliIo, execute: Execute): void {
  program
    .command('run')
    .description('run every variant of a scenario and print the comparison; writes a JSON report')
    .argument('<scenario>', 'scenario YAML file')
    .option('-o, --out <file>', 'where to write the JSON report (default: reports/<scenario>-<time>.json)')
    .option('-q, --quiet', 'print only the final table, no progress lines')
    .option('-f, --format <list>', `also write these reports beside the JSON one, comma-separated: ${reportFormats.join(', ')}`, parseFormatList)
    .option('--allow-saturation', `exit 0 even when the load generator could not keep up (otherwise ${ExitCode.GeneratorSaturated})`)
    .option('--repeat <n>', "trials per variant, interleaved (A B A B …); the gate tests significance across them (default: the scenario's gate.trials, else 1)")
    .option('--set <key=value>', 'override a scenario value before validation, e.g. upstream.latency=13ms (repeatable)', collect, [])
    .option('--baseline <file>', 'compare with a saved report; exit 100 on a regression, or when no variant or figure could be compared')
    .option('--save-baseline <file>', 'also write the report here, for later --baseline runs')
    .option('--min-effect <percent>', "the smallest change the baseline comparison counts (default: the scenario's gate.minEffect, else 5%)")
    .option('--no-fail', 'report failed thresholds and regressions but exit 0')
    .option('--own-target', OWN_TARGET_HELP)
    .action((file: string, options: RunCommandOptions) => execute(async () => (await import('./commands/run.js')).runCommand(file, options, io)));

  program
    .command('plan')
    .description("capacity planning: sweep pool sizes and rates from the scenario's plan: section and recommend a pool size")
    .argument('<scenario>', 'scenario YAML file with a plan: section')
    .option('-o, --out <file>', 'where to write the plan as JSON (default: reports/<scenario>-plan-<time>.json)')
    .option('-q, --quiet', 'no progress line per step')
    .option('--own-target', OWN_TARGET_HELP)
    .action((file: string, options: PlanCommandOptions) => execute(async () => (await import('./commands/plan.js')).planCommand(file, options, io)));
}

/** `report` and `compare`: the commands that read saved reports. */
function addReportCommands(program: Command, io: CliIo, execute: Execute): void {
  program
    .command('report')
    .description('render a saved run (the JSON report) in another format')
    .argument('<run>', 'JSON report written by `poolbench run`')
    .addOption(new Option('-f, --format <format>', 'output format').choices(reportFormats).default('table'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action((file: string, options: ReportCommandOptions) => execute(async () => (await import('./commands/report.js')).reportCommand(file, options, io)));

  program
    .command('compare')
    .description('compare two JSON reports, per variant and metric: better, worse or no change (tested for significance with 4 or more trials a side)')
    .argument('<base>', 'the baseline report (JSON)')
    .argument('<current>', 'the report to judge (JSON)')
    .option('--min-effect <percent>', "the smallest change that counts (default: the current report's scenario's gate.minEffect, else 5%)")
    .addOption(new Option('--format <format>', 'output format').choices(['terminal', 'markdown']).default('terminal'))
    .option('--no-fail', 'report regressions but exit 0')
    .action((base: string, current: string, options: CompareCommandOptions) => execute(async () => (await import('./commands/compare.js')).compareCommand(base, current, options, io)));
}

/** `validate`: checks a scenario file and sends nothing. */
function addScenarioCommands(program: Command, io: CliIo, execute: Execute): void {
  program
    .command('validate')
    .description('check a scenario file without running it')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value>', 'override a scenario value before validation, as `run --set` does (repeatable)', collect, [])
    .action((file: string, options: { set: string[] }) => execute(async () => (await import('./commands/validate.js')).validateCommand(file, io, options.set)));
}

/** `serve` and `proxy`: servers that run until Ctrl-C. */
function addServerCommands(program: Command, io: CliIo, execute: Execute): void {
  program
    .command('serve')
    .description('run the bundled upstream on its own and print its URL (for curl, wrk, any client)')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '0')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .addOption(new Option('--protocol <protocol>', 'http, https, h2 (HTTP/2 over TLS, http/1.1 fallback) or h2c (cleartext HTTP/2)').choices(['http', 'https', 'h2', 'h2c']).default('http'))
    .option('--rtt <duration>', 'simulated round-trip time, e.g. 50ms', '0')
    .option('--latency <duration>', 'fixed server think time per request', '0')
    .option('--body-size <size>', 'response body size, e.g. 1kb', '0')
    .option('--keep-alive-timeout <duration>', 'idle time before the server closes a connection', '5s')
    .option('--scenario <file>', "take the upstream settings from a scenario's `upstream:` section")
    .action((options: ServeOptions) => execute(async () => (await import('./commands/serve.js')).serveCommand(options, io)));

  program
    .command('proxy')
    .description('a TCP proxy that injects connection-level faults in front of any server')
    .requiredOption('--to <url>', 'the server to forward to, e.g. http://127.0.0.1:8080')
    .option('--fault <spec>', 'a fault, e.g. reset:on=idle,idle=2s or refuse:at=10s,for=5s (repeatable)', collect, [])
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '0')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action((options: ProxyOptions) => execute(async () => (await import('./commands/proxy.js')).proxyCommand(options, io)));
}

function parseFormatList(value: string): ReportFormat[] {
  const formats = value.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !(reportFormats as readonly string[]).includes(f));
  if (unknown.length || !formats.length) throw new InvalidArgumentError(`expected a comma-separated list of ${reportFormats.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  return formats as ReportFormat[];
}

/** Commander's accumulator for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
