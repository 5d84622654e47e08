"""Issue 15's attacks, re-run as an attacker would against the real running stack.

    .venv/bin/python scripts/security_probes.py        # table, results/security-probes.json
    .venv/bin/python scripts/security_probes.py --model models/heating-….tar.gz --out /tmp/p.json

The stack is started the way tests/e2e/conftest.py starts it: bot.launcher's `demo_stack`, `start`
and `stop`, SMS and WeChat switched on through their variables and pointed at the stand-ins of
bot.standins, free ports, a fresh SQLite store (demo company, demo agents) and tracker store in a
temporary directory, LOG_LEVEL=DEBUG and LOG_LEVEL_LIBRARIES=DEBUG. The launcher writes no log
file of its own: its children inherit the caller's stdout and stderr, so each child is started
with those pointed at its own file in the temporary directory (`<service>.log`), and the probes
read them there. HTTP(S)_PROXY in the stack's environment point at a local trap that records any
connection a proxy-honouring client (Rasa's Segment and Sentry clients) tries to make.

Every request goes to 127.0.0.1 and every loop is bounded. The probes, in order:
 1. cross-channel: verify account 0102345678 by SMS, then ask for the bill over REST (sender = the
    phone, `sms:` + the phone, `sms%3A` + the phone) and over the widget's Socket.IO claiming the
    phone as its session: how many answers show an amount (元);
 2. widget session forgery: a token from one socket, a second socket claiming it with a changed
    signature: where its message lands;
 3. SMS cost: one Aliyun callback of 10,000 items (and one of a few hundred, under the body
    limit): SMS sent and status; 40 messages from one number: answers sent;
 5. verification limits: five wrong last-4 tries by a neighbour, then another sender with the
    right digits (the account cools down for every identity, F1);
 4. oversized REST messages (10 MB, 1 MB, 60 KB): status, tracker and log growth;
 7. crashes and leaks: malformed REST bodies, a deeply nested SMS body, 20 garbage Socket.IO
    frames; Traceback / ERROR lines and secrets, account numbers, OpenIDs, phone numbers in logs;
 6. console: cookie after logout, 60 usernames from one address, login time known vs unknown;
 8. telemetry: RASA_TELEMETRY_ENABLED in the Rasa server's /proc environ, outside connections;
 9. the action server killed mid-form: what the user gets next.
Nothing here fails the run: a figure that differs from what the fix promises is marked ✗.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import ipaddress
import json
import os
import re
import secrets
import select
import signal
import socket
import socketserver
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from websockets.client import connect as websocket_connect  # noqa: E402

from bot.channels.wechat.protocol import decode_aes_key, encrypt  # noqa: E402
from bot.channels.wechat.protocol import signature as wechat_signature  # noqa: E402
from bot.console.auth import COOKIE_NAME, CSRF_HEADER  # noqa: E402
from bot.launcher import DemoStack, Service, demo_stack, start, stop  # noqa: E402
from bot.modelcache import ensure_model  # noqa: E402
from bot.standins.sms_gateway import SmsGatewayStandIn  # noqa: E402
from bot.standins.wechat_api import WeChatApiStandIn  # noqa: E402

ACCOUNT = "0102345678"
RIGHT_DIGITS = "5678"
WRONG_DIGITS = "1234"
#: A real-looking 28-character OpenID, to look for in the logs.
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
WECHAT = {
    "WECHAT_TOKEN": "probe-wechat-token",
    "WECHAT_APP_ID": "wxprobe000000001",
    "WECHAT_APP_SECRET": "probe-wechat-app-secret",
    "WECHAT_ENCODING_AES_KEY": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
}
#: Template ids for some responses, as tests/e2e/conftest.py gives them; the rest go as generic.
SMS_TEMPLATE_IDS = {
    "utter_greet": "SMS_PROBE_GREET",
    "utter_ask_account_no": "SMS_PROBE_ACCOUNT",
    "utter_ask_community": "SMS_PROBE_COMMUNITY",
    "utter_outage_found": "SMS_PROBE_OUTAGE",
    "utter_unsubscribed": "SMS_PROBE_UNSUB",
}
#: Phones of the probes (each its own, so per-number limits and sends are per probe).
PHONE_VERIFIED = "13900007001"
PHONE_CHATTY = "13900007003"
JSON_HEADERS = {"Content-Type": "application/json"}
AMOUNT = "元"
UNAVAILABLE = "系统暂时出了点问题"
LOOPBACK = "127.0.0.1"
#: A log line at level ERROR, whatever the handler's format (Rasa's, Sanic's [ERROR]).
ERROR = re.compile(r"\bERROR\b")


# ---- results -------------------------------------------------------------------------------------


@dataclass
class Figure:
    probe: str
    name: str
    value: Any
    expected: Any = None
    ok: bool | None = None
    request: str | None = None


@dataclass
class Run:
    figures: list[Figure] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        probe: str,
        name: str,
        value: Any,
        expected: Any = None,
        ok: bool | None = None,
        request: str | None = None,
    ) -> Any:
        if ok is None and expected is not None:
            ok = value == expected
        self.figures.append(Figure(probe, name, value, expected, ok, request))
        return value


# ---- plumbing: HTTP, logs, sockets ---------------------------------------------------------------


@dataclass
class Reply:
    status: int | None
    body: bytes
    headers: dict[str, str]
    cookies: list[str] = field(default_factory=list)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def call(
    url: str,
    body: bytes | None = None,
    *,
    method: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
    source: str | None = None,
) -> Reply:
    """One HTTP request to the stack (loopback only), from `source` if given; never raises."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname != LOOPBACK:
        raise ValueError(f"probes only talk to {LOOPBACK}: {url}")
    connection = http.client.HTTPConnection(
        LOOPBACK, parts.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            method or ("POST" if body is not None else "GET"),
            path,
            body=body,
            headers=headers or {},
        )
        answer = connection.getresponse()
        data = answer.read()
        return Reply(
            answer.status,
            data,
            {k.lower(): v for k, v in answer.getheaders()},
            answer.msg.get_all("Set-Cookie") or [],
        )
    except (OSError, http.client.HTTPException) as exc:
        return Reply(None, f"{type(exc).__name__}: {exc}".encode(), {})
    finally:
        connection.close()


