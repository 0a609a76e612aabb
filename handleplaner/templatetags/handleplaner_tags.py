"""Small pieces of action plan pages: the status badge."""

from django import template

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

