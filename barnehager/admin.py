from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from barnehager.access import ROLE_ADMIN, scope_of
from barnehager.models import (
    AuditEntry,
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    Pulje,
    Sertifisering,
    SingleSignOn,
    Strukturtall,
    User,
)
from barnehager.personal_data import services as personal_data


class TenantFence:
    """Keeps a municipal admin's choices inside her municipalities, for model admins and
    inlines alike: every foreign-key and many-to-many choice is what the related model's own
    admin shows her, and every relational list filter offers only values of her rows.

    A related model without an admin of its own is reference data shared by every
    municipality (instruments, scales) and keeps its full list.
    """

    def fenced_choices(self, request, model) -> models.QuerySet | None:
        if request.user.is_superuser:
            return None
        related_admin = self.admin_site._registry.get(model)
        if related_admin is None:
            return None
        return related_admin.get_queryset(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs: Any):
        choices = self.fenced_choices(request, db_field.related_model)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs: Any):
        choices = self.fenced_choices(request, db_field.related_model)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return [_only_related(self.model, entry) for entry in super().get_list_filter(request)]


def _only_related(model, entry):
    """A relational list filter that lists only the values found in the admin's own rows."""
    if not isinstance(entry, str):
        return entry
    field = get_fields_from_path(model, entry)[-1]
    return (entry, admin.RelatedOnlyFieldListFilter) if field.is_relation else entry


class TenantAdmin(TenantFence, admin.ModelAdmin):
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


class FencedHistory(SimpleHistoryAdmin):
    """django-simple-history's history page falls back to the recorded history of a row its
    queryset does not hold, which would show another municipality's changes."""

    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: dict | None = None) -> HttpResponse:
        if not request.user.is_superuser and not self.get_queryset(request).filter(
                pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)


class SharedRowsReadOnly(admin.ModelAdmin):
    """Rows without a municipality of their own are shared by every municipality (global
    templates, shared instruments): a municipal admin reads them, only platform operators
    change or delete them. `shared(obj)` says whether a row is one."""

    def shared(self, obj: models.Model) -> bool:
        raise NotImplementedError

    def _locked(self, request: HttpRequest, obj: models.Model | None) -> bool:
        return obj is not None and not request.user.is_superuser and self.shared(obj)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not self._locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not self._locked(request, obj) and super().has_delete_permission(request, obj)


class FencedTabularInline(TenantFence, admin.TabularInline):
    pass


class FencedStackedInline(TenantFence, admin.StackedInline):
    pass


@admin.register(Kommune)
class KommuneAdmin(TenantAdmin):
    kommune_path = "pk"
    list_display = ["name", "country", "language", "committee_name"]
    prepopulated_fields = {"slug": ["name"]}

    # Only platform operators create or remove municipalities.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Nettverk)
class NettverkAdmin(TenantAdmin):
    list_display = ["name", "kommune", "mentor"]
    list_filter = ["kommune"]


@admin.register(Pulje)
class PuljeAdmin(TenantAdmin):
    list_display = ["name", "kommune", "start_date"]
    list_filter = ["kommune"]


class AvdelingInline(FencedTabularInline):
    model = Avdeling
    extra = 0


class StrukturtallInline(FencedTabularInline):
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


class MembershipInline(FencedTabularInline):
    model = Membership
    extra = 0
    fk_name = "user"

    def get_min_num(self, request, obj=None, **kwargs: Any) -> int:
        """A municipal admin gives every person she adds a role in her municipality:
        a user without one would fall outside her reach at once."""
        return 0 if request.user.is_superuser or obj is not None else 1

    def get_formset(self, request, obj=None, **kwargs: Any):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class SertifiseringInline(FencedTabularInline):
    model = Sertifisering
    extra = 0


@admin.register(User)
class UserAdmin(TenantFence, BaseUserAdmin):
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
        return queryset.filter(pk__in=User.objects.managed_by(request.user))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # A municipal admin manages roles through memberships, not Django superpowers.
        return fieldsets[:2]

    @admin.action(description=_("Download the personal data of the selected person"),
                  permissions=["view"])
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one person to download her data."),
                              messages.WARNING)
            return None
        person = queryset.get()
        response = HttpResponse(personal_data.export_as_json(person, by=request.user),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
        return response

    @admin.action(description=_("Erase the selected people (GDPR)"), permissions=["change"])
    def erase_people(self, request, queryset):
        """Asks first, on a page that lists who will be erased and what stays."""
        people = list(queryset.exclude(pk=request.user.pk).filter(erased_at=None))
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(request, "admin/barnehager/user/erase_confirmation.html", {
                **self.admin_site.each_context(request),
                "title": _("Erase people"), "people": people, "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            })
        for person in people:
            personal_data.erase_person(person, by=request.user)
        self.message_user(request, ngettext("%(count)d person erased.",
                                            "%(count)d people erased.",
                                            len(people)) % {"count": len(people)})
        return None

    actions = ["export_personal_data", "erase_people"]


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


@admin.register(AuditEntry)
class AuditEntryAdmin(TenantAdmin):
    """Read only, for everyone: the audit log is append-only (barnehager.audit)."""

    list_display = ["at", "action", "actor_label", "ip_address", "kommune", "target_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SharedDataAdmin(TenantFence, admin.ModelAdmin):
    """Reference data every municipality shares (the CLASS instruments and their parts):
    a municipal admin may read it; only platform operators change it, since a change reaches
    every municipality."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class PlatformOnly:
    """Pages that hold the whole platform's rows rather than a municipality's (permission
    groups, the log-in lockout's records, the task schedule): for platform operators only,
    whatever model permissions a municipal admin was given."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args: Any):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(SingleSignOn)
class SingleSignOnAdmin(PlatformOnly, admin.ModelAdmin):
    """Platform operators only: the issuer and the secret decide who can log in as whom."""

    list_display = ["kommune", "label", "issuer", "allow_passwords", "enabled"]


# Django's, django-axes' and django-celery-beat's own admin pages register before this
# module is imported (INSTALLED_APPS order); they become platform pages.
PLATFORM_APPS = ("auth", "axes", "django_celery_beat", "otp_totp", "otp_static")
for _model, _model_admin in list(admin.site._registry.items()):
    if _model._meta.app_label in PLATFORM_APPS:
        admin.site.unregister(_model)
        admin.site.register(_model, type(type(_model_admin).__name__,
                                         (PlatformOnly, type(_model_admin)), {}))
