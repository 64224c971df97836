#!/usr/bin/env node
// A Node `ws` peer for Duplex's interop tests, driven through stdin and reporting on stdout.
//
//   node peer.js client <ws-url> <maxPayload>     connects to a Duplex server
//   node peer.js server <port> <maxPayload>       listens on 127.0.0.1:<port> (0: any) for a Duplex client
//   an optional 4th argument, JSON {"deflate": OPTIONS}, turns on permessage-deflate with ws's
//   perMessageDeflate OPTIONS (threshold, serverNoContextTakeover, clientNoContextTakeover...);
//   without it compression is off, as before; {"tls": {"ca": F, "cert": F, "key": F, "version": V}}
//   makes a wss:// client trust the PEM file ca and present cert and key (mutual TLS), with at
//   most TLS version V ("TLSv1.2"/"TLSv1.3"); each field is optional; {"headers": {NAME: VALUE}}
//   adds request headers to a client's upgrade request (Authorization, Cookie...)
//
// Commands, one JSON object a line on stdin, act on the open connection:
//   {"op":"text","data":S} {"op":"binary","b64":B} {"op":"bigText","reps":N} {"op":"bigBinary","size":N}
//   {"op":"fragments","kind":"text"|"binary","parts":[S|B...],"raw":bool}   (raw: text parts given as base64 bytes)
//   (with "pingB64":B, a ping goes out between the first and second fragments)
//   {"op":"json","size":N,"parts":K} {"op":"random","size":N,"parts":K}: a JSON-like text (compressible)
//   or random binary (incompressible) of N bytes made here, sent as K frames (default 1); a
//   {"ev":"sent","bytes":N,"sha256":H} event says what went out
//   {"op":"ping","b64":B} {"op":"close","code":N,"reason":S} {"op":"close"} (a close frame without a code)
// Events, one JSON object a line on stdout:
//   {"ev":"listening","port":N} {"ev":"open","extensions":S,"params":O,"header":S,"offer":S}
//     (extensions: ws.extensions; params: the agreed permessage-deflate parameters; header: the
//     Sec-WebSocket-Extensions response a client got; offer: the one a server was sent) {"ev":"text","bytes":N,"sha256":H,"data":S (small only)}
//   {"ev":"binary","bytes":N,"sha256":H,"b64":B (small only)} {"ev":"ping","b64":B} {"ev":"pong","b64":B}
//   {"ev":"close","code":N,"reason":S} {"ev":"error","message":S} {"ev":"version","ws":V,"node":V}
'use strict';
const crypto = require('crypto');
const readline = require('readline');
const WebSocket = require('ws');

const [mode, target, maxPayloadArg, optionsArg] = process.argv.slice(2);
const options = optionsArg ? JSON.parse(optionsArg) : {};
const perMessageDeflate = options.deflate === undefined ? false : options.deflate;
const maxPayload = Number(maxPayloadArg || 16 * 1024 * 1024);
const SMALL = 4096;
const UNIT = 'Duplex \u00e9\u20ac\u{1D11E} ';

function emit(o) { process.stdout.write(JSON.stringify(o) + '\n'); }
function sha(buf) { return crypto.createHash('sha256').update(buf).digest('hex'); }
function pattern(size) {
  const block = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) block[i] = (i * 31 + 7) & 0xff;
  const out = Buffer.alloc(size);
  for (let off = 0; off < size; off += 256) block.copy(out, off, 0, Math.min(256, size - off));
  return out;
}

emit({ ev: 'version', ws: require('ws/package.json').version, node: process.version });

// Chat-like JSON: the same shape as the Java side's, not the same bytes (the digest tells).
function jsonText(size) {
  const items = [];
  let n = 2;
  for (let i = 0; n < size; i++) {
    const s = JSON.stringify({ id: i, user: 'user' + (i % 97), room: 'room-' + (i % 7),
      text: 'message number ' + i + ' from the node peer é€', ts: 1700000000000 + i * 731, seen: i % 3 === 0 });
    items.push(s);
    n += Buffer.byteLength(s) + 1;
  }
  return Buffer.from('[' + items.join(',') + ']');
}

function sendParts(ws, buf, binary, parts, done) {
  emit({ ev: 'sent', bytes: buf.length, sha256: sha(buf) });
  const k = Math.max(1, parts || 1);
  const step = Math.ceil(buf.length / k);
  for (let i = 0; i < k; i++) {
    const part = buf.subarray(Math.min(buf.length, i * step), Math.min(buf.length, (i + 1) * step));
    ws.send(part, { binary, fin: i === k - 1 }, done);
  }
}

