"""Small pieces of action plan pages: the status badge and the home-page section."""

from django import template
from django.utils import timezone

from barnehager.access import MUNICIPAL_ROLES, ROLE_LEADER, scope_of
from handleplaner import selectors
from handleplaner.models import Status

register = template.Library()

# Bootstrap colours per status; the status word is always written too.
STATUS_CLASSES = {
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-primary",
    Status.RETURNED: "text-bg-warning",
    Status.APPROVED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-success",
    Status.EVALUATED: "text-bg-dark",
    Status.CLOSED: "text-bg-light border",
}


@register.inclusion_tag("handleplaner/partials/status_badge.html")
def status_badge(plan):
    return {"label": plan.get_status_display(),
            "css": STATUS_CLASSES.get(plan.status, "text-bg-secondary")}


@register.inclusion_tag("handleplaner/partials/home_section.html", takes_context=True)
def handleplaner_home(context):
    """A leader's plans and what falls due; a consultant's queue counts."""
    user = context["request"].user
    scope = scope_of(user)
    today = timezone.localdate()
    return {
        "leader": selectors.leader_home(user, today) if scope.has_role(ROLE_LEADER) else None,
        "counts": selectors.queue_counts(user, today)
        if scope.has_role(*MUNICIPAL_ROLES) else None,
        "today": today,
    }
