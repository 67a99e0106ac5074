"""Safe outbound requests: what a webhook (or a person's Slack or Teams connection) may be sent to.

* only ``https`` (plain ``http`` only to localhost, when ``WEBHOOKS_ALLOW_HTTP_LOCALHOST`` — on under
  ``DEBUG``);
* the host name is resolved when the request is made, every address it resolves to must be public
  (no private, loopback, link-local, multicast, reserved or unspecified address — unless
  ``WEBHOOKS_ALLOW_PRIVATE_HOSTS``, for tests), and the connection goes to the address that was checked,
  so a DNS answer that changes between the check and the connection (rebinding) cannot reach the
  internal network; TLS still verifies the certificate for the host name;
* no redirect is followed, the whole request has ``WEBHOOKS_TIMEOUT_SECONDS``, and at most
  ``RESPONSE_READ_MAX`` bytes of the answer are read.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings

RESPONSE_READ_MAX = 4096
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


class UnsafeTarget(Exception):  # noqa: N818 - a refusal, named for what it refuses
    """The URL may not be requested (its scheme, or an address it resolves to)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # the first RESPONSE_READ_MAX bytes, decoded leniently
    latency_ms: int


def check_url(url: str) -> str:
    """A message saying why ``url`` may not be a target, or "" when its form is acceptable (the addresses
    are checked again when each request is made)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Give a valid URL."
    host = (parts.hostname or "").lower()
    if not host:
        return "Give a URL with a host name."
    if parts.username or parts.password:
        return "A webhook URL may not carry a user name or password."
    if parts.scheme == "http":
        if not (getattr(settings, "WEBHOOKS_ALLOW_HTTP_LOCALHOST", False) and host in LOCAL_NAMES):
            return "Use an https URL (plain http only reaches localhost in development)."
    elif parts.scheme != "https":
        return "Use an https URL."
    if port == 0:
        return "Give a valid port."
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return ""
    if not _allowed(address) and not (parts.scheme == "http" and host in LOCAL_NAMES):
        return "This address is private: a webhook may only reach public addresses."
    return ""


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_HOSTS", False):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified)


def _resolve(host: str, port: int) -> str:
    """The first address of ``host``, after checking that every address it resolves to is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeTarget(f"The host name {host} does not resolve.") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeTarget(f"The host name {host} does not resolve.")
    for text in addresses:
        if not _allowed(ipaddress.ip_address(text.split("%")[0])):
            raise UnsafeTarget(f"{host} resolves to a private address ({text}): refused.")
    return addresses[0]


def post_json(url: str, body: bytes, *, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` by the rules above; raises UnsafeTarget for a refused target and
    urllib3's errors (timeouts, refused connections, TLS) for a failed request."""
    problem = check_url(url)
    if problem:
        raise UnsafeTarget(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _resolve(host, port)
    timeout = urllib3.Timeout(total=settings.WEBHOOKS_TIMEOUT_SECONDS)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, port, server_hostname=host, assert_hostname=host,
                                           cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(), timeout=timeout,
                                           retries=False, maxsize=1)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    netloc_host = f"[{host}]" if ":" in host else host
    default_port = 443 if parts.scheme == "https" else 80
    all_headers = {"Host": netloc_host if port == default_port else f"{netloc_host}:{port}",
                   "Content-Type": "application/json", "User-Agent": "Alliance-Webhooks/1.0", **headers}
    started = time.monotonic()
    try:
        response = pool.urlopen("POST", path, body=body, headers=all_headers, redirect=False, retries=False,
                                preload_content=False, assert_same_host=False)
        try:
            raw = response.read(RESPONSE_READ_MAX)
        finally:
            response.release_conn()
    finally:
        pool.close()
    latency = int((time.monotonic() - started) * 1000)
    return Answer(status=response.status, body=raw.decode("utf-8", "replace"), latency_ms=latency)
