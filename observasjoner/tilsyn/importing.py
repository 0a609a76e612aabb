"""Importing a supervision instrument from a CSV or YAML file, all or nothing.

A municipality loads the instrument it holds a licence for. Every problem in a file is
reported with its line number and reason, and nothing of a file with a problem is saved.

CSV (comma or semicolon separated, UTF-8), one row per item, in this order::

    type,text,detail
    instrument,Our supervision instrument,Licence held by the municipality until 2027
    language,da,
    scale,Four levels,3
    level,utilstrækkelig,
    level,tilstrækkelig,
    level,god,
    level,fremragende,
    theme,Social udvikling,
    criterion,The staff help every child into play with others.,

The scale's detail is the level from which quality counts as good: its number or its name.

YAML::

    instrument: Our supervision instrument
    language: da
    licence: Licence held by the municipality until 2027
    scale:
      name: Four levels
      good_from: 3
      levels: [utilstrækkelig, tilstrækkelig, god, fremragende]
    themes:
      - name: Social udvikling
        criteria:
          - The staff help every child into play with others.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from django.utils.translation import gettext as _

from barnehager import audit
from barnehager.models import AuditAction
from observasjoner.tilsyn.models import (
    Kriterium,
    Language,
    Skala,
    SkalaNiva,
    Tema,
    TilsynInstrument,
)

MAX_NAME = 200
MAX_LEVEL_NAME = 100
MAX_CRITERION = 2000
# An instrument is a mapping of themes, each a mapping with a list of criteria: a handful of
# levels. Anything much deeper is not an instrument.
MAX_YAML_DEPTH = 8
CSV_HEADER = ["type", "text", "detail"]
CSV_TYPES = ("instrument", "language", "scale", "level", "theme", "criterion")


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}
        return str(self.reason)


class InstrumentImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass
class _Theme:
    line: int
    name: str
    criteria: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Parsed:
    """What a file says, each item with the line it came from."""

    name: tuple[int, str] | None = None
    language: tuple[int, str] | None = None
    licence: str = ""
    scale: tuple[int, str] | None = None
    good_from: tuple[int, str] | None = None
    levels: list[tuple[int, str]] = field(default_factory=list)
    themes: list[_Theme] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The file could not be read as a whole: report that alone, not what it seems to lack.
    unreadable: bool = False

    def problem(self, line: int, reason: str, *, unreadable: bool = False) -> None:
        self.problems.append(Problem(line, reason))
        self.unreadable = self.unreadable or unreadable


def import_instrument(content: bytes, filename: str, kommune) -> TilsynInstrument:
    """Creates the instrument `content` describes, for `kommune` (None: shared by all).

    Raises InstrumentImportError listing every problem; then nothing is saved.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise InstrumentImportError([Problem(line, _("The file is not UTF-8 text."))]) from None
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        parsed = _parse_csv(text)
    elif suffix in (".yaml", ".yml"):
        parsed = _parse_yaml(text)
    else:
        raise InstrumentImportError([Problem(0, _("Upload a .csv, .yaml or .yml file."))])
    if not parsed.unreadable:
        _validate(parsed, kommune)
    if parsed.problems:
        raise InstrumentImportError(sorted(parsed.problems, key=lambda problem: problem.line))
    instrument = _save(parsed, kommune)
    audit.record(AuditAction.IMPORT, target=instrument, kommune=kommune,
                 details={"file": PurePath(filename).name[:100], "kind": "supervision instrument"})
    return instrument


def _parse_csv(text: str) -> _Parsed:
    parsed = _Parsed()
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or [cell.strip().lower() for cell in header[:2]] != CSV_HEADER[:2]:
            parsed.problem(1, _("The first line must be the header: type, text, detail."),
                           unreadable=True)
            return parsed
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            kind = row[0].strip().lower()
            value = row[1].strip() if len(row) > 1 else ""
            detail = row[2].strip() if len(row) > 2 else ""
            _read_csv_row(parsed, line, kind, value, detail)
    except csv.Error as error:
        parsed.problem(reader.line_num, _("Not valid CSV: %(error)s") % {"error": error},
                       unreadable=True)
    return parsed


