"""The Django admin cannot cross a tenant: a municipal admin (here with every model
permission there is, the worst case) sees, chooses and changes only her municipality's
people and organisation, however she crafts the request."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from barnehager.admin import PLATFORM_APPS, PlatformOnly
from barnehager.models import Kommune, Membership, Role, Sertifisering, SingleSignOn, User
from handleplaner.models import Mal, Seksjon
from kvalitet.models import BarnehageFokus, Kvalitetsprinsipp
from observasjoner.models import (
    Dimensjon,
    Endring,
    Instrument,
    Maanedsplan,
    Praksisfortelling,
    Skaar,
    Skala,
    Tema,
    TilsynInstrument,
)
from rapporter.models import Anbefaling, Kind, Rapport, Rapportinnstilling
from tests.kvalitet.factories import fokus_for
from tests.observasjoner.tilsyn.helpers import make_tilsyn
from tests.rapporter.dashboards.factories import make_observation, make_round, uniform

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipal_admin(world, client):
    user = world.users[Role.ADMIN]
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)
    return client


def foreign_names(world) -> list[str]:
    """Names that only municipality B's rows carry."""
    b1 = world.barnehage["foreign"]
    return [world.kommune["foreign"].name, b1.name, b1.nettverk.name, b1.pulje.name,
            *(user.email for user in world.foreign_users.values())]


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _user_change_data(user: User, memberships: list[dict]) -> dict:
    data = {"username": user.username, "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name}
    existing = list(user.memberships.all())
    data |= _management("memberships", len(existing) + len(memberships), len(existing))
    for index, membership in enumerate(existing):
        data |= {f"memberships-{index}-id": membership.pk, f"memberships-{index}-user": user.pk,
                 f"memberships-{index}-role": membership.role,
                 f"memberships-{index}-kommune": membership.kommune_id,
                 f"memberships-{index}-barnehage": membership.barnehage_id or ""}
    for offset, row in enumerate(memberships, start=len(existing)):
        data |= {f"memberships-{offset}-{key}": value for key, value in row.items()}
        data[f"memberships-{offset}-user"] = user.pk
    data |= _management("sertifiseringer", 0)
    return data


def test_she_cannot_make_herself_admin_of_another_municipality(world, municipal_admin):
    me = world.users[Role.ADMIN]
    url = reverse("admin:barnehager_user_change", args=[me.pk])
    response = municipal_admin.post(url, _user_change_data(me, [
        {"role": Role.ADMIN, "kommune": world.kommune["foreign"].pk, "barnehage": ""}]))

    assert response.status_code == 200  # the form comes back with the error
    assert "kommune" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert not me.memberships.filter(kommune=world.kommune["foreign"]).exists()


def test_the_membership_choices_hold_her_municipality_only(world, municipal_admin):
    response = municipal_admin.get(reverse("admin:barnehager_membership_add"))
    form = response.context["adminform"].form

    assert set(form.fields["kommune"].queryset) == {world.kommune["own"]}
    assert not set(form.fields["user"].queryset) & set(world.foreign_users.values())
    assert world.barnehage["foreign"] not in form.fields["barnehage"].queryset


def test_she_cannot_take_over_another_municipalitys_account(world, municipal_admin):
    consultant_b = world.foreign_users[Role.CONSULTANT]
    response = municipal_admin.post(reverse("admin:barnehager_membership_add"), {
        "user": consultant_b.pk, "role": Role.LEADER, "kommune": world.kommune["own"].pk,
        "barnehage": world.barnehage["own"].pk})

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not consultant_b.memberships.filter(kommune=world.kommune["own"]).exists()
    # Nor can she reach his account to set a password.
    password_url = reverse("admin:auth_user_password_change", args=[consultant_b.pk])
    assert municipal_admin.get(password_url).status_code == 404


def test_a_person_working_in_two_municipalities_is_not_hers_to_manage(world, municipal_admin):
    """Had a platform operator given B's consultant a role in A too, A's admin could
    otherwise set his password and act in B as him."""
    consultant_b = world.foreign_users[Role.CONSULTANT]
    Membership.objects.create(user=consultant_b, role=Role.LEADER, kommune=world.kommune["own"],
                              barnehage=world.barnehage["own"])

    assert municipal_admin.get(
        reverse("admin:barnehager_user_change", args=[consultant_b.pk])).status_code == 302
    assert municipal_admin.get(
        reverse("admin:auth_user_password_change", args=[consultant_b.pk])).status_code == 404


def test_she_cannot_certify_another_municipalitys_observer(world, municipal_admin):
    observer_b = world.foreign_users[Role.OBSERVER]
    before = Sertifisering.objects.filter(user=observer_b).count()
    response = municipal_admin.post(reverse("admin:barnehager_sertifisering_add"), {
        "user": observer_b.pk, "instrument": Instrument.objects.first().pk,
        "certified_on": "2026-08-01", "valid_until": "2027-08-01"})

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert Sertifisering.objects.filter(user=observer_b).count() == before


def test_only_platform_operators_create_or_remove_municipalities(world, municipal_admin):
    assert municipal_admin.get(reverse("admin:barnehager_kommune_add")).status_code == 403
    own = world.kommune["own"]
    assert municipal_admin.post(reverse("admin:barnehager_kommune_delete", args=[own.pk]),
                                {"post": "yes"}).status_code == 403
    assert Kommune.objects.filter(pk=own.pk).exists()


def test_a_new_person_gets_a_role_in_her_municipality(world, municipal_admin):
    data = {"username": "new@example.test", "usable_password": "true",
            "password1": "a long new password 42", "password2": "a long new password 42"}
    data |= _management("memberships", 0) | _management("sertifiseringer", 0)
    response = municipal_admin.post(reverse("admin:barnehager_user_add"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="new@example.test").exists()

    data |= _management("memberships", 1) | {
        "memberships-0-role": Role.OBSERVER, "memberships-0-kommune": world.kommune["own"].pk,
        "memberships-0-barnehage": world.barnehage["own"].pk}
    response = municipal_admin.post(reverse("admin:barnehager_user_add"), data)
    assert response.status_code == 302
    new = User.objects.get(username="new@example.test")
    assert municipal_admin.get(response.url).status_code == 200
    assert list(new.memberships.values_list("kommune_id", flat=True)) == [world.kommune["own"].pk]


def _admin_pages(model_admin) -> list[str]:
    opts = model_admin.model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    return [reverse(f"{name}_changelist"), reverse(f"{name}_add")]


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_no_admin_page_names_another_municipality(world, municipal_admin, model):
    """Every list (with its filters), every add form and the change form of one of her
    own rows, with their choices and inlines."""
    names = foreign_names(world)
    model_admin = admin.site._registry[model]
    urls = _admin_pages(model_admin)
    listed = municipal_admin.get(urls[0])
    if listed.status_code == 200 and listed.context["cl"].result_list:
        opts = model._meta
        own = listed.context["cl"].result_list[0]
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[own.pk]))
    for url in urls:
        response = municipal_admin.get(url)
        assert response.status_code in (200, 403), url
        page = response.content.decode()
        leaked = [name for name in names if name in page]
        assert not leaked, f"{url} shows {leaked}"


