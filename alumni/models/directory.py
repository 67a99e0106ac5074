"""The alumnus's directory card, each field with its own visibility."""

from __future__ import annotations

from django.db import models

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from alumni.limits import MAX_TOUR_TITLES


class Visibility(models.TextChoices):
    ALUMNI = "alumni", "Alumni"
    EVERYONE = "everyone", "Alumni and employees"
    HIDDEN = "hidden", "Hidden"


# The directory card's fields, each with its own visibility (``<field>_visibility``).
DIRECTORY_FIELDS = ("name", "company", "city", "years", "teams", "tours")


def _visibility_field(default: str = Visibility.ALUMNI) -> models.CharField:
    return models.CharField(max_length=8, choices=Visibility.choices, default=default)


class AlumniProfile(TenantModel):
    """An alumnus's directory card. Listed only while they consent to the directory; what each
    viewer sees of it is decided field by field (``alumni.selectors.directory_*``)."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="alumni_profiles")
    listed = models.BooleanField(default=False, help_text="Show my card in the alumni directory.")
    current_company = models.CharField(max_length=200, blank=True)
    current_role = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    # Their time here, recorded when they left (the directory reads no other app's tables).
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    teams = models.CharField(max_length=300, blank=True)
    tour_titles = BoundedTextField(max_length=MAX_TOUR_TITLES, blank=True,
                                   help_text="Their tours' titles, one per line.")
    distinguished = models.BooleanField(default=False)
    name_visibility = _visibility_field(Visibility.EVERYONE)
    company_visibility = _visibility_field()
    city_visibility = _visibility_field()
    years_visibility = _visibility_field()
    teams_visibility = _visibility_field()
    tours_visibility = _visibility_field(Visibility.HIDDEN)  # tours' titles only when they consent
    # The card's photo (re-encoded, in the private storage; served by a view that applies its visibility).
    photo = models.CharField(max_length=300, blank=True, editable=False)
    photo_visibility = _visibility_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "member"], name="alumni_one_profile")]
        indexes = [
            sync_index("alumni_prof_org_updated_idx"),
            models.Index(fields=["organization", "listed"], name="alumni_profile_listed_idx"),
        ]

    def __str__(self) -> str:
        return f"Alumni profile ({self.member_id})"
