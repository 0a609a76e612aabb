from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from barnehager import registry
from barnehager.access import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries this user's roles give her (each app registers its own)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "page_scripts": []}
    scope = scope_of(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(entry.url_name), "label": entry.label, "active": entry.url_name == current}
        for entry in registry.menu_for(scope)
    ]
    scripts = [
        {"src": static(script.static_path),
         "data": [(name, reverse(url_name)) for name, url_name in script.data]}
        for script in registry.page_scripts_for(scope)
    ]
    return {"nav_items": items, "page_scripts": scripts}
