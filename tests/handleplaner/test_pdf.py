"""A single plan as PDF for the board meeting, read back with pypdf."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from barnehager.pdf import render_pdf
from handleplaner.models import Fremdrift, Status
from handleplaner.selectors import plan_document
from tests.handleplaner.factories import GOAL, PHASE_TITLES, make_plan

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_holds_the_goal_the_phases_and_the_answers(world, client):
    plan = make_plan(world.barnehage["own"], status=Status.IN_PROGRESS,
                     responsibility_board="The board follows the plan at every meeting.")
    Fremdrift.objects.create(fase=plan.faser.first(), text="Groups formed on all floors.")
    client.force_login(world.users["consultant"])
    response = client.get(reverse("handleplaner:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = _text(pdf)
    assert GOAL in text
    for title in PHASE_TITLES:
        assert title in text
    assert "Groups formed on all floors." in text
    assert "The board follows the plan at every meeting." in text
    assert plan.svar.first().text in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title == plan.title


def test_user_text_is_escaped_in_the_pdf(world):
    plan = make_plan(world.barnehage["own"], title="<b>Bold</b> & plain",
                     goal="<script>alert(1)</script> stays text")
    text = _text(render_pdf(plan_document(plan, timezone.localtime())).content)
    assert "<b>Bold</b> & plain" in text
    assert "<script>alert(1)</script> stays text" in text
