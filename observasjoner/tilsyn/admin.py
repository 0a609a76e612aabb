"""Django admin for supervision instruments and supervisions (municipal admins, superusers).

Each list is narrowed by the model's `visible_to`, so the admin keeps the tenancy too.
"""

from django.contrib import admin

from barnehager.admin import (
    FencedHistory,
    FencedTabularInline,
    SharedDataAdmin,
    SharedRowsReadOnly,
    TenantFence,
)
from observasjoner.tilsyn.models import (
    Kriterium,
    Skala,
    SkalaNiva,
    Tema,
    Tilsyn,
    TilsynInstrument,
    TilsynVurdering,
    Utviklingspunkt,
)


class SkalaNivaInline(FencedTabularInline):
    model = SkalaNiva
    extra = 0


@admin.register(Skala)
class SkalaAdmin(SharedDataAdmin):
    list_display = ["name", "good_from"]
    inlines = [SkalaNivaInline]


class TemaInline(FencedTabularInline):
    model = Tema
    extra = 0
    show_change_link = True


class SharedInstrumentReadOnly(SharedRowsReadOnly):
    """An instrument without a municipality (and its themes) is shared by all."""

    def shared(self, obj) -> bool:
        return getattr(obj, "instrument", obj).kommune_id is None


@admin.register(TilsynInstrument)
class TilsynInstrumentAdmin(SharedInstrumentReadOnly, TenantFence, admin.ModelAdmin):
    list_display = ["name", "kommune", "language", "skala"]
    list_filter = ["kommune", "language"]
    inlines = [TemaInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class KriteriumInline(FencedTabularInline):
    model = Kriterium
    extra = 0


@admin.register(Tema)
class TemaAdmin(SharedInstrumentReadOnly, TenantFence, admin.ModelAdmin):
    list_display = ["name", "instrument", "order"]
    inlines = [KriteriumInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            instrument__in=TilsynInstrument.objects.visible_to(request.user))


class TilsynVurderingInline(FencedTabularInline):
    model = TilsynVurdering
    extra = 0
    fields = ["kriterium", "niva", "note"]
    readonly_fields = ["kriterium"]
    can_delete = False


class UtviklingspunktInline(FencedTabularInline):
    model = Utviklingspunkt
    extra = 0


@admin.register(Tilsyn)
class TilsynAdmin(TenantFence, FencedHistory):
    list_display = ["barnehage", "date", "status", "outcome", "follow_up_date", "closed_on"]
    list_filter = ["status", "outcome", "barnehage__kommune"]
    date_hierarchy = "date"
    inlines = [TilsynVurderingInline, UtviklingspunktInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related(
            "barnehage")
