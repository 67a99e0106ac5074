"""The alumni network's events for webhooks (alliance.webhooks): sent by alumni.services."""

from __future__ import annotations


def _exit_as_the_api_reads_it(process, viewer):
    from alumni import selectors

    return selectors.exit_api_list(member=viewer).get(pk=process.pk)


def register() -> None:
    from alliance.apis import MemberOutputSerializer
    from alliance.registry import register_webhook_event as event
    from alumni.apis.exits import ExitOutputSerializer
    from alumni.apis.referrals import LeadOutputSerializer, ReferralOutputSerializer

    # HR's confidential notes on an exit stay in the product: never in an event.
    exit_process = {"serializer": ExitOutputSerializer, "resource": "exit", "load": _exit_as_the_api_reads_it,
                    "exclude": ("hr_note", "alumni_despite_note", "rehire_reason")}
    event("exit.started", description="HR started a member's exit.", order=50, **exit_process)
    event("exit.completed", description="A member's last day is over: their exit is completed (see `outcome`).",
          order=51, **exit_process)
    event("alumnus.joined", description="A former member joined the alumni network (their membership, now "
          "`alumnus`).", serializer=MemberOutputSerializer, resource="member", order=52)
    event("referral.created", description="An employee or an alumnus referred someone for a job.",
          serializer=ReferralOutputSerializer, resource="referral", order=60)
    event("referral.hired", description="A referred person was hired.", serializer=ReferralOutputSerializer,
          resource="referral", order=61)
    event("lead.created", description="An employee or an alumnus brought a customer lead.",
          serializer=LeadOutputSerializer, resource="lead", order=62)
