"""The organisation: municipalities, networks, cohorts, kindergartens, departments and people."""

import uuid
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barnehager.access import (
    AuditEntryQuerySet,
    AvdelingQuerySet,
    BarnehageQuerySet,
    KommuneQuerySet,
    UserQuerySet,
)


class Country(models.TextChoices):
    NORWAY = "NO", _("Norway")
    DENMARK = "DK", _("Denmark")


class Kommune(models.Model):
    """A municipality: the tenant. Nobody sees another municipality's data."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    language = models.CharField(
        _("default language"), max_length=5, choices=[("nb", "Norsk bokmål"), ("da", "Dansk")]
    )
    committee_name = models.CharField(
        _("political committee"), max_length=200,
        help_text=_("The committee that receives the annual quality report."),
    )
    inactive_account_months = models.PositiveSmallIntegerField(
        _("erase inactive accounts after (months)"), null=True, blank=True, default=24,
        validators=[MinValueValidator(1)],
        help_text=_("Accounts that have not logged in for this long are de-identified by a "
                    "nightly task; empty: never."),
    )
    report_version_months = models.PositiveSmallIntegerField(
        _("remove old report versions after (months)"), null=True, blank=True, default=None,
        validators=[MinValueValidator(1)],
        help_text=_("A report version its readers no longer see (replaced by a newer "
                    "publication, or withdrawn) is removed with its file by a nightly task "
                    "this long after that. Drafts, the newest published version and the "
                    "newest version of each report are always kept. Empty: keep every "
                    "version."),
    )

    objects = KommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Nettverk(models.Model):
    """Kindergartens that share a mentor and work together (Bærum's networks)."""

    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="nettverk",
                                verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=100)
    mentor = models.ForeignKey("User", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="mentor_for", verbose_name=_("mentor"))

    class Meta:
        ordering = ["kommune", "name"]
        constraints = [models.UniqueConstraint(fields=["kommune", "name"],
                                               name="unique_nettverk_per_kommune")]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class Pulje(models.Model):
    """A cohort of kindergartens that join a programme together."""

    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="puljer",
                                verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))

    class Meta:
        ordering = ["kommune", "start_date", "name"]
        constraints = [models.UniqueConstraint(fields=["kommune", "name"],
                                               name="unique_pulje_per_kommune")]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class OwnerType(models.TextChoices):
    MUNICIPAL = "kommunal", _("Municipal")
    PRIVATE = "privat", _("Private")


class Barnehage(models.Model):
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="barnehager",
                                verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=150)
    owner_type = models.CharField(_("owner"), max_length=10, choices=OwnerType.choices,
                                  default=OwnerType.MUNICIPAL)
    nettverk = models.ForeignKey(Nettverk, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="barnehager", verbose_name=_("network"))
    pulje = models.ForeignKey(Pulje, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="barnehager", verbose_name=_("cohort"))
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = BarnehageQuerySet.as_manager()

    class Meta:
        ordering = ["kommune", "name"]
        constraints = [models.UniqueConstraint(fields=["kommune", "name"],
                                               name="unique_barnehage_per_kommune")]
        verbose_name = _("kindergarten")
        verbose_name_plural = _("kindergartens")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for field in ("nettverk", "pulje"):
            related = getattr(self, field)
            if related is not None and related.kommune_id != self.kommune_id:
                raise ValidationError({field: _("Must belong to the same municipality.")})


class AgeGroup(models.TextChoices):
    TODDLER = "smabarn", _("Toddlers (0-3)")
    PRESCHOOL = "storbarn", _("Pre-school (3-6)")
    MIXED = "mixed", _("Mixed ages")