def post_big(
    url: str, body: bytes, chunked: bool = False, timeout: float = 120.0
) -> tuple[int | None, str]:
    """POST a large body as a client would: headers first, then the body unless the server has
    answered already (a 413 from the Content-Length, before reading). `chunked` sends it with
    Transfer-Encoding: chunked and no Content-Length, 64 KiB a chunk, stopping once the server
    answers. The status, and how much of the body went."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname != LOOPBACK:
        raise ValueError(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}:{parts.port}\r\n"
        f"Content-Type: application/json\r\n{length}\r\nConnection: close\r\n\r\n"
    ).encode()

    def answered(wait: float) -> bool:
        return bool(select.select([sock], [], [], wait)[0])

    data = b""
    with socket.create_connection((LOOPBACK, parts.port or 80), timeout=timeout) as sock:
        sock.sendall(head)
        sent = "headers only (answered before the body)"
        try:
            if not chunked and not answered(2.0):
                sock.sendall(body)
                sent = "whole body"
            elif chunked and not answered(0.5):
                step = 64 * 1024
                for at in range(0, len(body), step):
                    piece = body[at : at + step]
                    sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    if answered(0.0):
                        sent = f"{at + len(piece):,} B chunked, then answered"
                        break
                else:
                    sock.sendall(b"0\r\n\r\n")
                    sent = "whole body, chunked"
        except OSError as exc:
            sent = f"body cut off ({type(exc).__name__})"
        with contextlib.suppress(OSError):
            while len(data) < 1 << 20 and (chunk := sock.recv(65536)):
                data += chunk
    found = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(found.group(1)) if found else None), sent


class Logs:
    """The children's log files: sizes now, and the text written since a mark."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.log"))

    def mark(self) -> dict[str, int]:
        return {p.name: p.stat().st_size for p in self.files()}

    def size(self) -> int:
        return sum(self.mark().values())

    def since(self, mark: dict[str, int], until: dict[str, int] | None = None) -> str:
        parts = []
        for path in self.files():
            start_at = mark.get(path.name, 0)
            end_at = (until or {}).get(path.name)
            with path.open("rb") as handle:
                handle.seek(start_at)
                raw = handle.read() if end_at is None else handle.read(max(end_at - start_at, 0))
            parts.append(raw.decode("utf-8", "replace"))
        return "\n".join(parts)


@contextlib.contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Point this process's fd 1 and 2 at `path` (children started meanwhile inherit it)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


