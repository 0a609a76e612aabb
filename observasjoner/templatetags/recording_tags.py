"""Home-page sections of the observer's tablet and of the leader's results."""

from django import template

from barnehager.access import ROLE_LEADER, ROLE_OBSERVER, scope_of
from barnehager.models import Barnehage
from observasjoner.models import Observasjon

register = template.Library()

HOME_ROWS = 5


@register.simple_tag(takes_context=True)
def upcoming_observations(context):
    """The observer's observations still to record, soonest first (None: not an observer)."""
    user = context["request"].user
    if not scope_of(user).has_role(ROLE_OBSERVER):
        return None
    return list(
        Observasjon.objects.assigned_to(user)
        .filter(status__in=[Observasjon.Status.PLANNED, Observasjon.Status.IN_PROGRESS])
        .select_related("avdeling__barnehage", "instrument")
        .order_by("planned_date", "pk")[:HOME_ROWS]
    )


@register.simple_tag(takes_context=True)
def led_kindergartens_results(context):
    """For a leader: her kindergartens and their latest submitted observations."""
    user = context["request"].user
    scope = scope_of(user)
    if not scope.has_role(ROLE_LEADER):
        return None
    return {
        "barnehager": list(Barnehage.objects.filter(pk__in=scope.barnehage_ids(ROLE_LEADER))
                           .order_by("name")),
        "observations": list(
            Observasjon.objects.results_visible_to(user).done()
            .filter(double_coding_of__isnull=True,
                    avdeling__barnehage_id__in=scope.barnehage_ids(ROLE_LEADER))
            .select_related("avdeling__barnehage", "instrument")
            .order_by("-submitted_at", "-pk")[:HOME_ROWS]
        ),
    }
