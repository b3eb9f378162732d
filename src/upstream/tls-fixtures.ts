/**
 * Where the test-only TLS certificates live. They ship in the package (`fixtures/tls`), so
 * they are found from this module's own location: that works from `dist/` in the repository
 * and from an installed tarball alike, whatever the current directory.
 */
import { join } from 'node:path';
import { packageRoot } from '../package-info.js';

export interface TlsFixtureFiles {
  /** The test CA clients must trust. */
  caFile: string;
  keyFile: string;
  certFile: string;
}

/** The certificate files in `dir`, by default the package's `fixtures/tls`. */
export function tlsFixtureFiles(dir: string = join(packageRoot, 'fixtures', 'tls')): TlsFixtureFiles {
  return {
    caFile: join(dir, 'ca.crt'),
    keyFile: join(dir, 'server.key'),
    certFile: join(dir, 'server.crt'),
  };
}
