"""E-mail to each observer when a round is published: her observations with their dates,
and the same as a calendar file (.ics, RFC 5545) her calendar can import.

Queued through the outbox by `assignment.publish_round`, one message per observer, so a
broker that is down delays the mail and loses nothing.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from icalendar import Calendar, Event

from barnehager.models import User
from barnehager.outbox import OutboxTask
from observasjoner.models import Observasjon, Observasjonsrunde

PRODID = "-//Kvalitet//Observation rounds//EN"


def assignments_of(runde: Observasjonsrunde, observer: User) -> list[Observasjon]:
    return list(runde.observasjoner.filter(observer=observer)
                .select_related("avdeling__barnehage", "instrument", "double_coding_of")
                .order_by("planned_date", "avdeling__barnehage__name", "avdeling__name"))


def _summary(observasjon: Observasjon) -> str:
    if observasjon.double_coding_of_id:
        return translation.gettext("Second coding (CLASS): %(department)s, %(kindergarten)s") % {
            "department": observasjon.avdeling.name,
            "kindergarten": observasjon.avdeling.barnehage.name}
    return translation.gettext("CLASS observation: %(department)s, %(kindergarten)s") % {
        "department": observasjon.avdeling.name,
        "kindergarten": observasjon.avdeling.barnehage.name}


def calendar_file(runde: Observasjonsrunde, observasjoner: list[Observasjon]) -> bytes:
    """One all-day event per observation; each keeps its UID, so a second import of a
    changed plan updates the events instead of doubling them."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", runde.name)
    host = slugify(settings.SITE_URL.split("//")[-1].split("/")[0]) or "kvalitet"
    stamp = timezone.now()
    for observasjon in observasjoner:
        event = Event()
        event.add("uid", f"observasjon-{observasjon.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", observasjon.planned_date)
        event.add("dtend", observasjon.planned_date + timedelta(days=1))
        event.add("summary", _summary(observasjon))
        event.add("location", observasjon.avdeling.barnehage.name)
        event.add("description", f"{runde.name} · {observasjon.instrument.name}\n"
                                 f"{record_url(observasjon)}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def record_url(observasjon: Observasjon) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("observasjoner:record",
                                                   args=[observasjon.pk])


@shared_task(base=OutboxTask)
def send_assignments(runde_id: int, observer_id: int) -> int:
    """Mails one observer her observations in a published round; returns how many."""
    runde = Observasjonsrunde.objects.select_related("kommune").get(pk=runde_id)
    observer = User.objects.get(pk=observer_id)
    observasjoner = assignments_of(runde, observer)
    if not observasjoner or not observer.email or not observer.is_active:
        return 0
    with translation.override(runde.kommune.language):
        rows = [{"observasjon": observasjon, "summary": _summary(observasjon),
                 "url": record_url(observasjon)} for observasjon in observasjoner]
        context = {"runde": runde, "observer": observer, "rows": rows,
                   "home": settings.SITE_URL.rstrip("/") + reverse("home")}
        subject = render_to_string("observasjoner/rounds/email/assignments_subject.txt", context)
        body = render_to_string("observasjoner/rounds/email/assignments.txt", context)
        ics = calendar_file(runde, observasjoner)
    message = EmailMessage(" ".join(subject.split()), body, None, [observer.email])
    message.attach(f"{slugify(runde.name) or 'observasjoner'}.ics", ics,
                   "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()
    return len(observasjoner)
