"""A consultant's round, as a new user tried it (issue 11, items 7, 8 and 9): rules that can
never be met are refused field by field and shares are in per cent; publishing is confirmed
and mails each observer her dates with a calendar file, and she sees them at once; the
round page counts one thing; dates in the user's format; plural forms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from barnehager.models import Kommune, Role
from handleplaner.models import Status
from observasjoner.models import Observasjon, Observasjonsrunde
from observasjoner.rounds.forms import RundeForm
from tests.handleplaner.factories import make_plan
from tests.observasjoner import factories as f
from tests.observasjoner.rounds.test_import import HEADER, prek

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.users[Role.CONSULTANT])
    return world.users[Role.CONSULTANT]


def _round_data(world, **overrides):
    today = timezone.localdate()
    return {"kommune": world.kommune["own"].pk, "name": "", "semester": "autumn",
            "year": today.year, "start_date": today + timedelta(days=1),
            "end_date": today + timedelta(days=25), "double_coding_share": 15,
            "planned_cycle_minutes": 20, "min_cycle_minutes": 10, "min_presence_share": "50",
            "planned_cycles": 4, "min_valid_cycles": 2, **overrides}


def _form(world, **overrides):
    form = RundeForm(_round_data(world, **overrides),
                     kommuner=Kommune.objects.filter(pk=world.kommune["own"].pk))
    form.is_valid()
    return form


# Item 7 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"min_presence_share": "150"}, "min_presence_share", "A share is at most 100 %."),
    ({"min_presence_share": "0.5"}, "min_presence_share",
     "Enter the share in per cent as a whole number"),
    ({"min_presence_share": "0"}, "min_presence_share", "at least 1 % (50 means half)"),
    ({"min_cycle_minutes": 30}, "min_cycle_minutes",
     "A cycle cannot need more than the 20 minutes planned"),
    ({"min_valid_cycles": 9}, "min_valid_cycles",
     "No observation can have more valid cycles than the 4 cycles planned"),
    ({"double_coding_share": 150}, "double_coding_share", "A share is at most 100 %."),
    ({"min_valid_cycles": 0}, "min_valid_cycles", "Enter at least 1."),
    ({"planned_cycle_minutes": 0}, "planned_cycle_minutes", "Enter at least 1."),
])
def test_rules_that_can_never_be_met_are_refused_at_their_field(world, overrides, field,
                                                                message):
    form = _form(world, **overrides)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert any(message in error for error in form.errors[field])


def test_the_presence_share_is_entered_and_shown_in_per_cent(world, consultant, client):
    form = _form(world, min_presence_share="60 %")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["min_presence_share"] == Decimal("0.6")
    page = client.get(reverse("observasjoner:runde-create")).content.decode()
    assert 'name="min_presence_share" value="50"' in page
    assert "Share of enrolled children present (%)" in page
    response = client.post(reverse("observasjoner:runde-create"),
                           _round_data(world, min_presence_share="75"), follow=True)
    runde = Observasjonsrunde.objects.get()
    assert float(runde.min_presence_share) == 0.75
    assert "at least 75 % of the enrolled children present" in response.content.decode()


def test_a_round_refused_shows_each_message_beside_its_field(world, consultant, client):
    response = client.post(reverse("observasjoner:runde-create"), _round_data(
        world, min_presence_share="150", min_cycle_minutes=30, min_valid_cycles=9))
    assert response.status_code == 200
    assert not Observasjonsrunde.objects.exists()
    page = response.content.decode()
    for field in ("min_presence_share", "min_cycle_minutes", "min_valid_cycles"):
        assert f'id="error_1_id_{field}"' in page


# Item 8 ---------------------------------------------------------------------------------------

def _planned_round(world):
    runde = f.runde(world.kommune["own"], start=date(2030, 9, 2))
    observer = world.users[Role.OBSERVER]
    first = f.observation(runde, world.avdeling["sibling"], observer, day=date(2030, 9, 3))
    second_observer = f.observer(world.kommune["own"], world.barnehage["foreign"],
                                 "andre@example.test")
    f.observation(runde, world.avdeling["sibling"], second_observer, day=date(2030, 9, 3),
                  double_coding_of=first)
    return runde, observer, second_observer


def test_publishing_a_round_asks_first_and_says_who_is_told(world, consultant, client):
    runde, observer, second = _planned_round(world)
    response = client.post(reverse("observasjoner:runde-publish", args=[runde.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The plan goes live: 1 department is to be observed." in page
    assert "1 second coding is planned beside them." in page
    assert "2 observers, each by e-mail with her dates and a calendar file (.ics):" in page
    assert f"{observer}: 1 observation" in page and f"{second}: 1 observation" in page
    assert 'name="confirmed" value="1"' in page
    runde.refresh_from_db()
    assert runde.status == Observasjonsrunde.Status.PLANNING
    assert not mail.outbox


def test_publishing_mails_each_observer_her_dates_with_a_calendar_file(
        world, consultant, client, django_capture_on_commit_callbacks):
    runde, observer, second = _planned_round(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("observasjoner:runde-publish", args=[runde.pk]),
                               {"confirmed": "1"}, follow=True)
    runde.refresh_from_db()
    assert runde.status == Observasjonsrunde.Status.ACTIVE
    assert "2 observers have been sent their observations" in response.content.decode()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {observer.email, second.email}
    message = by_address[observer.email]
    # In the municipality's language (bokmål), with the date and the department.
    with translation.override("nb"):
        assert runde.name in message.subject
    assert "A2 barnehage" in message.body and "2030" in message.body
    (name, content, mimetype), = message.attachments
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == date(2030, 9, 3)
    assert event.decoded("dtend") == date(2030, 9, 4)
    assert "A2 barnehage" in str(event["summary"])
    assert str(event["uid"]).startswith("observasjon-")
    second_event, = Calendar.from_ical(by_address[second.email].attachments[0][1]).walk(
        "VEVENT")
    assert str(second_event["uid"]) != str(event["uid"])


def test_the_observer_sees_her_observations_at_once_after_publishing(world, consultant,
                                                                      client):
    runde, observer, _second = _planned_round(world)
    observation = runde.observasjoner.get(observer=observer)
    client.force_login(observer)
    record = reverse("observasjoner:record", args=[observation.pk])
    assert record not in client.get(reverse("home")).content.decode()
    client.force_login(world.users[Role.CONSULTANT])
    client.post(reverse("observasjoner:runde-publish", args=[runde.pk]), {"confirmed": "1"})
    client.force_login(observer)
    assert record in client.get(reverse("home")).content.decode()


def test_approving_a_plan_asks_first_and_says_who_is_told(world, consultant, client):
    plan = make_plan(world.barnehage["own"], status=Status.SUBMITTED)
    url = reverse("handleplaner:transition", args=[plan.pk, "approve"])
    response = client.post(url, {"comment": "Good work."})
    page = response.content.decode()
    assert "The kindergarten&#x27;s leaders, by e-mail" in page
    assert 'name="comment" value="Good work."' in page
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED
    client.post(url, {"comment": "Good work.", "confirmed": "1"})
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    assert plan.overganger.get().comment == "Good work."


def test_the_submit_confirmation_says_what_happens_and_who_sees_it(world, client):
    runde = f.runde(world.kommune["own"], status=Observasjonsrunde.Status.ACTIVE,
                    start=timezone.localdate(), end=timezone.localdate() + timedelta(days=30))
    observation = f.observation(runde, world.avdeling["sibling"], world.users[Role.OBSERVER])
    client.force_login(world.users[Role.OBSERVER])
    page = client.get(reverse("observasjoner:record", args=[observation.pk])).content.decode()
    assert "the kindergarten's leader sees the results on her home page" in page
    assert "Nobody is sent an e-mail." in page


# Item 9 ---------------------------------------------------------------------------------------

def test_the_round_page_counts_departments_throughout(world, consultant, client):
    runde, _observer, _second = _planned_round(world)
    f.observation(runde, world.avdeling["own"], f.observer(
        world.kommune["own"], world.barnehage["sibling"], "third@example.test"))
    page = client.get(reverse("observasjoner:runde-detail", args=[runde.pk])).content.decode()
    assert "2 departments planned" in page
    assert "0 of 2 departments observed (0 %)" in page
    assert "0 of 1" in page  # second codings, counted apart
    listing = client.get(reverse("observasjoner:runde-list")).content.decode()
    assert "Departments planned" in listing


def test_dates_on_the_dashboards_overdue_table_follow_the_locale(world, client, settings):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS,
                     deadline=date(2025, 3, 31), evaluation_due=date(2025, 2, 28))
    assert plan.is_overdue(timezone.localdate())
    client.force_login(world.users[Role.CONSULTANT])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    url = reverse("rapporter:dashboard-kommune", args=[world.kommune["own"].slug])
    response = client.get(url, {"section": "action-plans"})
    page = response.content.decode()
    table = page[page.index('id="table-plans-overdue"'):]
    table = table[:table.index("</table>")]
    assert "2025-03-31" not in table.replace('datetime="2025-03-31"', "")
    with translation.override(response["Content-Language"]):
        assert date_format(date(2025, 3, 31), "SHORT_DATE_FORMAT") in table
    with translation.override("nb"):
        assert date_format(date(2025, 3, 31), "SHORT_DATE_FORMAT") == "31.03.2025"


@pytest.mark.parametrize(("count", "expected"), [
    (1, "Imported 1 observation with 1 cycle into"),
    (2, "Imported 2 observations with 3 cycles into"),
])
def test_the_import_message_uses_plural_forms(world, consultant, client, count, expected):
    rows = [prek(1)] if count == 1 else [prek(1), prek(2), prek(1, avdeling="Småtroll")]
    if count == 2:
        rows[2] = rows[2].replace(",prek,", ",toddler,").replace(
            "6,1,6,5,5,6,5,3,2,3,,,", "6,1,6,,,,,,3,3,5,5,4")
    upload = SimpleUploadedFile("import.csv", (HEADER + "".join(rows)).encode(), "text/csv")
    response = client.post(reverse("observasjoner:import"),
                           {"kommune": world.kommune["own"].pk, "file": upload}, follow=True)
    assert expected in response.content.decode()
    assert Observasjon.objects.count() == count
