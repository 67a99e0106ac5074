"""Secret tokens that name their organization.

A token reads ``<kind>_<organization id>_<secret>``. The organization part tells the
server which tenant to enter *before* looking the token up, so the lookup itself
runs under row-level security like every other query; only the SHA-256 of the
whole token is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class ParsedToken:
    organization_id: int
    digest: str


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_make(*, kind: str, organization_id: int) -> tuple[str, str]:
    """Return (plaintext token, digest)."""
    token = f"{kind}_{organization_id}_{secrets.token_urlsafe(32)}"
    return token, token_digest(token)


def token_prefix(token: str) -> str:
    """What a person sees to recognize a token: kind, organization and 8 characters of the secret."""
    kind, organization_id, secret = token.split("_", 2)
    return f"{kind}_{organization_id}_{secret[:8]}"


def token_parse(token: str, *, kind: str) -> ParsedToken | None:
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != kind or not (parts[1].isascii() and parts[1].isdigit()) or len(parts[2]) < 20:
        return None
    organization_id = int(parts[1])
    if organization_id <= 0 or organization_id > 2**63 - 1:
        return None
    return ParsedToken(organization_id=organization_id, digest=token_digest(token.strip()))
