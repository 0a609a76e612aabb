from __future__ import annotations

from typing import Any

from django.contrib import admin

from barnehager.admin import FencedTabularInline, TenantAdmin
from kvalitet.models import (
    BarnehageFokus,
    Fokusomrade,
    Kvalitetsplan,
    Kvalitetsprinsipp,
    Tegn,
    Tiltak,
)


class KvalitetsprinsippInline(FencedTabularInline):
    model = Kvalitetsprinsipp
    extra = 0


class FokusomradeInline(FencedTabularInline):
    model = Fokusomrade
    fields = ["title", "kind", "quality_kind", "order"]
    extra = 0
    show_change_link = True


@admin.register(Kvalitetsplan)
class KvalitetsplanAdmin(TenantAdmin):
    list_display = ["title", "kommune", "kind", "start_year", "end_year", "adopted_on"]
    list_filter = ["kind", "kommune"]
    search_fields = ["title"]
    inlines = [KvalitetsprinsippInline, FokusomradeInline]


class TiltakInline(FencedTabularInline):
    model = Tiltak
    extra = 0


class TegnInline(FencedTabularInline):
    model = Tegn
    extra = 0


class PlanPartAdmin(TenantAdmin):
    """Limits the plan a part belongs to, as TenantAdmin does for municipal models."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs: Any):
        if not request.user.is_superuser:
            ids = self.admin_kommune_ids(request)
            if db_field.related_model is Kvalitetsplan:
                kwargs["queryset"] = Kvalitetsplan.objects.filter(kommune_id__in=ids)
            elif db_field.related_model is Fokusomrade:
                kwargs["queryset"] = Fokusomrade.objects.filter(plan__kommune_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Fokusomrade)
class FokusomradeAdmin(PlanPartAdmin):
    kommune_path = "plan__kommune_id"
    list_display = ["title", "plan", "kind", "quality_kind", "order"]
    list_filter = ["kind", "quality_kind", "plan__kommune"]
    search_fields = ["title", "plan__title"]
    inlines = [TiltakInline, TegnInline]


@admin.register(Kvalitetsprinsipp)
class KvalitetsprinsippAdmin(PlanPartAdmin):
    kommune_path = "plan__kommune_id"
    list_display = ["name", "plan", "order"]
    list_filter = ["plan__kommune"]


@admin.register(Tiltak)
class TiltakAdmin(PlanPartAdmin):
    kommune_path = "fokusomrade__plan__kommune_id"
    list_display = ["__str__", "fokusomrade", "status"]
    list_filter = ["status", "fokusomrade__plan__kommune"]


@admin.register(Tegn)
class TegnAdmin(PlanPartAdmin):
    kommune_path = "fokusomrade__plan__kommune_id"
    list_display = ["__str__", "fokusomrade", "role_level"]
    list_filter = ["role_level", "fokusomrade__plan__kommune"]


@admin.register(BarnehageFokus)
class BarnehageFokusAdmin(PlanPartAdmin):
    kommune_path = "barnehage__kommune_id"
    list_display = ["barnehage", "fokusomrade", "year", "chosen_by"]
    list_filter = ["year", "barnehage__kommune"]
    search_fields = ["barnehage__name", "fokusomrade__title"]
    raw_id_fields = ["chosen_by"]

