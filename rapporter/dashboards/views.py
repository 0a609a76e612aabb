"""Dashboards: municipality → kindergarten → department → observation.

Consultants and admins see their municipality's dashboard and drill down; a leader sees
the same panels for her own kindergarten. Each page reads its data in a fixed number of
queries (`rapporter.selectors`), scores through `observasjoner.scoring`, draws its charts
with `rapporter.charts` and lists every figure in a table that downloads as CSV or XLSX
(`?table=<key>&format=csv|xlsx` on the page's own address, filters included).

Filters (semester, instrument, network, cohort, age group) are a GET form, so a filtered
view is a link that can be shared.

The municipality's and a kindergarten's page open with "Needs attention" (`attention`):
departments that fell a band, groups under a research threshold, overdue action plans,
supervision follow-ups due and the current round's progress, each a count, its first few
items and a link to its full list. Below it one section at a time (`section_tabs`,
`?section=<key>`): each is a page of its own without JavaScript, and htmx fetches only
the `dashboard-sections` part of the template. Groups come worst first
(`selectors.worst_first`); a page lists the worst `GROUP_LIMIT` groups with a link to all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import SimpleNamespace

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from barnehager import downloads
from barnehager.access import (
    MUNICIPAL_ROLES,
    ROLE_LEADER,
    is_consultant,
    is_leader,
    scope_of,
)
from barnehager.decorators import role_required
from barnehager.models import AgeGroup, Avdeling, Barnehage, Kommune, Nettverk, Pulje
from handleplaner import selectors as plan_selectors
from handleplaner.models import GoalReached, Handleplan
from handleplaner.models import Status as PlanStatus
from kvalitet.models import BarnehageFokus
from kvalitet.plans import selectors as focus_selectors
from observasjoner.models import Observasjonsrunde
from observasjoner.tilsyn import selectors as tilsyn_selectors
from observasjoner.tilsyn.models import Tilsyn
from rapporter import charts, conclusions, selectors
from rapporter.dashboards.tables import (
    DATE,
    FIGURE,
    NUMBER,
    SCORE,
    SHARE,
    SMALL_N_MARK,
    Column,
    Link,
    Score,
    Table,
    download,
)
from rapporter.selectors import BAND_LABELS, BANDS, Filters, ObservationSet, SemesterKey

DASHBOARD_ROLES = (*MUNICIPAL_ROLES, ROLE_LEADER)
# A group panel shows its worst groups only (a download and "show all" give every one), so
# a municipality of 700 kindergartens does not put 700 rows on the page.
GROUP_LIMIT = 10
# The items each box of "Needs attention" names before its link to the full list.
ATTENTION_ITEMS = 3
# Lists that grow with the kindergartens, shown in part with a link to all their rows.
LONG_TABLES = {"band-drops": "band-drops", "plans-overdue": "action-plans",
               "plans-by-kindergarten": "action-plans"}
LONG_TABLE_LIMIT = 25
GROUP_TITLES = {
    "barnehage": gettext_lazy("By kindergarten"),
    "avdeling": gettext_lazy("By department"),
    "nettverk": gettext_lazy("By network"),
    "pulje": gettext_lazy("By cohort"),
    "age_group": gettext_lazy("By age group"),
}
GROUP_COLUMN = {
    "barnehage": gettext_lazy("Kindergarten"),
    "avdeling": gettext_lazy("Department"),
    "nettverk": gettext_lazy("Network"),
    "pulje": gettext_lazy("Cohort"),
    "age_group": gettext_lazy("Age group"),
}


# Page structure ------------------------------------------------------------------------

@dataclass
class Panel:
    """A table (always) and its chart (when there is one), downloadable as CSV/XLSX."""

    table: Table
    chart: charts.Chart | None = None
    csv_url: str = ""
    xlsx_url: str = ""


@dataclass
class Section:
    key: str
    title: str
    panels: list[Panel] = field(default_factory=list)
    intro: str = ""
    empty: str = ""
    # Plain-language conclusions (rapporter.conclusions), printed as a list.
    sentences: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Tab:
    """A section of the page, reached by its own address (`?section=<key>`)."""

    key: str
    title: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class AttentionItem:
    text: str
    url: str | None = None
    detail: str = ""
    small: bool = False


@dataclass
class Attention:
    """One box of "Needs attention": a count, the first few items, links to the lists."""

    key: str
    title: str
    count: int
    items: list[AttentionItem] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    empty: str = ""
    progress: selectors.RoundProgress | None = None


def consults_in(user, kommune) -> bool:
    """Consultant or admin in this municipality (the `is_consultant` rule, for a Kommune)."""
    return is_consultant(user, SimpleNamespace(kommune_id=kommune.pk))


def optional_url(name: str, *args) -> str | None:
    """The address of another app's page, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


class DashboardFilterForm(forms.Form):
    semester = forms.ChoiceField(label=gettext_lazy("Semester"), required=False)
    instrument = forms.ChoiceField(label=gettext_lazy("Instrument"), required=False)
    nettverk = forms.TypedChoiceField(label=gettext_lazy("Network"), required=False,
                                      coerce=int, empty_value=None)
    pulje = forms.TypedChoiceField(label=gettext_lazy("Cohort"), required=False, coerce=int,
                                   empty_value=None)
    age_group = forms.ChoiceField(label=gettext_lazy("Age group"), required=False)

    def __init__(self, data, *, semesters: list[SemesterKey], instruments, nettverk=None,
                 puljer=None):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["semester"].choices = [("", _("Latest with results"))] + [
            (semester.slug, semester.label) for semester in semesters]
        self.fields["instrument"].choices = everything + [
            (code, instrument.name) for code, instrument in instruments.items()]
        self.fields["age_group"].choices = everything + list(AgeGroup.choices)
        if nettverk is None:
            del self.fields["nettverk"], self.fields["pulje"]
        else:
            self.fields["nettverk"].choices = everything + list(nettverk)
            self.fields["pulje"].choices = everything + list(puljer)
        for bound in self.fields.values():
            bound.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> Filters:
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            semester=SemesterKey.parse(data.get("semester") or ""),
            instrument=data.get("instrument") or None,
            nettverk=data.get("nettverk"),
            pulje=data.get("pulje"),
            age_group=data.get("age_group") or None,
        )


