from __future__ import annotations

from alliance import tenancy
from network_intel import services
from network_intel.models import Contact


def company(member, name: str, **extra):
    with tenancy.tenant_context(member.organization_id):
        return services.company_create(by=member, name=name, allow_similar=True, **extra)


def note(author, title: str = "Globex is hiring", body: str = "They hire **ten** engineers.", *, companies=(),
         tags=(), visibility: str = "organization", **extra):
    with tenancy.tenant_context(author.organization_id):
        tag_objects = [services.tag_resolve(by=author, name=name) for name in tags]
        return services.intel_note_create(by=author, title=title, body=body, companies=list(companies),
                                          tags=tag_objects, visibility=visibility, **extra)


def contact(owner, company_obj, name: str = "Jane Outside", strength: int = Contact.Strength.ACQUAINTANCE, **extra):
    with tenancy.tenant_context(owner.organization_id):
        return services.contact_create(by=owner, name=name, company=company_obj, strength=strength,
                                       email="jane@outside.example", **extra)
