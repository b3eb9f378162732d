/**
 * The bare node:http hello-world server the bundled upstream is compared with (figure 2): the
 * least a Node HTTP server can do. Runs in its own process, like the upstream; reports its port
 * over IPC and exits when its parent goes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-length': 0 });
  res.end();
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
