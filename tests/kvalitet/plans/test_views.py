"""The plan pages: reading, editing by consultants, and a leader's choice of focus."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from barnehager.models import Role
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    Kvalitetsprinsipp,
    Tegn,
    Tiltak,
)
from tests.kvalitet.factories import fokus_for, plan_for
from tests.world import ROLES

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def plan_post_data(plan, **changes):
    data = {"kind": plan.kind, "title": plan.title, "start_year": plan.start_year,
            "end_year": plan.end_year or "", "vision": plan.vision,
            "main_goal": plan.main_goal, "foundation": plan.foundation,
            "adopted_by": plan.adopted_by, "adopted_on": "", "evaluation_due": "",
            "prinsipper-TOTAL_FORMS": 0, "prinsipper-INITIAL_FORMS": 0}
    data.update(changes)
    return data


def fokus_post_data(**changes):
    data = {"title": "Språk", "kind": "focus_area", "quality_kind": "prosess", "order": 3,
            "challenge": "", "goal": "Barna bruker språket i lek.",
            "tiltak-TOTAL_FORMS": 0, "tiltak-INITIAL_FORMS": 0,
            "tegn-TOTAL_FORMS": 0, "tegn-INITIAL_FORMS": 0}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES[1:])
def test_every_role_reads_the_plan_page(client, world, role):
    fokus = fokus_for(world, "own")
    BarnehageFokus.objects.create(barnehage=world.barnehage["sibling"], fokusomrade=fokus,
                                  year=YEAR, sub_goal="Flere barn i lek ute")
    response = login(client, world, role).get(
        reverse("kvalitet:plan-detail", args=[fokus.plan_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Trygge barn" in page  # the vision
    assert "Barna mestrer medgang og motgang." in page  # the goal
    assert "Trygg tilvenning" in page and "1 of 2 done" in page  # measures and progress
    assert "Reflekterer sammen" in page and "Staff" in page  # a sign with its level
    assert "A2 barnehage" in page and "Flere barn i lek ute" in page  # this year's choice
    may_edit = role in (Role.CONSULTANT, Role.ADMIN)
    assert (reverse("kvalitet:plan-edit", args=[fokus.plan_id]) in page) is may_edit


def test_the_plan_list_shows_only_the_municipality_plans(client, world):
    plan_for(world, "own")
    plan_for(world, "foreign")
    page = login(client, world, Role.POLITICIAN).get(reverse("kvalitet:plan-list"))
    assert "Plan own" in page.content.decode()
    assert "Plan foreign" not in page.content.decode()


@pytest.mark.parametrize("role", [Role.LEADER, Role.OBSERVER, Role.POLITICIAN])
def test_edits_are_refused_for_roles_that_only_read(client, world, role):
    fokus = fokus_for(world, "own")
    plan = fokus.plan
    client = login(client, world, role)
    responses = [
        client.post(reverse("kvalitet:plan-create"),
                    plan_post_data(plan, kommune=plan.kommune_id, title="Ny")),
        client.post(reverse("kvalitet:plan-edit", args=[plan.pk]),
                    plan_post_data(plan, title="Kapret")),
        client.post(reverse("kvalitet:fokusomrade-create", args=[plan.pk]), fokus_post_data()),
        client.post(reverse("kvalitet:fokusomrade-edit", args=[fokus.pk]),
                    fokus_post_data(title="Kapret")),
        client.post(reverse("kvalitet:fokusomrade-delete", args=[fokus.pk])),
        client.post(reverse("kvalitet:tiltak-status", args=[fokus.tiltak.first().pk]),
                    {"status": "not_started"}),
    ]
    assert [response.status_code for response in responses] == [403] * 6
    plan.refresh_from_db()
    assert plan.title == "Plan own"
    assert Kvalitetsplan.objects.count() == 1
    assert list(Fokusomrade.objects.values_list("title", flat=True)) == ["Livsmestring"]


def test_a_consultant_creates_a_plan_in_her_municipality_only(client, world):
    client = login(client, world, Role.CONSULTANT)
    page = client.get(reverse("kvalitet:plan-create")).content.decode()
    assert world.kommune["foreign"].name not in page
    response = client.post(reverse("kvalitet:plan-create"), {
        "kommune": world.kommune["foreign"].pk, "kind": "quality_plan", "title": "Fremmed",
        "start_year": 2025})
    assert response.status_code == 200 and not Kvalitetsplan.objects.exists()
    response = client.post(reverse("kvalitet:plan-create"), {
        "kommune": world.kommune["own"].pk, "kind": "programme", "title": "TETT PÅ",
        "start_year": 2025, "end_year": 2028})
    plan = Kvalitetsplan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kvalitet:plan-edit", args=[plan.pk])
    assert plan.kommune == world.kommune["own"] and plan.kind == "programme"


def test_a_consultant_edits_the_plan_and_its_principles(client, world):
    plan = plan_for(world, "own")
    old = Kvalitetsprinsipp.objects.create(plan=plan, name="#gammel", order=1)
    data = plan_post_data(plan, vision="Ny visjon", **{
        "prinsipper-TOTAL_FORMS": 2, "prinsipper-INITIAL_FORMS": 1,
        "prinsipper-0-id": old.pk, "prinsipper-0-name": "#gammel", "prinsipper-0-order": 1,
        "prinsipper-0-DELETE": "on",
        "prinsipper-1-name": "#lekende", "prinsipper-1-description": "Leken først",
        "prinsipper-1-order": 2,
    })
    response = login(client, world, Role.ADMIN).post(
        reverse("kvalitet:plan-edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.vision == "Ny visjon"
    assert list(plan.prinsipper.values_list("name", flat=True)) == ["#lekende"]


def test_plan_edit_errors_say_what_to_fix(client, world):
    plan = plan_for(world, "own")
    plan_for(world, "own", title="Annen plan")
    client = login(client, world, Role.CONSULTANT)
    response = client.post(reverse("kvalitet:plan-edit", args=[plan.pk]),
                           plan_post_data(plan, end_year=plan.start_year - 1))
    assert response.status_code == 200
    assert "The last year cannot be before the first." in response.content.decode()
    response = client.post(reverse("kvalitet:plan-edit", args=[plan.pk]),
                           plan_post_data(plan, title="Annen plan"))
    assert response.status_code == 200
    assert "already has a plan with this title" in response.content.decode()


def test_a_consultant_adds_a_focus_area_with_measures_and_signs(client, world):
    plan = plan_for(world, "own")
    data = fokus_post_data(**{
        "tiltak-TOTAL_FORMS": 2, "tiltak-0-text": "Språkgrupper", "tiltak-0-status": "done",
        "tiltak-0-order": 1, "tiltak-1-text": "", "tiltak-1-status": "not_started",
        "tiltak-1-order": 0,
        "tegn-TOTAL_FORMS": 1, "tegn-0-role_level": "pedagogical_leaders",
        "tegn-0-text": "Veileder på avdelingsmøter", "tegn-0-order": 1,
    })
    response = login(client, world, Role.CONSULTANT).post(
        reverse("kvalitet:fokusomrade-create", args=[plan.pk]), data)
    fokus = Fokusomrade.objects.get(plan=plan)
    assert response.status_code == 302 and response["Location"].endswith(f"#fokus-{fokus.pk}")
    assert list(fokus.tiltak.values_list("text", "status")) == [("Språkgrupper", "done")]
    assert list(fokus.tegn.values_list("role_level", flat=True)) == ["pedagogical_leaders"]


def test_a_measure_status_is_updated_from_the_focus_area_form(client, world):
    fokus = fokus_for(world, "own")
    measures = list(fokus.tiltak.all())
    sign = fokus.tegn.get()
    data = fokus_post_data(title=fokus.title, **{
        "tiltak-TOTAL_FORMS": 2, "tiltak-INITIAL_FORMS": 2,
        "tegn-TOTAL_FORMS": 1, "tegn-INITIAL_FORMS": 1,
        "tegn-0-id": sign.pk, "tegn-0-role_level": sign.role_level, "tegn-0-text": sign.text,
        "tegn-0-order": 1,
    })
    for index, tiltak in enumerate(measures):
        data.update({f"tiltak-{index}-id": tiltak.pk, f"tiltak-{index}-text": tiltak.text,
                     f"tiltak-{index}-status": "done", f"tiltak-{index}-order": index})
    response = login(client, world, Role.CONSULTANT).post(
        reverse("kvalitet:fokusomrade-edit", args=[fokus.pk]), data)
    assert response.status_code == 302
    assert set(Tiltak.objects.values_list("status", flat=True)) == {"done"}


def test_a_consultant_updates_a_measure_status_in_place_with_htmx(client, world):
    fokus = fokus_for(world, "own")
    tiltak = fokus.tiltak.get(status="not_started")
    client = login(client, world, Role.CONSULTANT)
    plan_page = client.get(reverse("kvalitet:plan-detail", args=[fokus.plan_id])).content
    assert f'hx-post="{reverse("kvalitet:tiltak-status", args=[tiltak.pk])}"' in plan_page.decode()
    response = client.post(reverse("kvalitet:tiltak-status", args=[tiltak.pk]),
                           {"status": "done"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.lstrip().startswith(f'<div id="fokus-{fokus.pk}-measures-block">')
    assert "2 of 2 done" in fragment and "<html" not in fragment
    tiltak.refresh_from_db()
    assert tiltak.status == "done"


def test_a_measure_status_without_htmx_redirects_back_to_the_focus_area(client, world):
    fokus = fokus_for(world, "own")
    tiltak = fokus.tiltak.first()
    client = login(client, world, Role.ADMIN)
    response = client.post(reverse("kvalitet:tiltak-status", args=[tiltak.pk]),
                           {"status": "under_way"})
    assert response.status_code == 302 and response["Location"].endswith(f"#fokus-{fokus.pk}")
    response = client.post(reverse("kvalitet:tiltak-status", args=[tiltak.pk]),
                           {"status": "finished-ish"})
    assert response.status_code == 400
    tiltak.refresh_from_db()
    assert tiltak.status == "under_way"


def test_a_leader_cannot_change_a_measure_status(client, world):
    tiltak = fokus_for(world, "own").tiltak.get(status="not_started")
    response = login(client, world, Role.LEADER).post(
        reverse("kvalitet:tiltak-status", args=[tiltak.pk]), {"status": "done"})
    assert response.status_code == 403
    tiltak.refresh_from_db()
    assert tiltak.status == "not_started"


def test_a_focus_area_title_is_unique_within_the_plan(client, world):
    fokus = fokus_for(world, "own")
    response = login(client, world, Role.CONSULTANT).post(
        reverse("kvalitet:fokusomrade-create", args=[fokus.plan_id]),
        fokus_post_data(title=fokus.title))
    assert response.status_code == 200
    assert "already has a focus area with this title" in response.content.decode()


def test_deleting_a_focus_area_takes_its_measures_and_signs(client, world):
    fokus = fokus_for(world, "own")
    client = login(client, world, Role.CONSULTANT)
    page = client.get(reverse("kvalitet:fokusomrade-delete", args=[fokus.pk])).content.decode()
    assert "2 measures" in page and "1 sign of success" in page
    response = client.post(reverse("kvalitet:fokusomrade-delete", args=[fokus.pk]))
    assert response.status_code == 302
    assert not Fokusomrade.objects.exists() and not Tiltak.objects.exists()
    assert not Tegn.objects.exists()


def choice_data(fokusomrader, **choices):
    """Form data choosing the focus areas named in `choices` (title -> sub-goal)."""
    data = {"fokus-TOTAL_FORMS": len(fokusomrader), "fokus-INITIAL_FORMS": 0}
    for index, fokus in enumerate(fokusomrader):
        if fokus.title in choices:
            data.update({f"fokus-{index}-chosen": "on",
                         f"fokus-{index}-sub_goal": choices[fokus.title],
                         f"fokus-{index}-anchored_in": "Årsplan",
                         f"fokus-{index}-chosen_from": "SIMM"})
    return data


def test_a_leader_chooses_her_kindergarten_focus_and_changes_it(client, world):
    first = fokus_for(world, "own", "Livsmestring")
    second = fokus_for(world, "own", "Utvikling")
    barnehage = world.barnehage["own"]
    url = reverse("kvalitet:barnehage-fokus", args=[barnehage.pk])
    client = login(client, world, Role.LEADER)
    page = client.get(url).content.decode()
    assert "Livsmestring" in page and "Utvikling" in page

    response = client.post(f"{url}?year={YEAR}",
                           choice_data([first, second], Livsmestring="Barna øver på følelser"))
    assert response.status_code == 302
    choice = BarnehageFokus.objects.get()
    assert (choice.barnehage, choice.fokusomrade, choice.year) == (barnehage, first, YEAR)
    assert choice.sub_goal == "Barna øver på følelser" and choice.anchored_in == "Årsplan"
    assert choice.chosen_by == world.users[Role.LEADER]

    client.post(f"{url}?year={YEAR}", choice_data([first, second], Utvikling="Språk i lek"))
    assert list(BarnehageFokus.objects.values_list("fokusomrade__title", "sub_goal")) == [
        ("Utvikling", "Språk i lek")]


def test_a_chosen_focus_needs_a_sub_goal(client, world):
    fokus = fokus_for(world, "own")
    url = reverse("kvalitet:barnehage-fokus", args=[world.barnehage["own"].pk])
    response = login(client, world, Role.LEADER).post(url, choice_data([fokus], **{
        fokus.title: "  "}))
    assert response.status_code == 200
    assert "Write the sub-goal your kindergarten works towards." in response.content.decode()
    assert not BarnehageFokus.objects.exists()


def test_a_leader_cannot_choose_for_another_kindergarten(client, world):
    fokus = fokus_for(world, "sibling")
    for target in ("sibling", "foreign"):
        url = reverse("kvalitet:barnehage-fokus", args=[world.barnehage[target].pk])
        response = login(client, world, Role.LEADER).post(
            url, choice_data([fokus], **{fokus.title: "Kapret"}))
        assert response.status_code == 404
    assert not BarnehageFokus.objects.exists()


def test_the_choice_page_falls_back_to_the_last_year_of_an_ended_plan(client, world):
    Kvalitetsplan.objects.create(kommune=world.kommune["own"], title="Gammel plan",
                                 start_year=YEAR - 6, end_year=YEAR - 2)
    page = login(client, world, Role.LEADER).get(
        reverse("kvalitet:barnehage-fokus", args=[world.barnehage["own"].pk])).content.decode()
    assert f"in {YEAR - 2}" in page
    assert f"no plan of the municipality covers {YEAR}" in page


def test_the_home_page_shows_the_plan_and_the_leader_focus(client, world):
    fokus = fokus_for(world, "own")
    BarnehageFokus.objects.create(barnehage=world.barnehage["own"], fokusomrade=fokus,
                                  year=YEAR, sub_goal="Barna øver på følelser")
    page = login(client, world, Role.LEADER).get(reverse("home")).content.decode()
    assert "Plan own" in page and "Barna øver på følelser" in page
    assert reverse("kvalitet:barnehage-fokus", args=[world.barnehage["own"].pk]) in page
    page = login(client, world, Role.POLITICIAN).get(reverse("home")).content.decode()
    assert "Plan own" in page and "Livsmestring" in page
    assert "Plan foreign" not in page


def test_the_menu_offers_the_quality_plan_to_every_role(client, world):
    for role in ROLES[1:]:
        page = login(client, world, role).get(reverse("home")).content.decode()
        assert reverse("kvalitet:plan-list") in page, role


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.LEADER])
def test_plan_page_queries_do_not_grow_with_focus_areas(
        client, world, django_assert_max_num_queries, role):
    plan = plan_for(world, "own")
    url = reverse("kvalitet:plan-detail", args=[plan.pk])
    client = login(client, world, role)

    def grow_to(count):
        for number in range(plan.fokusomrader.count(), count):
            fokus = Fokusomrade.objects.create(plan=plan, title=f"Område {number}")
            Tiltak.objects.create(fokusomrade=fokus, text="Tiltak", status="under_way")
            Tegn.objects.create(fokusomrade=fokus, role_level="consultants", text="Tegn")
            BarnehageFokus.objects.create(barnehage=world.barnehage["sibling"],
                                          fokusomrade=fokus, year=YEAR, sub_goal="Delmål")

    grow_to(2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow_to(12)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert "Område 11" in response.content.decode()
