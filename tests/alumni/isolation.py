"""The alumni app's rows for the isolation sweep (see tests/isolation.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from alumni import services
from alumni.models import AlumniProfile, Boomerang, ErasureRecord, ExitInterview, ExitProcess, LeaverStep
from network_intel import services as intel_services
from tests.alliance.factories import MembershipFactory
from tests.alumni import files


def populate(world) -> None:
    admin = world.admin
    with tenancy.tenant_context(world.org.pk):
        admin.organization = world.org
        template = services.exit_template_save(by=admin, kind="resignation", name="Globex Secret checklist")
        services.exit_template_task_add(template=template, by=admin, title="Globex Secret task",
                                        assignee_role="leaver", due_offset_days=-1)
        question_set = services.question_set_save(by=admin, name="Globex Secret questions", is_default=True)
        services.question_add(question_set=question_set, by=admin, text="Globex Secret question?", kind="text")
        process = services.exit_start(by=admin, member=world.employee, kind="resignation",
                                      last_working_day=timezone.localdate() + timedelta(days=10),
                                      initiated_by=ExitProcess.InitiatedBy.EMPLOYEE, hr_note="Globex Secret note")
        LeaverStep.objects.for_org(world.org).filter(process=process).update(note="Globex Secret note")
        assert ExitInterview.objects.for_org(world.org).filter(process=process).exists()
        services.network_settings_save(by=admin, data={"level": "invest", "referral_bonus_for": "everyone",
                                                       "referral_bonus_amount": "500", "bonus_currency": "EUR"})
        referral = services.referral_create(by=world.employee, candidate_name="Globex Secret candidate",
                                            candidate_email="candidate@globex.test", role="Globex Secret role",
                                            why="Globex Secret reasons")
        lead = services.lead_create(by=world.employee, company="Globex Secret customer", contact_name="Globex Secret",
                                    need="Globex Secret need")
        alumnus = MembershipFactory(organization=world.org, status=Membership.Status.ALUMNUS,
                                    user__email="alumnus@globex.test", user__full_name="Globex Secret Alumnus")
        AlumniProfile.objects.create(organization=world.org, member=alumnus, listed=True, name_visibility="everyone",
                                     company_visibility="everyone", current_company="Globex Secret Inc")
        boomerang = Boomerang.objects.create(organization=world.org, member=alumnus, state=Boomerang.State.REQUESTED,
                                             message="Globex Secret wish", requested_at=timezone.now())
        opening = services.opening_create(by=admin, title="Globex Secret opening",
                                                description="Globex Secret job")
        services.referral_submit(by=world.employee, opening=opening, candidate_name="Globex Secret friend",
                                       candidate_email="friend@globex.test", why="Globex Secret why",
                                       cv=files.pdf("globex-secret-cv.pdf"))
        profile = AlumniProfile.objects.get(member=alumnus)
        alumnus.organization = world.org
        services.alumni_photo_set(by=alumnus, profile=profile, photo=files.png("globex-secret.png"))
        AlumniProfile.objects.filter(pk=profile.pk).update(photo_visibility="everyone")
        intel_services.alumnus_listing_set(member=alumnus, listed=True)
        erased = MembershipFactory(organization=world.org, status=Membership.Status.FORMER,
                                   user__email="erased@globex.test")
        ErasureRecord.objects.create(organization=world.org, member=erased, erased_at=timezone.now(),
                                     kept={"tours": 0})
    news, event, benefit = _engagement(world, alumnus)
    world.objects.update(news=news, event=event, benefit=benefit)
    world.objects.update(exit=process, referral=referral, lead=lead, boomerang=boomerang, alumnus=alumnus,
                         opening=opening, profile=profile)


def _engagement(world, alumnus):
    """News, the newsletter's schedule and an issue, a benefit, an event with an answer (invest)."""
    from alumni import services
    from alumni.models import EventRsvp, NewsletterIssue

    admin = world.admin
    with tenancy.tenant_context(world.org.pk):
        news = services.news_post_create(by=admin, title="Globex Secret news", body="Globex Secret body")
        services.newsletter_schedule_save(by=admin, frequency="weekly")
        NewsletterIssue.objects.create(organization=world.org, period="2030-W01", since=timezone.now(),
                                       until=timezone.now(), posts=1)
        benefit = services.benefit_create(by=admin, data={
            "title": "Globex Secret perk", "description": "Globex Secret", "kind": "perk", "tier": "alumni",
            "how_to_claim": "Globex Secret"})
        start = timezone.now() + timedelta(days=10)
        event = services.event_create(by=admin, data={
            "title": "Globex Secret party", "starts_at": start, "ends_at": start + timedelta(hours=2),
            "place": "Globex Secret roof", "capacity": 5})
        alumnus.organization = world.org
        services.event_rsvp(event=event, by=alumnus)
        assert EventRsvp.objects.filter(event=event).exists()
    return news, event, benefit
