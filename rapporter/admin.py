"""Reports in the Django admin: read-only (a report is made by its task, never edited);
settings and recommendations editable. A municipal admin sees her own municipalities."""

from django.contrib import admin

from barnehager.admin import TenantAdmin
from barnehager.models import Kommune
from rapporter.models import Anbefaling, Rapport, Rapportinnstilling


class KommuneScopedAdmin(TenantAdmin):
    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            kommune__in=Kommune.objects.managed_by(request.user))


@admin.register(Rapport)
class RapportAdmin(KommuneScopedAdmin):
    list_display = ["__str__", "kind", "kommune", "barnehage", "year", "semester", "version",
                    "status", "requested_at", "generated_at"]
    list_filter = ["kind", "status", "kommune", "year"]
    search_fields = ["barnehage__name", "kommune__name", "task_id", "sha256"]
    date_hierarchy = "requested_at"
    list_select_related = ["kommune", "barnehage"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rapportinnstilling)
class RapportinnstillingAdmin(KommuneScopedAdmin):
    list_display = ["kommune", "annual_day", "annual_month", "covers_previous_year"]


@admin.register(Anbefaling)
class AnbefalingAdmin(KommuneScopedAdmin):
    list_display = ["kommune", "year", "updated_by", "updated_at"]
    list_filter = ["kommune", "year"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