class ProxyTrap:
    """Where the stack's HTTP(S)_PROXY point: records the first line of every connection."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        trap = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(2)
                with contextlib.suppress(OSError):
                    line = self.request.recv(2048).split(b"\r\n", 1)[0]
                    trap.seen.append(line.decode("latin-1")[:200])

        self.server = socketserver.ThreadingTCPServer((LOOPBACK, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    host = hex_address.split(":")[0]
    raw = bytes.fromhex(host)
    # /proc/net keeps each 32-bit word in host (little-endian) order
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def outside_sockets(pids: list[int]) -> list[str]:
    """Sockets of `pids` connected to (or sending to) a non-loopback address, now."""
    inodes: set[str] = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    found = []
    for kind in ("tcp", "tcp6", "udp", "udp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pids[0]}/net/{kind}").read_text().splitlines()[1:]:
                cols = line.split()
                if len(cols) < 10 or cols[9] not in inodes:
                    continue
                remote = _address(cols[2])
                if not (remote.is_loopback or remote.is_unspecified):
                    found.append(f"{kind} {remote}:{int(cols[2].split(':')[1], 16)}")
    return found


# ---- the stack -----------------------------------------------------------------------------------


class Harness:
    """The running stack, the stand-ins, and how probes talk to each channel."""

    def __init__(self, model: Path, workdir: Path) -> None:
        self.workdir = workdir
        self.logs = Logs(workdir / "logs")
        self.logs.folder.mkdir()
        self.token = secrets.token_urlsafe(16)
        self.sms_secret = "smssecret" + secrets.token_hex(12)
        self.gateway = SmsGatewayStandIn().start()
        self.wechat = WeChatApiStandIn(WECHAT["WECHAT_APP_ID"], WECHAT["WECHAT_APP_SECRET"]).start()
        self.trap = ProxyTrap()
        self.agent_password = secrets.token_urlsafe(12)
        self.outside: list[str] = []
        templates = workdir / "sms-templates.yml"
        templates.write_text(yaml.safe_dump({"responses": SMS_TEMPLATE_IDS}), encoding="utf-8")
        proxy = self.trap.url
        extra_env = {
            "SMS_CALLBACK_SECRET": self.sms_secret,
            "SMS_API_BASE": self.gateway.base_url,
            "SMS_TEMPLATE_FILE": str(templates),
            **WECHAT,
            "WECHAT_API_BASE": self.wechat.base_url,
            "WEBCHAT_SECRET": secrets.token_hex(32),
            "LOG_LEVEL": "DEBUG",
            "LOG_LEVEL_LIBRARIES": "DEBUG",
            **{name: proxy for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")},
            "NO_PROXY": "127.0.0.1,localhost,::1",
            "no_proxy": "127.0.0.1,localhost,::1",
        }
        self.demo: DemoStack = demo_stack(
            model, workdir, auth_token=self.token, extra_env=extra_env
        )
        self.rasa = self.demo.rasa_url
        self.console = self.demo.console_url
        self._make_agents()

    def _make_agents(self) -> None:
        """The demo agents, as `python -m bot run` makes them (bot.launcher._demo_agents)."""
        from bot.console.cli import ensure_demo_agents
        from bot.store.db import session_scope

        with session_scope(self.demo.database_url) as session:
            ensure_demo_agents(session, self.agent_password, datetime.now(timezone.utc))

    def start(self) -> None:
        for service in self.demo.services:
            name = re.sub(r"\W+", "-", service.name)
            with output_to(self.logs.folder / f"{name}.log"):
                start([service], self.demo.env, timeout=300)
            print(f"  ✓ {service.name} (pid {service.process.pid if service.process else '?'})")

    def stop(self) -> None:
        stop(self.demo.services)
        self.trap.stop()
        self.gateway.stop()
        self.wechat.stop()

    def service(self, name: str) -> Service:
        return next(s for s in self.demo.services if s.name == name)

    def pids(self) -> list[int]:
        return [s.process.pid for s in self.demo.services if s.process and s.process.poll() is None]

    def look_outside(self) -> None:
        if pids := self.pids():
            self.outside += outside_sockets(pids)

    # ---- stores ----

    def store(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.workdir / "heating.db", timeout=30)) as db:
            return list(db.execute(query, args))

    def tracker_bytes(self) -> int:
        with contextlib.closing(sqlite3.connect(self.workdir / "tracker.db", timeout=30)) as db:
            return int(
                db.execute("SELECT coalesce(sum(length(data)), 0) FROM events").fetchone()[0]
            )

    # ---- REST ----

    def rest(self, sender: str, text: str) -> str:
        body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode()
        reply = call(f"{self.rasa}/webhooks/rest/webhook", body, headers=JSON_HEADERS)
        if reply.status != 200:
            return f"<HTTP {reply.status}> {reply.body[:200].decode('utf-8', 'replace')}"
        return "\n".join(m.get("text", "") for m in reply.json() or [] if isinstance(m, dict))

    def tracker(self, conversation: str) -> dict[str, Any]:
        path = urllib.parse.quote(conversation, safe=":")
        reply = call(f"{self.rasa}/conversations/{path}/tracker?token={self.token}")
        found = reply.json()
        return found if isinstance(found, dict) else {}

    def user_texts(self, conversation: str) -> list[str]:
        events = self.tracker(conversation).get("events") or []
        return [str(e.get("text")) for e in events if e.get("event") == "user"]

    # ---- SMS ----

    @staticmethod
    def aliyun_item(phone: str, text: str, seq: str) -> dict[str, Any]:
        return {
            "phone_number": phone,
            "content": text,
            "send_time": "2026-11-27 20:00:00",
            "dest_code": "1069",
            "sequence_id": seq,
            "sign_name": "暖心热力",
        }

    def sms_url(self, token: bool = True) -> str:
        return f"{self.rasa}/webhooks/sms/webhook" + (f"?token={self.sms_secret}" if token else "")

    def sms_state(self, key: str) -> str | None:
        rows = self.store(
            "SELECT state FROM inbound_messages WHERE channel = 'sms' AND message_key = ?", key
        )
        return str(rows[0][0]) if rows else None

    def sms(self, phone: str, text: str, seq: str, wait: float = 40.0) -> list[dict[str, Any]]:
        """One SMS in; the SMS the gateway stand-in got for it."""
        before = len(self.gateway.sends(phone))
        body = json.dumps([self.aliyun_item(phone, text, seq)], ensure_ascii=False).encode()
        call(self.sms_url(), body, headers=JSON_HEADERS)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.sms_state(f"aliyun:{phone}:{seq}") in {"delivered", "failed"}:
                break
            time.sleep(0.1)
        return self.gateway.sends(phone)[before:]

    # ---- WeChat ----

    def wechat_text(self, user: str, content: str, msg_id: int) -> int | None:
        """One text as WeChat pushes it for this account: sealed (it has an EncodingAESKey, so
        plain mode is refused) with a fresh timestamp and a new nonce."""
        stamp, nonce = str(int(time.time())), str(msg_id)
        plain = (
            f"<xml><ToUserName><![CDATA[gh_probe]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{stamp}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId></xml>"
        ).encode()
        aes_key = decode_aes_key(WECHAT["WECHAT_ENCODING_AES_KEY"])
        secret = encrypt(aes_key, WECHAT["WECHAT_APP_ID"], plain)
        token = WECHAT["WECHAT_TOKEN"]
        query = urllib.parse.urlencode(
            {
                "timestamp": stamp,
                "nonce": nonce,
                "encrypt_type": "aes",
                "signature": wechat_signature(token, stamp, nonce),
                "msg_signature": wechat_signature(token, stamp, nonce, secret),
            }
        )
        body = f"<xml><ToUserName>gh_probe</ToUserName><Encrypt>{secret}</Encrypt></xml>".encode()
        reply = call(
            f"{self.rasa}/webhooks/wechat/webhook?{query}",
            body,
            headers={"Content-Type": "text/xml"},
        )
        return reply.status

    # ---- console ----

    def console_call(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        source: str = LOOPBACK,
        cookie: str | None = None,
        csrf: str | None = None,
    ) -> Reply:
        headers = dict(JSON_HEADERS)
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers[CSRF_HEADER] = csrf
        data = None if body is None else json.dumps(body).encode()
        return call(f"{self.console}{path}", data, headers=headers, source=source)

    def login(self, username: str, password: str, source: str) -> tuple[Reply, float]:
        started = time.perf_counter()
        reply = self.console_call(
            "/api/login", {"username": username, "password": password}, source=source
        )
        return reply, (time.perf_counter() - started) * 1000


# ---- the widget's Socket.IO, raw websocket -------------------------------------------------------


class Socket:
    """One browser's Socket.IO connection, spoken frame by frame (EIO 4)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, rasa_url: str) -> AsyncIterator[Socket]:
        url = rasa_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        async with websocket_connect(url, open_timeout=20, close_timeout=2) as ws:
            await asyncio.wait_for(ws.recv(), 10)  # engine.io open
            await ws.send("40")
            await asyncio.wait_for(ws.recv(), 10)  # namespace connected
            yield cls(ws)

    async def emit(self, name: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([name, data], ensure_ascii=False))

    async def events(self, wanted: str, first_within: float, quiet: float = 2.0) -> list[Any]:
        """Every `wanted` event until `quiet` seconds pass without one (after the first)."""
        loop = asyncio.get_running_loop()
        found: list[Any] = []
        deadline = loop.time() + first_within
        while (left := deadline - loop.time()) > 0:
            try:
                packet = str(await asyncio.wait_for(self.ws.recv(), timeout=left))
            except Exception:  # timed out, or the server closed the socket
                break
            if packet == "2":
                await self.ws.send("3")
            elif packet.startswith("42"):
                with contextlib.suppress(ValueError):
                    name, *data = json.loads(packet[2:])
                    if name == wanted:
                        found.append(data[0] if data else None)
                        deadline = loop.time() + quiet
        return found

    async def session(self, claim: Any) -> str:
        await self.emit("session_request", {"session_id": claim})
        confirmed = await self.events("session_confirm", 10, quiet=0.3)
        return str(confirmed[0]) if confirmed else ""

    async def say(self, text: str, session_id: Any) -> list[str]:
        await self.emit("user_uttered", {"message": text, "session_id": session_id})
        answers = await self.events("bot_uttered", 40)
        return [str((a or {}).get("text", "")) for a in answers if isinstance(a, dict)]


