"""The admin pages for supervisions and instruments answer for a superuser."""

import pytest
from django.urls import reverse

from barnehager.models import User
from tests.observasjoner.tilsyn.helpers import make_tilsyn

pytestmark = pytest.mark.django_db


def test_admin_pages_answer(client, world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="none")
    client.force_login(User.objects.create_superuser(username="root", email="r@example.test"))
    for name, args in (("tilsyninstrument_changelist", []), ("tilsyn_changelist", []),
                       ("tilsyn_change", [tilsyn.pk]), ("tema_changelist", []),
                       ("skala_changelist", []),
                       ("tilsyninstrument_change", [tilsyn.instrument_id])):
        assert client.get(reverse(f"admin:observasjoner_{name}", args=args)).status_code == 200