let current = null;
const pending = [];

function attach(ws, errorsReported, handshake) {
  current = ws;
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      const e = { ev: 'binary', bytes: buf.length, sha256: sha(buf) };
      if (buf.length <= SMALL) e.b64 = buf.toString('base64');
      emit(e);
    } else {
      const e = { ev: 'text', bytes: buf.length, sha256: sha(buf) };
      if (buf.length <= SMALL) e.data = buf.toString('utf8');
      emit(e);
    }
  });
  ws.on('ping', (d) => emit({ ev: 'ping', b64: Buffer.from(d).toString('base64') }));
  ws.on('pong', (d) => emit({ ev: 'pong', b64: Buffer.from(d).toString('base64') }));
  ws.on('close', (code, reason) => emit({ ev: 'close', code, reason: Buffer.from(reason).toString('utf8') }));
  if (!errorsReported) ws.on('error', (err) => emit({ ev: 'error', message: String(err && err.message || err) }));
  const pmd = ws._extensions && ws._extensions['permessage-deflate'];
  emit(Object.assign({ ev: 'open', extensions: ws.extensions, params: pmd ? pmd.params : null }, handshake || {}));
  while (pending.length) run(pending.shift());
}

function run(cmd) {
  const ws = current;
  if (!ws) { pending.push(cmd); return; }
  const done = (err) => { if (err) emit({ ev: 'error', message: 'send failed: ' + err.message }); };
  switch (cmd.op) {
    case 'text': ws.send(cmd.data, { binary: false }, done); break;
    case 'binary': ws.send(Buffer.from(cmd.b64, 'base64'), { binary: true }, done); break;
    case 'bigText': ws.send(UNIT.repeat(cmd.reps), { binary: false }, done); break;
    case 'bigBinary': ws.send(pattern(cmd.size), { binary: true }, done); break;
    case 'fragments': {
      const binary = cmd.kind === 'binary';
      cmd.parts.forEach((p, i) => {
        const data = binary || cmd.raw ? Buffer.from(p, 'base64') : p;
        ws.send(data, { binary, fin: i === cmd.parts.length - 1 }, done);
        if (i === 0 && cmd.pingB64 !== undefined) ws.ping(Buffer.from(cmd.pingB64, 'base64'), undefined, done);
      });
      break;
    }
    case 'json': sendParts(ws, jsonText(cmd.size), false, cmd.parts, done); break;
    case 'random': sendParts(ws, crypto.randomBytes(cmd.size), true, cmd.parts, done); break;
    case 'ping': ws.ping(Buffer.from(cmd.b64, 'base64'), undefined, done); break;
    case 'close': if (cmd.code === undefined) ws.close(); else ws.close(cmd.code, cmd.reason); break;
    default: emit({ ev: 'error', message: 'unknown op ' + cmd.op });
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim()) run(JSON.parse(line));
}).on('close', () => process.exit(0)); // the test went away: so do we

function tlsOptions(tls) {
  if (!tls) return {};
  const fs = require('fs');
  const o = {};
  for (const f of ['ca', 'cert', 'key']) if (tls[f]) o[f] = fs.readFileSync(tls[f]);
  if (tls.version) o.maxVersion = tls.version;
  return o;
}

if (mode === 'client') {
  attachWhenOpen(new WebSocket(target, Object.assign({ maxPayload, perMessageDeflate, headers: options.headers || {} },
    tlsOptions(options.tls))));
} else if (mode === 'server') {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: Number(target), maxPayload, perMessageDeflate });
  wss.on('listening', () => emit({ ev: 'listening', port: wss.address().port }));
  wss.on('connection', (ws, req) => attach(ws, false, { offer: req.headers['sec-websocket-extensions'] || '' }));
  wss.on('error', (err) => emit({ ev: 'error', message: String(err.message) }));
} else {
  console.error('usage: peer.js client <url> <maxPayload> | server <port> <maxPayload>');
  process.exit(2);
}

function attachWhenOpen(ws) {
  let header = '';
  ws.on('upgrade', (res) => { header = res.headers['sec-websocket-extensions'] || ''; });
  ws.on('open', () => attach(ws, true, { header }));
  ws.on('error', (err) => emit({ ev: 'error', message: String(err && err.message || err) }));
  ws.on('unexpected-response', (req, res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => { body += chunk; });
    res.on('end', () => emit({ ev: 'error', message: 'unexpected response ' + res.statusCode,
      challenge: res.headers['www-authenticate'] || '', body }));
  });
}
