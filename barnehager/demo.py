"""Demo organisation: Moss and Bærum (NO), Frederikshavn (DK), with one user per role each.

Bærum's networks and cohorts follow TETT PÅ (seed 001): cohorts 1-4 starting August 2020,
January 2021, August 2021 and January 2022. Kindergarten names are invented.
Every write is keyed on a natural key, so running the seed again changes nothing.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group, Permission

from barnehager.models import (
    AgeGroup,
    Avdeling,
    Barnehage,
    Kommune,
    Membership,
    Nettverk,
    OwnerType,
    Pulje,
    Role,
    Strukturtall,
    User,
)

DEMO_PASSWORD = "kvalitet-demo"
DEMO_EMAIL_DOMAIN = "demo.kvalitet.no"
STRUCTURE_YEARS = (2024, 2025)


@dataclass(frozen=True)
class KommuneSpec:
    slug: str
    name: str
    country: str
    language: str
    committee: str
    networks: tuple[str, ...]
    cohorts: tuple[tuple[str, date], ...]
    kindergartens: tuple[str, ...]
    departments: tuple[str, ...]


KOMMUNER = (
    KommuneSpec(
        slug="moss", name="Moss", country="NO", language="nb",
        committee="Hovedutvalget Oppvekst og utdanning",
        networks=("Jeløy", "Sentrum", "Rygge"),
        cohorts=(),
        kindergartens=("Bråten barnehage", "Jeløy barnehage", "Krapfoss barnehage",
                       "Ryggeveien barnehage", "Skoggata barnehage", "Høyden barnehage"),
        departments=("Maurtua", "Bjørnehiet", "Ekornet", "Reveboet", "Trollskogen"),
    ),
    KommuneSpec(
        slug="baerum", name="Bærum", country="NO", language="nb",
        committee="Hovedutvalget for barn og unge",
        networks=("Nettverk Øst", "Nettverk Vest", "Nettverk Sandvika", "Nettverk Nord"),
        cohorts=(("Pulje 1", date(2020, 8, 1)), ("Pulje 2", date(2021, 1, 1)),
                 ("Pulje 3", date(2021, 8, 1)), ("Pulje 4", date(2022, 1, 1))),
        kindergartens=("Eiksmarka barnehage", "Hosletoppen barnehage", "Bekkestua barnehage",
                       "Rykkinn barnehage", "Fornebu barnehage", "Høvik barnehage",
                       "Stabekk barnehage", "Jar barnehage", "Haslum barnehage",
                       "Bærums Verk barnehage", "Lommedalen barnehage", "Sandvika barnehage"),
        departments=("Blåklokka", "Solsikken", "Løvetann", "Hestehoven", "Prestekragen"),
    ),
    KommuneSpec(
        slug="frederikshavn", name="Frederikshavn", country="DK", language="da",
        committee="Børne- og Ungdomsudvalget",
        networks=("Område Nord", "Område Midt", "Område Syd"),
        cohorts=(),
        kindergartens=("Børnehuset Bangsbo", "Børnehuset Solsikken", "Sæby Børnehus",
                       "Strandby Børnehave", "Ålbæk Børnehave", "Børnehuset Abildgård"),
        departments=("Vuggestuen Myretuen", "Vuggestuen Mariehønen", "Børnehaven Egern",
                     "Børnehaven Ræven", "Børnehaven Uglen"),
    ),
)

# (role, first name, last name) per municipality; the leader runs the first kindergarten,
# the observer works at the second one.
PEOPLE = {
    "moss": [(Role.LEADER, "Ingrid", "Berg"), (Role.OBSERVER, "Kari", "Nilsen"),
             (Role.CONSULTANT, "Heidi", "Johansen"), (Role.POLITICIAN, "Per", "Olsen"),
             (Role.ADMIN, "Tone", "Eriksen")],
    "baerum": [(Role.LEADER, "Silje", "Haugen"), (Role.OBSERVER, "Marte", "Lie"),
               (Role.CONSULTANT, "Anne", "Bakken"), (Role.POLITICIAN, "Lars", "Hagen"),
               (Role.ADMIN, "Nina", "Strand")],
    "frederikshavn": [(Role.LEADER, "Mette", "Jensen"), (Role.OBSERVER, "Louise", "Nielsen"),
                      (Role.CONSULTANT, "Hanne", "Larsen"), (Role.POLITICIAN, "Søren", "Madsen"),
                      (Role.ADMIN, "Birgitte", "Poulsen")],
}

ADMIN_GROUP = "Kommuneadministrator"
ADMIN_GROUP_MODELS = ("kommune", "nettverk", "pulje", "barnehage", "avdeling", "strukturtall",
                      "user", "membership", "sertifisering")


def demo_email(role: str, kommune_slug: str) -> str:
    return f"{role}.{kommune_slug}@{DEMO_EMAIL_DOMAIN}"


def ensure_user(email: str, first_name: str, last_name: str, *, is_staff: bool = False) -> User:
    """Creates a demo user once; a second run leaves her (and her password hash) untouched."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"username": email, "first_name": first_name, "last_name": last_name,
                  "is_staff": is_staff},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(stdout) -> None:
    admin_group = _admin_group()
    for spec in KOMMUNER:
        kommune = _seed_kommune(spec)
        barnehager = list(Barnehage.objects.filter(kommune=kommune).order_by("pk"))
        for role, first_name, last_name in PEOPLE[spec.slug]:
            user = ensure_user(demo_email(role, spec.slug), first_name, last_name,
                               is_staff=role == Role.ADMIN)
            barnehage = {Role.LEADER: barnehager[0], Role.OBSERVER: barnehager[1]}.get(role)
            Membership.objects.get_or_create(user=user, role=role, kommune=kommune,
                                             barnehage=barnehage)
            if role == Role.ADMIN:
                user.groups.add(admin_group)
        stdout.write(f"  {kommune}: {len(barnehager)} kindergartens")


