"""Real servers on this machine for the delivery tests: an SMTP server (aiosmtpd) that
keeps what it receives, and an SMS gateway (http.server in a thread) that records each
request and answers as it is told: 46elks' JSON, a 5xx, or too late."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse_with: str = ""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append(message_from_bytes(data))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    """An SMTP server on 127.0.0.1; yields its inbox and port."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclasses.dataclass
class SmsRequest:
    path: str
    form: dict[str, str]
    authorization: str

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        if not self.authorization.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(self.authorization[6:]).decode().partition(":")
        return user, password


@dataclasses.dataclass
class SmsGateway:
    """What the gateway answers: a list of behaviours, one per request (the last
    repeats): "ok", "5xx", "400", "slow" (answers after ``slow_seconds``)."""

    port: int
    requests: list[SmsRequest] = dataclasses.field(default_factory=list)
    behaviours: list[str] = dataclasses.field(default_factory=lambda: ["ok"])
    slow_seconds: float = 2.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/a1/sms"

    def next_behaviour(self) -> str:
        index = min(len(self.requests) - 1, len(self.behaviours) - 1)
        return self.behaviours[index]


@contextlib.contextmanager
def sms_gateway() -> Iterator[SmsGateway]:
    """A 46elks-like gateway on 127.0.0.1 that records every request."""
    gateway = SmsGateway(port=0)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            form = dict(urllib.parse.parse_qsl(body))
            with lock:
                gateway.requests.append(
                    SmsRequest(self.path, form, self.headers.get("Authorization", ""))
                )
                behaviour = gateway.next_behaviour()
                number = len(gateway.requests)
            if behaviour == "slow":
                time.sleep(gateway.slow_seconds)
            if behaviour == "5xx":
                self._answer(503, b"Service unavailable")
            elif behaviour == "400":
                self._answer(403, b"Invalid to number")
            else:
                answer = {
                    "id": f"s{number:08d}",
                    "status": "created",
                    "from": form.get("from"),
                    "to": form.get("to"),
                    "message": form.get("message"),
                }
                self._answer(200, json.dumps(answer).encode(), "application/json")

        def _answer(self, status: int, body: bytes, kind: str = "text/plain") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting ("slow")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
