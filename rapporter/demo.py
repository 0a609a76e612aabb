"""Demo reports: each municipality's report date, the consultants' recommendation for the
year an annual report covers, and one published annual report for Bærum.

Idempotent: settings and texts are keyed on the municipality (and year); the report is
made (and approved by Bærum's demo consultant) only when Bærum has no stored annual
report for that year yet. Rendering it takes
about two seconds; it is skipped when Bærum has no observation that counts.
"""


from django.utils import timezone

from barnehager.access import ROLE_CONSULTANT
from barnehager.models import Kommune, User
from rapporter import selectors
from rapporter.models import Anbefaling, Kind, Rapport, Rapportinnstilling
from rapporter.reports import services

# (day, month) of the annual report; each covers the previous calendar year.
REPORT_DATES = {"moss": (15, 2), "baerum": (1, 3), "frederikshavn": (1, 2)}

RECOMMENDATIONS = {
    "nb": (
        "Observasjonene viser at de voksne gir barna god emosjonell støtte, og at "
        "organiseringen av hverdagen fungerer i de fleste avdelingene. Støtten til læring og "
        "språk er fortsatt det området der avdelingene varierer mest.\n\n"
        "Vi anbefaler at utvalget viderefører satsingen på språk og samtaler i hverdagen, "
        "med veiledning i nettverkene og tid til refleksjon i personalgruppene.\n\n"
        "Vi anbefaler også at barnehager med tilsyn som har ført til handleplan, får tett "
        "oppfølging fra pedagogisk rådgiver til planene er evaluert."
    ),
    "da": (
        "Observationerne viser, at de voksne giver børnene god følelsesmæssig støtte, og at "
        "organiseringen af hverdagen fungerer på de fleste stuer. Støtten til læring og sprog "
        "er fortsat det område, hvor stuerne varierer mest.\n\n"
        "Vi anbefaler, at udvalget fastholder indsatsen for sprog og samtaler i hverdagen med "
        "vejledning i områderne og tid til refleksion i personalegrupperne.\n\n"
        "Vi anbefaler desuden, at dagtilbud med skærpet tilsyn får tæt opfølgning fra "
        "konsulenterne, indtil handleplanerne er evalueret."
    ),
}


def seed(stdout) -> None:
    for kommune in Kommune.objects.filter(slug__in=REPORT_DATES):
        day, month = REPORT_DATES[kommune.slug]
        Rapportinnstilling.objects.get_or_create(
            kommune=kommune,
            defaults={"annual_day": day, "annual_month": month, "covers_previous_year": True})
        year = _report_year(kommune)
        Anbefaling.objects.get_or_create(
            kommune=kommune, year=year,
            defaults={"text": RECOMMENDATIONS.get(kommune.language, RECOMMENDATIONS["nb"])})
    baerum = Kommune.objects.filter(slug="baerum").first()
    if baerum is None:
        return
    year = _report_year(baerum)
    if not selectors.load_observations(baerum).narrow(year=year).count:
        stdout.write("  Bærum has no observations that count: no demo annual report")
        return
    if Rapport.objects.filter(kind=Kind.ANNUAL, kommune=baerum, year=year).stored().exists():
        return
    rapport = services.order(Kind.ANNUAL, baerum, year=year)
    started = timezone.now()
    services.generate_now(rapport)
    # The demo's politician finds it on her home page: approved as a consultant would.
    consultant = User.objects.filter(memberships__role=ROLE_CONSULTANT,
                                     memberships__kommune=baerum).order_by("pk").first()
    services.approve(rapport, consultant)
    seconds = (timezone.now() - started).total_seconds()
    stdout.write(f"  {baerum}: annual report {year} made and approved ({seconds:.1f} s)")


def _report_year(kommune) -> int:
    """Last year, the one an annual report covers, when it had observation rounds; else
    the latest year that had any (else last year)."""
    last_year = timezone.localdate().year - 1
    years = set(kommune.observasjonsrunder.values_list("year", flat=True))
    return last_year if last_year in years or not years else max(years)