def _query(request) -> str:
    """The page's filters as a query string, without the download and section
    parameters."""
    params = request.GET.copy()
    for key in ("format", "table", "section", "all"):
        params.pop(key, None)
    return params.urlencode()


def section_url(query: str, key: str, anchor: str = "dashboard-sections", **extra) -> str:
    """The page's own address showing section `key` (filters kept), at `anchor`."""
    params = "&".join(part for part in (query, f"section={key}", *(
        f"{name}={value}" for name, value in extra.items())) if part)
    return f"?{params}" + (f"#{anchor}" if anchor else "")


class Reads:
    """The reads of one dashboard page, each made once: "Needs attention" and the section
    shown share them, so the page's queries stay few and do not depend on the section."""

    def __init__(self, request, kommune: Kommune, data: ObservationSet,
                 barnehage: Barnehage | None = None):
        self.user = request.user
        self.kommune = kommune
        self.data = data
        self.barnehage = barnehage
        self.scope_ids = [barnehage.pk] if barnehage else None
        self.semester = data.selected_semester
        # A chosen semester narrows supervisions and action plans to its year, as the
        # annual report of that year counts them.
        self.year = data.filters.semester.year if data.filters.semester else None
        self._groups: dict[tuple[str, str], list[selectors.GroupFigures]] = {}

    @cached_property
    def barnehager(self) -> QuerySet[Barnehage]:
        return selectors.kindergartens_in_scope(self.kommune, barnehage_ids=self.scope_ids,
                                                filters=self.data.filters)

    def groups(self, instrument: str, by: str) -> list[selectors.GroupFigures]:
        """The semester's groups, worst first (`selectors.worst_first`)."""
        if (instrument, by) not in self._groups:
            self._groups[instrument, by] = selectors.worst_first(selectors.domain_by(
                self.data, instrument, by, semester=self.semester))
        return self._groups[instrument, by]

    @cached_property
    def band_drops(self) -> list[selectors.BandDrop]:
        return selectors.band_drops(self.data, semester=self.semester)

    @cached_property
    def rounds(self) -> list[selectors.RoundProgress]:
        return self._rounds()

    @cached_property
    def current_round(self) -> selectors.RoundProgress | None:
        """The newest round, counted alone (the first screen's progress bar)."""
        if "rounds" in self.__dict__:
            return self.rounds[0] if self.rounds else None
        newest = self._rounds(newest=1)
        return newest[0] if newest else None

    def _rounds(self, newest: int | None = None) -> list[selectors.RoundProgress]:
        return selectors.round_progress(
            self.kommune, barnehage_ids=self.scope_ids, filters=self.data.filters,
            runder=Observasjonsrunde.objects.visible_to(self.user), newest=newest)

    @cached_property
    def plans(self):
        return plan_selectors.action_plan_figures(
            Handleplan.objects.visible_to(self.user).filter(barnehage__in=self.barnehager),
            year=self.year)

    @cached_property
    def follow_ups(self) -> list[Tilsyn]:
        """Open concerns (intensified supervision) with the follow-up each calls for."""
        return list(Tilsyn.objects.visible_to(self.user).filter(
            barnehage__in=self.barnehager).open_concerns().select_related("barnehage")
            .order_by("follow_up_date", "barnehage__name"))

    @cached_property
    def reports_due(self) -> int | None:
        """Kindergartens with no supervision report published for two years (Danish law
        only; None elsewhere)."""
        if self.kommune.country != tilsyn_selectors.REPORT_DUTY_COUNTRY:
            return None
        return tilsyn_selectors.overdue_reports(self.user).filter(
            pk__in=self.barnehager).count()


def _wanted_table(request) -> str | None:
    """The key of the table a download asks for (`?table=`): only it is computed."""
    return request.GET.get("table") or None


def _section_request(request) -> bool:
    """htmx asks for another section (chosen in the section menu); a history restore
    (htmx going back without a cached page) gets the whole page."""
    return bool(request.htmx and not request.htmx.history_restore_request
                and request.htmx.target == "dashboard-sections")


def _respond(request, template: str, context: dict, sections: list[Section], page: str):
    """Renders the page, or answers `?table=...&format=...` with that table's file."""
    query = context["query"]
    panels = {panel.table.key: panel for section in sections for panel in section.panels}
    fmt, key = request.GET.get("format"), request.GET.get("table")
    if fmt or key:
        if fmt not in downloads.FORMATS or key not in panels:
            raise Http404(_("No such table."))
        return download(panels[key].table, fmt, page)
    show_all = request.GET.get("all")
    for panel in panels.values():
        table = panel.table
        if (table.key in LONG_TABLES and table.limit is None and show_all != table.key
                and len(table.rows) > LONG_TABLE_LIMIT):
            table.limit = LONG_TABLE_LIMIT
            table.more_url = section_url(query, LONG_TABLES[table.key], f"table-{table.key}",
                                         all=table.key)
        prefix = f"?{query}&" if query else "?"
        panel.csv_url = f"{prefix}table={panel.table.key}&format=csv"
        panel.xlsx_url = f"{prefix}table={panel.table.key}&format=xlsx"
    context["sections"] = sections
    if _section_request(request):
        template = f"{template}#dashboard-sections"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Views ---------------------------------------------------------------------------------

@role_required(*DASHBOARD_ROLES)
def dashboard_index(request):
    """Where a user's dashboards are; straight there when she has only one."""
    scope = scope_of(request.user)
    kommuner = list(Kommune.objects.managed_by(request.user))
    barnehager = list(Barnehage.objects.filter(pk__in=scope.barnehage_ids(ROLE_LEADER)).exclude(
        kommune__in=kommuner).select_related("kommune"))
    if len(kommuner) + len(barnehager) == 1:
        if kommuner:
            return redirect("rapporter:dashboard-kommune", slug=kommuner[0].slug)
        return redirect("rapporter:dashboard-barnehage", pk=barnehager[0].pk)
    return render(request, "rapporter/dashboard/index.html",
                  {"kommuner": kommuner, "barnehager": barnehager})


