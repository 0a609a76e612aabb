"""The rules of the municipality's country, and only those (docs/domain.md, Supervision):
the two-year report duty and intensified supervision (skærpet tilsyn) are Danish law
(Dagtilbudsloven); a Norwegian municipality supervises as kindergarten authority, with
orders to correct (pålegg om retting), or as owner. Aby (world "own") is Norwegian, Bby
("foreign") Danish."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from observasjoner.tilsyn.models import Tilsyn
from observasjoner.tilsyn.selectors import report_document
from tests.observasjoner.tilsyn.helpers import english as _english
from tests.observasjoner.tilsyn.helpers import make_tilsyn

pytestmark = pytest.mark.django_db
english = pytest.fixture(autouse=True)(_english)

DANISH_ONLY = ("Under intensified supervision", "no published supervision report",
               "at least every second year", "Concern: intensified supervision")
NORWEGIAN_ONLY = ("pålegg om retting", "Under follow-up",
                  "Concern: followed up with a new supervision")


def test_norwegian_pages_show_the_kindergarten_authority_not_danish_law(client, world):
    deadline = timezone.localdate() + timedelta(days=30)
    tilsyn = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                         outcome="concern", status="completed",
                         correction_order="Bemanningsnormen må oppfylles.",
                         correction_deadline=deadline)
    client.force_login(world.users["consultant"])
    for name, args in (("home", []), ("observasjoner:tilsyn-list", []),
                       ("observasjoner:tilsyn-detail", [tilsyn.pk])):
        page = client.get(reverse(name, args=args)).content.decode()
        for text in DANISH_ONLY:
            assert text not in page, (name, text)
    home = client.get(reverse("home")).content.decode()
    assert "Under follow-up" in home
    assert "1 order to correct (pålegg om retting) has a deadline still running." in home
    listing = client.get(reverse("observasjoner:tilsyn-list")).content.decode()
    assert "Orders to correct with a deadline still running" in listing
    assert "Only under follow-up" in listing
    outcome = client.get(reverse("observasjoner:tilsyn-outcome", args=[
        make_tilsyn(world.barnehage["own"], world.users["consultant"]).pk])).content.decode()
    assert "pålegg om retting" in outcome and "intensified supervision" not in outcome


def test_danish_pages_show_dagtilbudsloven_not_norwegian_law(client, world):
    make_tilsyn(world.barnehage["foreign"], world.foreign_users["consultant"],
                outcome="concern", status="completed")
    client.force_login(world.foreign_users["consultant"])
    home = client.get(reverse("home")).content.decode()
    assert "Under intensified supervision" in home
    assert "1 institution has no published supervision report" in home
    listing = client.get(reverse("observasjoner:tilsyn-list")).content.decode()
    assert "at least every second year" in listing
    for page in (home, listing):
        for text in NORWEGIAN_ONLY:
            assert text not in page, text


def test_outcome_words_follow_the_country(world):
    norwegian = make_tilsyn(world.barnehage["own"], world.users["consultant"],
                            outcome="serious")
    danish = make_tilsyn(world.barnehage["foreign"], world.foreign_users["consultant"],
                         outcome="serious")
    assert norwegian.outcome_display == (
        "Serious concern: followed up, with an action plan at once")
    assert danish.outcome_display == str(Tilsyn.Outcome.SERIOUS.label)


def test_the_supervision_report_cites_its_countrys_law(world):
    for barnehage, consultant, law in (
            (world.barnehage["own"], world.users["consultant"], "Kindergarten Act"),
            (world.barnehage["foreign"], world.foreign_users["consultant"],
             "Dagtilbudsloven")):
        tilsyn = make_tilsyn(barnehage, consultant, outcome="none", status="completed",
                             published_on=date(2025, 11, 1))
        document = report_document(tilsyn, timezone.now())
        html = render_to_string(document.template, dict(document.context))
        assert law in html
        assert ("Dagtilbudsloven" in html) is (law == "Dagtilbudsloven")
