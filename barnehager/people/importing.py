"""Importing people from a CSV file into one municipality: all of it, or nothing.

One row per person (each address once): `email, first_name, last_name, role, kindergarten` and
optionally `language` (the header may also use the Norwegian or Danish words, see
`HEADER_NAMES`). The file is read as Excel writes it in Norway and Denmark (UTF-8 with or
without a byte-order mark, or Windows-1252; comma or semicolon: `barnehager.csvtext`).

Every row is checked before anything is written; one bad row and the file is refused, each
problem reported with its line number (the first 100 of them, `barnehager.problems`):
an unknown role or language, a kindergarten the municipality does not have (one of another
municipality is "not found" too, so nothing of another tenant shows), a role that does not
fit the kindergarten column (`Membership.clean`), an address twice in the file, an address
in use by an account outside the admin's reach ("already in use", nothing more).

A new address becomes a new person invited the one way invitations go
(`services.invite`: the audit entry and the outbox message `send_invitation`, in the
import's transaction). An address of someone the admin already manages
(`User.objects.managed_by`) gets the row's role added, without a new invitation and with
her name and language left as they are; a row whose role she holds already changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from barnehager import audit, csvtext
from barnehager.models import AuditAction, Barnehage, Kommune, Membership, Role, User
from barnehager.people import services
from barnehager.problems import ImportFailed

# The template's header, in this order.
COLUMNS = ("email", "first_name", "last_name", "role", "kindergarten", "language")
REQUIRED_COLUMNS = ("email", "first_name", "last_name", "role")
# What a header cell may say for each column (compared in lower case).
HEADER_NAMES = {
    "email": {"email", "e-mail", "e-post", "epost", "mail"},
    "first_name": {"first_name", "first name", "fornavn"},
    "last_name": {"last_name", "last name", "etternavn", "efternavn"},
    "role": {"role", "rolle"},
    "kindergarten": {"kindergarten", "barnehage", "børnehave"},
    "language": {"language", "språk", "sprog"},
}
NAME_LENGTH = 150
# The languages a person's own choice may name: the codes, and the names in each language.
LANGUAGES = ("nb", "da", "en")


@dataclass
class ImportResult:
    invited: list[User] = field(default_factory=list)
    # Roles given to people of the municipality who had an account.
    roles_added: int = 0
    # Rows whose person held the role already.
    unchanged: int = 0


@dataclass
class _Row:
    line: int
    email: str
    first_name: str
    last_name: str
    role: str
    barnehage: Barnehage | None
    language: str
    person: User | None = None


def import_people(by: User, kommune: Kommune, data: bytes | str) -> ImportResult:
    """Imports `data` (the CSV file's content) into `kommune`, which `by` must administer.
    Raises ImportFailed and writes nothing on any error."""
    services.check_kommune(by, kommune)
    rows = _Parser(by, kommune).parse(data)
    result = ImportResult()
    try:
        with transaction.atomic():
            for row in rows:
                if row.person is None:
                    result.invited.append(services.invite(
                        by, email=row.email, first_name=row.first_name,
                        last_name=row.last_name, role=row.role, kommune=kommune,
                        barnehage=row.barnehage, language=row.language))
                elif _has_role(row.person, row.role, kommune, row.barnehage):
                    result.unchanged += 1
                else:
                    services.add_role(by, row.person, role=row.role, kommune=kommune,
                                      barnehage=row.barnehage)
                    result.roles_added += 1
            audit.record(AuditAction.IMPORT, actor=by, label="people", kommune=kommune,
                         details={"invited": len(result.invited),
                                  "roles_added": result.roles_added,
                                  "unchanged": result.unchanged})
    except ValidationError as error:
        # Someone took one of the addresses between the check and the write.
        raise ImportFailed([_("Nothing was saved: %(reason)s Upload the file again.")
                            % {"reason": " ".join(error.messages)}]) from error
    return result


def _has_role(person: User, role: str, kommune: Kommune, barnehage: Barnehage | None) -> bool:
    return Membership.objects.filter(user=person, role=role, kommune=kommune,
                                     barnehage=barnehage).exists()


def _line(number: int, message: str) -> str:
    return _("Line %(line)s: %(message)s") % {"line": number, "message": message}


def role_names() -> dict[str, str]:
    """Each role by its code and by its name in every language of the product."""
    names = {code: code for code in Role.values}
    for language in LANGUAGES:
        with translation.override(language):
            names.update({str(label).lower(): code for code, label in Role.choices})
    return names


def language_names() -> dict[str, str]:
    choices = User._meta.get_field("language").choices or []
    names = {code: code for code, _label in choices}
    names.update({str(label).lower(): code for code, label in choices})
    return names


class _Parser:
    def __init__(self, by: User, kommune: Kommune):
        self.by = by
        self.kommune = kommune
        # (line, problem): sorted by line when the file is refused.
        self.errors: list[tuple[int, str]] = []
        self.roles = role_names()
        self.languages = language_names()
        self.barnehager = {barnehage.name.strip().lower(): barnehage
                           for barnehage in Barnehage.objects.filter(kommune=kommune)}

    def parse(self, data: bytes | str) -> list[_Row]:
        try:
            text = csvtext.decode(data)
        except csvtext.UnreadableFile as error:
            raise ImportFailed([str(error)]) from error
        reader = csvtext.reader(text)
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFailed([_line(1, _("the file is empty."))])
        columns = self._columns(header)
        rows: list[_Row] = []
        first_lines: dict[str, int] = {}
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
                self.errors.append((line, _("%(found)s values for %(expected)s columns.")
                                    % {"found": len(values), "expected": len(header)}))
                continue
            cells = {name: (values[index].strip() if index < len(values) else "")
                     for name, index in columns.items()}
            email = cells["email"].lower()
            first = first_lines.setdefault(email, line) if email else line
            if first != line:
                self.errors.append((line, _(
                    "the address %(email)s is already on line %(first)s.")
                    % {"email": email, "first": first}))
                continue
            row = self._row(line, cells)
            if row is not None:
                rows.append(row)
        if not rows and not self.errors:
            self.errors.append((2, _("the file has no rows.")))
        self._check_accounts(rows)
        if self.errors:
            raise ImportFailed([_line(line, problem) for line, problem
                                in sorted(self.errors, key=lambda error: error[0])])
        return rows

    def _columns(self, header: list[str]) -> dict[str, int]:
        names = {alias: column for column, aliases in HEADER_NAMES.items() for alias in aliases}
        columns: dict[str, int] = {}
        problems = []
        for index, raw in enumerate(header):
            name = " ".join(raw.strip().lower().split())
            if not name:
                continue
            column = names.get(name)
            if column is None:
                problems.append(_("unknown column %(name)s") % {"name": raw.strip()})
            elif column in columns:
                problems.append(_("the column %(name)s is there twice") % {"name": raw.strip()})
            else:
                columns[column] = index
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        if problems:
            raise ImportFailed([_line(1, "; ".join(problems) + ".")])
        return columns

    def _row(self, line: int, cells: dict[str, str]) -> _Row | None:
        problems = []
        email = cells["email"].lower()
        if not email:
            problems.append(_("the e-mail address is missing."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("%(email)s is not an e-mail address.") % {"email": email})
            else:
                if len(email) > NAME_LENGTH:
                    problems.append(_("the e-mail address is longer than %(max)s characters.")
                                    % {"max": NAME_LENGTH})
        first_name, last_name = cells["first_name"], cells["last_name"]
        if len(first_name) > NAME_LENGTH or len(last_name) > NAME_LENGTH:
            problems.append(_("a name is longer than %(max)s characters.")
                            % {"max": NAME_LENGTH})
        role = self.roles.get(" ".join(cells["role"].lower().split()))
        if role is None:
            problems.append(_("%(value)s is not a role; use one of %(roles)s.") % {
                "value": cells["role"] or "–", "roles": ", ".join(Role.values)})
        barnehage = None
        name = cells.get("kindergarten", "")
        if name:
            barnehage = self.barnehager.get(" ".join(name.lower().split()))
            if barnehage is None:
                problems.append(_("%(kommune)s has no kindergarten named %(name)s.") % {
                    "kommune": self.kommune.name, "name": name})
        language = ""
        if cells.get("language"):
            language = self.languages.get(cells["language"].lower(), "")
            if not language:
                problems.append(_("%(value)s is not a language; use one of %(languages)s.")
                                % {"value": cells["language"],
                                   "languages": ", ".join(LANGUAGES)})
        if role is not None and (barnehage is not None or not name):
            try:
                Membership(role=role, kommune=self.kommune, barnehage=barnehage).clean()
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            self.errors.extend((line, problem) for problem in problems)
            return None
        assert role is not None
        return _Row(line=line, email=email, first_name=first_name, last_name=last_name,
                    role=role, barnehage=barnehage, language=language)

    def _check_accounts(self, rows: list[_Row]) -> None:
        """Each address: new, someone the admin manages, or in use (said no more plainly:
        whose account it is belongs to another municipality)."""
        by_email = {row.email: row for row in rows}
        if not by_email:
            return
        query = Q()
        for email in by_email:
            query |= Q(email__iexact=email) | Q(username__iexact=email)
        accounts = list(User.objects.filter(query))
        refused: set[int] = set()
        managed = set(User.objects.managed_by(self.by).filter(
            pk__in=[account.pk for account in accounts]).values_list("pk", flat=True))
        for account in accounts:
            for email in {account.email.lower(), account.username.lower()}:
                row = by_email.get(email)
                if row is None:
                    continue
                if row.line in refused:
                    continue
                if account.pk not in managed:
                    refused.add(row.line)
                    self.errors.append((row.line, _(
                        "the address %(email)s is already in use.") % {"email": row.email}))
                elif not account.is_active:
                    refused.add(row.line)
                    self.errors.append((row.line, _(
                        "%(email)s is deactivated; activate her on her page first.")
                        % {"email": row.email}))
                else:
                    row.person = account
        for row in rows:
            if row.person is None and row.line not in refused and not (
                    row.first_name and row.last_name):
                self.errors.append((row.line, _("a new person needs a first and a last name.")))