@role_required(*MUNICIPAL_ROLES)
def kommune_dashboard(request, slug: str):
    kommune = get_object_or_404(Kommune.objects.visible_to(request.user), slug=slug)
    if not consults_in(request.user, kommune):
        raise Http404
    instruments = selectors.instruments_with_structure()
    form = DashboardFilterForm(
        request.GET, semesters=selectors.semester_choices(kommune), instruments=instruments,
        nettverk=Nettverk.objects.filter(kommune=kommune).values_list("pk", "name"),
        puljer=Pulje.objects.filter(kommune=kommune).values_list("pk", "name"))
    filters = form.filters()
    data = selectors.load_observations(kommune, filters=filters, instruments=instruments)
    query = _query(request)
    context = {"kommune": kommune, "form": form, "filters": filters, "data": data,
               "query": query, "semester": data.selected_semester}
    return _overview(request, kommune, data, context, query=query,
                     page=f"{kommune.slug}-dashboard")


@role_required(*DASHBOARD_ROLES)
def barnehage_dashboard(request, pk: int):
    barnehage = get_object_or_404(
        Barnehage.objects.visible_to(request.user).select_related("kommune", "nettverk",
                                                                  "pulje"), pk=pk)
    if not (is_consultant(request.user, barnehage) or is_leader(request.user, barnehage)):
        raise Http404
    kommune = barnehage.kommune
    instruments = selectors.instruments_with_structure()
    form = DashboardFilterForm(request.GET, semesters=selectors.semester_choices(kommune),
                               instruments=instruments)
    filters = form.filters()
    data = selectors.load_observations(kommune, barnehage_ids=[barnehage.pk], filters=filters,
                                       instruments=instruments)
    query = _query(request)
    context = {"kommune": kommune, "barnehage": barnehage, "form": form, "filters": filters,
               "data": data, "query": query, "semester": data.selected_semester,
               "may_see_kommune": consults_in(request.user, kommune)}
    return _overview(request, kommune, data, context, query=query, barnehage=barnehage,
                     page=f"{barnehage.name}-dashboard")


def _overview(request, kommune: Kommune, data: ObservationSet, context: dict, *, query: str,
              page: str, barnehage: Barnehage | None = None):
    """A municipality's or a kindergarten's page: "Needs attention" first, then one
    section at a time (`?section=`, htmx swaps it in; every section is a page of its own
    without JavaScript). A download (`?table=`) builds only its table."""
    reads = Reads(request, kommune, data, barnehage)
    only = _wanted_table(request)
    tabs = section_tabs(data, barnehage, query, request.GET.get("section"))
    current = next((tab for tab in tabs if tab.current), None)
    sections = overview_sections(request, kommune, data, query=query, barnehage=barnehage,
                                 only=only, reads=reads,
                                 selected=current.key if current else None,
                                 show_all=request.GET.get("all") or None)
    if only is None:
        context["tabs"] = tabs
        context["current_tab"] = current
        if not _section_request(request):
            context["attention"] = attention(reads, query)
    return _respond(request, "rapporter/dashboard/overview.html", context, sections, page)


@role_required(*DASHBOARD_ROLES)
def avdeling_dashboard(request, pk: int):
    avdeling = get_object_or_404(
        Avdeling.objects.visible_to(request.user).select_related("barnehage__kommune"), pk=pk)
    if not (is_consultant(request.user, avdeling) or is_leader(request.user, avdeling)):
        raise Http404
    barnehage, kommune = avdeling.barnehage, avdeling.barnehage.kommune
    # Only this department's stored results are read.
    data = selectors.load_observations(kommune, barnehage_ids=[barnehage.pk]).narrow(
        avdeling_ids=[avdeling.pk])
    rows = data.rows
    query = _query(request)
    context = {"kommune": kommune, "barnehage": barnehage, "avdeling": avdeling,
               "query": query, "may_see_kommune": consults_in(request.user, kommune),
               "observations": rows}
    sections = department_sections(data, rows)
    return _respond(request, "rapporter/dashboard/department.html", context, sections,
                    f"{barnehage.name}-{avdeling.name}")


# Sections ------------------------------------------------------------------------------

SECTION_TITLES = {
    "conclusions": gettext_lazy("What the figures mean"),
    "rounds": gettext_lazy("Observation rounds"),
    "band-drops": gettext_lazy("Fell a band"),
    "supervision": gettext_lazy("Supervision"),
    "action-plans": gettext_lazy("Action plans"),
    "focus": gettext_lazy("Focus areas"),
}


def section_tabs(data: ObservationSet, barnehage: Barnehage | None, query: str,
                 wanted: str | None) -> list[Tab]:
    """The page's sections: one per instrument with results, then the others. `wanted`
    (the `section` parameter) is the one shown; by default the first."""
    keys = [(f"instrument-{code}", data.instruments[code].name)
            for code in data.instrument_codes()]
    for key, title in SECTION_TITLES.items():
        if key == "conclusions" and (barnehage is not None or data.selected_semester is None):
            continue
        keys.append((key, str(title)))
    chosen = wanted if wanted in {key for key, _title in keys} else keys[0][0]
    return [Tab(key, title, section_url(query, key), key == chosen) for key, title in keys]


