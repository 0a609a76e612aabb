"""Who sees which supervision: decided once, in Tilsyn.objects.visible_to."""

import pytest

from barnehager.models import User
from observasjoner.tilsyn.models import Skala, Tilsyn, TilsynInstrument
from tests.observasjoner.tilsyn.helpers import make_tilsyn

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisions(world):
    """Every status in A1 (own), A2 (sibling) and B1 (foreign)."""
    made = {}
    for target in ("own", "sibling", "foreign"):
        people = world.foreign_users if target == "foreign" else world.users
        for status in ("draft", "completed", "published"):
            made[target, status] = make_tilsyn(world.barnehage[target], people["consultant"],
                                               outcome="" if status == "draft" else "none",
                                               status=status)
    return made


def visible(user, supervisions):
    ids = set(Tilsyn.objects.visible_to(user).values_list("pk", flat=True))
    return {key for key, tilsyn in supervisions.items() if tilsyn.pk in ids}


@pytest.mark.parametrize("role", ["consultant", "admin"])
def test_consultants_and_admins_see_every_supervision_of_their_municipality(
        world, supervisions, role):
    assert visible(world.users[role], supervisions) == {
        (target, status) for target in ("own", "sibling")
        for status in ("draft", "completed", "published")}


def test_a_leader_sees_completed_and_published_supervisions_of_her_kindergarten(
        world, supervisions):
    assert visible(world.users["leader"], supervisions) == {("own", "completed"),
                                                            ("own", "published")}


@pytest.mark.parametrize("role", ["observer", "politician"])
def test_observers_and_politicians_see_no_supervision(world, supervisions, role):
    assert visible(world.users[role], supervisions) == set()


def test_a_person_without_a_role_sees_nothing_and_a_superuser_everything(world, supervisions):
    nobody = User.objects.create_user(username="nobody", email="nobody@example.test")
    assert visible(nobody, supervisions) == set()
    root = User.objects.create_superuser(username="root", email="root@example.test")
    assert visible(root, supervisions) == set(supervisions)


def test_a_leader_reading_a_draft_gets_404(client, world, supervisions):
    client.force_login(world.users["leader"])
    draft = supervisions["own", "draft"]
    assert client.get(f"/observasjoner/tilsyn/{draft.pk}/").status_code == 404
    completed = supervisions["own", "completed"]
    assert client.get(f"/observasjoner/tilsyn/{completed.pk}/").status_code == 200


def test_instruments_consultants_see_the_shared_ones_and_their_municipality_own(world):
    skala = Skala.objects.create(name="Skala", good_from=1)
    own = TilsynInstrument.objects.create(kommune=world.kommune["own"], name="A", skala=skala)
    foreign = TilsynInstrument.objects.create(kommune=world.kommune["foreign"], name="B",
                                              skala=skala)
    seen = set(TilsynInstrument.objects.visible_to(world.users["consultant"]))
    assert own in seen and foreign not in seen
    assert {i.language for i in seen if i.kommune_id is None} == {"da", "nb"}
    assert not TilsynInstrument.objects.visible_to(world.users["leader"]).exists()
    # A supervision in Norwegian Aby may use Aby's own and the shared Norwegian instrument.
    available = TilsynInstrument.objects.available_for(world.kommune["own"])
    assert set(available) == {own, TilsynInstrument.objects.get(kommune=None, language="nb")}
