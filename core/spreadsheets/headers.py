"""What an import makes of a table: its columns found by header, problems by line, the report.

An importer declares its columns (`Column`: key, the Chinese header its export writes, accepted
aliases, required or not); `map_headers` finds them in any order, by Chinese or English name,
ignoring case, spaces, underscores, dashes and full-width brackets. Problems carry the line as the
spreadsheet shows it (header = 1; None for the file as a whole) and the column as the file names it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_STORED_PROBLEMS = 1000  # a report kept for a background import lists at most this many


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str
    message: str


def header_key(text: str) -> str:
    text = (text or "").replace("\ufeff", "").replace("（", "(").replace("）", ")").strip().lower()
    return re.sub(r"[\s_\-]+", "", text)


@dataclass
class HeaderMap:
    """Where each known column sits in the file and what the file calls it."""

    columns: Sequence[Column]
    index: dict[str, int] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.index

    def label(self, key: str) -> str:
        """The column's header as the file writes it, else the one the export writes."""
        return self.written.get(key) or next((c.header for c in self.columns if c.key == key), key)

    def cell(self, cells: Sequence[str], key: str) -> str:
        position = self.index.get(key)
        return cells[position] if position is not None and position < len(cells) else ""

    def order(self) -> dict[str, int]:
        """Column label → position in the file, for sorting problems in reading order."""
        return {self.label(key): position for key, position in self.index.items()}


def map_headers(headers: Sequence[str], columns: Sequence[Column]) -> HeaderMap:
    keys = {header_key(alias): column.key for column in columns
            for alias in (column.key, column.header, *column.aliases)}
    found = HeaderMap(columns=columns)
    for position, text in enumerate(headers):
        key = keys.get(header_key(text))
        if key is None:
            if text:
                found.ignored.append(text)
            continue
        if key in found.index:
            found.problems.append(Problem(1, text, _("Column “%(column)s” appears twice (as “%(first)s” too).")
                                          % {"column": text, "first": found.written[key]}))
            continue
        found.index[key], found.written[key] = position, text
    for column in columns:
        if column.required and column.key not in found.index:
            found.problems.append(Problem(1, column.header, _("The required column “%(column)s” is missing.")
                                          % {"column": column.header}))
    return found


# Excel shows a long number it cannot keep exactly as 1.30225E+17 and saves it so in CSV.
_EXCEL_SCIENTIFIC = re.compile(r"[+-]?\d(\.\d+)?E\+\d{1,3}")


def code_text(text: str) -> str:
    """A code cell (item code, product code, ID number) stripped; refused when a spreadsheet has
    turned the code into a number in scientific notation, whose digits are gone."""
    text = text.strip()
    if _EXCEL_SCIENTIFIC.fullmatch(text):
        raise ValidationError(_("“%(value)s” is a code that a spreadsheet turned into a number and cut short; "
                                "format the column as text, type the codes again and save.") % {"value": text})
    return text


def named_one(reference: str, by_code: dict, by_name: dict[str, list], *, several: str, missing: str,
              code: str | None = None):
    """What a cell names, by its code (`code`, else the cell as written) or else by a name only one has; or
    the message saying why there is none: `several` (with %(name)s) when the name is shared, `missing`
    (with %(ref)s) when nothing has that code or name."""
    found = by_code.get(reference if code is None else code)
    if found is not None:
        return found
    named = by_name.get(reference, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        return several % {"name": reference}
    return missing % {"ref": reference}


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: every problem with its line and column."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)
    problem_count: int = 0  # all problems found, when `problems` was cut short for storage

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.line is not None})

    @property
    def total_problems(self) -> int:
        return max(self.problem_count, len(self.problems))

    @property
    def unlisted_problems(self) -> int:
        return self.total_problems - len(self.problems)

    def refuse(self, problems: list[Problem]) -> ImportReport:
        """Nothing is imported: the counts go back to zero and the problems are the report."""
        self.problems = problems
        self.created = self.updated = self.unchanged = 0
        self.created_codes, self.updated_codes = [], []
        return self

    def as_dict(self) -> dict:
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "problems": [[p.line, p.column, p.message] for p in self.problems[:MAX_STORED_PROBLEMS]],
            "problem_count": len(self.problems), "ignored_columns": self.ignored_columns,
            "created_codes": self.created_codes, "updated_codes": self.updated_codes,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(**{**data, "problems": [Problem(*problem) for problem in data.get("problems", [])]})