def overview_sections(request, kommune, data: ObservationSet, *, query: str,
                      barnehage: Barnehage | None = None, only: str | None = None,
                      reads: Reads | None = None, selected: str | None = None,
                      show_all: str | None = None) -> list[Section]:
    """The panels of the municipality page, or of one kindergarten's page.

    With `selected` (a section's key) only that section is built. With `only` (a table's
    key, for a download) only the section holding that table is built, and in an
    instrument's section only that table. `show_all` (a table's key) lists every group of
    that table instead of the worst `GROUP_LIMIT`.
    """
    reads = reads or Reads(request, kommune, data, barnehage)
    semester = data.selected_semester

    def wanted(section: str, test) -> bool:
        if only is not None:
            return test(only)
        return selected is None or selected == section

    sections = []
    if wanted("rounds", lambda key: key == "rounds"):
        sections.append(rounds_section(reads))
    if (only is None and barnehage is None and semester is not None
            and selected in (None, "conclusions")):
        sections.append(conclusions_section(data, semester.year))
    groupings = ["avdeling", "age_group"] if barnehage else [
        "barnehage", "nettverk", "pulje", "age_group"]
    for instrument in data.instrument_codes() or []:
        if wanted(f"instrument-{instrument}",
                  lambda key, code=instrument: key.endswith(f"-{code}")):
            sections.append(instrument_section(data, instrument, semester, groupings, query,
                                               only=only, reads=reads, show_all=show_all))
    if only is None and not data.semesters:
        sections.append(Section("results", _("CLASS results"), empty=_(
            "No submitted observation with enough valid cycles matches these filters yet.")))
    if wanted("band-drops", lambda key: key == "band-drops"):
        sections.append(band_drop_section(reads, query))
    if wanted("supervision", lambda key: key.startswith("supervision")):
        sections.append(supervision_section(reads))
    if wanted("action-plans", lambda key: key.startswith("plan")):
        sections.append(action_plan_section(reads, per_kindergarten=barnehage is None))
    if wanted("focus", lambda key: key == "focus-areas"):
        focus_year = (semester.year if semester else timezone.localdate().year)
        sections.append(focus_section(reads.barnehager, focus_year))
    return sections


# Needs attention --------------------------------------------------------------------------

def _score(value: float | None) -> str:
    return formats.number_format(round(value, 1), 1) if value is not None else "–"


def attention(reads: Reads, query: str) -> list[Attention]:
    """The first screen: what a consultant (or a leader) acts on, each box a count, the
    first `ATTENTION_ITEMS` items and a link to its full list in its section."""
    return [_attention_drops(reads, query), _attention_thresholds(reads, query),
            _attention_plans(reads, query), _attention_supervision(reads, query),
            _attention_round(reads, query)]


def _largest_fall_first(drops: list[selectors.BandDrop]) -> list[selectors.BandDrop]:
    return sorted(drops, key=lambda drop: drop.after - drop.before)


def _attention_drops(reads: Reads, query: str) -> Attention:
    drops = _largest_fall_first(reads.band_drops)
    box = Attention("band-drops", _("Fell a band"), len(drops),
                    empty=_("No department fell a band in this semester."))
    for drop in drops[:ATTENTION_ITEMS]:
        box.items.append(AttentionItem(
            f"{drop.barnehage_name}: {drop.avdeling_name}",
            with_query(reverse("rapporter:dashboard-avdeling", args=[drop.avdeling_id]), query),
            _("%(domain)s %(before)s → %(after)s (%(band_before)s → %(band_after)s)") % {
                "domain": drop.domain, "before": _score(drop.before),
                "after": _score(drop.after), "band_before": BAND_LABELS[drop.before_band],
                "band_after": BAND_LABELS[drop.after_band]}))
    if drops:
        box.links.append((_("All departments that fell a band (%(count)s)") % {
            "count": len(drops)},
                          section_url(query, "band-drops", "section-band-drops")))
    return box


def _attention_thresholds(reads: Reads, query: str) -> Attention:
    by = "avdeling" if reads.barnehage else "barnehage"
    data = reads.data
    found: list[tuple[str, selectors.GroupFigures]] = []
    box = Attention("thresholds", _("Kindergartens at or under a research threshold")
                    if by == "barnehage" else _("Departments at or under a research threshold"), 0,
                    empty=_("Every group is above the research thresholds."))
    if reads.semester is None:
        box.empty = _("No results yet.")
        return box
    for instrument in data.instrument_codes():
        below = [group for group in reads.groups(instrument, by) if group.below_threshold]
        found += [(instrument, group) for group in below]
        if below:
            box.links.append((
                _("List for %(instrument)s (%(count)s)") % {
                    "instrument": data.instruments[instrument].name, "count": len(below)},
                section_url(query, f"instrument-{instrument}", f"table-{by}-{instrument}")))
    box.count = len(found)
    found = sorted(found, key=lambda pair: (pair[1].margin or 0.0, pair[1].label.casefold()))
    links = _group_links(data, by, [group for _code, group in found[:ATTENTION_ITEMS]], query)
    for (_instrument, group), link in zip(found[:ATTENTION_ITEMS], links, strict=True):
        box.items.append(AttentionItem(
            link.text, link.url, ", ".join(
                f"{code} {_score(group.figures[code].mean)} (n={group.figures[code].n})"
                for code in group.below_threshold), small=group.small))
    return box


def _attention_plans(reads: Reads, query: str) -> Attention:
    figures = reads.plans
    count = figures.overdue_count
    box = Attention("plans", _("Overdue action plans"), count,
                    empty=_("No action plan is past its deadline or evaluation date."))
    for plan in figures.first_overdue(ATTENTION_ITEMS):
        box.items.append(AttentionItem(
            plan.title, optional_url("handleplaner:detail", plan.pk),
            _("%(kindergarten)s, due %(day)s") % {"kindergarten": plan.barnehage.name,
                                                   "day": _day(plan_selectors.due_day(plan))}))
    if count:
        box.links.append((_("All overdue action plans (%(count)s)") % {"count": count},
                          section_url(query, "action-plans", "table-plans-overdue")))
    return box


