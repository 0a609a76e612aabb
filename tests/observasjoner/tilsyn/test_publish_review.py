"""Publishing a supervision report has the shape of every report that leaves the building:
a preview, a confirmation that names who will read it and lists what is missing (the parent
board's comment above all), then the publication (docs/domain.md, Supervision)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from observasjoner.tilsyn import services
from observasjoner.tilsyn.models import Tilsyn, Tilsynsrapport
from tests.observasjoner.tilsyn.helpers import english as _english
from tests.observasjoner.tilsyn.helpers import make_tilsyn

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(_english)


def nb(msgid: str) -> str:
    """The words in the report's language (Aby reports in bokmål), up to any placeholder."""
    with translation.override("nb"):
        return gettext(msgid).split("%(")[0].strip(" (")


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def completed(world):
    return make_tilsyn(world.barnehage["own"], world.users["consultant"],
                       outcome=Tilsyn.Outcome.NO_CONCERN, status=Tilsyn.Status.COMPLETED)


def publish_url(tilsyn):
    return reverse("observasjoner:tilsyn-publish", args=[tilsyn.pk])


def test_the_confirmation_names_the_readers_and_warns_of_the_missing_comment(
        client, world, completed):
    client.force_login(world.users["consultant"])
    detail = client.get(reverse("observasjoner:tilsyn-detail", args=[completed.pk]))
    # No one-click publishing: the detail page links the confirmation step.
    assert f'href="{publish_url(completed)}"' in detail.content.decode()
    page = client.get(publish_url(completed)).content.decode()
    assert "the leaders of A1 barnehage (1 person)" in page
    assert world.users["leader"].get_full_name() in page
    assert "the consultants and admins of Aby (2 people)" in page
    assert "The parent board's comment is neither recorded nor marked as not given." in page
    assert reverse("observasjoner:tilsyn-preview", args=[completed.pk]) in page
    # Without the confirmation, or with the comment missing and not acknowledged, nothing
    # is published.
    assert client.post(publish_url(completed), {}).status_code == 400
    assert client.post(publish_url(completed), {"confirm": "on"}).status_code == 400
    assert not Tilsynsrapport.objects.exists()
    response = client.post(publish_url(completed),
                           {"confirm": "on", "without_board_comment": "on"})
    assert response.status_code == 302
    completed.refresh_from_db()
    assert completed.status == Tilsyn.Status.PUBLISHED
    text = text_of(bytes(completed.rapport.pdf))
    assert nb("The parent board had not commented when the report was published "
              "(%(day)s).") in text
    assert nb("Not recorded yet.") not in text


def test_the_service_refuses_a_missing_comment_unless_confirmed(completed):
    with pytest.raises(Exception, match="parent board"):
        services.publish(completed)
    assert not Tilsynsrapport.objects.exists()


def test_a_comment_marked_as_not_given_is_said_so_and_needs_no_extra_tick(
        client, world, completed):
    client.force_login(world.users["consultant"])
    url = reverse("observasjoner:tilsyn-board-comment", args=[completed.pk])
    # Neither a comment nor "not given": refused with the reason.
    response = client.post(url, {"board_comment_date": "2025-11-05", "board_comment": ""})
    assert response.status_code == 200 and "tick that the board gave none" in (
        response.content.decode())
    client.post(url, {"board_comment_date": "2025-11-05", "board_comment": "",
                      "board_comment_declined": "on"})
    completed.refresh_from_db()
    assert completed.board_comment_declined and not completed.board_comment_missing
    page = client.get(publish_url(completed)).content.decode()
    assert "without_board_comment" not in page and "Nothing is listed as missing." in page
    client.post(publish_url(completed), {"confirm": "on"})
    completed.refresh_from_db()
    assert nb("The parent board was informed and chose not to comment (%(day)s).") in text_of(
        bytes(completed.rapport.pdf))


def test_the_preview_is_marked_and_stores_nothing(client, world, completed):
    client.force_login(world.users["consultant"])
    response = client.get(reverse("observasjoner:tilsyn-preview", args=[completed.pk]))
    assert response.status_code == 200 and "inline" in response["Content-Disposition"]
    assert nb("Preview: this report is not published yet.") in text_of(response.content)
    assert not Tilsynsrapport.objects.exists()
    completed.refresh_from_db()
    assert completed.status == Tilsyn.Status.COMPLETED
    # A draft has no report to preview; a leader none at all.
    draft = make_tilsyn(world.barnehage["own"], world.users["consultant"], outcome="none")
    assert client.get(reverse("observasjoner:tilsyn-preview", args=[draft.pk])
                      ).status_code == 404
    client.force_login(world.users["leader"])
    assert client.get(reverse("observasjoner:tilsyn-preview", args=[completed.pk])
                      ).status_code == 403


def test_publishing_again_after_the_comment_drops_the_warning(client, world, completed):
    services.publish(completed, today=date(2025, 11, 3), without_board_comment=True)
    Tilsyn.objects.filter(pk=completed.pk).update(board_comment="Styret støtter planen.",
                                                  board_comment_date=date(2025, 11, 20))
    client.force_login(world.users["consultant"])
    page = client.get(publish_url(completed)).content.decode()
    assert "Publish the report again" in page and "neither recorded" not in page