def foreign_rows(world) -> None:
    """One row of every municipal model in municipality B."""
    b1, avdeling_b = world.barnehage["foreign"], world.avdeling["foreign"]
    kommune_b, people_b = world.kommune["foreign"], world.foreign_users
    fokus = fokus_for(world, "foreign")
    Kvalitetsprinsipp.objects.create(plan=fokus.plan, name="Relasjoner")
    BarnehageFokus.objects.create(barnehage=b1, fokusomrade=fokus, year=2026, sub_goal="Lek")
    make_tilsyn(b1, people_b[Role.CONSULTANT])
    own_instrument = TilsynInstrument.objects.create(kommune=kommune_b, name="Bby's own",
                                                     language="da", skala=Skala.objects.first())
    Tema.objects.create(instrument=own_instrument, name="Leg", order=1)
    runde = make_round(kommune_b, 2025, "autumn")
    observasjon = make_observation(runde, avdeling_b, people_b[Role.OBSERVER],
                                   [uniform(avdeling_b.instrument_code, 5)] * 2)
    Endring.objects.create(skaar=Skaar.objects.filter(syklus__observasjon=observasjon).first(),
                           old_value=5, new_value=6, reason="Typo",
                           amended_by=people_b[Role.CONSULTANT])
    dimensjon = Dimensjon.objects.first()
    Praksisfortelling.objects.create(barnehage=b1, dimensjon=dimensjon, month=date(2026, 9, 1),
                                     title="Samling", story="...", author=people_b[Role.LEADER])
    Maanedsplan.objects.create(barnehage=b1, month=date(2026, 9, 1), dimensjon=dimensjon)
    mal = Mal.objects.create(kommune=kommune_b, code="bby", name_da="Bbys skabelon")
    Seksjon.objects.create(mal=mal, order=1, title_da="Mål")
    Rapport.objects.create(kind=Kind.ANNUAL, kommune=kommune_b, year=2025, version=1,
                           language="da")
    Rapportinnstilling.objects.create(kommune=kommune_b)
    Anbefaling.objects.create(kommune=kommune_b, year=2025, text="Mere leg")
    SingleSignOn.objects.create(kommune=kommune_b, label="Entra ID",
                                issuer="https://login.example.test/bby/v2.0",
                                client_id="bby", client_secret="bby-secret")


