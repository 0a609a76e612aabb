"""Export, erasure and retention of personal data.

What Kvalitet holds about a person is found from the models themselves: every row of every
model that points at her account (memberships, certifications, observations she made, plans
and comments she wrote, history rows, audit entries, second-factor devices). An export
therefore stays complete when a new model with a user field is added, and erasure keeps
those rows (their figures and history) while the account they point at no longer names her.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import serializers
from django.db import models, transaction
from django.utils import timezone

from barnehager import audit
from barnehager.models import AuditAction, Kommune, User

logger = logging.getLogger(__name__)

# Rows that hold secrets rather than facts about her: never exported.
SECRET_MODELS = {"otp_totp.totpdevice", "otp_static.staticdevice", "otp_static.statictoken"}
# Fields of the account itself that are credentials, not personal facts.
SECRET_FIELDS = {"password"}


def _pointing_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) whose foreign key or many-to-many points at User."""
    found = []
    for model in apps.get_models(include_auto_created=False):
        if model is User:
            continue
        for field in model._meta.get_fields():
            if (field.is_relation and not field.auto_created and field.concrete
                    and field.related_model is User):
                found.append((model, field.name))
    return found


def export_person(user: User) -> dict[str, Any]:
    """Everything about her as plain JSON data: her account and every row that points at it,
    grouped by model (`app_label.model`)."""
    account = json.loads(serializers.serialize("json", [user]))[0]
    for name in SECRET_FIELDS:
        account["fields"].pop(name, None)
    account["fields"].pop("user_permissions", None)
    rows: dict[str, list[dict[str, Any]]] = {}
    for model, field_name in _pointing_fields():
        label = model._meta.label_lower
        if label in SECRET_MODELS:
            continue
        queryset = model._default_manager.filter(**{field_name: user}).order_by("pk")
        for row in json.loads(serializers.serialize("json", queryset)):
            row["points_at_her_through"] = field_name
            rows.setdefault(label, []).append(row)
    return {
        "exported_at": timezone.now().isoformat(),
        "person": account,
        "rows": rows,
    }


def export_as_json(user: User, *, by: User | None = None) -> bytes:
    data = export_person(user)
    audit.record(AuditAction.PERSONAL_DATA_EXPORTED, actor=by or user, target=user,
                 details={"rows": sum(len(rows) for rows in data["rows"].values())})
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


@transaction.atomic
def erase_person(user: User, *, by: User | None = None) -> None:
    """De-identifies her account: observations, plans, comments and reports keep their figures
    and history, and show "former user" where her name was. She can no longer log in; her
    second factors, sessions and her account's own history rows are deleted. Audit entries
    keep who acted until their retention period ends (the security log's purpose)."""
    if user.erased_at:
        return
    former = f"former-{user.pk}"
    kommuner = sorted(set(user.memberships.values_list("kommune_id", flat=True)))
    # The entry names the account as it will be called, not as she was.
    audit.record(AuditAction.PERSON_ERASED, actor=by, label=former, kommune=kommuner or None)
    user.first_name = ""
    user.last_name = ""
    user.username = former
    user.email = f"{former}@erased.invalid"
    user.language = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.memberships.all().delete()
    for label in SECRET_MODELS:
        model = apps.get_model(label)
        if any(field.name == "user" for field in model._meta.get_fields()):
            model._default_manager.filter(user=user).delete()
    history = getattr(User, "history", None)
    if history is not None:
        history.filter(id=user.pk).delete()
    _end_sessions(user)


def _end_sessions(user: User) -> None:
    key = str(user.pk)
    ended = [session.pk for session in Session.objects.filter(expire_date__gt=timezone.now())
             if session.get_decoded().get("_auth_user_id") == key]
    Session.objects.filter(pk__in=ended).delete()


@dataclass(frozen=True)
class RetentionResult:
    kommune: str
    accounts_erased: int


def apply_retention(now: datetime | None = None) -> list[RetentionResult]:
    """Erases the accounts that have not logged in for their municipality's retention period
    (`Kommune.inactive_account_months`) and hold no role anywhere else still in use. Logs and
    returns what it removed, per municipality."""
    now = now or timezone.now()
    results = []
    for kommune in Kommune.objects.exclude(inactive_account_months=None).order_by("name"):
        months = kommune.inactive_account_months or 0
        cutoff = now - timedelta(days=30 * months)
        # Someone with roles in several municipalities is left to their admins together.
        stale = (User.objects
                 .annotate(kommuner=models.Count("memberships__kommune", distinct=True))
                 .filter(kommuner=1, memberships__kommune=kommune, erased_at=None,
                         is_superuser=False)
                 .filter(models.Q(last_login__lt=cutoff)
                         | models.Q(last_login=None, date_joined__lt=cutoff)))
        erased = 0
        for user in stale:
            erase_person(user)
            erased += 1
        if erased:
            logger.info("Retention in %s: erased %d inactive accounts", kommune.slug, erased)
        results.append(RetentionResult(kommune=kommune.slug, accounts_erased=erased))
    return results

