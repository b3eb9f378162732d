/**
 * Client kind -> client. Adding a client kind means one file and one case here; with `strict`,
 * a kind without a case does not compile. See clients/types.ts for what the runner does with it.
 */
import type { Variant } from '../scenario/schema.js';
import type { Client, ConnectListener, RequestClient, RequestVariant } from './types.js';
import type { Target } from './target.js';
import { UndiciClient } from './undici.js';
import { NodeHttpClient } from './node-http.js';
import { NodeHttp2Client } from './node-http2.js';
import { FetchClient } from './fetch.js';
import { AutocannonEngine } from './autocannon.js';

/** The variant's client: a request client (with its deadline and retries), or autocannon's engine. */
export function createClient(variant: RequestVariant, target: Target, onConnect: ConnectListener): RequestClient;
export function createClient(variant: Variant, target: Target, onConnect: ConnectListener): Client;
export function createClient(variant: Variant, target: Target, onConnect: ConnectListener): Client {
  switch (variant.client) {
    case 'undici':
      return new UndiciClient(variant, target, onConnect);
    case 'node-http':
      return new NodeHttpClient(variant, target, onConnect);
    case 'node-http2':
      return new NodeHttp2Client(variant, target, onConnect);
    case 'fetch':
      return new FetchClient(variant, target);
    case 'autocannon':
      return new AutocannonEngine(variant, target, onConnect);
  }
}

export type { Client, RequestClient, RequestVariant } from './types.js';
export type { Target } from './target.js';
