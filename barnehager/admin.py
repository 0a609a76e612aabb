from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from barnehager.access import ROLE_ADMIN, scope_of
from barnehager.models import (
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    Pulje,
    Sertifisering,
    Strukturtall,
    User,
)


class TenantAdmin(admin.ModelAdmin):
    """Limits a municipal admin to rows of the municipalities she administers.

    `kommune_path` is the lookup from the model to its municipality's id.
    """

    kommune_path = "kommune_id"

    def admin_kommune_ids(self, request) -> set[int]:
        return scope_of(request.user).kommune_ids(ROLE_ADMIN)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.kommune_path}__in": self.admin_kommune_ids(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            ids = self.admin_kommune_ids(request)
            model = db_field.related_model
            if model is Kommune:
                kwargs["queryset"] = Kommune.objects.filter(pk__in=ids)
            elif model in (Barnehage, Nettverk, Pulje):
                kwargs["queryset"] = model.objects.filter(kommune_id__in=ids)
            elif model is Avdeling:
                kwargs["queryset"] = Avdeling.objects.filter(barnehage__kommune_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Kommune)
class KommuneAdmin(TenantAdmin):
    kommune_path = "pk"
    list_display = ["name", "country", "language", "committee_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Nettverk)
class NettverkAdmin(TenantAdmin):
    list_display = ["name", "kommune", "mentor"]
    list_filter = ["kommune"]


@admin.register(Pulje)
class PuljeAdmin(TenantAdmin):
    list_display = ["name", "kommune", "start_date"]
    list_filter = ["kommune"]


class AvdelingInline(admin.TabularInline):
    model = Avdeling
    extra = 0


class StrukturtallInline(admin.TabularInline):
    model = Strukturtall
    extra = 0


@admin.register(Barnehage)
class BarnehageAdmin(TenantAdmin):
    list_display = ["name", "kommune", "owner_type", "nettverk", "pulje"]
    list_filter = ["kommune", "owner_type", "nettverk", "pulje"]
    search_fields = ["name"]
    inlines = [AvdelingInline, StrukturtallInline]


@admin.register(Avdeling)
class AvdelingAdmin(TenantAdmin):
    kommune_path = "barnehage__kommune_id"
    list_display = ["name", "barnehage", "age_group", "enrolled_children"]
    list_filter = ["age_group", "barnehage__kommune"]
    search_fields = ["name", "barnehage__name"]


@admin.register(Strukturtall)
class StrukturtallAdmin(TenantAdmin):
    kommune_path = "barnehage__kommune_id"
    list_display = ["barnehage", "year", "children", "staff", "trained_pedagogue_share"]
    list_filter = ["year"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"


class SertifiseringInline(admin.TabularInline):
    model = Sertifisering
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline, SertifiseringInline]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("username", "email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        ids = scope_of(request.user).kommune_ids(ROLE_ADMIN)
        return queryset.filter(memberships__kommune_id__in=ids).distinct()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # A municipal admin manages roles through memberships, not Django superpowers.
        return fieldsets[:2]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "role", "kommune", "barnehage"]
    list_filter = ["role", "kommune"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]


@admin.register(Sertifisering)
class SertifiseringAdmin(TenantAdmin):
    kommune_path = "user__memberships__kommune_id"
    list_display = ["user", "instrument", "certified_on", "valid_until"]
    list_filter = ["instrument"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()
