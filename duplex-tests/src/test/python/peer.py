#!/usr/bin/python3
"""A Python `websockets` peer for Duplex's interop tests, driven through stdin, reporting on stdout.

    /usr/bin/python3 peer.py client <ws-url> <max_size>   connects to a Duplex server
    /usr/bin/python3 peer.py server <port> <max_size>     listens on 127.0.0.1:<port> (0: any)

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


async def run(ws, cmd):
    op = cmd["op"]
    if op == "text":
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


async def main():
    mode, target, max_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
            ws = await ws_connect(target, max_size=max_size, ping_interval=None, compression=None)
        except Exception as e:
            emit({"ev": "error", "message": "connect failed: %s: %s" % (type(e).__name__, e)})
            return
        emit({"ev": "open"})
        connected.set_result(ws)
        driver = asyncio.ensure_future(drive())
        await receive(ws)
        await driver
    elif mode == "server":
        done = loop.create_future()

        async def handler(ws, path=None):
            emit({"ev": "open"})
            if not connected.done():
                connected.set_result(ws)
            await receive(ws)

        server = await ws_serve(handler, "127.0.0.1", int(target), max_size=max_size, ping_interval=None,
                                compression=None)
        emit({"ev": "listening", "port": server.sockets[0].getsockname()[1]})
        await drive()
        server.close()
    else:
        print("usage: peer.py client <url> <max_size> | server <port> <max_size>", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    asyncio.run(main())
