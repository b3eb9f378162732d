/**
 * Client kind -> client. Adding a client kind means one file and one case here; with `strict`,
 * a kind without a case does not compile. See clients/types.ts for what the runner does with it.
 */
import type { Variant } from '../scenario/schema.js';
import type { Client, RequestClient, RequestVariant } from './types.js';
import { IGNORE_POOL, type PoolListener } from './pool-observer.js';
import type { Target } from './target.js';
import { UndiciClient } from './undici.js';
import { NodeHttpClient } from './node-http.js';
import { NodeHttp2Client } from './node-http2.js';
import { FetchClient } from './fetch.js';
import { AutocannonEngine } from './autocannon.js';

/** The variant's client: a request client (with its deadline and retries), or autocannon's engine. */
export function createClient(variant: RequestVariant, target: Target, pool?: PoolListener): RequestClient;
export function createClient(variant: Variant, target: Target, pool?: PoolListener): Client;
export function createClient(variant: Variant, target: Target, pool: PoolListener = IGNORE_POOL): Client {
  switch (variant.client) {
    case 'undici':
      return new UndiciClient(variant, target, pool);
    case 'node-http':
      return new NodeHttpClient(variant, target, pool);
    case 'node-http2':
      return new NodeHttp2Client(variant, target, pool);
    case 'fetch':
      return new FetchClient(variant, target, pool);
    case 'autocannon':
      return new AutocannonEngine(variant, target, pool);
  }
}

export type { Client, RequestClient, RequestVariant } from './types.js';
export type { Target } from './target.js';
