"""A small world for access tests: municipality A with kindergartens A1 ("own") and A2
("sibling"), municipality B with B1 ("foreign"), and one user per role in A.

Leaders and observers belong to A1. `world.objects[target]` holds what each app's tests
hang their own objects on.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from barnehager.models import (
    AgeGroup,
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    Pulje,
    Role,
    Sertifisering,
    Strukturtall,
    User,
)
from observasjoner.models import Instrument

ROLES = ["anonymous", Role.LEADER, Role.OBSERVER, Role.CONSULTANT, Role.POLITICIAN, Role.ADMIN]
TARGETS = ["own", "sibling", "foreign"]
PASSWORD = "correct horse battery"


@dataclass
class World:
    kommune: dict[str, Kommune]
    barnehage: dict[str, Barnehage]
    avdeling: dict[str, Avdeling]
    users: dict[str, User]
    # Users of municipality B, one per role, for tests that need the other side.
    foreign_users: dict[str, User]
    extra: dict = field(default_factory=dict)


def make_user(email: str) -> User:
    # Tests read like specifications in the English msgids: the world's people chose
    # English (a person's language follows her, not her browser: barnehager/language.py).
    return User.objects.create_user(username=email, email=email, password=PASSWORD,
                                    first_name=email.split("@")[0].title(), language="en")


def _populate(kommune: Kommune, prefix: str, count: int):
    nettverk = Nettverk.objects.create(kommune=kommune, name=f"{prefix} nett")
    pulje = Pulje.objects.create(kommune=kommune, name=f"{prefix} pulje",
                                 start_date=date(2021, 8, 1))
    barnehager, avdelinger = [], []
    for number in range(1, count + 1):
        barnehage = Barnehage.objects.create(kommune=kommune, name=f"{prefix}{number} barnehage",
                                             nettverk=nettverk, pulje=pulje)
        Strukturtall.objects.create(barnehage=barnehage, year=2025, children=40, staff=8,
                                    trained_pedagogue_share=45)
        Avdeling.objects.create(barnehage=barnehage, name="Småtroll",
                                age_group=AgeGroup.TODDLER, enrolled_children=10)
        avdelinger.append(Avdeling.objects.create(
            barnehage=barnehage, name="Storeslem", age_group=AgeGroup.PRESCHOOL,
            enrolled_children=18))
        barnehager.append(barnehage)
    return barnehager, avdelinger


def _people(kommune: Kommune, barnehage: Barnehage, prefix: str) -> dict[str, User]:
    users = {}
    for role in ROLES[1:]:
        user = make_user(f"{role}.{prefix}@example.test")
        if role == Role.ADMIN:
            user.is_staff = True
            user.save()
        Membership.objects.create(
            user=user, role=role, kommune=kommune,
            barnehage=barnehage if role in (Role.LEADER, Role.OBSERVER) else None,
        )
        users[role] = user
    today = timezone.localdate()
    for instrument in Instrument.objects.all():
        Sertifisering.objects.create(user=users[Role.OBSERVER], instrument=instrument,
                                     certified_on=today - timedelta(days=30),
                                     valid_until=today + timedelta(days=335))
    return users


def build_world() -> World:
    kommune_a = Kommune.objects.create(name="Aby", slug="aby", country="NO", language="nb",
                                       committee_name="Oppvekstutvalget")
    kommune_b = Kommune.objects.create(name="Bby", slug="bby", country="DK", language="da",
                                       committee_name="Børne- og Ungdomsudvalget")
    (a1, a2), (avd_a1, avd_a2) = _populate(kommune_a, "A", 2)
    (b1,), (avd_b1,) = _populate(kommune_b, "B", 1)
    return World(
        kommune={"own": kommune_a, "sibling": kommune_a, "foreign": kommune_b},
        barnehage={"own": a1, "sibling": a2, "foreign": b1},
        avdeling={"own": avd_a1, "sibling": avd_a2, "foreign": avd_b1},
        users=_people(kommune_a, a1, "a"),
        foreign_users=_people(kommune_b, b1, "b"),
    )