def _read_csv_row(parsed: _Parsed, line: int, kind: str, value: str, detail: str) -> None:
    if kind not in CSV_TYPES:
        parsed.problem(line, _("Unknown type “%(kind)s”; use one of: %(types)s.")
                       % {"kind": kind, "types": ", ".join(CSV_TYPES)})
        return
    if kind in ("instrument", "language", "scale") and getattr(parsed, {
            "instrument": "name", "language": "language", "scale": "scale"}[kind]) is not None:
        parsed.problem(line, _("A second “%(kind)s” line.") % {"kind": kind})
        return
    if kind == "instrument":
        parsed.name, parsed.licence = (line, value), detail
    elif kind == "language":
        parsed.language = (line, value)
    elif kind == "scale":
        parsed.scale, parsed.good_from = (line, value), (line, detail)
    elif kind == "level":
        parsed.levels.append((line, value))
    elif kind == "theme":
        parsed.themes.append(_Theme(line, value))
    elif not parsed.themes:
        parsed.problem(line, _("A criterion before any theme."))
    else:
        parsed.themes[-1].criteria.append((line, value))


def _yaml_shape_problem(text: str) -> tuple[int, str] | None:
    """Reads the YAML as a stream of events (no recursion, nothing built) and refuses what
    an instrument never needs but an attack does: anchors and aliases, which let a small
    file expand to gigabytes, and nesting deeper than an instrument's few levels, which
    would exhaust the composer's recursion."""
    import yaml  # loaded only when an instrument is imported

    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return line, _("Anchors and aliases (& and *) are not allowed; write each value out.")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line, _("The file nests deeper than %(max)d levels.") % {
                    "max": MAX_YAML_DEPTH}
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _parse_yaml(text: str) -> _Parsed:
    import yaml

    parsed = _Parsed()
    try:
        shape_problem = _yaml_shape_problem(text)
        if shape_problem:
            parsed.problem(*shape_problem, unreadable=True)
            return parsed
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        reason = getattr(error, "problem", None) or str(error)
        parsed.problem(line, _("Not valid YAML: %(error)s") % {"error": reason},
                       unreadable=True)
        return parsed
    if not isinstance(root, yaml.MappingNode):
        parsed.problem(1, _("The file must describe one instrument (a mapping)."),
                       unreadable=True)
        return parsed
    top = _mapping(parsed, root)
    for key in ("instrument", "language", "licence"):
        if key in top:
            line, value = _scalar(parsed, top[key], key)
            if key == "instrument":
                parsed.name = (line, value)
            elif key == "language":
                parsed.language = (line, value)
            else:
                parsed.licence = value
    if "scale" in top:
        _read_yaml_scale(parsed, top["scale"])
    if "themes" in top:
        _read_yaml_themes(parsed, top["themes"])
    known = {"instrument", "language", "licence", "scale", "themes"}
    for key, node in top.items():
        if key not in known:
            parsed.problem(_line(node), _("Unknown key “%(key)s”.") % {"key": key})
    return parsed


def _read_yaml_scale(parsed: _Parsed, node) -> None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        parsed.problem(_line(node), _("“scale” must have a name, good_from and levels."))
        return
    scale = _mapping(parsed, node)
    parsed.scale = _scalar(parsed, scale["name"], "name") if "name" in scale else (
        _line(node), "")
    if "good_from" in scale:
        parsed.good_from = _scalar(parsed, scale["good_from"], "good_from")
    levels = scale.get("levels")
    if not isinstance(levels, yaml.SequenceNode):
        parsed.problem(_line(levels or node), _("“levels” must be a list of level names."))
        return
    parsed.levels = [_scalar(parsed, item, "level") for item in levels.value]


def _read_yaml_themes(parsed: _Parsed, node) -> None:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        parsed.problem(_line(node), _("“themes” must be a list."))
        return
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            parsed.problem(_line(item), _("A theme must have a name and criteria."))
            continue
        theme_map = _mapping(parsed, item)
        name = _scalar(parsed, theme_map["name"], "name") if "name" in theme_map else (
            _line(item), "")
        theme = _Theme(*name)
        criteria = theme_map.get("criteria")
        if isinstance(criteria, yaml.SequenceNode):
            theme.criteria = [_scalar(parsed, criterion, "criterion")
                              for criterion in criteria.value]
        elif criteria is not None:
            parsed.problem(_line(criteria), _("“criteria” must be a list."))
        parsed.themes.append(theme)


def _line(node) -> int:
    return node.start_mark.line + 1


def _mapping(parsed: _Parsed, node) -> dict:
    import yaml

    result = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            parsed.problem(_line(key_node), _("A key must be plain text."))
            continue
        result[key_node.value] = value_node
    return result


def _scalar(parsed: _Parsed, node, what: str) -> tuple[int, str]:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        parsed.problem(_line(node), _("“%(what)s” must be plain text.") % {"what": what})
        return _line(node), ""
    return _line(node), str(node.value).strip()


