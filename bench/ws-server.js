// The Node `ws` peer of `duplex serve` for bench/run: /echo and /broadcast (publishers: ?role=pub).
// Usage: node bench/ws-server.js PORT   (finds `ws` in duplex-tests/node_modules, or NODE_PATH)
'use strict';
const http = require('http');
const path = require('path');
let ws;
try {
  ws = require(path.join(__dirname, '..', 'duplex-tests', 'node_modules', 'ws'));
} catch (e) {
  ws = require('ws');
}
const port = Number(process.argv[2] || 8080);
const wss = new ws.WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 << 20 });
const subscribers = new Set();

const server = http.createServer((req, res) => {
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});
server.on('upgrade', (req, socket, head) => {
  const u = new URL(req.url, 'http://localhost');
  if (u.pathname !== '/echo' && u.pathname !== '/broadcast') {
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (c) => {
    if (u.pathname === '/echo') {
      c.on('message', (data, isBinary) => c.send(data, { binary: isBinary }));
      return;
    }
    const publisher = u.searchParams.get('role') === 'pub';
    if (!publisher) {
      subscribers.add(c);
      c.on('close', () => subscribers.delete(c));
    }
    c.on('message', (data, isBinary) => {
      for (const s of subscribers) {
        s.send(data, { binary: isBinary });
      }
    });
  });
});
server.listen(port, '127.0.0.1', 1024, () => {
  console.log(`ws listening on ws://127.0.0.1:${port} (echo: /echo, broadcast: /broadcast)`);
});
process.on('SIGTERM', () => process.exit(0));
