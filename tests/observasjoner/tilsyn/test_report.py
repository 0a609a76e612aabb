"""The published supervision report: a WeasyPrint PDF read back with pypdf."""

import hashlib
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from observasjoner.tilsyn import services
from observasjoner.tilsyn.models import Tilsyn, Tilsynsrapport, Utviklingspunkt
from tests.observasjoner.tilsyn.helpers import english as _english
from tests.observasjoner.tilsyn.helpers import make_action_plan, make_tilsyn

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(_english)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def serious(world):
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome=Tilsyn.Outcome.SERIOUS, level=2,
                         findings="Voksne <b>roper</b> & barn venter.")
    Utviklingspunkt.objects.create(tilsyn=tilsyn, text="Flere samtaler i små grupper.")
    make_action_plan(tilsyn, "Språk i hverdagen")
    tilsyn.complete()
    return tilsyn


def test_publishing_stores_a_pdf_with_name_outcome_and_escaped_text(serious):
    services.publish(serious, today=date(2025, 11, 3), without_board_comment=True)
    serious.refresh_from_db()
    rapport = Tilsynsrapport.objects.get(tilsyn=serious)
    pdf = bytes(rapport.pdf)
    assert pdf.startswith(b"%PDF")
    assert rapport.checksum == hashlib.sha256(pdf).hexdigest()
    assert serious.status == Tilsyn.Status.PUBLISHED
    assert serious.published_on == date(2025, 11, 3)

    text = flat(pdf_text(pdf))
    with translation.override(serious.barnehage.kommune.language):
        outcome = flat(str(serious.outcome_display))
    assert serious.barnehage.name in text
    assert outcome in text
    assert "Voksne <b>roper</b> & barn venter." in text  # user text escaped, shown as typed
    assert "Flere samtaler i små grupper." in text
    assert "Språk i hverdagen" in text
    assert "tilstrekkelig" in text  # every criterion rated at level 2 of the Norwegian scale


def test_publishing_again_keeps_the_first_date_and_renders_a_new_report(serious):
    services.publish(serious, today=date(2025, 11, 3), without_board_comment=True)
    first = Tilsynsrapport.objects.get(tilsyn=serious)
    serious.board_comment = "Foreldrerådet støtter planen."
    serious.board_comment_date = date(2025, 11, 20)
    serious.save()
    services.publish(serious, today=date(2025, 11, 21))
    second = Tilsynsrapport.objects.get(tilsyn=serious)
    serious.refresh_from_db()
    assert serious.published_on == date(2025, 11, 3)
    assert second.generated_at > first.generated_at
    assert "Foreldrerådet støtter planen." in flat(pdf_text(bytes(second.pdf)))


def test_a_draft_cannot_be_published(world):
    draft = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="none")
    with pytest.raises(Exception, match="Complete the supervision"), translation.override("en"):
        services.publish(draft)
    assert not Tilsynsrapport.objects.exists()


def test_the_publish_view_and_the_download_for_consultant_and_leader(client, world, serious):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("observasjoner:tilsyn-publish", args=[serious.pk]),
                           {"confirm": "on", "without_board_comment": "on"})
    assert response.status_code == 302
    rapport = Tilsynsrapport.objects.get(tilsyn=serious)

    for role in ("consultant", "leader"):
        client.force_login(world.users[role])
        response = client.get(reverse("observasjoner:tilsyn-report", args=[serious.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert hashlib.sha256(response.content).hexdigest() == rapport.checksum


def test_no_download_before_publication(client, world, serious):
    client.force_login(world.users["consultant"])
    assert client.get(reverse("observasjoner:tilsyn-report", args=[serious.pk])
                      ).status_code == 404
