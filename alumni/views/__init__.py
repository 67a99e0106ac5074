"""Browser pages of the alumni app.

The level gate (``network_gate``) comes first: a feature the level does not offer is a 404 for
everyone; then the rights of ``alumni.rights`` (``access_*``: 404 for what is missing or not
visible); changes go through ``alumni.services`` only.

Topics: exits, templates, checklist, leaver, network, directory, referrals, boomerangs,
data_rights, news, newsletter, benefits, events, openings, photos, alumni_intel, dashboard."""

from __future__ import annotations

from alumni.views._common import (
    PER_PAGE,
    network_gate,
)
from alumni.views.alumni_intel import (
    alumni_sharing,
    alumni_sharing_consent,
)
from alumni.views.benefits import (
    alumni_benefits,
    benefit_delete,
    benefit_edit,
    benefits_manage,
)
from alumni.views.boomerangs import (
    alumni_come_back,
    boomerang_board,
    boomerang_decline,
    boomerang_rehire,
)
from alumni.views.checklist import (
    task_complete,
    todo,
)
from alumni.views.dashboard import (
    network_dashboard,
)
from alumni.views.data_rights import (
    alumni_my_data,
    alumni_my_data_download,
    alumni_my_data_erase,
)
from alumni.views.directory import (
    CSV_COLUMNS,
    DIRECTORY_PER_PAGE,
    alumni_card,
    alumni_directory,
    alumni_directory_csv,
)
from alumni.views.events import (
    alumni_event,
    alumni_event_cancel_rsvp,
    alumni_event_ics,
    alumni_event_rsvp,
    alumni_events,
    event_cancel,
    event_edit,
    events_manage,
)
from alumni.views.exits import (
    EXITS_PER_PAGE,
    exit_answers,
    exit_board,
    exit_cancel,
    exit_classify,
    exit_detail,
    exit_interview_schedule,
    exit_leaver_link,
    exit_start,
)
from alumni.views.leaver import (
    leaver_link,
    my_answers,
    my_exit,
    my_step,
    my_verify_resend,
    verify_email,
)
from alumni.views.network import (
    alumni_contact,
    alumni_home,
    network_settings_page,
)
from alumni.views.news import (
    alumni_news,
    alumni_news_post,
    news_delete,
    news_edit,
    news_manage,
)
from alumni.views.newsletter import (
    newsletter_settings,
    unsubscribe,
)
from alumni.views.openings import (
    OPENINGS_PER_PAGE,
    alumni_opening,
    alumni_opening_apply,
    alumni_opening_refer,
    alumni_openings,
    opening_close,
    opening_edit,
    opening_new,
)
from alumni.views.photos import (
    alumni_card_photo,
    alumni_photo,
)
from alumni.views.referrals import (
    LIST_PER_PAGE,
    alumni_lead_new,
    alumni_leads,
    alumni_referral_cv,
    alumni_referral_new,
    alumni_referrals,
    lead_owner,
    lead_paid,
    lead_status,
    referral_paid,
    referral_status,
)
from alumni.views.templates import (
    exit_templates,
    question_add,
    question_remove,
    question_sets,
    template_task_remove,
)

__all__ = [
    "CSV_COLUMNS",
    "DIRECTORY_PER_PAGE",
    "EXITS_PER_PAGE",
    "LIST_PER_PAGE",
    "OPENINGS_PER_PAGE",
    "PER_PAGE",
    "alumni_benefits",
    "alumni_card",
    "alumni_card_photo",
    "alumni_come_back",
    "alumni_directory",
    "alumni_directory_csv",
    "alumni_event",
    "alumni_event_cancel_rsvp",
    "alumni_event_ics",
    "alumni_event_rsvp",
    "alumni_events",
    "alumni_contact",
    "alumni_home",
    "alumni_lead_new",
    "alumni_leads",
    "alumni_my_data",
    "alumni_my_data_download",
    "alumni_my_data_erase",
    "alumni_news",
    "alumni_news_post",
    "alumni_opening",
    "alumni_opening_apply",
    "alumni_opening_refer",
    "alumni_openings",
    "alumni_photo",
    "alumni_referral_cv",
    "alumni_referral_new",
    "alumni_referrals",
    "alumni_sharing",
    "alumni_sharing_consent",
    "benefit_delete",
    "benefit_edit",
    "benefits_manage",
    "boomerang_board",
    "boomerang_decline",
    "boomerang_rehire",
    "event_cancel",
    "event_edit",
    "events_manage",
    "exit_answers",
    "exit_board",
    "exit_cancel",
    "exit_classify",
    "exit_detail",
    "exit_interview_schedule",
    "exit_leaver_link",
    "exit_start",
    "exit_templates",
    "lead_owner",
    "lead_paid",
    "lead_status",
    "leaver_link",
    "my_answers",
    "my_exit",
    "my_step",
    "my_verify_resend",
    "network_dashboard",
    "network_gate",
    "network_settings_page",
    "news_delete",
    "news_edit",
    "news_manage",
    "newsletter_settings",
    "opening_close",
    "opening_edit",
    "opening_new",
    "question_add",
    "question_remove",
    "question_sets",
    "referral_paid",
    "referral_status",
    "task_complete",
    "template_task_remove",
    "todo",
    "unsubscribe",
    "verify_email",
]
