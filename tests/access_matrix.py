"""The tenancy matrix: every role x every view x own/sibling kindergarten x own/other
municipality.

Each app lists its views in `tests/<app>/matrix.py` as `CASES`; `test_access_matrix.py`
runs them all and fails when a named URL of the project has no case. A case's `url`
builds the address for a target ("own": A1 or its objects, "sibling": A2 in the same
municipality, "foreign": B1 in another municipality), creating objects as it needs.
`expect` maps a role to what it gets for each target.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.world import TARGETS, World

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def everywhere(status: int) -> dict[str, int]:
    return dict.fromkeys(TARGETS, status)


# Common shapes of an expectation for one role.
ALL = everywhere(OK)  # the view shows the same page whatever the target (a list, home)
MUNICIPALITY = {"own": OK, "sibling": OK, "foreign": NOT_FOUND}
OWN_KINDERGARTEN = {"own": OK, "sibling": NOT_FOUND, "foreign": NOT_FOUND}
DENIED = everywhere(FORBIDDEN)
HIDDEN = everywhere(NOT_FOUND)


@dataclass
class Case:
    url_name: str
    url: Callable[[World, str], str]
    expect: dict[str, dict[str, int]]
    method: str = "get"
    data: Callable[[World, str], dict] | None = None
    # What a successful request answers when it is not 200 (e.g. a POST that redirects).
    success: int = OK
    anonymous: int = REDIRECT
    extra_headers: dict = field(default_factory=dict)

    def expected(self, role: str, target: str) -> int:
        if role == "anonymous":
            return self.anonymous
        status = self.expect[role][target]
        return self.success if status == OK else status
