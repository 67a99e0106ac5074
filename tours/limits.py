"""The longest text each field of a tour, checkpoint and program takes (characters).

One constant per bound, used by the models (``max_length``), the forms and the API serializers alike,
so a 1 MB mission is refused in every door with the same limit.
"""

from __future__ import annotations

TITLE_MAX = 200  # Tour.title, RotationalProgram.name, Cohort.name
LOCATION_MAX = 500  # Checkpoint.location
ITEM_TEXT_MAX = 500  # AgendaItem.text, ActionItem.text

# The terms of a tour: a sentence or a few paragraphs each.
MISSION_MAX = 5_000  # Tour.mission, RotationalProgram.mission_template
TERMS_TEXT_MAX = 5_000  # company_objectives, employee_benefits, success_*, alignment_notes, success_criteria
DESCRIPTION_MAX = 5_000  # RotationalProgram.description

# Notes written around a checkpoint or a tour's life.
NOTES_MAX = 10_000  # Checkpoint.manager_notes / employee_notes / course_corrections, PrivateNote.body
COMMENT_MAX = 2_000  # TourChange.comment, Tour.changes_requested, closing_note, next_tour_plan_notes,
#                      FirstConversation.employee_note / outcome_note, a cancel reason

# Lists (items). A checkpoint's agenda takes at most AGENDA_ITEMS_MAX talking points added to it; points not
# discussed carry over to the next checkpoint, so an outcome may tick up to twice as many.
AGENDA_ITEMS_MAX = 50
DISCUSSED_ITEMS_MAX = 2 * AGENDA_ITEMS_MAX
ACTION_ITEMS_MAX = 20  # new action items recorded with one checkpoint's outcome
COHORT_MEMBERS_MAX = 500  # members starting a rotational program together
