"""The rules a plan keeps, written once: the forms attach their messages to fields, and the
state machine asks `Handleplan.submission_problems()`, which calls the same functions.

Each function returns {field name: message}; an empty dict means nothing to fix.
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def period_problems(period_start: date | None, period_end: date | None) -> dict[str, str]:
    if period_start and period_end and period_end <= period_start:
        return {"period_end": _("The period must end after it starts: %(end)s is not after "
                                "%(start)s.") % {"end": _day(period_end),
                                                  "start": _day(period_start)}}
    return {}


def phase_problems(start: date | None, end: date | None,
                   period_start: date | None, period_end: date | None) -> dict[str, str]:
    """A phase ends after it starts and lies inside the plan's period."""
    problems = {}
    if start and end and end <= start:
        problems["end"] = _("The phase must end after it starts: %(end)s is not after "
                            "%(start)s.") % {"end": _day(end), "start": _day(start)}
    if start and period_start and start < period_start:
        problems["start"] = _("The phase starts before the plan's period: start on or after "
                              "%(date)s, or move the period's start.") % {
                                  "date": _day(period_start)}
    if end and period_end and end > period_end and "end" not in problems:
        problems["end"] = _("The phase ends after the plan's period: end on or before "
                            "%(date)s, or move the period's end.") % {"date": _day(period_end)}
    return problems


def deadline_problems(deadline: date | None, today: date) -> dict[str, str]:
    """Checked on submission: a plan goes for approval with a deadline still ahead of it."""
    if deadline is None:
        return {"deadline": _("Set a deadline before you submit the plan.")}
    if deadline <= today:
        return {"deadline": _("The deadline %(date)s is not in the future: choose a date after "
                              "today.") % {"date": _day(deadline)}}
    return {}


def required_fields_problems(values: dict[str, object]) -> dict[str, str]:
    """The plan's own fields a submission needs, given as {field name: value}."""
    messages = {
        "title": _("Give the plan a title."),
        "goal": _("Write the goal of the plan."),
        "period_start": _("Set the date the plan's period starts."),
        "period_end": _("Set the date the plan's period ends."),
    }
    return {name: message for name, message in messages.items()
            if not _filled(values.get(name))}


def missing_answer_message(question_text: str) -> str:
    """The problem on its own, where nothing else names the question (the state machine's
    list); beside the question's field it is `missing_answer_field_message()`."""
    return _("Answer this question before you submit: “%(question)s”") % {
        "question": question_text}


def missing_answer_field_message() -> str:
    """Shown at the question's field, and in the summary after the question as its label."""
    return _("Answer this question before you submit.")


def phase_completion_problems(start: date | None, today: date) -> dict[str, str]:
    """A phase is marked completed only once it has started."""
    if start and start > today:
        return {"completed": _("The phase starts on %(date)s: it can be marked completed once "
                               "it has started.") % {"date": _day(start)}}
    return {}


def phase_missing_problems(title: str, start: date | None, end: date | None) -> dict[str, str]:
    """Checked on submission: every phase has a title and both dates."""
    problems = {}
    if not _filled(title):
        problems["title"] = _("Give the phase a title.")
    if start is None:
        problems["start"] = _("Set the date the phase starts.")
    if end is None:
        problems["end"] = _("Set the date the phase ends.")
    return problems


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""