# ---- the probes ----------------------------------------------------------------------------------


def probe_cross_channel(h: Harness, run: Run) -> None:
    p = "1 cross-channel"
    for seq, words in enumerate(("查一下暖气费", ACCOUNT)):
        h.sms(PHONE_VERIFIED, words, f"v-{seq}")
    bill = json.dumps(h.sms(PHONE_VERIFIED, RIGHT_DIGITS, "v-2"), ensure_ascii=False)
    run.add(p, "control: the SMS owner sees the bill (元)", AMOUNT in bill, True)
    attempts: list[tuple[str, str]] = []
    for sender in (PHONE_VERIFIED, f"sms:{PHONE_VERIFIED}", f"sms%3A{PHONE_VERIFIED}"):
        request = f'POST /webhooks/rest/webhook {{"sender":"{sender}","message":"查一下暖气费"}}'
        attempts.append((request, h.rest(sender, "查一下暖气费")))

    async def widget() -> tuple[str, list[str]]:
        async with Socket.open(h.rasa) as sock:
            confirmed = await sock.session(PHONE_VERIFIED)
            return confirmed, await sock.say("查一下暖气费", PHONE_VERIFIED)

    confirmed, answers = asyncio.run(widget())
    attempts.append(
        (
            f'socket.io session_request {{"session_id":"{PHONE_VERIFIED}"}}, then user_uttered '
            f'{{"message":"查一下暖气费","session_id":"{PHONE_VERIFIED}"}}',
            "\n".join(answers),
        )
    )
    shown = [request for request, answer in attempts if AMOUNT in answer]
    run.add(
        p,
        "attempts showing an amount (元)",
        f"{len(shown)}/{len(attempts)}",
        f"0/{len(attempts)}",
        request="; ".join(shown) or None,
    )
    run.add(
        p, "widget socket claiming the phone got its session", PHONE_VERIFIED in confirmed, False
    )
    run.notes["cross_channel_answers"] = attempts


