from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from barnehager.access import (
    MUNICIPAL_ROLES,
    ROLE_ADMIN,
    ROLE_LEADER,
    ROLE_OBSERVER,
    ROLE_POLITICIAN,
    scope_of,
)
from kvalitet.access import PLAN_READERS

# (url name, label, roles that see it). An app adds its pages here.
NAVIGATION = [
    ("home", _("Home"), None),
    ("observasjoner:my-observations", _("My observations"), (ROLE_OBSERVER,)),
    ("barnehage-list", _("Kindergartens"), (*MUNICIPAL_ROLES, ROLE_LEADER, ROLE_OBSERVER)),
    ("kvalitet:plan-list", _("Quality plan"), PLAN_READERS),
    ("observasjoner:runde-list", _("Observation rounds"), MUNICIPAL_ROLES),
    ("observasjoner:tilsyn-list", _("Supervision"), (*MUNICIPAL_ROLES, ROLE_LEADER)),
    ("handleplaner:list", _("Action plans"), (*MUNICIPAL_ROLES, ROLE_LEADER)),
    ("observasjoner:story-list", _("Practice stories"), (ROLE_LEADER,)),
    ("rapporter:dashboard", _("Dashboard"), (*MUNICIPAL_ROLES, ROLE_LEADER)),
    ("rapporter:report-list", _("Reports"), (*MUNICIPAL_ROLES, ROLE_POLITICIAN, ROLE_LEADER)),
    ("admin:index", _("Administration"), (ROLE_ADMIN,)),
]


def navigation(request):
    """The menu entries this user's roles give her."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(name), "label": label, "active": name == current}
        for name, label, roles in NAVIGATION
        if roles is None or scope.has_role(*roles)
    ]
    return {"nav_items": items, "user_roles": scope.roles}
