"""Other apps add to the demo data by listing a function here (called by seed_demo)."""

from __future__ import annotations

from collections.abc import Callable


def seed_extensions() -> list[Callable]:
    from tours.demo import seed_tours

    return [seed_tours]