def probe_forgery(h: Harness, run: Run) -> None:
    p = "2 widget forgery"
    mark = "我家暖气不热（伪造会话探针）"

    async def forge() -> tuple[str, str, str, str]:
        async with Socket.open(h.rasa) as victim:
            token = await victim.session(None)
            await victim.say("你好", token)
        session, sig = token.split(".")
        forged = f"{session}.{sig[:-1]}{'1' if sig[-1] == '0' else '0'}"
        async with Socket.open(h.rasa) as attacker:
            given = await attacker.session(forged)
            await attacker.say(mark, token)
        async with Socket.open(h.rasa) as bare:
            bare_given = await bare.session(session)
        return token, forged, given, bare_given

    token, forged, given, bare_given = asyncio.run(forge())
    victim_id, attacker_id = token.split(".")[0], given.split(".")[0]
    in_victim = mark in h.user_texts(f"web:{victim_id}")
    in_own = attacker_id != victim_id and mark in h.user_texts(f"web:{attacker_id}")
    landed = (
        "victim's conversation" if in_victim else "attacker's own new session" if in_own else "?"
    )
    run.add(
        p,
        "session given for a changed signature",
        "victim's" if attacker_id == victim_id else "a new one",
        "a new one",
    )
    run.add(
        p,
        "the forged socket's message landed in",
        landed,
        "attacker's own new session",
        request=f'session_request {{"session_id":"{forged}"}}, user_uttered naming "{token}"',
    )
    run.add(
        p,
        "session given for the bare id",
        "victim's" if bare_given.split(".")[0] == victim_id else "a new one",
        "a new one",
    )


