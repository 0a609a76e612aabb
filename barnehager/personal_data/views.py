from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from barnehager.models import User
from barnehager.personal_data import services


@login_required
@require_POST
def download_my_data(request: HttpRequest) -> HttpResponse:
    """Her own data as a JSON file (GDPR article 15 and 20). A POST, so that a link on another
    site cannot make her browser produce the file."""
    assert isinstance(request.user, User)  # login_required
    body = services.export_as_json(request.user)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"kvalitet-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