def _attention_supervision(reads: Reads, query: str) -> Attention:
    follow_ups = reads.follow_ups
    today = timezone.localdate()
    box = Attention("supervision", _("Supervision follow-ups due"), len(follow_ups),
                    empty=_("No supervision awaits a follow-up."))
    for tilsyn in follow_ups[:ATTENTION_ITEMS]:
        day = tilsyn.follow_up_date
        detail = (_("follow-up was due %(day)s") if day and day < today
                  else _("follow-up by %(day)s")) % {"day": _day(day)}
        box.items.append(AttentionItem(tilsyn.barnehage.name,
                                       optional_url("observasjoner:tilsyn-detail", tilsyn.pk),
                                       detail))
    due = reads.reports_due
    if due:
        box.items.append(AttentionItem(
            ngettext("%(count)s kindergarten has no supervision report from the last two "
                     "years", "%(count)s kindergartens have no supervision report from the "
                     "last two years", due) % {"count": due},
            optional_url("observasjoner:tilsyn-list")))
    listed = optional_url("observasjoner:tilsyn-list")
    if follow_ups and listed:
        box.links.append((_("All under follow-up (%(count)s)") % {"count": len(follow_ups)},
                          f"{listed}?intensified=on"))
    box.links.append((_("Supervision results"),
                      section_url(query, "supervision", "section-supervision")))
    return box


def _attention_round(reads: Reads, query: str) -> Attention:
    current = reads.current_round
    box = Attention("round", _("This round's progress"), current.submitted if current else 0,
                    empty=_("No observation round yet."), progress=current)
    if current is not None:
        box.title = current.runde.name
        box.links.append((_("All observation rounds"),
                          section_url(query, "rounds", "section-rounds")))
    return box


def conclusions_section(data: ObservationSet, year: int) -> Section:
    """The sentences the annual report of `year` prints (for the filters chosen here)."""
    found = conclusions.domain_conclusions(data, year)
    return Section(
        "conclusions", _("What the figures mean, %(year)s") % {"year": year},
        sentences=conclusions.sentences(found),
        intro=_("The same sentences as in the annual report: a change is called clear only "
                "when its 95 %% interval lies wholly above or below 0. Groups under "
                "%(min_n)s observations get no conclusion.") % {"min_n": conclusions.MIN_N},
        empty=_("No observations in %(year)s to draw conclusions from.") % {"year": year})


def rounds_section(reads: Reads) -> Section:
    progress = reads.rounds
    table = Table("rounds", _("Observation rounds"), [
        Column(_("Round")), Column(_("Semester")), Column(_("Status")), Column(_("Cohorts")),
        Column(_("Planned"), NUMBER), Column(_("In progress"), NUMBER),
        Column(_("Submitted"), NUMBER), Column(_("All"), NUMBER), Column(_("Done"), SHARE)])
    for item in progress:
        runde = item.runde
        table.rows.append([
            runde.name, SemesterKey.of(runde.year, runde.semester).label,
            runde.get_status_display(),
            ", ".join(pulje.name for pulje in runde.puljer.all()) or _("All"),
            item.planned, item.in_progress, item.submitted, item.total, item.done_share])
    return Section("rounds", _("Observation rounds"), [Panel(table)] if progress else [],
                   empty=_("No observation round yet."))


def _domain_columns(data: ObservationSet, instrument: str) -> list[Column]:
    names = data.domain_names(instrument)
    return [Column(f"{domain.code} {names.get(domain.code, '')}".strip(), FIGURE)
            for domain in data.domains(instrument)]


def _thresholds(data: ObservationSet, instrument: str) -> list[charts.Threshold]:
    """One line per threshold value, naming every domain it applies to ("ES, CO > 5")."""
    by_value: dict[float, list[str]] = {}
    for domain in data.domains(instrument):
        if domain.threshold is not None:
            by_value.setdefault(domain.threshold, []).append(domain.code)
    return [charts.Threshold(value, f"{', '.join(codes)} > {value:g}")
            for value, codes in by_value.items()]


def _group_series(data: ObservationSet, instrument: str, groups, *,
                  marks: bool = False) -> list[charts.Series]:
    """One series per domain; `marks` puts the domain's threshold across each bar."""
    return [charts.Series(domain.code, [group.figures[domain.code].mean for group in groups],
                          ns=[group.figures[domain.code].n for group in groups],
                          threshold=charts.Threshold(domain.threshold,
                                                     f"{domain.code} > {domain.threshold:g}")
                          if marks and domain.threshold is not None else None)
            for domain in data.domains(instrument)]


def instrument_section(data: ObservationSet, instrument: str, semester: SemesterKey | None,
                       groupings: list[str], query: str, *, only: str | None = None,
                       reads: Reads, show_all: str | None = None) -> Section:
    """An instrument's panels; with `only` (a table's key) just that table's panel."""
    name = data.instruments[instrument].name
    domains = [domain.code for domain in data.domains(instrument)]
    columns = _domain_columns(data, instrument)
    section = Section(f"instrument-{instrument}", _("%(instrument)s: domain scores") % {
        "instrument": name}, intro=_(
        "Means of observation scores, each with its n (the number of observations). "
        "Dashed lines are the research thresholds: %(thresholds)s.") % {
        "thresholds": ", ".join(t.label for t in _thresholds(data, instrument))})

    def wanted(key: str) -> bool:
        return only is None or only == key

    if wanted(f"trend-{instrument}"):
        section.panels.append(_trend_panel(data, instrument, name, columns, domains))
    if semester is None:
        return section

    if wanted(f"domains-{instrument}"):
        section.panels.append(_total_panel(data, instrument, name, semester, domains))
    for by in groupings:
        if wanted(f"{by}-{instrument}"):
            panel = _group_panel(reads, instrument, by, semester, columns, domains, query,
                                 show_all=show_all, download=only is not None)
            if panel is not None:
                section.panels.append(panel)
    if wanted(f"bands-{instrument}"):
        section.panels.append(_band_panel(data, instrument, semester))
    if wanted(f"spread-{instrument}"):
        section.panels.append(_spread_panel(data, instrument, semester))
    return section


