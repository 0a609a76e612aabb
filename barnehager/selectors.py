"""Reads for the home pages and the kindergarten pages, each a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, ROLE_POLITICIAN, AnyUser, scope_of
from barnehager.models import (
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Sertifisering,
    Strukturtall,
    User,
)

EXPIRY_WARNING_DAYS = 60


def barnehager_with_details(queryset: QuerySet[Barnehage]) -> QuerySet[Barnehage]:
    """Kindergartens with network, cohort, departments and their members preloaded."""
    return queryset.select_related("kommune", "nettverk", "pulje").prefetch_related(
        Prefetch("avdelinger", queryset=Avdeling.objects.order_by("name")),
        Prefetch("memberships", queryset=Membership.objects.select_related("user")
                 .order_by("role", "user__first_name")),
        Prefetch("strukturtall", queryset=Strukturtall.objects.order_by("-year")),
    )


def led_barnehager(user: AnyUser) -> QuerySet[Barnehage]:
    led_ids = scope_of(user).barnehage_ids(ROLE_LEADER)
    return barnehager_with_details(Barnehage.objects.filter(pk__in=led_ids))


def municipal_overview(user: AnyUser) -> list[Kommune]:
    """Consultants and admins: each of their municipalities with its kindergartens."""
    kommune_ids = scope_of(user).kommune_ids(*MUNICIPAL_ROLES)
    kommuner = Kommune.objects.filter(pk__in=kommune_ids).prefetch_related(
        Prefetch(
            "barnehager",
            queryset=Barnehage.objects.select_related("nettverk", "pulje").annotate(
                department_count=Count("avdelinger", distinct=True),
                enrolled=Sum("avdelinger__enrolled_children"),
            ).order_by("name"),
        )
    )
    return list(kommuner)


def certifications_of(user: User) -> QuerySet[Sertifisering]:
    return Sertifisering.objects.filter(user=user).select_related("instrument")


def expiring_certifications(user: AnyUser,
                            today: date | None = None) -> QuerySet[Sertifisering]:
    """Certifications in the consultant's municipalities that end within 60 days."""
    today = today or timezone.localdate()
    kommune_ids = scope_of(user).kommune_ids(*MUNICIPAL_ROLES)
    return (
        Sertifisering.objects.filter(
            user__memberships__kommune_id__in=kommune_ids,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .select_related("user", "instrument")
        .distinct()
        .order_by("valid_until")
    )


def key_figures(user: AnyUser, year: int | None = None) -> list[dict[str, object]]:
    """Aggregates a politician may see: counts and structural figures, never people."""
    kommune_ids = scope_of(user).kommune_ids(ROLE_POLITICIAN)
    figures = []
    for kommune in Kommune.objects.filter(pk__in=kommune_ids):
        kindergartens = Barnehage.objects.filter(kommune=kommune)
        departments = Avdeling.objects.filter(barnehage__kommune=kommune)
        latest_year = year or (
            Strukturtall.objects.filter(barnehage__kommune=kommune)
            .order_by("-year").values_list("year", flat=True).first()
        )
        structure = Strukturtall.objects.filter(
            barnehage__kommune=kommune, year=latest_year
        ).aggregate(children=Sum("children"), staff=Sum("staff"),
                    trained=Avg("trained_pedagogue_share"), n=Count("id"))
        figures.append({
            "kommune": kommune,
            "kindergartens": kindergartens.count(),
            "municipal": kindergartens.filter(owner_type="kommunal").count(),
            "departments": departments.count(),
            "toddler_departments": departments.filter(age_group="smabarn").count(),
            "year": latest_year,
            "structure": structure,
            "children_per_staff": (
                round(structure["children"] / structure["staff"], 1)
                if structure["staff"] else None
            ),
        })
    return figures


def colleagues_count(user: AnyUser) -> int:
    return User.objects.visible_to(user).filter(~Q(pk=user.pk)).count()
