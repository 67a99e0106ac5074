"""A real SMTP server in the test process (aiosmtpd), started and stopped at will on one local port.

Stopped, nothing listens on the port: the outbox's SMTP transport meets a refused connection, as it
would a mail provider that is down. ``refuse`` makes it answer 550 (a permanent refusal) to an address.
"""

from __future__ import annotations

import socket
import threading

from aiosmtpd.controller import Controller


class _Recorder:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], str]] = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", errors="replace")))
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._recorder = _Recorder()
        self._controller: Controller | None = None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self._recorder, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str) -> None:
        self._recorder.refused.add(address.lower())

    @property
    def received(self) -> list[tuple[list[str], str]]:
        with self._recorder.lock:
            return list(self._recorder.received)

    def recipients(self) -> list[str]:
        """Every recipient of every message received, sorted: a message received twice shows twice."""
        return sorted(address for rcpt_tos, _ in self.received for address in rcpt_tos)
