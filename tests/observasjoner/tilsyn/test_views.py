"""The supervision pages, walked through as a consultant and read as a leader."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from barnehager.models import Kommune
from observasjoner.tilsyn.models import Tilsyn, TilsynVurdering, Utviklingspunkt
from tests.observasjoner.tilsyn.helpers import english as _english
from tests.observasjoner.tilsyn.helpers import (
    make_action_plan,
    make_tilsyn,
    shared_instrument,
)

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(_english)


def url(name, *args):
    return reverse(f"observasjoner:{name}", args=args)


def test_a_consultant_records_completes_and_publishes_a_supervision(client, world):
    client.force_login(world.users["consultant"])
    own = world.barnehage["own"]
    instrument = shared_instrument("nb")
    response = client.post(url("tilsyn-create"), {
        "barnehage": own.pk, "instrument": instrument.pk, "date": "2025-10-14",
        "announced": "False", "role": "authority"})
    tilsyn = Tilsyn.objects.get(barnehage=own)
    assert response["Location"] == url("tilsyn-edit", tilsyn.pk)
    assert tilsyn.consultant == world.users["consultant"] and not tilsyn.announced
    assert tilsyn.vurderinger.count() == 18

    # The assessment: a rating and a note per criterion, grouped by theme.
    page = client.get(url("tilsyn-edit", tilsyn.pk)).content.decode()
    assert "Allsidig personlig utvikling" in page and "Kultur, estetikk og fellesskap" in page
    assert "Never write a child&#x27;s name." in page
    levels = {level.value: level for level in instrument.skala.levels.all()}
    vurderinger = list(tilsyn.vurderinger.all())
    data = {"tilsyn-date": "2025-10-14", "tilsyn-announced": "False",
            "tilsyn-role": "authority", "tilsyn-findings": "Godt språkmiljø.", "next": "1"}
    for index, vurdering in enumerate(vurderinger):
        data[f"rating-rating_{vurdering.pk}"] = levels[2 if index < 4 else 3].pk
        data[f"rating-note_{vurdering.pk}"] = "Sett ved lunsj." if index == 0 else ""
    response = client.post(url("tilsyn-edit", tilsyn.pk), data)
    assert response["Location"] == url("tilsyn-outcome", tilsyn.pk)
    assert not TilsynVurdering.objects.filter(tilsyn=tilsyn, niva__isnull=True).exists()
    assert TilsynVurdering.objects.get(pk=vurderinger[0].pk).note == "Sett ved lunsj."

    # A concern without a follow-up date is refused on the form, with the reason.
    outcome = {"outcome-outcome": "concern", "outcome-follow_up_date": "",
               "outcome-correction_order": "", "outcome-correction_deadline": "",
               "points-TOTAL_FORMS": "1", "points-INITIAL_FORMS": "0",
               "points-0-text": "Færre overganger.", "points-0-tema": ""}
    response = client.post(url("tilsyn-outcome", tilsyn.pk), outcome)
    assert response.status_code == 200
    assert "follow_up_date" in response.context["form"].errors
    outcome["outcome-follow_up_date"] = "2026-02-01"
    assert client.post(url("tilsyn-outcome", tilsyn.pk), outcome).status_code == 302
    assert Utviklingspunkt.objects.get(tilsyn=tilsyn).text == "Færre overganger."

    client.post(url("tilsyn-complete", tilsyn.pk))
    client.post(url("tilsyn-board-comment", tilsyn.pk), {
        "board_comment_date": "2025-11-05", "board_comment": "Styret følger opp."})
    client.post(url("tilsyn-publish", tilsyn.pk), {"confirm": "on"})
    tilsyn.refresh_from_db()
    assert tilsyn.status == Tilsyn.Status.PUBLISHED and tilsyn.is_open_concern
    assert tilsyn.board_comment == "Styret følger opp."
    assert tilsyn.rapport.checksum

    # Published: the assessment is fixed.
    response = client.get(url("tilsyn-edit", tilsyn.pk))
    assert response.status_code == 302
    client.post(url("tilsyn-close", tilsyn.pk))
    tilsyn.refresh_from_db()
    assert tilsyn.closed_on == timezone.localdate()


def test_the_edit_page_labels_each_rating_with_the_level_name(client, world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], rated=False)
    client.force_login(world.users["consultant"])
    page = client.get(url("tilsyn-edit", tilsyn.pk)).content.decode()
    vurdering = tilsyn.vurderinger.first()
    for level in tilsyn.instrument.skala.levels.all():
        assert (f'<label class="form-check-label" for="id_rating-rating_{vurdering.pk}_'
                in page)
        assert f">{level.name}</label>" in page
    assert f'<legend class="fs-6 fw-semibold float-none w-auto px-1 mb-2">' \
           f'{vurdering.kriterium.text}</legend>' in page


def test_a_completed_supervision_keeps_every_rating(client, world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="none",
                         status="completed")
    client.force_login(world.users["consultant"])
    vurdering = tilsyn.vurderinger.first()
    response = client.post(url("tilsyn-edit", tilsyn.pk), {
        "tilsyn-date": "2025-10-01", "tilsyn-announced": "True", "tilsyn-role": "authority",
        f"rating-rating_{vurdering.pk}": ""})
    assert response.status_code == 200
    assert not TilsynVurdering.objects.filter(tilsyn=tilsyn, niva__isnull=True).exists()


def test_a_danish_supervision_has_no_owner_role_or_correction_order(client, world):
    tilsyn = make_tilsyn(world.barnehage["foreign"], world.foreign_users["consultant"],
                         rated=False)
    client.force_login(world.foreign_users["consultant"])
    assert "tilsyn-role" not in client.get(url("tilsyn-edit", tilsyn.pk)).content.decode()
    page = client.get(url("tilsyn-outcome", tilsyn.pk)).content.decode()
    assert "correction_order" not in page


def test_the_instrument_must_be_available_in_the_kindergartens_municipality(client, world):
    client.force_login(world.users["consultant"])
    response = client.post(url("tilsyn-create"), {
        "barnehage": world.barnehage["own"].pk, "instrument": shared_instrument("da").pk,
        "date": "2025-10-14", "announced": "True", "role": "authority"})
    assert response.status_code == 200
    assert "instrument" in response.context["form"].errors


def test_a_consultant_cannot_create_a_supervision_in_another_municipality(client, world):
    client.force_login(world.users["consultant"])
    response = client.post(url("tilsyn-create"), {
        "barnehage": world.barnehage["foreign"].pk, "instrument": shared_instrument("nb").pk,
        "date": "2025-10-14", "announced": "True", "role": "authority"})
    assert response.status_code == 200
    assert "barnehage" in response.context["form"].errors
    assert not Tilsyn.objects.exists()


def test_the_leader_reads_the_assessment_without_any_action(client, world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="concern",
                         status="completed", findings="Mange overganger.")
    client.force_login(world.users["leader"])
    response = client.get(url("tilsyn-detail", tilsyn.pk))
    page = response.content.decode()
    assert "Mange overganger." in page
    # Aby is Norwegian: a concern is followed up, there is no intensified supervision.
    assert "Concern: followed up with a new supervision" in page
    for action in ("tilsyn-edit", "tilsyn-outcome", "tilsyn-publish", "tilsyn-close",
                   "tilsyn-board-comment"):
        assert url(action, tilsyn.pk) not in page


def test_the_list_filters_and_names_kindergartens_without_a_recent_report(client, world):
    # The two-year duty is Danish (test_country_rules.py has the Norwegian side).
    Kommune.objects.filter(pk=world.kommune["own"].pk).update(country="DK")
    consultant = world.users["consultant"]
    today = timezone.localdate()
    make_tilsyn(world.barnehage["own"], consultant, outcome="concern", status="published",
                published_on=today - timedelta(days=100))
    make_tilsyn(world.barnehage["sibling"], consultant, outcome="none", status="published",
                published_on=today - timedelta(days=800))
    client.force_login(consultant)
    response = client.get(url("tilsyn-list"))
    overdue = list(response.context["overdue"])
    assert overdue == [world.barnehage["sibling"]]
    assert overdue[0].last_published == today - timedelta(days=800)

    response = client.get(url("tilsyn-list"), {"intensified": "on"})
    assert [t.barnehage for t in response.context["supervisions"]] == [world.barnehage["own"]]
    response = client.get(url("tilsyn-list"), {"outcome": "none"})
    assert [t.barnehage for t in response.context["supervisions"]] == [
        world.barnehage["sibling"]]


def test_list_and_detail_use_a_fixed_number_of_queries(client, world,
                                                       django_assert_max_num_queries):
    consultant = world.users["consultant"]
    for _ in range(5):
        tilsyn = make_tilsyn(world.barnehage["own"], consultant, outcome="none",
                             status="published")
    client.force_login(consultant)
    # 9: the countries the consultant manages decide which law's section the page shows.
    with django_assert_max_num_queries(9):
        assert client.get(url("tilsyn-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("tilsyn-detail", tilsyn.pk)).status_code == 200


def test_the_leader_starts_an_action_plan_from_a_development_point(client, world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="serious",
                         status="completed")
    point = Utviklingspunkt.objects.create(tilsyn=tilsyn, text="Alle børn i et fællesskab.")
    start = (f'{reverse("handleplaner:create")}?barnehage={tilsyn.barnehage_id}'
             f'&amp;utviklingspunkt={point.pk}')
    client.force_login(world.users["leader"])
    page = client.get(url("tilsyn-detail", tilsyn.pk)).content.decode()
    assert start in page
    assert "No action plan yet. A serious concern needs one" in page

    plan = make_action_plan(tilsyn, "Fællesskab for alle")
    page = client.get(url("tilsyn-detail", tilsyn.pk)).content.decode()
    assert reverse("handleplaner:detail", args=[plan.pk]) in page
    assert "No action plan yet" not in page
    # The consultant follows the plan but does not write it.
    client.force_login(world.users["consultant"])
    page = client.get(url("tilsyn-detail", tilsyn.pk)).content.decode()
    assert reverse("handleplaner:detail", args=[plan.pk]) in page
    assert start not in page


def test_the_menu_offers_supervision_to_consultants_and_leaders(client, world):
    for role, shown in (("consultant", True), ("admin", True), ("leader", True),
                        ("observer", False), ("politician", False)):
        client.force_login(world.users[role])
        page = client.get(reverse("home")).content.decode()
        assert (f'href="{url("tilsyn-list")}"' in page) is shown, role


def test_the_home_page_shows_intensified_supervision_and_the_leaders_latest(client, world):
    # Intensified supervision and the two-year duty are Danish (test_country_rules.py has
    # the Norwegian side).
    Kommune.objects.filter(pk=world.kommune["own"].pk).update(country="DK")
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="concern",
                         status="completed")
    client.force_login(world.users["consultant"])
    page = client.get(reverse("home")).content.decode()
    assert "Under intensified supervision" in page
    assert url("tilsyn-detail", tilsyn.pk) in page
    assert "2 institutions have no published supervision report" in page

    client.force_login(world.users["leader"])
    page = client.get(reverse("home")).content.decode()
    assert "Latest supervision of A1 barnehage" in page
    assert "Under intensified supervision" not in page

    client.force_login(world.users["observer"])
    assert 'id="tilsyn-home-heading"' not in client.get(reverse("home")).content.decode()


def test_a_leader_without_a_supervision_is_told_so_not_shown_an_empty_heading(client, world):
    client.force_login(world.users["leader"])
    page = client.get(reverse("home")).content.decode()
    assert "No supervision of your kindergarten has been completed yet." in page
