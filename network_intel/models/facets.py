"""How many notes each company, tag, source and author has, per organization and visibility: the
summary the search reads for a query without words (``network_intel.selectors.search``).

Kept by the database itself (triggers of migration 0010 on the notes and their company and tag links),
so every write counts — the services', a cascade's, a set-based load's — in the same transaction as the
change. Counting by visibility keeps the rules exact: a viewer adds the rows of the visibilities they see
whole (everyone sees ``organization``; HR sees ``leadership``) and counts the rest of what they see live.
"""

from __future__ import annotations

from django.db import models

from alliance.models import TenantModel
from network_intel.models.notes import Visibility

FACET_KEY_MAX = 40  # an id or a source kind


class NoteFacetCount(TenantModel):
    class Facet(models.TextChoices):
        TOTAL = "total", "All notes"
        COMPANY = "company", "Company"
        TAG = "tag", "Tag"
        SOURCE = "source", "Source"
        AUTHOR = "author", "Author"

    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    facet = models.CharField(max_length=8, choices=Facet.choices)
    key = models.CharField(max_length=FACET_KEY_MAX, blank=True)  # "" for the total
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "visibility", "facet", "key"],
                                               name="intel_facet_count_unique")]

    def __str__(self) -> str:
        return f"{self.visibility} {self.facet} {self.key}: {self.count}"
