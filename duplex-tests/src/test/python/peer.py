#!/usr/bin/python3
"""A Python `websockets` peer for Duplex's interop tests, driven through stdin, reporting on stdout.

    /usr/bin/python3 peer.py client <ws-url> <max_size>   connects to a Duplex server
    /usr/bin/python3 peer.py server <port> <max_size>     listens on 127.0.0.1:<port> (0: any)

An optional 4th argument, JSON {"deflate": "default"} or {"deflate": {PARAMS}}, turns on
permessage-deflate: the library's default factory, or Client/ServerPerMessageDeflateFactory(**PARAMS)
(server_no_context_takeover, client_no_context_takeover, server_max_window_bits,
client_max_window_bits). Without it compression is off, as before. The "open" event then also
reports "extensions" (what was agreed, as websockets sees it) and "header" (the
Sec-WebSocket-Extensions response header). {"tls": {"ca": F, "cert": F, "key": F, "version": V}}
makes a wss:// client trust the PEM file ca and present cert and key (mutual TLS), with at most
TLS version V ("TLSv1.2"/"TLSv1.3"); each field is optional.

Same line protocol as ../js/peer.js (JSON commands in, JSON events out). Written for the asyncio
API of websockets 10.x-13.x (Debian 12 ships 10.4); on 14+ it uses the legacy module, which
keeps that API.
"""
import asyncio
import base64
import hashlib
import json
import sys
import threading

import websockets

try:  # websockets >= 14 moved the API used here to websockets.legacy
    from websockets.legacy.client import connect as ws_connect
    from websockets.legacy.server import serve as ws_serve
except ImportError:  # pragma: no cover - older versions
    ws_connect = websockets.connect
    ws_serve = websockets.serve

