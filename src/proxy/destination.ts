/** Where the fault proxy sends traffic, from a target URL: shared by the runner's proxy and the `proxy` command. */

/** The host and port the proxy forwards to. */
export function proxyDestination(url: URL): { host: string; port: number } {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}
