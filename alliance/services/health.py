"""The health figures' weekly snapshot (``alliance.models.HealthWeek``), written by the weekly digest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from alliance.models import HEALTH_LABEL_MAX, HEALTH_SCOPE_MAX, HealthWeek


def health_week_record(*, organization_id: int, scope: str, week: date, figures: Iterable[Any]) -> None:
    """Keep each figure's headline (``alliance.health.HealthFigure`` with a headline label) for ``scope`` in
    the week starting on the Monday ``week``. The first digest built in a week writes them and later ones
    keep them, so every reader of the week compares with the same figures. One statement."""
    if week.weekday() != 0:
        raise ValueError("A health week starts on a Monday.")
    if not scope or len(scope) > HEALTH_SCOPE_MAX:
        raise ValueError(f"A health scope has 1 to {HEALTH_SCOPE_MAX} characters.")
    rows = [HealthWeek(organization_id=organization_id, week=week, scope=scope, figure=figure.key,
                       label=figure.headline_label[:HEALTH_LABEL_MAX],
                       value=None if figure.headline is None else float(figure.headline))
            for figure in figures if figure.headline_label]
    HealthWeek.objects.bulk_create(rows, ignore_conflicts=True)
