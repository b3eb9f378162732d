/**
 * Where requests go. Apart from clients/types.ts so that the client interfaces (which the result
 * types read) do not depend on the scenario's TLS module.
 */
import type { RequestConfig } from '../scenario/schema.js';
import type { TlsMaterial } from '../scenario/target-tls.js';
import type { NetworkModel } from '../upstream/network-model.js';

/**
 * The TLS settings (TlsMaterial: `ca` — the bundled upstream's test CA or the target's —,
 * `serverName`, `cert` and `key` for mutual TLS, `insecure`) apply to https origins; every
 * client honours them or is refused before the run (scenario/load.ts, fetch.ts).
 */
export interface Target extends TlsMaterial {
  /** Origin only, e.g. `http://127.0.0.1:39211`. */
  origin: string;
  /** Several instances of the same service (`upstream.instances`): requests are spread over them. Includes `origin`. */
  origins?: string[];
  request: RequestConfig;
  /**
   * The bundled upstream's network model, when the clients are to model its connection setup
   * (clients/modelled-connect.ts); absent for a target, or when the upstream charges it itself.
   */
  network?: NetworkModel;
}

/** Every instance requests go to: `origins`, or the one `origin`. */
export function originsOf(target: Target): string[] {
  return target.origins ?? [target.origin];
}