def _trend_panel(data: ObservationSet, instrument: str, name: str, columns: list[Column],
                 domains: list[str]) -> Panel:
    trend = selectors.domain_trend(data, instrument)
    table = Table(f"trend-{instrument}", _("%(instrument)s by semester") % {
        "instrument": name}, [Column(_("Semester")), Column("n", NUMBER), *columns],
        [[group.label, group.n, *(group.figures[code] for code in domains)]
         for group in trend])
    chart = charts.line_chart(
        table.title, _("Mean domain score per semester with the research thresholds. "
                       "The table next to the chart gives each figure with its n."),
        [group.label for group in trend], _group_series(data, instrument, trend),
        thresholds=_thresholds(data, instrument))
    return Panel(table, chart)


def _total_panel(data: ObservationSet, instrument: str, name: str, semester: SemesterKey,
                 domains: list[str]) -> Panel:
    total = selectors.domain_total(data, instrument, semester=semester)
    table = Table(f"domains-{instrument}", _("%(instrument)s, %(semester)s") % {
        "instrument": name, "semester": semester.label}, [
        Column(_("Domain")), Column(_("Mean"), FIGURE), Column(_("Spread (SD)"), NUMBER),
        Column(_("Lowest"), NUMBER), Column(_("Highest"), NUMBER),
        Column(_("Threshold"), NUMBER), Column(_("Above threshold"))])
    names = data.domain_names(instrument)
    for domain in data.domains(instrument):
        fig = total.figures[domain.code]
        above = fig.above_threshold
        table.rows.append([f"{domain.code} {names.get(domain.code, '')}", fig, fig.sd, fig.low,
                           fig.high, domain.threshold,
                           None if above is None else (_("yes") if above else _("no"))])
    chart = charts.bar_chart(
        table.title, _("Mean per domain with the lowest and highest observation score as a "
                       "whisker; dashed lines are the research thresholds."),
        domains, [charts.Series(semester.label,
                                [total.figures[code].mean for code in domains],
                                ns=[total.figures[code].n for code in domains],
                                ranges=[(total.figures[code].low, total.figures[code].high)
                                        if total.figures[code].low is not None else None
                                        for code in domains])],
        category_thresholds=[charts.Threshold(domain.threshold, f"{domain.code} > "
                                              f"{domain.threshold:g}")
                             if domain.threshold is not None else None
                             for domain in data.domains(instrument)])
    return Panel(table, chart)


def _group_panel(reads: Reads, instrument: str, by: str, semester: SemesterKey,
                 columns: list[Column], domains: list[str], query: str, *,
                 show_all: str | None = None, download: bool = False) -> Panel | None:
    """Groups worst first (`selectors.worst_first`); the page lists the worst
    `GROUP_LIMIT` with a link to all of them, a download every group."""
    data = reads.data
    groups = reads.groups(instrument, by)
    if not groups:
        return None
    key = f"{by}-{instrument}"
    table = Table(key, f"{GROUP_TITLES[by]}, {semester.label}",
                  [Column(str(GROUP_COLUMN[by])), Column("n", NUMBER), *columns])
    small = sum(1 for group in groups if group.small)
    notes = [_("Worst first: ordered by how far the group's weakest domain lies below (or "
               "above) its research threshold.")]
    if small:
        notes.append(ngettext(
            "%(small)s of %(total)s groups has fewer than 5 observations: its figures are "
            "marked “%(mark)s”; reports to politicians leave such groups out.",
            "%(small)s of %(total)s groups have fewer than 5 observations: their figures are "
            "marked “%(mark)s”; reports to politicians leave such groups out.", small) % {
            "small": small, "total": len(groups), "mark": SMALL_N_MARK})
    table.note = " ".join(notes)
    if not download and show_all != key and len(groups) > GROUP_LIMIT:
        table.limit = GROUP_LIMIT
        table.more_url = section_url(query, f"instrument-{instrument}", f"table-{key}",
                                     all=key)
    shown = groups[:table.limit] if table.limit else groups
    # Links only where a page shows them: a download keeps the text, rows past the limit
    # are not drawn.
    labels = ([] if download else _group_links(data, by, shown, query))
    labels += [Link(group.label) for group in groups[len(labels):]]
    for group, label in zip(groups, labels, strict=True):
        table.rows.append([label, group.n, *(group.figures[code] for code in domains)])
    if download:
        return Panel(table)
    chart = charts.bar_chart(
        table.title, _("Mean domain score per group, with n beside each bar; the dashed "
                       "lines are the research thresholds. The table gives the figures."),
        [f"{label} ({SMALL_N_MARK})" if group.small else str(label)
         for group, label in zip(shown, labels, strict=False)],
        _group_series(data, instrument, shown, marks=True)) if len(shown) > 1 else None
    return Panel(table, chart)


def _band_panel(data: ObservationSet, instrument: str, semester: SemesterKey) -> Panel:
    bands = selectors.band_distribution(data, instrument, semester=semester)
    table = Table(f"bands-{instrument}", _("Bands, %(semester)s") % {
        "semester": semester.label}, [Column(_("Domain")), *(
            Column(str(BAND_LABELS[band]).capitalize(), NUMBER) for band in BANDS),
        Column("n", NUMBER), Column(_("Share high"), SHARE)],
        [[row.domain, *(row.counts[band] for band in BANDS), row.n, row.share("high")]
         for row in bands],
        note=_("Low: a mean below 2.5; high: from 5.5; middle between."))
    chart = charts.band_chart(
        table.title, _("Share of observations whose domain score is low, middle or high; "
                       "the counts are written in the bars and given in the table."),
        [row.domain for row in bands], [row.counts for row in bands],
        band_labels={band: str(BAND_LABELS[band]) for band in BANDS})
    return Panel(table, chart)


