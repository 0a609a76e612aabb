"""Admin registrations of the app, one module per part: instruments, rounds,
observations (read only: plans change on the round pages, scores only by amendment),
the amendments' audit trail, practice stories and monthly plans."""

from django.contrib import admin

from barnehager.admin import FencedTabularInline, SharedDataAdmin, TenantAdmin
from observasjoner.models import (
    Dimensjon,
    Domene,
    Endring,
    Instrument,
    Maanedsplan,
    Observasjon,
    Observasjonsrunde,
    Praksisfortelling,
)
from observasjoner.tilsyn import admin as tilsyn_admin  # noqa: F401


class DomeneInline(FencedTabularInline):
    model = Domene
    extra = 0
    fields = ["code", "name_nb", "name_da", "name_en", "order", "threshold"]


@admin.register(Instrument)
class InstrumentAdmin(SharedDataAdmin):
    """Instruments are shared by every municipality: data, not code."""

    list_display = ["code", "name_nb", "scale_min", "scale_max", "active"]
    inlines = [DomeneInline]


@admin.register(Dimensjon)
class DimensjonAdmin(SharedDataAdmin):
    list_display = ["code", "name_nb", "domene", "order", "reversed"]
    list_filter = ["domene__instrument"]


@admin.register(Observasjonsrunde)
class ObservasjonsrundeAdmin(TenantAdmin):
    list_display = ["name", "kommune", "semester", "year", "status", "start_date", "end_date"]
    list_filter = ["kommune", "status", "year"]
    readonly_fields = ["closed_at"]
    filter_horizontal = ["puljer"]


@admin.register(Observasjon)
class ObservasjonAdmin(TenantAdmin):
    """For looking up; plans change on the round pages and scores only by amendment."""

    kommune_path = "runde__kommune_id"
    list_display = ["avdeling", "runde", "observer", "instrument", "planned_date", "status"]
    list_filter = ["status", "runde__kommune", "instrument"]
    search_fields = ["avdeling__name", "avdeling__barnehage__name", "observer__email"]
    list_select_related = ["avdeling__barnehage", "runde", "observer", "instrument"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Endring)
class EndringAdmin(TenantAdmin):
    """The audit trail of amendments: read only."""

    kommune_path = "skaar__syklus__observasjon__runde__kommune_id"
    list_display = ["skaar", "old_value", "new_value", "amended_by", "amended_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Praksisfortelling)
class PraksisfortellingAdmin(TenantAdmin):
    kommune_path = "barnehage__kommune_id"
    list_display = ["title", "barnehage", "dimensjon", "month", "author"]
    list_filter = ["month"]


@admin.register(Maanedsplan)
class MaanedsplanAdmin(TenantAdmin):
    kommune_path = "barnehage__kommune_id"
    list_display = ["barnehage", "month", "dimensjon"]
    list_filter = ["month"]
