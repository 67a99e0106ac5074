"""The health figures' weekly snapshot: each figure's headline as the weekly digest read it, so next week's
digest compares with what was, not with the past recomputed from today's rows (a tour edited since, a
member who left, a note deleted would otherwise rewrite last week)."""

from __future__ import annotations

from django.db import models

from alliance.models.tenancy import TenantModel

HEALTH_SCOPE_MAX = 40  # "organization" or "team:<membership id>"
HEALTH_FIGURE_MAX = 40  # a registered figure's key
HEALTH_LABEL_MAX = 100  # its headline's label


class HealthWeek(TenantModel):
    """One figure's headline in one week (the Monday that starts it) for one scope: the organization (HR's
    digest) or a manager's team (``team:<their membership id>``). Written once a week, by the first digest
    built that week; one row per scope, figure and week."""

    ORGANIZATION = "organization"

    week = models.DateField()
    scope = models.CharField(max_length=HEALTH_SCOPE_MAX)
    figure = models.CharField(max_length=HEALTH_FIGURE_MAX)
    label = models.CharField(max_length=HEALTH_LABEL_MAX)
    value = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "scope", "week", "figure"],
                                               name="alliance_health_week_once")]

    def __str__(self) -> str:
        return f"{self.figure} ({self.scope}, week of {self.week.isoformat()}): {self.value}"

    @staticmethod
    def team_scope(manager_id: int) -> str:
        return f"team:{manager_id}"