def _spread_panel(data: ObservationSet, instrument: str, semester: SemesterKey) -> Panel:
    spread = selectors.cycle_spread(data, instrument, semester=semester)
    dims = data.dimension_names(instrument)
    table = Table(f"spread-{instrument}", _("Spread between cycles, %(semester)s") % {
        "semester": semester.label}, [
        Column(_("Dimension")), Column(_("Mean"), NUMBER),
        Column(_("Mean distance between highest and lowest cycle"), NUMBER),
        Column(_("Largest distance"), NUMBER), Column("n", NUMBER)],
        [[f"{row.dimension} {dims.get(row.dimension, '')}", row.mean, row.mean_range,
          row.max_range, row.n] for row in spread],
        note=_("Negative Climate is shown as scored: a low score is good."))
    return Panel(table)


def _group_links(data: ObservationSet, by: str, groups, query: str) -> list[Link]:
    if by == "barnehage":
        return [Link(group.label, with_query(reverse("rapporter:dashboard-barnehage",
                                                     args=[group.key]), query))
                for group in groups]
    if by == "avdeling":
        return [Link(group.name, with_query(reverse("rapporter:dashboard-avdeling",
                                                          args=[group.key]), query))
                for group in groups]
    return [Link(group.label) for group in groups]


def band_drop_section(reads: Reads, query: str) -> Section:
    drops = _largest_fall_first(reads.band_drops)
    table = Table("band-drops", _("Departments that fell a band since their previous "
                                  "observation"), [
        Column(_("Kindergarten")), Column(_("Department")), Column(_("Domain")),
        Column(_("Before")), Column(_("Score before"), SCORE), Column(_("Now")),
        Column(_("Score now"), SCORE)], note=_("Largest fall first."))
    for drop in drops:
        table.rows.append([
            Link(drop.barnehage_name, with_query(reverse("rapporter:dashboard-barnehage",
                                                         args=[drop.barnehage_id]), query)),
            Link(drop.avdeling_name, with_query(reverse("rapporter:dashboard-avdeling",
                                                        args=[drop.avdeling_id]), query)),
            drop.domain, drop.before_semester.label, Score(drop.before, drop.before_band),
            drop.after_semester.label, Score(drop.after, drop.after_band)])
    return Section("band-drops", table.title, [Panel(table)] if drops else [],
                   empty=_("No department fell a band in this semester."))


def supervision_section(reads: Reads) -> Section:
    figures = tilsyn_selectors.supervision_figures(
        Tilsyn.objects.visible_to(reads.user).filter(barnehage__in=reads.barnehager),
        year=reads.year)
    section = Section("supervision", _("Supervision"), intro=_(
        "The latest completed supervision of each kindergarten: the share of criteria rated "
        "at or above the scale's level for good quality."),
        empty=_("No completed supervision yet."))
    if not figures.latest:
        return section
    table = Table("supervision", _("Supervision results by kindergarten"), [
        Column(_("Kindergarten")), Column(_("Date")), Column(_("Outcome")),
        Column(_("Criteria rated"), NUMBER), Column(_("Good quality or better"), NUMBER),
        Column(_("Share good"), SHARE)])
    for row in figures.latest:
        tilsyn = row.tilsyn
        table.rows.append([
            Link(tilsyn.barnehage.name, optional_url("observasjoner:tilsyn-detail", tilsyn.pk)),
            tilsyn.date.isoformat(), tilsyn.outcome_display or None, row.ratings.rated,
            row.ratings.good, row.ratings.share])
    total = figures.ratings
    table.rows.append([_("All"), None, None, total.rated, total.good, total.share])
    chart = None
    if figures.themes:
        chart = charts.bar_chart(
            _("Share of ratings at good quality or better, by theme"),
            _("Percentage of criteria rated good or better per theme, over the latest "
              "supervision of each kindergarten; the theme table gives the counts."),
            [theme.name for theme in figures.themes],
            [charts.Series(_("Share good (%)"),
                           [100 * theme.ratings.share if theme.ratings.share is not None
                            else None for theme in figures.themes],
                           ns=[theme.ratings.rated for theme in figures.themes])],
            scale=(0, 100))
    themes = Table("supervision-themes", _("Supervision results by theme"), [
        Column(_("Theme")), Column(_("Supervisions"), NUMBER), Column(_("Criteria rated"), NUMBER),
        Column(_("Good quality or better"), NUMBER), Column(_("Share good"), SHARE)],
        [[theme.name, theme.supervisions, theme.ratings.rated, theme.ratings.good,
          theme.ratings.share] for theme in figures.themes])
    outcomes = Table("supervision-outcomes", _("Outcomes"), [
        Column(_("Outcome")), Column(_("Kindergartens"), NUMBER)],
        [[Tilsyn.Outcome(outcome).label, count] for outcome, count in figures.outcomes.items()])
    section.panels += [Panel(table), Panel(themes, chart), Panel(outcomes)]
    return section


