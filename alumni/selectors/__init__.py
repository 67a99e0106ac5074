"""Reads of the alumni app, scoped by organization and rights.

Every list is one query over an index that starts with ``organization_id``, whatever its length.
Topics: exits, network, directory, referrals, boomerangs, news, newsletter, benefits, events,
openings; ``dashboard`` (HR's alumni dashboard, used as a module) is not re-exported here."""

from __future__ import annotations

from alumni.selectors.benefits import (
    benefit_list,
)
from alumni.selectors.boomerangs import (
    boomerang_list,
    boomerang_rate_by_year,
    open_request_of,
    rehire_candidates,
    rehire_managers,
)
from alumni.selectors.directory import (
    DIRECTORY_COLUMNS,
    DirectoryFilters,
    directory_cards,
    directory_narrow,
    directory_rows,
    directory_search,
    profile_of,
    spotlight,
)
from alumni.selectors.events import (
    event_list,
    event_people,
    event_with_counts,
    rsvp_of,
    waiting_position,
)
from alumni.selectors.exits import (
    board_rows,
    exit_api_list,
    exit_board,
    exit_candidates,
    exit_tasks,
    interview_of,
    interview_questions,
    interview_themes,
    last_exit_of,
    leaver_step_of,
    open_exit_of,
    question_sets_for,
    task_api_list,
    templates_for,
    todo_for,
)
from alumni.selectors.network import (
    network_figures,
    network_settings,
)
from alumni.selectors.news import (
    NEWS_COLUMNS,
    news_list,
    news_since,
)
from alumni.selectors.newsletter import (
    news_consenting_alumni,
    newsletter_frequency,
)
from alumni.selectors.openings import (
    applied_for,
    open_opening_count,
    opening_api_list,
    opening_board,
    opening_referrals,
)
from alumni.selectors.referrals import (
    lead_list,
    lead_owner_candidates,
    referral_list,
)

__all__ = [
    "DIRECTORY_COLUMNS",
    "DirectoryFilters",
    "NEWS_COLUMNS",
    "applied_for",
    "benefit_list",
    "board_rows",
    "boomerang_list",
    "boomerang_rate_by_year",
    "directory_cards",
    "directory_narrow",
    "directory_rows",
    "directory_search",
    "event_list",
    "event_people",
    "event_with_counts",
    "exit_api_list",
    "exit_board",
    "exit_candidates",
    "exit_tasks",
    "interview_of",
    "interview_questions",
    "interview_themes",
    "last_exit_of",
    "lead_list",
    "lead_owner_candidates",
    "leaver_step_of",
    "network_figures",
    "network_settings",
    "news_consenting_alumni",
    "news_list",
    "news_since",
    "newsletter_frequency",
    "open_exit_of",
    "open_opening_count",
    "open_request_of",
    "opening_api_list",
    "opening_board",
    "opening_referrals",
    "profile_of",
    "question_sets_for",
    "referral_list",
    "rehire_candidates",
    "rehire_managers",
    "rsvp_of",
    "spotlight",
    "task_api_list",
    "templates_for",
    "todo_for",
    "waiting_position",
]
