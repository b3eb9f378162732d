/** Client kind -> adapter factory. Adding a client kind means one file and one line here. */
import type { ClientKind, Variant } from '../scenario/schema.js';
import type { ClientAdapter, ConnectListener, Target } from './types.js';
import { createUndiciClient } from './undici.js';
import { createNodeHttpClient } from './node-http.js';
import { createNodeHttp2Client } from './node-http2.js';
import { createFetchClient } from './fetch.js';
import { createAutocannonClient } from './autocannon.js';
import { withResilience } from './resilience.js';

export const clientFactories = {
  undici: createUndiciClient,
  'node-http': createNodeHttpClient,
  'node-http2': createNodeHttp2Client,
  fetch: createFetchClient,
  autocannon: createAutocannonClient,
} as const satisfies Record<ClientKind, unknown>;

/** The variant's client, with its deadline and retries around it. */
export function createClient(variant: Variant, target: Target, onConnect: ConnectListener): ClientAdapter {
  return withResilience(createAdapter(variant, target, onConnect), variant, target.request.method);
}

function createAdapter(variant: Variant, target: Target, onConnect: ConnectListener): ClientAdapter {
  switch (variant.client) {
    case 'undici':
      return clientFactories.undici(variant, target, onConnect);
    case 'node-http':
      return clientFactories['node-http'](variant, target, onConnect);
    case 'node-http2':
      return clientFactories['node-http2'](variant, target, onConnect);
    case 'fetch':
      return clientFactories.fetch(variant, target, onConnect);
    case 'autocannon':
      return clientFactories.autocannon(variant, target, onConnect);
  }
}

export type { ClientAdapter, Target } from './types.js';