def _settle(h: Harness, key_like: str, limit: float = 120.0) -> int:
    """Wait until every SMS claimed under `key_like` is delivered or failed; how many were."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        rows = h.store(
            "SELECT state FROM inbound_messages WHERE channel='sms' AND message_key LIKE ?",
            key_like,
        )
        if all(state in ("delivered", "failed") for (state,) in rows):
            time.sleep(1.0)
            again = h.store(
                "SELECT count(*) FROM inbound_messages WHERE channel='sms' AND message_key LIKE ?",
                key_like,
            )[0][0]
            if again == len(rows):
                return len(rows)
        time.sleep(0.5)
    return -1


def probe_sms_cost(h: Harness, run: Run) -> None:
    p = "3 SMS cost"
    items = [h.aliyun_item(f"138{i:08d}", "你好", f"flood-{i}") for i in range(10_000)]
    body = json.dumps(items, ensure_ascii=False).encode()
    status, sent = post_big(h.sms_url(), body)
    claimed = _settle(h, "aliyun:%:flood-%", 60)
    sends = sum(1 for s in h.gateway.sends() if str(s.get("phone", "")).startswith("138"))
    request = f"POST /webhooks/sms/webhook?token=… Aliyun array of 10,000 items ({len(body):,} B)"
    run.add(
        p,
        "10,000-item callback: HTTP status",
        status,
        ok=status is not None and status < 500,
        request=request,
    )
    run.add(p, "10,000-item callback: SMS sent", sends, ok=sends <= 20, request=request)
    run.notes["flood_body"] = {"bytes": len(body), "sent": sent, "claimed": claimed}
    items = [h.aliyun_item(f"136{i:08d}", "你好", f"chunk-{i}") for i in range(10_000)]
    body = json.dumps(items, ensure_ascii=False).encode()
    status, sent = post_big(h.sms_url(), body, chunked=True)
    claimed = _settle(h, "aliyun:%:chunk-%", 60)
    sends = sum(1 for s in h.gateway.sends() if str(s.get("phone", "")).startswith("136"))
    request = "the same 10,000 items with Transfer-Encoding: chunked (no Content-Length)"
    run.add(
        p,
        f"10,000 items, chunked: HTTP status ({sent})",
        status,
        ok=status is not None and status < 500,
        request=request,
    )
    run.add(p, "10,000 items, chunked: SMS sent", sends, ok=sends <= 20, request=request)

    cap_items: list[dict[str, Any]] = []
    for i in range(1000):
        cap_items.append(h.aliyun_item(f"137{i:08d}", "你好", f"cap-{i}"))
        if len(json.dumps(cap_items, ensure_ascii=False).encode()) > 60_000:
            cap_items.pop()
            break
    body = json.dumps(cap_items, ensure_ascii=False).encode()
    reply = call(h.sms_url(), body, headers=JSON_HEADERS, timeout=60)
    claimed = _settle(h, "aliyun:%:cap-%")
    sends = sum(1 for s in h.gateway.sends() if str(s.get("phone", "")).startswith("137"))
    request = f"POST /webhooks/sms/webhook?token=… Aliyun array of {len(cap_items)} items"
    run.add(
        p,
        f"{len(cap_items)}-item callback (under body limit): HTTP status",
        reply.status,
        200,
        request=request,
    )
    run.add(
        p,
        f"{len(cap_items)}-item callback: messages run / SMS sent",
        f"{claimed} / {sends}",
        ok=claimed <= 20 and sends <= 20,
        request=request,
    )

    for i in range(40):
        h.sms(PHONE_CHATTY, "你好" if i % 2 == 0 else "暖气什么时候开始供暖", f"chat-{i}")
    sends = len(h.gateway.sends(PHONE_CHATTY))
    refused = h.store(
        "SELECT count(*) FROM outbound_messages WHERE channel='sms' AND recipient LIKE ? "
        "AND status='refused'",
        f"%{PHONE_CHATTY}",
    )[0][0]
    request = f"40 Aliyun callbacks from {PHONE_CHATTY}, one message each, back to back"
    run.add(p, "40 messages from one number: SMS sent", sends, ok=sends <= 10, request=request)
    run.add(p, "40 messages from one number: SMS refused (outbound log)", refused)
    turns = len(h.user_texts(f"sms:{PHONE_CHATTY}"))
    run.add(p, "40 messages from one number: turns kept in the tracker", turns, 40)


def probe_oversized(h: Harness, run: Run) -> None:
    p = "4 oversized"
    cases = (
        ("10 MB", 10 * 1024 * 1024, False),
        ("10 MB chunked", 10 * 1024 * 1024, True),
        ("1 MB", 1024 * 1024, False),
        ("60 KB", 60_000, False),
    )
    for label, size, chunked in cases:
        sender = f"probe-big-{label.replace(' ', '')}"
        body = json.dumps({"sender": sender, "message": "x" * size}).encode()
        tracker_before, logs_before = h.tracker_bytes(), h.logs.size()
        status, sent = post_big(f"{h.rasa}/webhooks/rest/webhook", body, chunked=chunked)
        time.sleep(1.0)
        grown = h.tracker_bytes() - tracker_before
        logged = h.logs.size() - logs_before
        request = f'POST /webhooks/rest/webhook {{"sender":"{sender}","message":"x"×{size:,}}}'
        expected = 200 if size < 64 * 1024 else 413
        run.add(p, f"{label} message: HTTP status ({sent})", status, expected, request=request)
        run.add(p, f"{label} message: tracker growth (B)", grown, ok=grown < 100_000)
        run.add(p, f"{label} message: log growth (B)", logged, ok=logged < 200_000)


def probe_lockout(h: Harness, run: Run) -> None:
    p = "5 lockout"
    neighbour, owner = "probe-neighbour", "probe-owner"

    def failures(sender: str) -> int:
        return int(
            h.store(
                "SELECT count(*) FROM verification_attempts WHERE sender_id = ? AND account_no = ? "
                "AND success = 0",
                f"rest:{sender}",
                ACCOUNT,
            )[0][0]
        )

    answer = h.rest(neighbour, "查一下暖气费")
    locked = ""
    for _ in range(30):  # bounded: at most 30 messages to reach five failures
        if failures(neighbour) >= 5 or "较多" in answer:
            locked = answer
            break
        if "后4位" in answer:
            answer = h.rest(neighbour, WRONG_DIGITS)
        elif "户号" in answer:
            answer = h.rest(neighbour, ACCOUNT)
        else:
            answer = h.rest(neighbour, "查一下暖气费")
    run.add(p, "neighbour's wrong tries counted", failures(neighbour), 5)
    run.add(p, "neighbour told to wait", "较多" in locked, True)
    retry = h.rest(neighbour, RIGHT_DIGITS)
    if "后4位" not in retry and AMOUNT not in retry:
        for words in ("查一下暖气费", ACCOUNT, RIGHT_DIGITS):
            retry = h.rest(neighbour, words)
            if AMOUNT in retry or "较多" in retry:
                break
    run.add(p, "neighbour with the right digits while waiting: bill shown", AMOUNT in retry, False)
    answer = ""
    for words in ("查一下暖气费", ACCOUNT, RIGHT_DIGITS):
        answer = h.rest(owner, words)
    request = (
        f"REST sender {owner}: 查一下暖气费 / {ACCOUNT} / {RIGHT_DIGITS} after "
        f"{neighbour}'s five tries of {WRONG_DIGITS}"
    )
    run.add(
        p,
        "another sender with the right digits while the account cools down: bill shown",
        AMOUNT in answer,
        False,
        request=request,
    )
    run.add(p, "... told the ways without digits (营业厅, hotline)", "营业厅" in answer, True)
    run.notes["lockout"] = {"neighbour_told": locked, "owner_answer": answer}


def probe_console(h: Harness, run: Run) -> None:
    p = "6 console"
    reply, _ = h.login("agent", h.agent_password, LOOPBACK)
    run.add(p, "login with the demo password: status", reply.status, 200)
    cookie = next((c.split(";")[0] for c in reply.cookies if c.startswith(COOKIE_NAME)), "")
    csrf = str((reply.json() or {}).get("csrf", ""))
    before = h.console_call("/api/me", cookie=cookie).status
    out = h.console_call("/api/logout", {}, cookie=cookie, csrf=csrf).status
    after = h.console_call("/api/me", cookie=cookie).status
    run.add(
        p,
        "cookie before logout / logout / same cookie after",
        f"{before} / {out} / {after}",
        "200 / 200 / 401",
        request="GET /api/me with the cookie copied before POST /api/logout",
    )
    run.notes["console_cookie_value"] = cookie.split("=", 1)[-1]

    counts: dict[str, int] = {}
    for i in range(60):
        reply, _ = h.login(f"probe-user-{i:02d}", "wrong-password-1", "127.0.0.2")
        counts[str(reply.status)] = counts.get(str(reply.status), 0) + 1
    right, _ = h.login("lead", h.agent_password, "127.0.0.2")
    run.add(
        p,
        "60 usernames from one address: statuses",
        ", ".join(f"{n}×{s}" for s, n in sorted(counts.items())),
        "20×401, 40×429",
        request='60 × POST /api/login {"username":"probe-user-NN",…} from 127.0.0.2',
    )
    run.add(p, "then the right password from that address: status", right.status, 429)

    # Timing: each try from its own loopback address, so the address throttle does not answer
    # first; the known username's failures are cleared by a good login every four tries.
    known, unknown = [], []
    for i in range(20):
        if i and i % 4 == 0:
            good, _ = h.login("agent", h.agent_password, f"127.0.1.{i}")
            cookie = next((c.split(";")[0] for c in good.cookies if c.startswith(COOKIE_NAME)), "")
            csrf = str((good.json() or {}).get("csrf", ""))
            h.console_call("/api/logout", {}, cookie=cookie, csrf=csrf, source=f"127.0.1.{i}")
        reply, ms = h.login("agent", "wrong-password-1", f"127.0.2.{i + 1}")
        if reply.status == 401:
            known.append(ms)
        reply, ms = h.login(f"nobody-{i:02d}", "wrong-password-1", f"127.0.3.{i + 1}")
        if reply.status == 401:
            unknown.append(ms)
    k = round(statistics.median(known), 1) if known else None
    u = round(statistics.median(unknown), 1) if unknown else None
    close = bool(k and u and abs(k - u) <= 0.25 * max(k, u))
    run.add(
        p,
        "login ms, known vs unknown username (median of 401s)",
        f"{k} vs {u} (n={len(known)}/{len(unknown)})",
        ok=close,
    )
    run.notes["login_ms"] = {"known": known, "unknown": unknown}


GARBAGE: list[str | bytes] = [
    '42["user_uttered"]',
    '42["user_uttered",null]',
    '42["user_uttered",{"message":"x"},"extra",3]',
    '42["session_request"]',
    '42["user_uttered",{"message":{"x":1},"metadata":"{"}]',
    '42["session_request",[1,2,3]]',
    '42["session_request",{"session_id":{"$gt":""}}]',
    '42["no_such_event",1]',
    '42["user_uttered",{"message":5}]',
    '42["user_uttered",{"message":"hi","metadata":[1]}]',
    '42["user_uttered",{"message":"hi","customData":"not an object"}]',
    "42[not json",
    "42{}",
    "42[]",
    "42[1,2,3]",
    "42",
    '42"just a string"',
    "4",
    b"\x00\x01\x02binary",
    "9garbage",
]


def probe_crashes(h: Harness, run: Run) -> None:
    p = "7 crashes"
    url = f"{h.rasa}/webhooks/rest/webhook"
    for body in (b"[1,2,3]", b"null", b'{"sender":"x","message":5}'):
        status = call(url, body, headers=JSON_HEADERS).status
        run.add(
            p,
            f"REST body {body.decode()}: status",
            status,
            400,
            request=f"POST /webhooks/rest/webhook {body.decode()}",
        )
    deep = b"[" * 50_000 + b"]" * 50_000
    status, _ = post_big(h.sms_url(), deep)
    run.add(
        p,
        "SMS body nested 50,000 deep: status",
        status,
        ok=status is not None and 400 <= status < 500,
        request="POST /webhooks/sms/webhook?token=<secret> [[[…]]]",
    )
    deep = b"[" * 30_000 + b"]" * 30_000  # under the body limit: reaches the decoder
    reply = call(h.sms_url(), deep, headers=JSON_HEADERS)
    run.add(
        p,
        "SMS body nested 30,000 deep (under the limit): status",
        reply.status,
        400,
        request="POST /webhooks/sms/webhook?token=<secret> [[[…]]] (60 KB)",
    )

    async def garbage() -> tuple[bool, list[str]]:
        async with Socket.open(h.rasa) as sock:
            token = await sock.session(None)
            for frame in GARBAGE:
                mark = h.logs.mark()
                with contextlib.suppress(Exception):
                    await sock.ws.send(frame)
                await asyncio.sleep(0.3)
                if "Traceback" in h.logs.since(mark):
                    loud.append(repr(frame))
            await asyncio.sleep(1.0)
            still_open = sock.ws.open
        async with Socket.open(h.rasa) as fresh:
            token = await fresh.session(token)
            return still_open, await fresh.say("你好", token)

    loud: list[str] = []
    still_open, answers = asyncio.run(garbage())
    run.add(
        p,
        "20 garbage Socket.IO frames: frames that logged a traceback",
        ", ".join(loud) or "none",
        "none",
        request="websocket /socket.io/?EIO=4&transport=websocket, after the handshake and a "
        "session, one text frame each: " + ", ".join(loud),
    )
    run.add(p, "20 garbage Socket.IO frames: socket still open", still_open)
    run.add(p, "…then the widget still answers", bool(answers), True)


def probe_telemetry(h: Harness, run: Run) -> None:
    p = "8 telemetry"
    rasa = h.service("Rasa server").process
    value = None
    if rasa is not None:
        environ = Path(f"/proc/{rasa.pid}/environ").read_bytes().split(b"\0")
        for entry in environ:
            if entry.startswith(b"RASA_TELEMETRY_ENABLED="):
                value = entry.split(b"=", 1)[1].decode()
    run.add(p, "RASA_TELEMETRY_ENABLED in the Rasa server's environ", value, "false")
    run.add(p, "proxy-honouring connections to outside hosts", len(h.trap.seen), 0)
    run.add(p, "sockets to non-loopback addresses (snapshots)", len(set(h.outside)), 0)
    run.notes["telemetry"] = {"trap": h.trap.seen, "outside": sorted(set(h.outside))}


def probe_action_server_killed(h: Harness, run: Run) -> None:
    p = "9 action server killed"
    sender = "probe-repair"
    first = h.rest(sender, "暖气不热了，麻烦派人来看看")
    actions = h.service("action server").process
    if actions is not None:
        os.kill(actions.pid, signal.SIGKILL)
        actions.wait(timeout=10)
    started = time.monotonic()
    answer = h.rest(sender, "阳光花园5号楼1单元302")
    millis = round((time.monotonic() - started) * 1000)
    run.add(
        p,
        "the next message's answer",
        answer[:60] or "(empty)",
        ok=UNAVAILABLE in answer,
        request=f"REST sender {sender}: 暖气不热了… then, action server killed, "
        "阳光花园5号楼1单元302",
    )
    run.add(p, "answer time (ms)", millis)
    tracker = h.tracker(f"rest:{sender}")
    loop = (tracker.get("active_loop") or {}).get("name")
    run.add(p, "form still active after the failed turn", loop)
    run.notes["action_kill"] = {"before": first, "after": answer}


def scan_logs(
    h: Harness, run: Run, slices: dict[str, tuple[dict[str, int], dict[str, int]]]
) -> None:
    p = "7 crashes"
    text = h.logs.since({})
    lines = text.splitlines()

    def counts(part: str) -> tuple[int, int]:
        rows = part.splitlines()
        return sum("Traceback" in r for r in rows), sum(bool(ERROR.search(r)) for r in rows)

    per_phase = {name: counts(h.logs.since(begin, end)) for name, (begin, end) in slices.items()}
    run.notes["log_lines_per_phase"] = {
        name: {"Traceback": t, "ERROR": e} for name, (t, e) in per_phase.items()
    }
    hostile = [name for name in per_phase if name.split()[0] in {"1", "2", "3", "4", "5", "7"}]
    tracebacks = sum(per_phase[name][0] for name in hostile)
    errors = sum(per_phase[name][1] for name in hostile)
    run.add(
        p,
        "Traceback / ERROR lines while probes 1-5 and 7 ran (hostile input)",
        f"{tracebacks} / {errors}",
        "0 / 0",
    )
    for name in ("9 action server killed", "shutdown"):
        if name in per_phase:
            run.add(p, f"Traceback / ERROR lines during {name}", "{} / {}".format(*per_phase[name]))
    run.add(p, "Traceback / ERROR lines, whole run", "{} / {}".format(*counts(text)))
    errors_seen = [line for line in lines if ERROR.search(line) or "receive error" in line]
    accounts = [str(a) for (a,) in h.store("SELECT account_no FROM accounts")]
    phones = [PHONE_VERIFIED, PHONE_CHATTY]
    run.add(p, "SMS callback secret in logs", text.count(h.sms_secret), 0)
    run.add(p, "raw account numbers in logs", sum(text.count(a) for a in accounts), 0)
    run.add(p, "full OpenIDs in logs", text.count(OPENID), 0)
    run.add(p, "raw probe phone numbers in logs", sum(text.count(n) for n in phones), 0)
    cookie = str(run.notes.get("console_cookie_value") or "")
    if cookie:
        run.add(p, "console cookie values in logs", text.count(cookie), 0)
    run.notes["first_error_lines"] = errors_seen[:15]
    run.notes["first_traceback_context"] = [
        "\n".join(lines[i : i + 12]) for i, line in enumerate(lines) if "Traceback" in line
    ][:3]
    run.notes["log_files"] = {path.name: path.stat().st_size for path in h.logs.files()}


# ---- main ----------------------------------------------------------------------------------------


PROBES = (
    ("1 cross-channel", probe_cross_channel),
    ("2 widget forgery", probe_forgery),
    ("5 lockout", probe_lockout),
    ("3 SMS cost", probe_sms_cost),
    ("4 oversized", probe_oversized),
    ("7 crashes", probe_crashes),
    ("6 console", probe_console),
    ("8 telemetry", probe_telemetry),
    ("9 action server killed", probe_action_server_killed),
)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def print_table(run: Run) -> None:
    rows = [("probe", "figure", "value", "expected", "")]
    for f in run.figures:
        mark = {True: "✓", False: "✗", None: "·"}[f.ok]
        rows.append((f.probe, f.name, _cell(f.value), _cell(f.expected), mark))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(row[i].ljust(widths[i]) for i in range(4)) + "  " + row[4])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="model file (default: bot model ensure)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "security-probes.json")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, stores)")
    args = parser.parse_args(argv)

    model = args.model or ensure_model()
    run = Run()
    workdir = Path(tempfile.mkdtemp(prefix="security-probes-"))
    print(f"model {model.name}; stack in {workdir}", flush=True)
    h = Harness(model, workdir)
    slices: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    try:
        h.start()
        h.look_outside()
        h.rest("probe-warm-up", "你好")  # the model's first inference, outside any probe
        for i, words in enumerate(("你好", "查一下暖气费", ACCOUNT, RIGHT_DIGITS)):
            h.wechat_text(OPENID, words, 7_000_000 + i)  # so OpenIDs pass through the logs
        for name, probe in PROBES:
            print(f"… probe {name}", flush=True)
            begin = h.logs.mark()
            try:
                probe(h, run)
            except Exception as exc:
                run.add(name, "probe failed", f"{type(exc).__name__}: {exc}", ok=False)
                run.notes.setdefault("probe_errors", {})[name] = traceback.format_exc()
            slices[name] = (begin, h.logs.mark())
            h.look_outside()
    finally:
        begin = h.logs.mark()
        h.stop()
        slices["shutdown"] = (begin, h.logs.mark())
    scan_logs(h, run, slices)
    run.figures.sort(key=lambda f: f.probe.split()[0])  # stable: each probe's own order
    print()
    print_table(run)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "model": model.name,
        "store": "sqlite (fresh, demo company)",
        "log_level": "DEBUG (LOG_LEVEL and LOG_LEVEL_LIBRARIES)",
        "figures": [asdict(f) for f in run.figures],
        "problems": [asdict(f) for f in run.figures if f.ok is False],
        "notes": run.notes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}" + (f"; logs and stores kept in {workdir}" if args.keep else ""))
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
