"""A municipal admin adds her municipality's own template; the presets stay read-only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from handleplaner.models import Mal

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    admin = world.users["admin"]
    admin.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="handleplaner",
        content_type__model__in=("mal", "seksjon", "sporsmal")))
    client.force_login(admin)
    return client


def test_the_presets_are_listed_but_not_changed(world, admin_client):
    smart = Mal.objects.get(code="smart", kommune=None)
    foreign = Mal.objects.create(kommune=world.kommune["foreign"], code="theirs",
                                 name_da="Deres")
    page = admin_client.get(reverse("admin:handleplaner_mal_changelist")).content.decode()
    assert "SMART action plan" in page and "Deres" not in page
    response = admin_client.post(reverse("admin:handleplaner_mal_change", args=[smart.pk]),
                                 {"code": "smart", "name_en": "Changed"})
    assert response.status_code == 403
    assert admin_client.get(
        reverse("admin:handleplaner_mal_change", args=[foreign.pk])).status_code == 302


def test_a_municipal_admin_adds_her_own_template(world, admin_client):
    response = admin_client.post(reverse("admin:handleplaner_mal_add"), {
        "kommune": world.kommune["own"].pk, "code": "aby-plan", "name_nb": "Abys plan",
        "active": "on",
        "seksjoner-TOTAL_FORMS": "1", "seksjoner-INITIAL_FORMS": "0",
        "seksjoner-0-order": "0", "seksjoner-0-title_nb": "Mål",
        "seksjoner-0-shows_timeline": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    mal = Mal.objects.get(code="aby-plan")
    assert mal.kommune == world.kommune["own"]
    assert list(Mal.objects.available_in(world.kommune["own"].pk).values_list(
        "code", flat=True).order_by("code")) == ["aby-plan", "smart", "smtte"]
    assert not Mal.objects.available_in(world.kommune["foreign"].pk).filter(
        code="aby-plan").exists()


def test_a_municipal_admin_cannot_add_a_global_template(world, admin_client):
    response = admin_client.post(reverse("admin:handleplaner_mal_add"), {
        "kommune": "", "code": "global", "name_nb": "Global", "active": "on",
        "seksjoner-TOTAL_FORMS": "0", "seksjoner-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert not Mal.objects.filter(code="global").exists()
