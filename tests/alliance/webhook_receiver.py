"""A real HTTP receiver for the webhook tests: a server on 127.0.0.1 in the test process that verifies each
request's signature with the ``standardwebhooks`` library (as a customer's receiver would), can fail on
purpose, and keeps what it received."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified_with: list[str]  # the secrets whose signature it carries

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    # answer(received) -> the status to answer (200 by default)
    answer: Callable[[Received], int] = lambda received: 200
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                verified = []
                for secret in receiver.secrets:
                    try:
                        Webhook(secret).verify(body, headers)
                    except WebhookVerificationError:
                        continue
                    verified.append(secret)
                item = Received(path=self.path, headers=headers, body=body, verified_with=verified)
                receiver.received.append(item)
                status = receiver.answer(item)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"answered {status}".encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def events(self) -> list[dict]:
        return [item.event for item in self.received]

    def types(self) -> list[str]:
        return [event["type"] for event in self.events()]
