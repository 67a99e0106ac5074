"""Who hears of each of the alumni app's services (alliance.handoffs); declared from AlumniConfig.ready()."""

from __future__ import annotations

from alliance.handoffs import TEAM_JOINED
from alumni.handoffs import ALUMNI_CONTRIBUTION, EXIT_TASK_ASSIGNED, TEAM_DEPARTURE


def declare_services() -> None:
    from alliance.handoffs import declare, silent, tells
    from alumni.reminders import EXIT_TASK_DUE
    from alumni.services import (
        BOOMERANG_REHIRED,
        BOOMERANG_REQUESTED,
        EVENT_CANCELLED,
        EVENT_PROMOTED,
        EVENT_REMINDER,
        EXIT_INTERVIEW_INVITE,
        EXIT_STARTED,
        LEAD_STATUS,
        NEWSLETTER,
        REFERRAL_STATUS,
    )

    helper = "a helper or a read of other services: changes nothing by itself"
    hr_catalogue = "HR's catalogue, seen by alumni and employees on their pages (and in the newsletter)"
    own = "a person's own details and consents, which they change themselves"
    declare("alumni.services", {
        "alumni_import_preview": silent("a preview of HR's own file: nobody is added yet"),
        "alumni_import_apply": silent("former employees become alumni without consents; nobody hears until HR "
                                      "invites them (alumni_import_invite)"),
        "alumni_import_invite": silent("each former employee is e-mailed the link to the consent step itself"),
        "alumni_import_undelivered": silent(helper),
        "leaver_link_email": silent("the leaver is e-mailed the link itself, not a notification"),
        "organization_today": silent(helper),
        "note_visibilities": silent(helper),
        "rehire_refusal": silent(helper),
        "exits_due": silent(helper),
        "retention_due": silent(helper),
        "due_event_reminders": silent(helper),
        "newsletter_period": silent(helper),
        "unsubscribe_token": silent(helper),
        "unsubscribe_lookup": silent(helper),
        "leaver_link_lookup": silent(helper),
        "my_data": silent("a read: a person's own data"),
        "my_data_zip": silent("a read: a person's own data"),
        "my_event_answers": silent("a read: a person's own data"),
        "export_files": silent("a read: a person's own data"),
        "exit_start": tells("the leaver; the leaver's manager; every checklist task's assignee; HR when the leaver "
                            "has reports", EXIT_STARTED, TEAM_DEPARTURE, EXIT_TASK_ASSIGNED),
        "exit_update": tells("the leaver's manager, when the last working day moves", TEAM_DEPARTURE),
        "exit_cancel": tells("the leaver's manager; the exit's notices leave every bell", TEAM_DEPARTURE),
        "exit_finish": tells("the leaver's manager (the alumnus is welcomed by e-mail to their personal address)",
                             TEAM_DEPARTURE),
        "exits_sweep": tells("as exit_finish, for each exit whose last day is over", TEAM_DEPARTURE),
        "exit_task_complete": silent("HR follows the checklist on the exit page; the task's reminders stop"),
        "exit_interview_schedule": tells("the leaver and the interviewer, with the invite", EXIT_INTERVIEW_INVITE),
        "exit_interview_answer": silent("the leaver's answers, or HR's record of the conversation, on the exit page"),
        "exit_template_save": silent("HR's templates for future exits"),
        "exit_template_task_add": silent("HR's templates for future exits"),
        "exit_template_task_remove": silent("HR's templates for future exits"),
        "question_add": silent("HR's exit questions for future interviews"),
        "question_remove": silent("HR's exit questions for future interviews"),
        "question_set_save": silent("HR's exit questions for future interviews"),
        "leaver_step_save": silent(own + " (a new personal address is sent a verification link)"),
        "leaver_link_submit": silent(own),
        "leaver_link_send": silent("the leaver is e-mailed the link itself"),
        "leaver_email_verify": silent(own),
        "leaver_verification_resend": silent("the leaver is e-mailed the link itself"),
        "alumni_contact_update": silent(own + " (a new personal address is sent a confirmation link)"),
        "alumni_profile_ensure": silent("the alumnus's card, made when they join"),
        "alumni_profile_update": silent(own),
        "alumni_photo_set": silent(own),
        "alumni_photo_remove": silent(own),
        "alumni_sharing_consent": silent(own),
        "alumni_note_share": silent("an alumnus's feedback, read by whoever may see it in intelligence"),
        "level_changed": silent("follows the investment level an administrator sets"),
        "network_settings_save": silent("an administrator's settings of the alumni network"),
        "alumnus_erase": silent("a person's right to be erased: nobody else is told their details"),
        "retention_sweep": silent("anonymizes alumni past the retention period: nobody is told their details"),
        "event_answers_erase": silent("a person's right to be erased"),
        "referral_create": tells("HR", ALUMNI_CONTRIBUTION),
        "referral_submit": tells("HR", ALUMNI_CONTRIBUTION),
        "referral_set_status": tells("who referred the candidate", REFERRAL_STATUS),
        "referral_bonus_paid": tells("who referred the candidate", REFERRAL_STATUS),
        "lead_create": tells("HR", ALUMNI_CONTRIBUTION),
        "lead_set_status": tells("who brought the lead", LEAD_STATUS),
        "lead_assign": tells("the lead's new owner", ALUMNI_CONTRIBUTION),
        "lead_bonus_paid": tells("who brought the lead", LEAD_STATUS),
        "boomerang_request": tells("HR", BOOMERANG_REQUESTED),
        "opening_apply": tells("HR (a request to come back)", BOOMERANG_REQUESTED),
        "boomerang_rehire": tells("the returning alumnus and their new manager", BOOMERANG_REHIRED, TEAM_JOINED),
        "boomerang_decline": silent("HR's answer to a request; the alumnus sees it on their come-back page"),
        "opening_create": silent(hr_catalogue),
        "opening_update": silent(hr_catalogue),
        "opening_close": silent(hr_catalogue),
        "news_post_create": tells("subscribed alumni, in the next newsletter", NEWSLETTER),
        "news_post_update": silent(hr_catalogue),
        "news_post_delete": silent(hr_catalogue),
        "newsletter_issue_make": tells("subscribed alumni", NEWSLETTER),
        "newsletter_sweep": tells("subscribed alumni", NEWSLETTER),
        "newsletter_schedule_save": silent("HR's newsletter schedule"),
        "newsletter_unsubscribe": silent(own),
        "benefit_create": silent(hr_catalogue),
        "benefit_update": silent(hr_catalogue),
        "benefit_delete": silent(hr_catalogue),
        "event_create": silent(hr_catalogue),
        "event_update": tells("who gets a seat from the waiting list", EVENT_PROMOTED),
        "event_cancel": tells("everyone who said they come", EVENT_CANCELLED),
        "event_rsvp": silent("a person's own answer; they are reminded before the event"),
        "event_rsvp_cancel": tells("who gets the freed seat from the waiting list", EVENT_PROMOTED),
        "event_reminders_sweep": tells("everyone going to an upcoming event", EVENT_REMINDER),
    })
    assert EXIT_TASK_DUE  # the checklist's own reminders (alumni.reminders) tell assignees as tasks come due
