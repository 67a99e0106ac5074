"""Who may do what in the alumni app, in one place.

Services call the ``require_*`` functions and refuse on their own (``NotAllowed`` → 403);
views, APIs and templates call the ``can_*`` ones only to hide what a person may not use.
The ``access_*`` functions return the object or raise Http404 "No such …" — the same
answer for what does not exist and for what the caller may not see. Below its investment
level a feature does not exist for anyone (404), HR included.

Topics: exits, network, directory, referrals, boomerangs, data_rights, news, benefits, events,
openings, photos, alumni_intel, dashboard, navigation."""

from __future__ import annotations

from alumni.rights.alumni_intel import (
    can_share_feedback,
    can_share_intel,
    has_feedback_consent,
    require_alumni_sharing,
)
from alumni.rights.benefits import (
    BENEFITS_LEVEL,
    access_benefit,
    benefit_tiers_for,
    can_manage_benefits,
    can_see_benefits,
    is_distinguished,
    require_benefit_editor,
)
from alumni.rights.boomerangs import (
    access_boomerang,
    can_ask_to_come_back,
    require_come_back,
)
from alumni.rights.dashboard import (
    can_see_dashboard,
)
from alumni.rights.data_rights import (
    can_erase,
    require_self_erasure,
)
from alumni.rights.directory import (
    access_alumnus,
    audience_of,
    can_use_directory,
)
from alumni.rights.events import (
    EVENTS_LEVEL,
    access_event,
    can_manage_events,
    can_rsvp,
    can_see_events,
    require_event_editor,
    require_rsvp,
)
from alumni.rights.exits import (
    access_exit,
    access_task,
    can_answer_interview,
    can_complete_task,
    can_fill_leaver_step,
    can_run_exits,
    can_see_confidential,
    can_see_exit,
    can_see_interview_answers,
    can_see_personal_email,
    is_leaver,
    require_exit_runner,
    require_interview_answerer,
    require_task_completer,
)
from alumni.rights.navigation import (
    nav_benefits,
    nav_directory,
    nav_events,
    nav_news,
    nav_referrals,
)
from alumni.rights.network import (
    INVEST,
    SUPPORT,
    can_manage_network,
    can_run_network,
    in_the_network,
    is_alumnus,
    portal_open,
    require_level,
    require_network_admin,
    require_network_runner,
    require_portal,
)
from alumni.rights.news import (
    NEWS_LEVEL,
    access_news_post,
    can_manage_news,
    can_read_news,
    require_news_editor,
)
from alumni.rights.openings import (
    access_opening,
    can_apply_from_opening,
    can_manage_openings,
    can_refer_from_opening,
    can_see_openings,
    require_opening_manager,
    require_openings,
)
from alumni.rights.photos import (
    access_photo,
    can_see_photo,
)
from alumni.rights.referrals import (
    access_lead,
    access_referral,
    access_referral_cv,
    can_refer,
    can_see_lead,
    can_see_referral,
    can_update_lead,
    require_lead_updater,
    require_referrer,
)

__all__ = [
    "BENEFITS_LEVEL",
    "EVENTS_LEVEL",
    "INVEST",
    "NEWS_LEVEL",
    "SUPPORT",
    "access_alumnus",
    "access_benefit",
    "access_boomerang",
    "access_event",
    "access_exit",
    "access_lead",
    "access_news_post",
    "access_opening",
    "access_photo",
    "access_referral",
    "access_referral_cv",
    "access_task",
    "audience_of",
    "benefit_tiers_for",
    "can_answer_interview",
    "can_apply_from_opening",
    "can_ask_to_come_back",
    "can_complete_task",
    "can_erase",
    "can_fill_leaver_step",
    "can_manage_benefits",
    "can_manage_events",
    "can_manage_network",
    "can_manage_news",
    "can_manage_openings",
    "can_read_news",
    "can_refer",
    "can_refer_from_opening",
    "can_rsvp",
    "can_run_exits",
    "can_run_network",
    "can_see_benefits",
    "can_see_confidential",
    "can_see_dashboard",
    "can_see_events",
    "can_see_exit",
    "can_see_personal_email",
    "can_see_interview_answers",
    "can_see_lead",
    "can_see_openings",
    "can_see_photo",
    "can_see_referral",
    "can_share_feedback",
    "can_share_intel",
    "can_update_lead",
    "can_use_directory",
    "has_feedback_consent",
    "in_the_network",
    "is_alumnus",
    "is_distinguished",
    "is_leaver",
    "nav_benefits",
    "nav_directory",
    "nav_events",
    "nav_news",
    "nav_referrals",
    "portal_open",
    "require_alumni_sharing",
    "require_benefit_editor",
    "require_come_back",
    "require_event_editor",
    "require_exit_runner",
    "require_interview_answerer",
    "require_lead_updater",
    "require_level",
    "require_network_admin",
    "require_network_runner",
    "require_news_editor",
    "require_opening_manager",
    "require_openings",
    "require_portal",
    "require_referrer",
    "require_rsvp",
    "require_self_erasure",
    "require_task_completer",
]
