/**
 * The command line: commander wiring and one top-level catch. Commands are thin; they return
 * an exit code and never call process.exit, so tests run them in-process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from './io.js';
import { runCommand, type RunCommandOptions } from './commands/run.js';
import { compareCommand, type CompareCommandOptions } from './commands/compare.js';
import { validateCommand } from './commands/validate.js';
import { serveCommand } from './commands/serve.js';
import { reportCommand } from './commands/report.js';
import { planCommand, type PlanCommandOptions } from './commands/plan.js';
import { reportFormats, type ReportFormat } from '../report/index.js';
import { proxyCommand } from './commands/proxy.js';
import { PoolbenchError, ScenarioError, formatProblem } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { poolbenchVersion } from '../package-info.js';
import { redactCredentials } from '../credentials.js';
import { visibleText } from '../report/escape.js';

export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const program = new Command('poolbench')
    .description('Load-test and benchmark HTTP client connection pools.')
    .version(poolbenchVersion)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(redactCredentials(s)) })
    .showSuggestionAfterError();

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
    .action(async (file: string, options: RunCommandOptions) => {
      exitCode = await runCommand(file, options, io);
    });

  program
    .command('plan')
    .description("capacity planning: sweep pool sizes and rates from the scenario's plan: section and recommend a pool size")
    .argument('<scenario>', 'scenario YAML file with a plan: section')
    .option('-o, --out <file>', 'where to write the plan as JSON (default: reports/<scenario>-plan-<time>.json)')
    .option('-q, --quiet', 'no progress line per step')
    .option('--own-target', OWN_TARGET_HELP)
    .action(async (file: string, options: PlanCommandOptions) => {
      exitCode = await planCommand(file, options, io);
    });

  program
    .command('report')
    .description('render a saved run (the JSON report) in another format')
    .argument('<run>', 'JSON report written by `poolbench run`')
    .addOption(new Option('-f, --format <format>', 'output format').choices(reportFormats).default('table'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (file: string, options: { format: ReportFormat; out?: string }) => {
      exitCode = await reportCommand(file, options, io);
    });

  program
    .command('compare')
    .description('compare two JSON reports, per variant and metric: better, worse or no change (tested for significance with 4 or more trials a side)')
    .argument('<base>', 'the baseline report (JSON)')
    .argument('<current>', 'the report to judge (JSON)')
    .option('--min-effect <percent>', "the smallest change that counts (default: the current report's scenario's gate.minEffect, else 5%)")
    .addOption(new Option('--format <format>', 'output format').choices(['terminal', 'markdown']).default('terminal'))
    .option('--no-fail', 'report regressions but exit 0')
    .action(async (base: string, current: string, options: CompareCommandOptions) => {
      exitCode = await compareCommand(base, current, options, io);
    });

  program
    .command('validate')
    .description('check a scenario file without running it')
    .argument('<scenario>', 'scenario YAML file')
    .option('--set <key=value>', 'override a scenario value before validation, as `run --set` does (repeatable)', collect, [])
    .action(async (file: string, options: { set: string[] }) => {
      exitCode = await validateCommand(file, io, options.set);
    });

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
    .action(async (options) => {
      exitCode = await serveCommand(options, io);
    });

  program
    .command('proxy')
    .description('a TCP proxy that injects connection-level faults in front of any server')
    .requiredOption('--to <url>', 'the server to forward to, e.g. http://127.0.0.1:8080')
    .option('--fault <spec>', 'a fault, e.g. reset:on=idle,idle=2s or refuse:at=10s,for=5s (repeatable)', (spec: string, all: string[]) => [...all, spec], [] as string[])
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '0')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action(async (options) => {
      exitCode = await proxyCommand(options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function parseFormatList(value: string): ReportFormat[] {
  const formats = value.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = formats.filter((f) => !(reportFormats as string[]).includes(f));
  if (unknown.length || !formats.length) throw new InvalidArgumentError(`expected a comma-separated list of ${reportFormats.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  return formats as ReportFormat[];
}

const OWN_TARGET_HELP = "the target is yours: lift the safety caps (rate, duration) on a target that is not on this machine";

/** Commander's accumulator for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The one place errors become text and exit codes: user errors without a stack, bugs with one. */
function reportError(error: unknown, io: CliIo): number {
  // A message may quote the scenario (a name, a target URL with its password): one safe line each.
  const line = (text: string) => io.stderr.write(visibleText(redactCredentials(text)) + '\n');
  if (error instanceof CommanderError) {
    // commander already printed the message (or the help/version text).
    return error.exitCode === 0 ? ExitCode.Success : ExitCode.InvalidInput;
  }
  if (error instanceof ScenarioError) {
    for (const problem of error.problems) line(formatProblem(problem));
    line(`${error.message}; nothing was run`);
    return error.exitCode;
  }
  if (error instanceof PoolbenchError) {
    line(`error: ${error.message}`);
    if (error.hint) line(`hint: ${error.hint}`);
    return error.exitCode;
  }
  // The stack keeps its line breaks (a bug report needs them), but not a password.
  io.stderr.write(`internal error — please report it with the lines below:\n${redactCredentials(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  return ExitCode.RunError;
}