class Avdeling(models.Model):
    """A department (stue). Its age group decides which CLASS instrument observes it."""

    barnehage = models.ForeignKey(Barnehage, on_delete=models.CASCADE, related_name="avdelinger",
                                  verbose_name=_("kindergarten"))
    name = models.CharField(_("name"), max_length=100)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    enrolled_children = models.PositiveSmallIntegerField(
        _("enrolled children"), default=0,
        help_text=_("Used to check that at least half the children are present in a cycle."),
    )

    objects = AvdelingQuerySet.as_manager()

    class Meta:
        ordering = ["barnehage", "name"]
        constraints = [models.UniqueConstraint(fields=["barnehage", "name"],
                                               name="unique_avdeling_per_barnehage")]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.barnehage.name}: {self.name}"

    @property
    def instrument_code(self) -> str:
        """Toddler departments use CLASS Toddler; pre-school and mixed ones CLASS Pre-K."""
        return "toddler" if self.age_group == AgeGroup.TODDLER else "prek"


class Strukturtall(models.Model):
    """A kindergarten's structural figures for one year (strukturkvalitet)."""

    barnehage = models.ForeignKey(Barnehage, on_delete=models.CASCADE, related_name="strukturtall",
                                  verbose_name=_("kindergarten"))
    year = models.PositiveSmallIntegerField(_("year"))
    children = models.PositiveSmallIntegerField(_("children"))
    staff = models.PositiveSmallIntegerField(_("staff"))
    trained_pedagogue_share = models.DecimalField(
        _("share of trained pedagogues (%)"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["barnehage", "-year"]
        constraints = [models.UniqueConstraint(fields=["barnehage", "year"],
                                               name="unique_strukturtall_per_year")]
        verbose_name = _("structural figures")
        verbose_name_plural = _("structural figures")

    def __str__(self) -> str:
        return f"{self.barnehage} {self.year}"

    @property
    def children_per_staff(self) -> float | None:
        return round(self.children / self.staff, 1) if self.staff else None


class KvalitetUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person. What she may see comes from her memberships, never from this row alone."""

    email = models.EmailField(_("e-mail address"), unique=True)
    # Empty: her municipality's language (barnehager/language.py decides each request).
    language = models.CharField(
        _("language"), max_length=5, blank=True,
        choices=[("nb", "Norsk bokmål"), ("da", "Dansk"), ("en", "English")],
        help_text=_("The language Kvalitet speaks to her on every device; empty: her "
                    "municipality's language."),
    )

    # Set when her account was de-identified (barnehager/personal_data): rows that point at
    # it keep their figures and show "former user".
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = KvalitetUserManager()

    class Meta(AbstractUser.Meta):
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        if self.erased_at:
            return str(_("former user"))
        return super().get_full_name()


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    OBSERVER = "observer", _("Observer")
    CONSULTANT = "consultant", _("Consultant")
    POLITICIAN = "politician", _("Politician")
    ADMIN = "admin", _("Municipal admin")


# Roles that belong to one kindergarten (an observer's is where she works).
ROLES_WITH_BARNEHAGE = {Role.LEADER, Role.OBSERVER}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, related_name="memberships",
                                verbose_name=_("municipality"))
    barnehage = models.ForeignKey(
        Barnehage, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships",
        verbose_name=_("kindergarten"),
        help_text=_("Required for leaders; for observers, the kindergarten where they work."),
    )

    class Meta:
        ordering = ["kommune", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "kommune", "barnehage"],
                                    name="unique_membership"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        where = self.barnehage or self.kommune
        return f"{self.user}: {self.get_role_display()} ({where})"

    def clean(self) -> None:
        if self.role == Role.LEADER and self.barnehage_id is None:
            raise ValidationError({"barnehage": _("A leader belongs to a kindergarten.")})
        if self.role not in ROLES_WITH_BARNEHAGE and self.barnehage_id is not None:
            raise ValidationError({"barnehage": _("This role covers the whole municipality.")})
        if self.barnehage_id and self.barnehage.kommune_id != self.kommune_id:
            raise ValidationError({"barnehage": _("Must belong to the same municipality.")})


class Sertifisering(models.Model):
    """An observer's certification for one instrument; it lasts one year."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sertifiseringer",
                             verbose_name=_("observer"))
    instrument = models.ForeignKey("observasjoner.Instrument", on_delete=models.PROTECT,
                                   related_name="sertifiseringer", verbose_name=_("instrument"))
    certified_on = models.DateField(_("certified on"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["user", "-valid_until"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return f"{self.user}: {self.instrument} ({self.valid_until:%d.%m.%Y})"

    def clean(self) -> None:
        if self.valid_until and self.certified_on and self.valid_until <= self.certified_on:
            raise ValidationError({"valid_until": _("Must be after the certification date.")})

    def is_valid_on(self, day: date) -> bool:
        return self.certified_on <= day <= self.valid_until


class OutboxMessage(models.Model):
    """A background task that must run because of a change: written in the change's own
    transaction, then handed to Celery. When the broker is down the change still stands and
    the message waits here until the dispatcher gets it through (see barnehager/outbox.py)."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="outbox_unsent",
                                condition=models.Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.task} {self.uuid}"


class AuditAction(models.TextChoices):
    """What an audit entry records. The values are stored: never rename one."""

    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Log-in failed")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SECOND_FACTOR_VERIFIED = "2fa_verified", _("Second factor confirmed")
    SECOND_FACTOR_FAILED = "2fa_failed", _("Second factor refused")
    SECOND_FACTOR_ADDED = "2fa_added", _("Second factor set up")
    SECOND_FACTOR_REMOVED = "2fa_removed", _("Second factor removed")
    RECOVERY_CODES_RENEWED = "recovery_codes", _("Recovery codes renewed")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    INVITATION_SENT = "invitation", _("Invitation sent")
    USER_CHANGED = "user_changed", _("Person changed")
    MEMBERSHIP_ADDED = "membership_added", _("Role given")
    MEMBERSHIP_CHANGED = "membership_changed", _("Role changed")
    MEMBERSHIP_REMOVED = "membership_removed", _("Role taken away")
    PLAN_APPROVED = "plan_approved", _("Action plan approved")
    PLAN_RETURNED = "plan_returned", _("Action plan returned")
    OBSERVATION_AMENDED = "observation_amended", _("Locked observation amended")
    REPORT_PUBLISHED = "report_published", _("Report published")
    REPORT_WITHDRAWN = "report_withdrawn", _("Report withdrawn")
    REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
    EXPORT = "export", _("Data exported")
    IMPORT = "import", _("Data imported")
    PRUNED = "pruned", _("Old audit entries removed")
    REPORT_VERSIONS_REMOVED = "report_versions_removed", _("Old report versions removed")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    PERSON_ERASED = "person_erased", _("Person erased")


class AuditEntry(models.Model):
    """One thing someone did that the municipality must be able to account for: who, when,
    from which address, what. Written by `barnehager.audit.record` only, never changed and
    never deleted except by the retention task (`barnehager.audit.prune`); on PostgreSQL a
    trigger refuses any other UPDATE or DELETE (migration 0003).

    The actor and the municipality are kept without a database constraint, so that a person
    or a municipality can be removed while the record of what they did stays."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("what"), max_length=40, choices=AuditAction.choices)
    actor = models.ForeignKey(User, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+", verbose_name=_("who"))
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    kommune = models.ForeignKey(Kommune, on_delete=models.DO_NOTHING, db_constraint=False,
                                null=True, blank=True, related_name="+",
                                verbose_name=_("municipality"))
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kommune", "-at"], name="audit_kommune_at")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Append-only: a new entry is inserted, an existing one is never written again."""
        if not self._state.adding:
            raise ValidationError(_("Audit entries cannot be changed."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Audit entries cannot be deleted."))


# Single sign-on's model lives in its feature package; importing it here registers it with
# the app when Django loads barnehager.models.
from barnehager.sso.models import SingleSignOn  # noqa: E402, F401
