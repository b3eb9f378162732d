/**
 * Client kind -> adapter. Adding a client kind means one file and one case here; with `strict`,
 * a kind without a case does not compile.
 */
import type { Variant } from '../scenario/schema.js';
import type { ClientAdapter, ConnectListener, Target } from './types.js';
import { createUndiciClient } from './undici.js';
import { createNodeHttpClient } from './node-http.js';
import { createNodeHttp2Client } from './node-http2.js';
import { createFetchClient } from './fetch.js';
import { createAutocannonClient } from './autocannon.js';
import { withResilience } from './resilience.js';

/** The variant's client, with its deadline and retries around it. */
export function createClient(variant: Variant, target: Target, onConnect: ConnectListener): ClientAdapter {
  return withResilience(createAdapter(variant, target, onConnect), variant, target.request.method);
}

function createAdapter(variant: Variant, target: Target, onConnect: ConnectListener): ClientAdapter {
  switch (variant.client) {
    case 'undici':
      return createUndiciClient(variant, target, onConnect);
    case 'node-http':
      return createNodeHttpClient(variant, target, onConnect);
    case 'node-http2':
      return createNodeHttp2Client(variant, target, onConnect);
    case 'fetch':
      return createFetchClient(variant, target, onConnect);
    case 'autocannon':
      return createAutocannonClient(variant, target, onConnect);
  }
}

export type { ClientAdapter, Target } from './types.js';
