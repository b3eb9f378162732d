import type { Readable } from 'node:stream';

/**
 * Reads a response body to its end and returns its length. Events rather than `for await`:
 * the async iterator costs a promise per chunk on the hot path.
 */
export function drainBody(body: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    body.once('end', () => resolve(bytes));
    body.once('error', reject);
  });
}