SMALL = 4096
UNIT = "Duplex \u00e9\u20ac\U0001D11E "


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def pattern(size):
    block = bytes(((i * 31 + 7) & 0xFF) for i in range(256))
    return (block * (size // 256 + 1))[:size]


async def receive(ws):
    try:
        async for message in ws:
            if isinstance(message, str):
                raw = message.encode("utf-8")
                ev = {"ev": "text", "bytes": len(raw), "sha256": sha(raw)}
                if len(raw) <= SMALL:
                    ev["data"] = message
            else:
                ev = {"ev": "binary", "bytes": len(message), "sha256": sha(message)}
                if len(message) <= SMALL:
                    ev["b64"] = base64.b64encode(message).decode("ascii")
            emit(ev)
    except websockets.exceptions.ConnectionClosedError:
        pass
    await ws.wait_closed()
    emit({"ev": "close", "code": ws.close_code, "reason": ws.close_reason})


def json_text(size):
    """Chat-like JSON of at least size bytes (same shape as the Java side's, not the same bytes)."""
    items = []
    n = 2
    i = 0
    while n < size:
        s = json.dumps({"id": i, "user": "user%d" % (i % 97), "room": "room-%d" % (i % 7),
                        "text": "message number %d from the python peer \u00e9\u20ac" % i,
                        "ts": 1700000000000 + i * 731, "seen": i % 3 == 0}, ensure_ascii=False)
        items.append(s)
        n += len(s.encode("utf-8")) + 1
        i += 1
    return "[" + ",".join(items) + "]"


async def send_parts(ws, message, parts):
    raw = message.encode("utf-8") if isinstance(message, str) else message
    emit({"ev": "sent", "bytes": len(raw), "sha256": sha(raw)})
    k = max(1, parts or 1)
    if k == 1:
        await ws.send(message)
        return
    step = -(-len(message) // k)
    await ws.send([message[i * step:(i + 1) * step] for i in range(k)])


async def run(ws, cmd):
    op = cmd["op"]
    if op == "json":
        await send_parts(ws, json_text(cmd["size"]), cmd.get("parts"))
    elif op == "random":
        import os
        await send_parts(ws, os.urandom(cmd["size"]), cmd.get("parts"))
    elif op == "text":
        await ws.send(cmd["data"])
    elif op == "binary":
        await ws.send(base64.b64decode(cmd["b64"]))
    elif op == "bigText":
        await ws.send(UNIT * cmd["reps"])
    elif op == "bigBinary":
        await ws.send(pattern(cmd["size"]))
    elif op == "fragments":
        if cmd["kind"] == "binary":
            parts = [base64.b64decode(p) for p in cmd["parts"]]
        else:
            parts = list(cmd["parts"])
        await ws.send(parts)  # an iterable is sent as one fragmented message
    elif op == "ping":
        data = base64.b64decode(cmd["b64"])
        waiter = await ws.ping(data)

        async def pong():
            await waiter
            emit({"ev": "pong", "b64": base64.b64encode(data).decode("ascii")})

        asyncio.ensure_future(pong())
    elif op == "close":
        asyncio.ensure_future(ws.close(code=cmd["code"], reason=cmd["reason"]))
    else:
        emit({"ev": "error", "message": "unknown op " + op})


def compression_args(options, client):
    """Keyword arguments for connect/serve: compression off unless options ask for it."""
    deflate = options.get("deflate")
    if deflate is None:
        return {"compression": None}
    if deflate == "default":
        return {"compression": "deflate"}
    from websockets.extensions import permessage_deflate as pmd
    factory = pmd.ClientPerMessageDeflateFactory if client else pmd.ServerPerMessageDeflateFactory
    return {"compression": None, "extensions": [factory(**deflate)]}


def tls_args(options):
    """The ssl argument of connect for a wss:// client, from the "tls" option."""
    tls = options.get("tls")
    if tls is None:
        return {}
    import ssl
    context = ssl.create_default_context(cafile=tls.get("ca"))
    if tls.get("cert"):
        context.load_cert_chain(tls["cert"], tls.get("key"))
    if tls.get("version"):
        context.maximum_version = ssl.TLSVersion[tls["version"].replace("TLSv1.", "TLSv1_")]
    return {"ssl": context}


def describe(ws):
    """The open event: the agreed extensions with their parameters, and the response header."""
    agreed = []
    for ext in getattr(ws, "extensions", None) or []:
        agreed.append({
            "name": ext.name,
            "local_no_context_takeover": getattr(ext, "local_no_context_takeover", None),
            "remote_no_context_takeover": getattr(ext, "remote_no_context_takeover", None),
            "local_max_window_bits": getattr(ext, "local_max_window_bits", None),
            "remote_max_window_bits": getattr(ext, "remote_max_window_bits", None),
        })
    ev = {"ev": "open", "extensions": agreed}
    response = getattr(ws, "response_headers", None)
    if response is not None:
        ev["header"] = response.get("Sec-WebSocket-Extensions", "")
    request = getattr(ws, "request_headers", None)
    if request is not None:
        ev["offer"] = request.get("Sec-WebSocket-Extensions", "")
    return ev


async def main():
    mode, target, max_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    emit({"ev": "version", "websockets": websockets.__version__, "python": sys.version.split()[0]})
    loop = asyncio.get_running_loop()
    commands = asyncio.Queue()

    def read_stdin():
        for line in sys.stdin:
            if line.strip():
                loop.call_soon_threadsafe(commands.put_nowait, json.loads(line))
        loop.call_soon_threadsafe(commands.put_nowait, None)  # the test went away

    threading.Thread(target=read_stdin, daemon=True).start()
    connected = loop.create_future()

    async def drive():
        ws = await connected
        while True:
            cmd = await commands.get()
            if cmd is None:
                return
            try:
                await run(ws, cmd)
            except Exception as e:  # report, keep going
                emit({"ev": "error", "message": "%s: %s" % (type(e).__name__, e)})

    if mode == "client":
        try:
            ws = await ws_connect(target, max_size=max_size, ping_interval=None, **compression_args(options, True),
                                  **tls_args(options))
        except Exception as e:
            # websockets reports a TLS alert that arrives after the handshake (TLS 1.3) as a
            # bad HTTP response; the alert itself is in the cause
            causes = []
            cause = e.__cause__ or e.__context__
            while cause is not None and len(causes) < 3:
                causes.append("%s: %s" % (type(cause).__name__, cause))
                cause = cause.__cause__ or cause.__context__
            emit({"ev": "error", "message": "connect failed: %s: %s%s" % (
                type(e).__name__, e, "".join(" (caused by %s)" % c for c in causes))})
            return
        emit(describe(ws))
        connected.set_result(ws)
        driver = asyncio.ensure_future(drive())
        await receive(ws)
        await driver
    elif mode == "server":
        done = loop.create_future()

        async def handler(ws, path=None):
            emit(describe(ws))
            if not connected.done():
                connected.set_result(ws)
            await receive(ws)

        server = await ws_serve(handler, "127.0.0.1", int(target), max_size=max_size, ping_interval=None,
                                **compression_args(options, False))
        emit({"ev": "listening", "port": server.sockets[0].getsockname()[1]})
        await drive()
        server.close()
    else:
        print("usage: peer.py client <url> <max_size> | server <port> <max_size>", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    asyncio.run(main())
