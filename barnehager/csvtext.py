"""Reading an uploaded CSV file the way spreadsheets in Norway and Denmark write it, for
every importer (historical observations, people).

Excel saves "CSV UTF-8" with a byte-order mark, and its plain "CSV (semicolon separated)"
in the system's code page, which in Norway and Denmark is Windows-1252; LibreOffice and
hand-written files come without the mark and with commas. `decode` reads any of them and
`reader` guesses the separator from the header line (comma, semicolon or tab).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from _csv import Reader

DELIMITERS = (",", ";", "\t")


class UnreadableFile(ValueError):
    """The content is not text in an encoding a spreadsheet writes; the message says so in
    the active language."""


def decode(data: bytes | str) -> str:
    """The file's text: UTF-8 with or without a byte-order mark, else Windows-1252."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_(
            "The file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8.")) \
            from error


def delimiter(text: str) -> str:
    """The separator the header line uses most."""
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=header.count)


def reader(text: str) -> Reader:
    """A csv.reader over `text` with its separator; `line_num` gives each row's line."""
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
