"""People outside whom members know, introductions to them, and alumni listed in who-knows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel
from network_intel.limits import MESSAGE_MAX, PERSONAL_NOTES_MAX
from network_intel.models.companies import Company


class Strength(models.IntegerChoices):
    ACQUAINTANCE = 1, "Acquaintance"
    WORKED_TOGETHER = 2, "Worked together"
    CLOSE = 3, "Close"


class Contact(TenantModel):
    """A person outside whom a member knows. Personal details are their owner's alone."""

    Strength = Strength
    PERSONAL_FIELDS = ("name", "email", "phone", "personal_notes")

    owner = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_contacts")
    name = models.CharField(max_length=200)
    company = TenantForeignKey(Company, on_delete=models.PROTECT, related_name="contacts")
    title = models.CharField("role / title", max_length=200, blank=True)
    met_where = models.CharField("where you met", max_length=200, blank=True)
    introduced_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      help_text="The colleague who introduced you, if any.")
    strength = models.PositiveSmallIntegerField(choices=Strength.choices, default=Strength.ACQUAINTANCE)
    last_talked_on = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    personal_notes = BoundedTextField("notes about them", max_length=PERSONAL_NOTES_MAX, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organization", "company", "owner"], name="intel_contact_company_idx"),
            models.Index(fields=["organization", "owner", "name"], name="intel_contact_owner_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_contact_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class IntroductionRequest(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    requester = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_intro_requests")
    introducer = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_intro_asks")
    contact = TenantForeignKey(Contact, on_delete=models.CASCADE, related_name="introduction_requests")
    message = BoundedTextField(max_length=MESSAGE_MAX, help_text="Why you would like to meet them.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    response_note = BoundedTextField(max_length=MESSAGE_MAX, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "requester", "contact"], name="intel_intro_one_open",
                                    condition=Q(status="pending")),
        ]
        indexes = [
            models.Index(fields=["organization", "introducer", "status"], name="intel_intro_introducer_idx"),
            models.Index(fields=["organization", "requester", "status"], name="intel_intro_requester_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_intro_sync_idx"),
        ]

    def __str__(self) -> str:
        return f"Introduction to contact {self.contact_id}"


class AlumnusListing(TenantModel):
    """An alumnus who agreed to appear in "who here knows someone at X?". The row is the consent:
    deleting it withdraws it, and the next who-knows query no longer lists them."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "member"], name="intel_alumnus_listed_once")]

    def __str__(self) -> str:
        return f"Alumnus {self.member_id} in who-knows"
