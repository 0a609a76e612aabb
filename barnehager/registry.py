"""What the base app shows of the other apps: their menu entries and home-page sections.

barnehager names no other app's URLs or templates. Each app contributes its own from its
`AppConfig.ready()`; the menu (`context_processors.navigation`) and the home page
(`views.home`) read only this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from barnehager.access import Scope

if TYPE_CHECKING:
    from barnehager.models import User

# A section's variables for the (signed-in) user viewing the page; None: nothing to show her.
SectionContext = Callable[["User"], Mapping[str, Any] | None]


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    roles: tuple[str, ...] | None  # None: everyone signed in
    order: int


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: SectionContext
    roles: tuple[str, ...] | None  # None: everyone signed in; else asked before `context`
    order: int


@dataclass(frozen=True)
class PageScript:
    """A script every page loads for some roles, with `data-` attributes naming URLs."""

    static_path: str
    data: tuple[tuple[str, str], ...]  # (attribute name after "data-", URL name)
    roles: tuple[str, ...] | None  # None: everyone signed in


@dataclass(frozen=True)
class ShownSection:
    """A section as one user's home page renders it."""

    template: str
    context: Mapping[str, Any]


# Keyed on the URL name and the template: registering again (a second ready()) replaces.
_menu: dict[str, MenuEntry] = {}
_sections: dict[str, HomeSection] = {}
_scripts: dict[str, PageScript] = {}


def add_menu_entry(url_name: str, label: str | Promise, *, roles: tuple[str, ...] | None,
                   order: int) -> None:
    _menu[url_name] = MenuEntry(url_name, label, roles, order)


def add_home_section(template: str, context: SectionContext, *,
                     roles: tuple[str, ...] | None, order: int) -> None:
    _sections[template] = HomeSection(template, context, roles, order)


def add_page_script(static_path: str, *, data: Mapping[str, str],
                    roles: tuple[str, ...] | None) -> None:
    """A script for every page the roles see (e.g. the observer's tablet keeping her
    observations for use offline); `data` maps attribute names to URL names."""
    _scripts[static_path] = PageScript(static_path, tuple(data.items()), roles)


def _allows(roles: tuple[str, ...] | None, scope: Scope) -> bool:
    return roles is None or scope.has_role(*roles)


def menu_for(scope: Scope) -> list[MenuEntry]:
    """The menu entries the user's roles give her, in menu order."""
    return sorted((entry for entry in _menu.values() if _allows(entry.roles, scope)),
                  key=lambda entry: entry.order)


def page_scripts_for(scope: Scope) -> list[PageScript]:
    """The scripts every page loads for this user's roles."""
    return [script for script in _scripts.values() if _allows(script.roles, scope)]


def home_sections_for(user: User, scope: Scope) -> list[ShownSection]:
    """The home-page sections the user has something in, in page order."""
    shown = []
    for section in sorted(_sections.values(), key=lambda section: section.order):
        if not _allows(section.roles, scope):
            continue
        context = section.context(user)
        if context is not None:
            shown.append(ShownSection(section.template, context))
    return shown
