"""Stand-ins for the e-mail provider, for workers started as separate processes."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class SlowFileBackend(FileBackend):
    """Takes ``SLOW_MAIL_SECONDS`` before handing the message over: time to kill the worker."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "60")))
        return super().send_messages(email_messages)