# Reference data every municipality shares, and the platform's own pages.
NOT_MUNICIPAL = {"observasjoner.Instrument", "observasjoner.Dimensjon", "observasjoner.Skala"}


@pytest.mark.parametrize("model", [model for model in admin.site._registry
                                   if model._meta.app_label not in PLATFORM_APPS
                                   and not isinstance(admin.site._registry[model], PlatformOnly)
                                   and model._meta.label not in NOT_MUNICIPAL],
                         ids=lambda model: model._meta.label)
def test_another_municipalitys_rows_cannot_be_opened_changed_or_deleted(world, municipal_admin,
                                                                       rf, model):
    """Change, delete and history pages of a row outside her municipalities answer as if
    it did not exist, and a posted delete removes nothing."""
    foreign_rows(world)
    request = rf.get("/admin/")
    request.user = world.users[Role.ADMIN]
    fenced = admin.site._registry[model].get_queryset(request)
    outside = model._default_manager.exclude(pk__in=fenced.values("pk")).first()
    assert outside is not None, f"the test has no {model._meta.label} of municipality B"
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    for page in ("change", "delete", "history"):
        response = municipal_admin.get(reverse(f"{name}_{page}", args=[outside.pk]))
        assert response.status_code in (302, 403, 404), page
    municipal_admin.post(reverse(f"{name}_delete", args=[outside.pk]), {"post": "yes"})
    assert model._default_manager.filter(pk=outside.pk).exists()


@pytest.mark.parametrize("url_name", [
    "admin:auth_group_changelist", "admin:auth_group_add", "admin:axes_accessattempt_changelist",
    "admin:django_celery_beat_periodictask_changelist",
    "admin:django_celery_beat_crontabschedule_add", "admin:barnehager_singlesignon_changelist",
    "admin:barnehager_singlesignon_add"])
def test_platform_pages_are_for_platform_operators_only(municipal_admin, url_name):
    """With permission groups in reach she could grant her own group anything."""
    assert municipal_admin.get(reverse(url_name)).status_code == 403


def test_shared_instruments_are_read_only_for_her(world, municipal_admin):
    instrument = Instrument.objects.first()
    url = reverse("admin:observasjoner_instrument_change", args=[instrument.pk])
    assert municipal_admin.get(url).status_code == 200
    municipal_admin.post(url, {"code": "hacked", "name_nb": "x"})
    instrument.refresh_from_db()
    assert instrument.code != "hacked"

    shared = TilsynInstrument.objects.filter(kommune__isnull=True).first()
    response = municipal_admin.post(
        reverse("admin:observasjoner_tilsyninstrument_delete", args=[shared.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert TilsynInstrument.objects.filter(pk=shared.pk).exists()
