/** The `refuse` fault's listener handling, shared by the bundled upstream and the fault proxy. */
import type { AddressInfo, Server } from 'node:net';

/**
 * Stops accepting connections on `server` (new ones are refused by the kernel) and returns the
 * function that listens again on the same address. `isClosing` stops a bring-back that would
 * come after the server was closed for good.
 */
export function takeListenerDown(server: Server, isClosing: () => boolean): () => void {
  const { port, address } = server.address() as AddressInfo;
  server.close();
  return () => {
    if (isClosing()) return;
    // The port was ours a moment ago; if the kernel is slow to free it, try again shortly.
    const retry = () => setTimeout(() => !isClosing() && server.listen(port, address), 50).unref();
    server.once('error', retry);
    server.listen(port, address, () => server.off('error', retry));
  };
}
