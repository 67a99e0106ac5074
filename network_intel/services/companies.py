"""Writes for companies (one row per real company, typos refused), tags and follows."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.handoffs import tell
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from network_intel import rights
from network_intel.limits import TAG_MAX_LENGTH
from network_intel.models.companies import Company, CompanyAlias, Follow, Tag
from network_intel.models.contacts import Contact
from network_intel.models.notes import IntelNote, IntelNoteCompany
from network_intel.selectors.companies import company_matches
from network_intel.services.search import notes_reindex
from network_intel.text import clean_tag_name, company_key, domain_of, tag_key

# --- Companies ------------------------------------------------------------------------------------

COMPANY_KIND = "intel_company"  # the notification kind of a merge that moved someone's contacts

def _company_error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"name": [message]})


@transaction.atomic
def company_create(*, by: Membership, name: str, domain: str = "", industry: str = "",
                   allow_similar: bool = False) -> Company:
    """A new company, unless it is one the organization has already (same key or domain, or similar)."""
    name = " ".join((name or "").split())
    if not name:
        raise _company_error("Give the company's name.")
    key = company_key(name)
    if not key:
        raise _company_error("A company's name needs at least one letter or digit.")
    domain = domain_of(domain) if domain else domain_of(name)
    matches = company_matches(organization_id=by.organization_id, text=name, by_word=False)
    if domain:
        matches += [c for c in Company.objects.for_org(by.organization_id).filter(domain__iexact=domain)
                    if c not in matches]
    aliased = [c for c in matches if getattr(c, "alias_hit", False)]
    if aliased:
        raise _company_error(f"“{name}” is another name of “{aliased[0].name}”: pick it instead of adding it again.")
    same = [c for c in matches if c.name_key == key or (domain and c.domain.lower() == domain)]
    if same:
        raise _company_error(f"“{same[0].name}” is already here: pick it instead of adding it again.")
    if matches and not allow_similar:
        names = ", ".join(f"“{c.name}”" for c in matches[:3])
        raise _company_error(f"Did you mean {names}? Pick it, or confirm that this is another company.")
    company = Company(organization_id=by.organization_id, name=name, name_key=key, domain=domain,
                      industry=(industry or "").strip(), created_by=by)
    full_clean_or_raise(company, exclude=["name_trigrams"])
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as error:  # a colleague added it a moment ago
        raise _company_error(f"“{name}” is already here: pick it instead of adding it again.") from error
    return Company.objects.for_org(by.organization_id).get(pk=company.pk)


def company_resolve(*, by: Membership, name: str, allow_similar: bool = False) -> Company:
    """The company a typed name means (case, accents, legal form and web suffix aside), made if new.

    A name only similar to an existing one is refused with a suggestion, so a typo never
    creates a second "Globex" — unless the writer confirmed it is another company (``allow_similar``).
    """
    name = " ".join((name or "").split())
    key = company_key(name)
    existing = Company.objects.for_org(by.organization_id).filter(name_key=key).first() if key else None
    if existing is not None:
        return existing
    alias = (CompanyAlias.objects.for_org(by.organization_id).filter(name_key=key).select_related("company").first()
             if key else None)
    if alias is not None:  # the name of a duplicate merged into a company: that company
        return alias.company
    return company_create(by=by, name=name, allow_similar=allow_similar)


@transaction.atomic
def company_update(*, by: Membership, company: Company, data: dict) -> Company:
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can edit companies.")
    if "name" in data:
        data = {**data, "name": " ".join((data["name"] or "").split())}
        key = company_key(data["name"])
        if not key:
            raise _company_error("A company's name needs at least one letter or digit.")
        clash = Company.objects.for_org(by.organization_id).filter(name_key=key).exclude(pk=company.pk).first()
        if clash is not None:
            raise _company_error(f"“{clash.name}” is already here: merge the two instead.")
        aliases = CompanyAlias.objects.for_org(by.organization_id).filter(name_key=key)
        other = aliases.exclude(company=company).select_related("company").first()
        if other is not None:
            raise _company_error(f"“{data['name']}” is another name of “{other.company.name}”: merge the two instead.")
        aliases.filter(company=company).delete()  # its own other name becomes its name
        company.name_key = key
    if "domain" in data and data["domain"]:
        data = {**data, "domain": domain_of(data["domain"]) or data["domain"].strip().lower()}
    changed = model_update(company, data={**data}, fields=["name", "domain", "industry"])
    if "name" in changed:
        Company.objects.for_org(by.organization_id).filter(pk=company.pk).update(name_key=company.name_key)
        ids = list(IntelNoteCompany.objects.for_org(by.organization_id).filter(company=company)
                   .values_list("note_id", flat=True))
        notes_reindex(organization_id=by.organization_id, note_ids=ids)
    return company


@transaction.atomic
def company_merge(*, by: Membership, source: Company, target: Company) -> Company:
    """HR folds a duplicate into the company it duplicates: its notes, contacts, follows and other names follow,
    and its own name stays as another name of the company kept ("Cyberdine" still finds "Cyberdyne Systems").
    The people whose contacts moved are told."""
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can merge companies.")
    if source.organization_id != by.organization_id or target.organization_id != by.organization_id:
        raise ApplicationError("Both companies must belong to this organization.")
    if source.pk == target.pk:
        raise ApplicationError("Choose two different companies.", field_errors={"into": ["Choose another company."]})
    org = by.organization_id
    now = timezone.now()
    links = IntelNoteCompany.objects.for_org(org)
    note_ids = list(links.filter(company=source).values_list("note_id", flat=True))
    links.filter(company=source, note_id__in=links.filter(company=target).values("note_id")).delete()
    links.filter(company=source).update(company=target, updated_at=now)
    contacts = Contact.objects.for_org(org).filter(company=source)
    owners = set(contacts.values_list("owner_id", flat=True))
    contacts.update(company=target, updated_at=now)
    follows = Follow.objects.for_org(org)
    follows.filter(company=source, member_id__in=follows.filter(company=target).values("member_id")).delete()
    follows.filter(company=source).update(company=target, updated_at=now)
    _keep_names(org, source, target)
    fill = {field: getattr(source, field) for field in ("domain", "industry")
            if not getattr(target, field) and getattr(source, field)}
    source_name = source.name
    source.delete()
    if fill:
        model_update(target, data=fill, fields=list(fill))
    IntelNote.all_objects.for_org(org).filter(pk__in=note_ids).update(updated_at=now)
    notes_reindex(organization_id=org, note_ids=note_ids)
    _tell_owners(by, owners, source_name, target)
    return target


def _keep_names(org: int, source: Company, target: Company) -> None:
    """The duplicate's name and its own other names become the kept company's other names (not its own name)."""
    aliases = CompanyAlias.objects.for_org(org)
    aliases.filter(company=source).exclude(name_key=target.name_key).update(company=target, updated_at=timezone.now())
    aliases.filter(company=source).delete()
    aliases.filter(company=target, name_key=target.name_key).delete()
    if source.name_key != target.name_key and not aliases.filter(name_key=source.name_key).exists():
        CompanyAlias.objects.create(organization_id=org, company=target, name=source.name, name_key=source.name_key)


def _tell_owners(by: Membership, owners: set[int], source_name: str, target: Company) -> None:
    url = reverse("network_intel:company_detail", args=[by.organization.slug, target.pk])
    for owner in Membership.objects.for_org(by.organization_id).filter(pk__in=owners - {by.pk}):
        tell(recipient=owner, kind=COMPANY_KIND, title=f"Your contacts at {source_name} are now at {target.name}",
             body=f"{source_name} was a duplicate of {target.name}: HR merged the two, and your contacts there moved "
                  f"with it. Typing “{source_name}” still finds {target.name}.", url=url)


# --- Tags -------------------------------------------------------------------------------------------

def _tag_error(message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={"tags": [message]})


def tag_resolve(*, by: Membership, name: str) -> Tag:
    """The organization's tag of that name (case and accents aside), or a new free tag."""
    name = clean_tag_name(name)
    if not name:
        raise _tag_error("A tag needs at least one letter.")
    if len(name) > TAG_MAX_LENGTH:
        raise _tag_error(f"“{name[:20]}…” is too long: a tag has at most {TAG_MAX_LENGTH} characters.")
    key = tag_key(name)
    found = Tag.objects.for_org(by.organization_id).filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Tag.objects.create(organization_id=by.organization_id, name=name, key=key)
    except IntegrityError:
        return Tag.objects.for_org(by.organization_id).get(key=key)


