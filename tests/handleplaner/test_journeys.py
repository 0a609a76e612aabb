"""A leader's day with a plan, as a new user tried it (issue 11, items 1 and 3): an
evaluation is interim unless she says it is final, the final one is confirmed, a consultant
can reopen a plan evaluated by mistake, interim dates are reminded of; the observation
picker, the prefill from a development point, error lines, phases done too early and the
PDF download."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from handleplaner.forms import PlanEditor, short_title
from handleplaner.history import history_entries
from handleplaner.models import Evaluering, Paminnelse, ReminderKind, Status
from handleplaner.tasks import send_due_reminders
from observasjoner.models import Instrument, Observasjon, Observasjonsrunde
from observasjoner.tilsyn.models import Utviklingspunkt
from tests.handleplaner.factories import form_data, make_plan
from tests.observasjoner import factories
from tests.observasjoner.tilsyn.helpers import make_tilsyn

pytestmark = pytest.mark.django_db


def _evaluate(client, plan, **data):
    return client.post(reverse("handleplaner:evaluation-add", args=[plan.pk]), {
        "held_on": timezone.localdate().isoformat(), "observed": "Half way there.",
        "goal_reached": "partly", **data})


# Item 1: interim unless final ----------------------------------------------------------------

def test_the_final_box_is_unticked_and_an_evaluation_is_interim_by_default(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    page = client.get(reverse("handleplaner:evaluation-add", args=[plan.pk])).content.decode()
    final_box = page[page.index('name="final"') - 200:page.index('name="final"') + 200]
    assert "checked" not in final_box
    response = _evaluate(client, plan, next_on=(timezone.localdate() + timedelta(days=90)))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.IN_PROGRESS
    evaluation = plan.evalueringer.get()
    assert evaluation.final is False
    assert evaluation.next_on == timezone.localdate() + timedelta(days=90)
    # The phases keep their progress form.
    page = client.get(reverse("handleplaner:detail", args=[plan.pk])).content.decode()
    assert "Record progress on" in page and "interim evaluation" in page


def test_a_final_evaluation_asks_for_confirmation_first(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    response = _evaluate(client, plan, final="on", observed="We reached it.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record the final evaluation of" in page
    assert "The municipality&#x27;s consultants, by e-mail." in page
    assert 'value="We reached it."' in page  # what she wrote travels with the confirmation
    plan.refresh_from_db()
    assert plan.status == Status.IN_PROGRESS and not plan.evalueringer.exists()

    back = _evaluate(client, plan, final="on", observed="We reached it.", back="1")
    assert back.status_code == 200 and "We reached it." in back.content.decode()
    assert not plan.evalueringer.exists()

    _evaluate(client, plan, final="on", observed="We reached it.", confirmed="1")
    plan.refresh_from_db()
    assert plan.status == Status.EVALUATED
    assert plan.evalueringer.get().final is True


def test_a_final_evaluation_has_no_next_date(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    client.force_login(world.users["leader"])
    response = _evaluate(client, plan, final="on", confirmed="1",
                         next_on=(timezone.localdate() + timedelta(days=30)))
    assert response.status_code == 200
    assert "A final evaluation has no next one" in response.content.decode()
    assert not plan.evalueringer.exists()


def test_a_consultant_reopens_a_plan_evaluated_by_mistake(world, client,
                                                           django_capture_on_commit_callbacks):
    plan = make_plan(world.barnehage["own"], status=Status.EVALUATED)
    url = reverse("handleplaner:transition", args=[plan.pk, "reopen"])
    client.force_login(world.users["leader"])
    client.post(url, {"comment": "Mine"})
    plan.refresh_from_db()
    assert plan.status == Status.EVALUATED  # not the leader's step

    client.force_login(world.users["consultant"])
    page = client.get(reverse("handleplaner:detail", args=[plan.pk])).content.decode()
    assert "Why is the plan reopened?" in page
    client.post(url, {"comment": ""})
    plan.refresh_from_db()
    assert plan.status == Status.EVALUATED  # a reason is required

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": "Phase 2 runs for another year."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.IN_PROGRESS
    assert plan.evalueringer.get().final is False
    assert [message.to for message in mail.outbox] == [[world.users["leader"].email]]
    changes = [(change.label, change.old, change.new)
               for entry in history_entries(plan) for change in entry.changes]
    assert ("Status", "Evaluated", "In progress") in changes
    assert ("Reopened, because", "", "Phase 2 runs for another year.") in changes
    assert any(label == "Evaluation now counts as interim" for label, _old, _new in changes)
    # The leader can record progress and evaluate again.
    client.force_login(world.users["leader"])
    assert client.get(reverse("handleplaner:evaluation-add", args=[plan.pk])).status_code == 200


def test_interim_evaluation_dates_are_reminded_of_once(world):
    today = timezone.localdate()
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS, evaluation_due=None,
                     period_start=today - timedelta(days=90))
    plan.faser.update(end=today + timedelta(days=100))
    Evaluering.objects.create(handleplan=plan, held_on=today - timedelta(days=60),
                              observed="First look.", goal_reached="no",
                              next_on=today + timedelta(days=5))
    assert send_due_reminders() == 1
    reminder = Paminnelse.objects.get()
    assert reminder.kind == ReminderKind.INTERIM and reminder.due == today + timedelta(days=5)
    # Mails to a kindergarten's leaders are in the municipality's language (Aby: bokmål).
    assert "underveisevaluering" in mail.outbox[0].subject
    assert send_due_reminders() == 0
    # An evaluation held since makes the old date moot.
    Paminnelse.objects.all().delete()
    Evaluering.objects.create(handleplan=plan, held_on=today - timedelta(days=1),
                              observed="Earlier than planned.", goal_reached="partly")
    assert send_due_reminders() == 0


# Item 3 --------------------------------------------------------------------------------------

def test_the_observation_picker_lists_a_double_coded_observation_once(world):
    avdeling = world.avdeling["own"]
    runde = factories.runde(world.kommune["own"], status=Observasjonsrunde.Status.ACTIVE)
    other = factories.observer(world.kommune["own"], world.barnehage["sibling"],
                               "second@example.test")
    first = Observasjon.objects.create(
        runde=runde, avdeling=avdeling, observer=world.users["observer"],
        instrument=Instrument.objects.get(code=avdeling.instrument_code),
        planned_date=runde.start_date, status=Observasjon.Status.SUBMITTED)
    Observasjon.objects.create(
        runde=runde, avdeling=avdeling, observer=other, instrument=first.instrument,
        planned_date=runde.start_date, status=Observasjon.Status.SUBMITTED,
        double_coding_of=first)
    plan = make_plan(world.barnehage["own"])
    editor = PlanEditor(plan)
    assert list(editor.form.fields["observasjon"].queryset) == [first]


def test_a_plan_from_a_development_point_takes_its_title_and_background(world, client):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], status="completed")
    point = Utviklingspunkt.objects.create(
        tilsyn=tilsyn, text="The children's play outdoors needs more adult presence. "
                            "Staff stand together at the gate.")
    client.force_login(world.users["leader"])
    page = client.get(reverse("handleplaner:create") + f"?utviklingspunkt={point.pk}")
    form = page.context["form"]
    assert form["title"].value() == "The children's play outdoors needs more adult presence"
    assert "Staff stand together at the gate." in form["origin_note"].value()
    assert form["origin"].value() == "tilsyn"


def test_a_long_text_makes_a_title_cut_at_a_word():
    title = short_title("word " * 60)
    assert len(title) <= 121 and title.endswith("word…")


def test_a_phase_cannot_be_marked_done_before_it_starts(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS)
    fase = plan.faser.first()  # starts tomorrow
    client.force_login(world.users["leader"])
    response = client.post(reverse("handleplaner:progress-add", args=[plan.pk, fase.pk]),
                           {"text": "Planned the groups.", "completed": "on"}, follow=True)
    fase.refresh_from_db()
    assert fase.completed_on is None
    assert not fase.fremdrift.exists()
    assert "it can be marked completed once it has started" in response.content.decode()


def test_the_plan_pdf_downloads_with_a_proper_file_name(world, client):
    plan = make_plan(world.barnehage["own"], title="Små grupper for alle")
    client.force_login(world.users["leader"])
    response = client.get(reverse("handleplaner:pdf", args=[plan.pk]))
    assert response.status_code == 200
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="action-plan-a1-barnehage-sma-grupper-for-alle-{day}.pdf"')


def test_a_missing_answer_is_said_once_per_line(world, client):
    plan = make_plan(world.barnehage["own"])
    question = plan.svar.first().sporsmal
    client.force_login(world.users["leader"])
    response = client.post(reverse("handleplaner:edit", args=[plan.pk]),
                           form_data(plan, action="submit", **{f"q{question.pk}": ""}))
    lines = response.context["error_lines"]
    assert f"{question.text}: Answer this question before you submit." in lines
    assert all(line.count(question.text) <= 1 for line in lines)
