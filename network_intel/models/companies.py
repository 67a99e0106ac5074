"""Companies the notes are about, the tags they carry, and who follows either."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Func, Q

from alliance.models import Membership, TenantForeignKey, TenantModel
from network_intel.limits import COMPANY_NAME_MAX, TAG_DESCRIPTION_MAX, TAG_MAX_LENGTH


class Company(TenantModel):
    """One row per real company in an organization; ``name_key`` keeps "ACME Inc.", "Acme" and "acme.com" one."""

    name = models.CharField(max_length=COMPANY_NAME_MAX)
    name_key = models.CharField(max_length=COMPANY_NAME_MAX, editable=False,
                                help_text="The name without case, accents, legal form or web suffix.")
    domain = models.CharField(max_length=253, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    name_trigrams = models.GeneratedField(
        expression=Func(F("name_key"), function="intel_trigrams"),
        output_field=ArrayField(models.TextField()), db_persist=True,
    )
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name_key"], name="intel_company_key_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="intel_company_name_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_company_sync_idx"),
            models.Index(fields=["organization", "domain"], name="intel_company_domain_idx"),
            GinIndex(fields=["name_trigrams"], name="intel_company_trgm_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyAlias(TenantModel):
    """Another name of a company: the name of a duplicate merged into it ("Cyberdine" of "Cyberdyne Systems").
    Typing it finds the company (suggestions, pickers, the search's company filter), and writing it in a note or
    a contact names the company instead of adding the duplicate again."""

    company = TenantForeignKey(Company, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=COMPANY_NAME_MAX)
    name_key = models.CharField(max_length=COMPANY_NAME_MAX, editable=False,
                                help_text="The name without case, accents, legal form or web suffix.")

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "company aliases"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name_key"], name="intel_company_alias_key_unique"),
        ]
        indexes = [models.Index(fields=["organization", "company", "name"], name="intel_company_alias_idx")]

    def __str__(self) -> str:
        return self.name


class Tag(TenantModel):
    """A topic. HR's vocabulary (``is_official``) is offered first; anyone may add a free tag."""

    name = models.CharField(max_length=TAG_MAX_LENGTH)
    key = models.CharField(max_length=TAG_MAX_LENGTH, editable=False)
    is_official = models.BooleanField("in the organization's vocabulary", default=False)
    description = models.CharField(max_length=TAG_DESCRIPTION_MAX, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="intel_tag_key_unique")]
        indexes = [
            models.Index(fields=["organization", "is_official", "name"], name="intel_tag_vocab_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_tag_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Follow(TenantModel):
    """A member follows a company or a tag; the weekly digest lists what is new there."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_follows")
    company = TenantForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    tag = TenantForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False, tag__isnull=True) | Q(company__isnull=True, tag__isnull=False)),
                name="intel_follow_one_subject",
            ),
            models.UniqueConstraint(fields=["organization", "member", "company"], name="intel_follow_company_once",
                                    condition=Q(company__isnull=False)),
            models.UniqueConstraint(fields=["organization", "member", "tag"], name="intel_follow_tag_once",
                                    condition=Q(tag__isnull=False)),
        ]
        indexes = [models.Index(fields=["organization", "member"], name="intel_follow_member_idx")]

    def __str__(self) -> str:
        return f"follows {self.company_id or self.tag_id}"
