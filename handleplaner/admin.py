"""Templates in the admin: a municipal admin adds her municipality's own templates and
reads the global presets (SMART, SMTTE), which only a superuser changes. Plans themselves
are written and reviewed on the app's own pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q

from barnehager.admin import (
    FencedStackedInline,
    FencedTabularInline,
    SharedRowsReadOnly,
    TenantAdmin,
)
from handleplaner.models import Mal, Seksjon, Sporsmal


class PresetReadOnly(SharedRowsReadOnly):
    """Global presets are visible to every municipal admin and changed by superusers only."""

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        path = self.kommune_path
        return queryset.filter(Q(**{f"{path}__in": self.admin_kommune_ids(request)})
                               | Q(**{f"{path.removesuffix('_id')}__isnull": True}))

    def shared(self, obj) -> bool:
        mal = obj if isinstance(obj, Mal) else getattr(obj, "mal", None)
        return mal is not None and mal.kommune_id is None


class SeksjonInline(FencedTabularInline):
    model = Seksjon
    extra = 0
    show_change_link = True
    fields = ["order", "title_nb", "title_da", "title_en", "shows_responsibilities",
              "shows_timeline"]


@admin.register(Mal)
class MalAdmin(PresetReadOnly, TenantAdmin):
    list_display = ["name", "code", "kommune", "is_default", "active"]
    list_filter = ["kommune", "active"]
    inlines = [SeksjonInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs: Any):
        if db_field.name == "kommune" and not request.user.is_superuser:
            kwargs["required"] = True  # a municipal admin adds her municipality's own
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SporsmalInline(FencedStackedInline):
    model = Sporsmal
    extra = 0
    fields = ["order", "required", ("text_nb", "text_da", "text_en"),
              ("help_text_nb", "help_text_da", "help_text_en")]


@admin.register(Seksjon)
class SeksjonAdmin(PresetReadOnly, TenantAdmin):
    kommune_path = "mal__kommune_id"
    list_display = ["title", "mal", "order"]
    list_filter = ["mal"]
    inlines = [SporsmalInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs: Any):
        if db_field.name == "mal" and not request.user.is_superuser:
            kwargs["queryset"] = Mal.objects.filter(
                kommune_id__in=self.admin_kommune_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