def action_plan_section(reads: Reads, *, per_kindergarten: bool) -> Section:
    figures = reads.plans
    section = Section("action-plans", _("Action plans"), empty=_("No action plan yet."))
    if not figures.total:
        return section
    status = Table("plans-by-status", _("Action plans by status"), [
        Column(_("Status")), Column(_("Plans"), NUMBER)],
        [[PlanStatus(code).label, count] for code, count in figures.by_status.items()])
    status.rows.append([_("Overdue"), len(figures.overdue)])
    live = Table("plans-live", _("Ongoing action plans on time on %(day)s") % {
        "day": formats.date_format(figures.reference_day)}, [
        Column(_("Figure")), Column(_("Action plans"), NUMBER), Column(_("Share"), SHARE)], [
        [_("Ongoing (approved or in progress)"), figures.live, None],
        [_("On time"), figures.on_time, figures.on_time_share],
        [_("Past the deadline or the evaluation date"), figures.live_overdue,
         figures.live_overdue_share],
        [_("Evaluated or closed"), figures.finished, None]])
    evaluations = Table("plan-evaluations", _("Evaluations: was the goal reached?"), [
        Column(_("Goal reached")), Column(_("Evaluations"), NUMBER), Column(_("Share"), SHARE)])
    total = sum(figures.evaluations.values())
    for code, count in figures.evaluations.items():
        evaluations.rows.append([GoalReached(code).label, count,
                                 count / total if total else None])
    overdue = Table("plans-overdue", _("Overdue action plans"), [
        Column(_("Plan")), Column(_("Kindergarten")), Column(_("Status")),
        Column(_("Deadline"), DATE), Column(_("Evaluation due"), DATE)])
    for plan in sorted(figures.overdue, key=plan_selectors.due_day):
        overdue.rows.append([
            Link(plan.title, optional_url("handleplaner:detail", plan.pk)),
            plan.barnehage.name, plan.get_status_display(),
            plan.deadline, plan.evaluation_due])
    section.panels += [Panel(status), Panel(live), Panel(evaluations)]
    if figures.overdue:
        section.panels.append(Panel(overdue))
    if per_kindergarten:
        per = Table("plans-by-kindergarten", _("Action plans by kindergarten"), [
            Column(_("Kindergarten")), Column(_("Plans"), NUMBER),
            Column(_("Approved or in progress"), NUMBER), Column(_("Evaluated or closed"),
                                                                 NUMBER),
            Column(_("Overdue"), NUMBER)],
            [[entry.barnehage.name, entry.total, entry.live, entry.finished, entry.overdue]
             for entry in sorted(figures.per_barnehage,
                                 key=lambda entry: (-entry.overdue, entry.barnehage.name))],
            note=_("Most overdue plans first."))
        section.panels.append(Panel(per))
    return section


def _day(day: date | None) -> str:
    """A date in the reader's format, as every other date on the page."""
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else "–"


def focus_section(barnehager: QuerySet[Barnehage], year: int) -> Section:
    areas = focus_selectors.chosen_focus_areas(
        BarnehageFokus.objects.filter(barnehage__in=barnehager, year=year))
    table = Table("focus-areas", _("Focus areas chosen for %(year)s") % {"year": year}, [
        Column(_("Focus area")), Column(_("Plan")), Column(_("Kindergartens"), NUMBER),
        Column(_("Chosen by")), Column(_("Measures"), NUMBER), Column(_("Done"), NUMBER),
        Column(_("Under way"), NUMBER), Column(_("Not started"), NUMBER),
        Column(_("Progress"), SHARE)],
        [[area.fokusomrade.title, area.fokusomrade.plan.title, len(area.chosen_by),
          ", ".join(area.chosen_by), area.progress.total, area.progress.done,
          area.progress.under_way, area.progress.not_started, area.progress.share]
         for area in areas],
        note=_("Progress: the share of a focus area's measures that are done; “–” when it "
               "has no measures yet."))
    return Section("focus", _("Focus areas"), [Panel(table)] if areas else [],
                   empty=_("No kindergarten has chosen a focus area for %(year)s.") % {
                       "year": year})


# The department page details the newest observations only, so that years of history
# cost it one table row each, not a table and a chart.
DETAILED_OBSERVATIONS = 4


def department_sections(data: ObservationSet, rows) -> list[Section]:
    """A department's observations over time: domain scores with bands, and per
    observation the dimension means with the spread between its cycles."""
    sections = []
    for instrument in sorted({row.instrument for row in rows}):
        spec = data.specs[instrument]
        mine = [row for row in rows if row.instrument == instrument]
        names = data.domain_names(instrument)
        domains = [domain.code for domain in spec.domains]
        table = Table(f"observations-{instrument}", _("%(instrument)s: domain scores per "
                                                      "observation") % {
            "instrument": data.instruments[instrument].name}, [
            Column(_("Semester")), Column(_("Observed on"), DATE),
            Column(_("Valid cycles"), NUMBER),
            *(Column(f"{code} {names.get(code, '')}".strip(), SCORE) for code in domains)])
        for row in mine:
            table.rows.append([
                Link(row.semester.label, optional_url("observasjoner:observation-detail",
                                                      row.id)),
                row.observed_on, row.result.valid_cycles,
                *(Score(row.result.domain_scores.get(code),
                        row.result.domain_band(spec, code)) for code in domains)])
        chart = charts.line_chart(
            table.title, _("The department's domain scores per observation with the research "
                           "thresholds; the table gives the scores and bands."),
            [f"{row.semester.label}" for row in mine],
            [charts.Series(code, [row.result.domain_scores.get(code) for row in mine])
             for code in domains],
            thresholds=_thresholds(data, instrument))
        section = Section(f"department-{instrument}", table.title, [Panel(table, chart)])
        if len(mine) > DETAILED_OBSERVATIONS:
            section.intro = ngettext(
                "The newest observation is shown with its dimensions below; an older one "
                "opens from its semester in the table.",
                "The newest %(count)s observations are shown with their dimensions below; "
                "older ones open from their semester in the table.",
                DETAILED_OBSERVATIONS) % {"count": DETAILED_OBSERVATIONS}
        dims = data.dimension_names(instrument)
        for row in reversed(mine[-DETAILED_OBSERVATIONS:]):
            detail = Table(f"observation-{row.id}", _("Observation of %(day)s: dimensions") % {
                "day": _day(row.observed_on)}, [
                Column(_("Dimension")), Column(_("Mean over valid cycles"), NUMBER),
                Column(_("Lowest cycle"), NUMBER), Column(_("Highest cycle"), NUMBER)])
            for code in spec.dimension_codes:
                low_high = row.result.spread.get(code) or (None, None)
                detail.rows.append([f"{code} {dims.get(code, '')}",
                                    row.result.dimension_means.get(code), *low_high])
            chart = charts.bar_chart(
                detail.title, _("Mean per dimension with the lowest and highest cycle as a "
                                "whisker: the spread between cycles."),
                spec.dimension_codes, [charts.Series(
                    _("Mean"), [row.result.dimension_means.get(code)
                                for code in spec.dimension_codes],
                    ranges=[row.result.spread.get(code) for code in spec.dimension_codes])])
            section.panels.append(Panel(detail, chart))
        sections.append(section)
    return sections