def _admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(
        content_type__app_label="barnehager", content_type__model__in=ADMIN_GROUP_MODELS))
    return group


def _seed_kommune(spec: KommuneSpec) -> Kommune:
    kommune, _ = Kommune.objects.update_or_create(
        slug=spec.slug,
        defaults={"name": spec.name, "country": spec.country, "language": spec.language,
                  "committee_name": spec.committee},
    )
    networks = [Nettverk.objects.get_or_create(kommune=kommune, name=name)[0]
                for name in spec.networks]
    cohorts = [Pulje.objects.update_or_create(kommune=kommune, name=name,
                                              defaults={"start_date": start})[0]
               for name, start in spec.cohorts]
    rng = random.Random(spec.slug)
    for index, name in enumerate(spec.kindergartens):
        barnehage, _ = Barnehage.objects.update_or_create(
            kommune=kommune, name=name,
            defaults={
                "owner_type": OwnerType.PRIVATE if index == len(spec.kindergartens) - 1
                else OwnerType.MUNICIPAL,
                "nettverk": networks[index % len(networks)],
                "pulje": cohorts[index % len(cohorts)] if cohorts else None,
                "address": f"{name.split()[0]}veien {index + 1}",
            },
        )
        _seed_departments(barnehage, spec.departments, rng)
    return kommune


def _seed_departments(barnehage: Barnehage, names: tuple[str, ...], rng: random.Random) -> None:
    count = rng.randint(3, len(names))
    total = 0
    for position, name in enumerate(names[:count]):
        age_group = AgeGroup.TODDLER if position < 2 else AgeGroup.PRESCHOOL
        children = rng.randint(9, 14) if age_group == AgeGroup.TODDLER else rng.randint(16, 22)
        avdeling, _ = Avdeling.objects.get_or_create(
            barnehage=barnehage, name=name,
            defaults={"age_group": age_group, "enrolled_children": children},
        )
        total += avdeling.enrolled_children
    for year in STRUCTURE_YEARS:
        Strukturtall.objects.get_or_create(
            barnehage=barnehage, year=year,
            defaults={"children": total - (STRUCTURE_YEARS[-1] - year) * rng.randint(0, 3),
                      "staff": max(1, round(total / rng.choice((5.2, 5.6, 6.0)))),
                      "trained_pedagogue_share": rng.choice((38.0, 42.5, 45.0, 48.0, 51.5))},
        )
