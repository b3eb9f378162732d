/**
 * Runs the fake upstream (or, for `startFaultProxy`, the fault proxy) in a child process and
 * hands the runner an `UpstreamHandle` to it.
 *
 * No upstream process may outlive poolbench: the child exits by itself when the IPC channel
 * drops (parent killed), and an `exit` hook here kills children still alive when the parent
 * exits (process.exit, uncaught error). The child keeps the parent's event loop alive only while
 * the parent waits on it (a call, `stop()`, `exited`), so a run that forgot `stop()` still ends —
 * and takes the child with it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { UpstreamConfig } from '../scenario/schema.js';
import { IpcCalls, type Answer, type Call, type FromUpstream, type ToUpstream } from './ipc.js';
import { tlsFixtureFiles } from './tls-fixtures.js';
import { urlScheme, usesTls } from './protocol.js';
import type { UpstreamHandle } from './types.js';

/** Forking node and loading the server takes well under a second; this is for a stuck machine. */
const START_TIMEOUT_MS = 30_000;
/** How long `stop()` lets the child close its connections before killing it. */
const STOP_GRACE_MS = 2_000;

const UPSTREAM_ENTRY = fileURLToPath(new URL('./process.js', import.meta.url));

type ExitStatus = Awaited<UpstreamHandle['exited']>;

/** Children that have not exited yet, for the exit hook. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

export function startUpstream(config: UpstreamConfig): Promise<UpstreamHandle> {
  return startServingProcess({ type: 'start', config }, 'upstream', (port) => ({
    url: `${urlScheme(config.protocol)}://127.0.0.1:${port}`,
    caFile: usesTls(config.protocol) ? tlsFixtureFiles().caFile : undefined,
  }));
}

/** What the child serves once it listens on `port`: the URL clients use, and the CA they trust. */
type Address = (port: number) => Pick<UpstreamHandle, 'url' | 'caFile'>;

/**
 * Forks the serving process, sends it `startMessage`, and resolves once it listens. `what` names
 * it in errors ("the upstream could not start").
 */
export async function startServingProcess(startMessage: Extract<ToUpstream, { type: 'start' | 'start-proxy' }>, what: string, address: Address): Promise<UpstreamHandle> {
  const serving = new ServingProcess(what);
  const port = await serving.start(startMessage);
  return serving.handle(port, address);
}

/** One serving child process, from fork to exit. */
class ServingProcess {
  private readonly child: ChildProcess;
  /** Calls awaiting the child's answer. */
  private readonly calls: IpcCalls;
  private readonly exited: Promise<ExitStatus>;
  private readonly holdLoop: <T>(promise: Promise<T>) => Promise<T>;
  private stopRequested = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly what: string) {
    installExitHook();
    const child = fork(UPSTREAM_ENTRY, [], {
      // The parent's flags (--test, --inspect, loaders) are not the upstream's business.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    liveChildren.add(child);
    // A send that fails means the child is going away; its `exit` fails the call.
    this.calls = new IpcCalls((message) => child.send(message, ignoreSendError));
    this.exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        this.calls.failAll(upstreamGone(what, code, signal));
        resolve({ code, signal, expected: this.stopRequested });
      });
    });
    child.on('message', (message: FromUpstream) => this.calls.receive(message));
    this.holdLoop = createLoopHold(child);
  }

  /** Resolves with the port once the child listens; a child that cannot start is killed. */
  async start(startMessage: ToUpstream): Promise<number> {
    try {
      return await this.holdLoop(waitForReady(this.child, startMessage, this.what, this.exited));
    } catch (error) {
      this.stopRequested = true;
      this.child.kill('SIGKILL');
      throw error;
    }
  }

  handle(port: number, address: Address): UpstreamHandle {
    const holdLoop = this.holdLoop;
    const exited = this.exited;
    return {
      ...address(port),
      port,
      pid: this.child.pid!,
      counters: async () => (await this.call('counters')).counters,
      resetCounters: async () => {
        await this.call('reset');
      },
      stop: () => (this.stopping ??= this.holdLoop(this.stopChild())),
      // Waiting for the exit is waiting on the child, so it holds the event loop like any other call.
      get exited() {
        return holdLoop(exited);
      },
    };
  }

  private call<T extends Call>(type: T): Promise<Answer<T>> {
    const { child } = this;
    if (!child.connected) return Promise.reject(upstreamGone(this.what, child.exitCode, child.signalCode));
    return this.holdLoop(this.calls.call(type));
  }

  private async stopChild(): Promise<void> {
    const { child } = this;
    this.stopRequested = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' } satisfies ToUpstream, ignoreSendError);
    const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killTimer);
  }
}

/** Sends the start message and resolves with the port once the child listens. */
function waitForReady(child: ChildProcess, startMessage: ToUpstream, what: string, exited: Promise<ExitStatus>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const fail = (message: string, hint?: string, cause?: unknown) => {
      cleanup();
      reject(new PoolbenchError(message, { code: 'POOLBENCH_UPSTREAM_START', exitCode: ExitCode.RunError, hint, cause }));
    };
    const onMessage = (message: FromUpstream) => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message.port);
      } else if (message.type === 'error') {
        fail(`the ${what} could not start: ${message.message}`, message.code === 'EADDRINUSE' ? 'the port is in use' : undefined);
      }
    };
    const onSpawnError = (error: Error) => fail(`the ${what} process could not be started: ${error.message}`, undefined, error);
    const timer = setTimeout(
      () => fail(`the ${what} did not start within ${START_TIMEOUT_MS / 1000}s`, 'is the machine overloaded?'),
      START_TIMEOUT_MS,
    );
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('error', onSpawnError);
    };
    child.on('message', onMessage);
    child.once('error', onSpawnError);
    // A child that dies before it is ready; after an `error` message or `ready`, this is a no-op.
    void exited.then(({ code, signal }) => fail(`the ${what} process exited before it was ready (${describeExit(code, signal)})`));
    child.send(startMessage, ignoreSendError);
  });
}

/**
 * The child's process handle and IPC channel would keep the parent alive as long as the child
 * lives. They are held only while the parent waits on the child; otherwise the parent may end,
 * and its exit hook kills the child. Returns a wrapper that holds them until a promise settles.
 */
function createLoopHold(child: ChildProcess): <T>(promise: Promise<T>) => Promise<T> {
  let waiting = 0;
  const setHeld = (held: boolean) => {
    if (held) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };
  setHeld(false);
  return (promise) => {
    if (waiting++ === 0) setHeld(true);
    return promise.finally(() => {
      if (--waiting === 0) setHeld(false);
    });
  };
}

/** With a callback, a failed send is not thrown as an `error` event; the child's `exit` reports it. */
function ignoreSendError(): void {}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

function upstreamGone(what: string, code: number | null, signal: NodeJS.Signals | null): PoolbenchError {
  return new PoolbenchError(`the ${what} process has exited (${describeExit(code, signal)})`, {
    code: 'POOLBENCH_UPSTREAM_EXITED',
    exitCode: ExitCode.RunError,
  });
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `killed by ${signal}` : `exit code ${code}`;
}