@transaction.atomic
def tag_save_official(*, by: Membership, name: str, description: str = "") -> Tag:
    """HR adds a tag to the vocabulary (or promotes a free tag of that name)."""
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can change the tag vocabulary.")
    tag = tag_resolve(by=by, name=name)
    model_update(tag, data={"is_official": True, "description": (description or "").strip()[:200]},
                 fields=["is_official", "description"])
    return tag


@transaction.atomic
def tag_set_official(*, by: Membership, tag: Tag, official: bool) -> Tag:
    if not rights.can_curate(by):
        raise NotAllowed("Only HR or an administrator can change the tag vocabulary.")
    model_update(tag, data={"is_official": official}, fields=["is_official"])
    return tag


# --- Follows --------------------------------------------------------------------------------------------

@transaction.atomic
def follow_set(*, by: Membership, following: bool, company: Company | None = None, tag: Tag | None = None) -> bool:
    if (company is None) == (tag is None):
        raise ApplicationError("Follow either a company or a tag.")
    subject = company or tag
    if subject.organization_id != by.organization_id:
        raise ApplicationError("Follow a company or tag of this organization.")
    follows = Follow.objects.for_org(by.organization_id).filter(member=by)
    current = follows.filter(company=company) if company else follows.filter(tag=tag)
    if not following:
        current.delete()
        return False
    if not current.exists():
        try:
            with transaction.atomic():
                Follow.objects.create(organization_id=by.organization_id, member=by, company=company, tag=tag)
        except IntegrityError:
            pass
    return True