def _validate(parsed: _Parsed, kommune) -> None:
    if parsed.name is None or not parsed.name[1]:
        parsed.problem(parsed.name[0] if parsed.name else 0,
                       _("The instrument has no name."))
    else:
        line, name = parsed.name
        if len(name) > MAX_NAME:
            parsed.problem(line, _("The name is longer than %(max)d characters.")
                           % {"max": MAX_NAME})
        elif TilsynInstrument.objects.filter(kommune=kommune, name=name).exists():
            parsed.problem(line, _("An instrument called “%(name)s” already exists here.")
                           % {"name": name})
    if parsed.language is not None and parsed.language[1] not in Language.values:
        parsed.problem(parsed.language[0], _("Unknown language “%(code)s”; use %(codes)s.")
                       % {"code": parsed.language[1], "codes": ", ".join(Language.values)})
    _validate_scale(parsed)
    if not parsed.themes:
        parsed.problem(0, _("The instrument has no themes."))
    seen_themes: set[str] = set()
    for theme in parsed.themes:
        if not theme.name:
            parsed.problem(theme.line, _("A theme without a name."))
        elif len(theme.name) > MAX_NAME:
            parsed.problem(theme.line, _("The theme's name is longer than %(max)d characters.")
                           % {"max": MAX_NAME})
        elif theme.name.lower() in seen_themes:
            parsed.problem(theme.line, _("The theme “%(name)s” appears twice.")
                           % {"name": theme.name})
        seen_themes.add(theme.name.lower())
        if not theme.criteria:
            parsed.problem(theme.line, _("The theme “%(name)s” has no criteria.")
                           % {"name": theme.name})
        for line, text in theme.criteria:
            if not text:
                parsed.problem(line, _("An empty criterion."))
            elif len(text) > MAX_CRITERION:
                parsed.problem(line, _("The criterion is longer than %(max)d characters.")
                               % {"max": MAX_CRITERION})


def _validate_scale(parsed: _Parsed) -> None:
    if parsed.scale is None or not parsed.scale[1]:
        parsed.problem(parsed.scale[0] if parsed.scale else 0, _("The scale has no name."))
    if len(parsed.levels) < 2:
        parsed.problem(parsed.scale[0] if parsed.scale else 0,
                       _("A scale needs at least two levels."))
    names = [name.lower() for _where, name in parsed.levels]
    for index, (line, name) in enumerate(parsed.levels):
        if not name:
            parsed.problem(line, _("A level without a name."))
        elif len(name) > MAX_LEVEL_NAME:
            parsed.problem(line, _("The level's name is longer than %(max)d characters.")
                           % {"max": MAX_LEVEL_NAME})
        elif name.lower() in names[:index]:
            parsed.problem(line, _("The level “%(name)s” appears twice.") % {"name": name})
    if parsed.good_from is None or not parsed.good_from[1]:
        parsed.problem(parsed.scale[0] if parsed.scale else 0,
                       _("Say from which level quality is good (its number or name)."))
        return
    line, value = parsed.good_from
    if _good_from_value(parsed) is None:
        parsed.problem(line, _("“%(value)s” is not a level of the scale.") % {"value": value})


def _good_from_value(parsed: _Parsed) -> int | None:
    """The good-quality level's number (1 = lowest), from its number or its name."""
    value = parsed.good_from[1]
    if value.isdigit() and 1 <= int(value) <= len(parsed.levels):
        return int(value)
    names = [name.lower() for _where, name in parsed.levels]
    return names.index(value.lower()) + 1 if value.lower() in names else None


@transaction.atomic
def _save(parsed: _Parsed, kommune) -> TilsynInstrument:
    skala = Skala.objects.create(name=parsed.scale[1], good_from=_good_from_value(parsed))
    SkalaNiva.objects.bulk_create(
        SkalaNiva(skala=skala, value=number, name=name)
        for number, (_where, name) in enumerate(parsed.levels, start=1)
    )
    instrument = TilsynInstrument.objects.create(
        kommune=kommune, name=parsed.name[1], licence_note=parsed.licence,
        language=parsed.language[1] if parsed.language else "", skala=skala,
    )
    for order, theme in enumerate(parsed.themes, start=1):
        tema = Tema.objects.create(instrument=instrument, name=theme.name, order=order)
        Kriterium.objects.bulk_create(
            Kriterium(tema=tema, text=text, order=number)
            for number, (_where, text) in enumerate(theme.criteria, start=1)
        )
    return instrument
