"""The audit log as its municipality's admins read it: filterable, downloadable."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from barnehager import downloads
from barnehager.access import ROLE_ADMIN
from barnehager.auditlog import selectors
from barnehager.auditlog.forms import AuditFilterForm
from barnehager.decorators import AuthenticatedHttpRequest, role_required

PAGE_SIZE = 100


def _filters(request: AuthenticatedHttpRequest) -> tuple[AuditFilterForm, selectors.AuditFilters]:
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        return form, selectors.AuditFilters(**form.cleaned_data)
    return form, selectors.AuditFilters()


@role_required(ROLE_ADMIN)
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(selectors.entries(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "barnehager/auditlog/list.html",
                  {"form": form, "page": page, "query": query.urlencode()})


@role_required(ROLE_ADMIN)
def audit_log_download(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in downloads.FORMATS:
        raise Http404
    _form, filters = _filters(request)
    sheet = selectors.download_sheet(selectors.entries(request.user, filters))
    return downloads.response(sheet, fmt, f"audit-log-{timezone.localdate():%Y-%m-%d}")
