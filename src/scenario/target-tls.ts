/**
 * A target's TLS files (`ca`, `cert`, `key`): paths are relative to the scenario file's folder,
 * as a CI checkout moves the two together. They are checked when the file is loaded, so a missing
 * or wrong file is an error at its line before anything runs, not a run where every request
 * fails; their contents are read only when the run starts, and never stored in the scenario (a
 * report holds the paths, not the private key).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PoolbenchError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { TargetTls } from './schema.js';
import type { Finding } from './yaml-locations.js';

const FILE_KEYS = ['ca', 'cert', 'key'] as const;
type FileKey = (typeof FILE_KEYS)[number];

/** What each file must hold, and how to say so. */
const EXPECTED: Record<FileKey, { pattern: RegExp; what: string }> = {
  ca: { pattern: /-----BEGIN CERTIFICATE-----/, what: 'a PEM certificate (-----BEGIN CERTIFICATE-----)' },
  cert: { pattern: /-----BEGIN CERTIFICATE-----/, what: 'a PEM certificate (-----BEGIN CERTIFICATE-----)' },
  key: { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a PEM private key (-----BEGIN … PRIVATE KEY-----)' },
};

/** The TLS material the clients are given: file contents, not paths. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  insecure?: boolean;
}

/** A PEM bundle of many CAs is a few hundred kilobytes; more is not a certificate file. */
const MAX_TLS_FILE_BYTES = 1024 * 1024;

/**
 * The file's text, read only when it is a regular file of at most MAX_TLS_FILE_BYTES: a path to
 * /dev/zero would fill memory, and one to a FIFO would block the load for ever.
 */
function readTlsFile(path: string): string {
  const stats = statSync(path);
  if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREGULAR' });
  if (stats.size > MAX_TLS_FILE_BYTES) throw Object.assign(new Error('too large'), { code: 'ETOOLARGE' });
  return readFileSync(path, 'utf8');
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ENOTREGULAR') return 'it is not a regular file';
  if (code === 'ETOOLARGE') return `it is larger than ${MAX_TLS_FILE_BYTES / 1024 / 1024} MiB`;
  return code ?? String(error);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `path` as written in `scenarioFile`: relative paths start from the file's folder. */
export function resolveFromScenario(path: string, scenarioFile: string): string {
  return resolve(dirname(scenarioFile), path);
}

/** Problems with the files the written `target:` names, each at its key's line. */
export function targetTlsFileFindings(written: unknown, scenarioFile: string): Finding[] {
  if (!isPlainObject(written) || !isPlainObject(written.target)) return [];
  const target = written.target;
  return FILE_KEYS.flatMap((key) => {
    const path = target[key];
    if (typeof path !== 'string' || path === '') return []; // the schema reports those
    const problem = fileProblem(key, resolveFromScenario(path, scenarioFile));
    return problem ? [{ path: ['target', key], ...problem }] : [];
  });
}

function fileProblem(key: FileKey, path: string): { message: string; hint?: string } | undefined {
  let text: string;
  try {
    text = readTlsFile(path);
  } catch (error) {
    return { message: `cannot read the ${key} file ${path}: ${readProblem(error)}`, hint: 'a relative path starts from the scenario file\'s folder' };
  }
  // Never quote the contents: this may be a private key.
  if (!EXPECTED[key].pattern.test(text)) return { message: `the ${key} file ${path} does not hold ${EXPECTED[key].what}` };
  return undefined;
}

/** The object form's TLS settings, paths resolved; undefined when there are none. */
export function targetTlsOf(target: { ca?: string; serverName?: string; cert?: string; key?: string; insecure: boolean }, scenarioFile: string): TargetTls | undefined {
  const { ca, serverName, cert, key, insecure } = target;
  if (ca === undefined && serverName === undefined && cert === undefined && key === undefined && !insecure) return undefined;
  return {
    ...(ca !== undefined && { ca: resolveFromScenario(ca, scenarioFile) }),
    ...(serverName !== undefined && { serverName }),
    ...(cert !== undefined && { cert: resolveFromScenario(cert, scenarioFile) }),
    ...(key !== undefined && { key: resolveFromScenario(key, scenarioFile) }),
    insecure,
  };
}

/** Reads the files when the run starts; a file gone since the scenario was loaded is an input error. */
export async function readTargetTls(tls: TargetTls | undefined): Promise<TlsMaterial> {
  if (tls === undefined) return {};
  const read = (key: FileKey): string | undefined => {
    const path = tls[key];
    if (path === undefined) return undefined;
    try {
      return readTlsFile(path);
    } catch (error) {
      throw new PoolbenchError(`cannot read the target's ${key} file ${path}: ${readProblem(error)}`, { code: 'POOLBENCH_TLS_FILE', exitCode: ExitCode.InvalidInput });
    }
  };
  const [ca, cert, key] = [read('ca'), read('cert'), read('key')];
  return {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(tls.serverName !== undefined && { serverName: tls.serverName }),
    ...(tls.insecure && { insecure: true }),
  };
}
