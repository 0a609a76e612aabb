from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from barnehager import audit, outbox
from barnehager.models import User
from barnehager.outbox import OutboxTask
from barnehager.personal_data import services as personal_data


@shared_task(name="barnehager.tasks.dispatch_outbox", ignore_result=True)
def dispatch_outbox() -> int:
    """Beat, every minute: the outbox messages whose own send failed."""
    return outbox.send_waiting()


@shared_task(name="barnehager.tasks.prune_audit_log", ignore_result=True)
def prune_audit_log() -> int:
    """Beat, daily: audit entries past the retention period (KVALITET_AUDIT_RETENTION_DAYS)."""
    return audit.prune()


@shared_task(name="barnehager.tasks.apply_retention", ignore_result=True)
def apply_retention() -> int:
    """Beat, nightly: de-identifies accounts inactive past their municipality's period."""
    return sum(result.accounts_erased for result in personal_data.apply_retention())


@shared_task(base=OutboxTask)
def send_invitation(user_id: int) -> bool:
    """The invitation a municipal admin sent: a link to choose a password (Django's
    password-reset token, so it expires after PASSWORD_RESET_TIMEOUT and once used)."""
    user = User.objects.prefetch_related("memberships__kommune").get(pk=user_id)
    if not user.is_active or user.has_usable_password():
        return False
    kommune = next((m.kommune for m in user.memberships.all()), None)
    link = settings.SITE_URL.rstrip("/") + reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    # Her own language when the admin chose one for her, else her municipality's.
    language = user.language or (kommune.language if kommune else settings.LANGUAGE_CODE)
    with translation.override(language):
        context = {"user": user, "kommune": kommune, "link": link,
                   "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
        subject = render_to_string("barnehager/people/invitation_subject.txt", context)
        body = render_to_string("barnehager/people/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True
