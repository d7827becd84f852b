"""The parts every sheet of the till's set-up import is made of: a cell (column, field, how its text is
read and written back), a row read from a file, the write planned for it, and the sheet itself.

Kept apart from the three sheets (setup_import_sheets.py) and the import that runs them
(setup_import.py), which both use them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS

from core.spreadsheets import Column

KIND_PREFIX = "agency.setup."


class RowProblem(Exception):
    """Problems found while planning a row: (column key or "", message) pairs, and the row's line when the
    batch planned has several rows (a plan's versions)."""

    def __init__(self, problems: list[tuple[str, str]], line: int | None = None):
        super().__init__(problems)
        self.problems, self.line = problems, line


@dataclass(frozen=True)
class Cell:
    """A column, the field it fills, how its text is read, and the value of an empty cell (None: the
    cell may not be empty)."""

    column: Column
    field: str
    parse: Callable[[str], object]
    empty: object = None
    required_cell: bool = False
    show: Callable[[object], str] = str          # the value as the export (and the example files) write it
    get: Callable[[object], object] | None = None  # the value from an exported row (else its attribute `field`)


@dataclass
class Planned:
    line: int
    label: str                      # how the report names the row
    action: str                     # "create" | "update" | "unchanged"
    changed: list[str] = field(default_factory=list)  # the columns whose values change
    write: Callable[[], object] | None = None


@dataclass(frozen=True)
class SetupSheet:
    key: str
    title: object                    # lazy text for the pages
    permission: str
    cells: tuple[Cell, ...]
    plan: Callable                   # (rows, header map, actor) → list[Planned]; raises RowProblem per batch
    key_fields: tuple[str, ...] = ("code",)  # what names a row: two rows of a file never share it
    batched_by_code: bool = False    # rows with one code are planned together (a plan's versions)

    @property
    def columns(self) -> list[Column]:
        return [cell.column for cell in self.cells]

    @property
    def kind(self) -> str:
        return KIND_PREFIX + self.key

    def column_of(self, field_name: str) -> str:
        return next((cell.column.key for cell in self.cells if cell.field == field_name), "")


@dataclass
class Row:
    line: int
    values: dict                      # field → value, for the columns the file has


def field_problems(sheet: SetupSheet, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(sheet.column_of(name) if name != NON_FIELD_ERRORS else "", message)
            for name, messages in errors.items() for message in messages]


def label_changes(sheet: SetupSheet, changes: dict) -> list[str]:
    labels = []
    for name in changes:
        column = sheet.column_of(name)
        header = next((c.column.header for c in sheet.cells if c.column.key == column), name)
        labels.append(header)
    return labels


def planned_update(row: Row, label: str, changes: dict, sheet: SetupSheet, write) -> Planned:
    """A known row: `write` applies its changes, or nothing happens when there are none."""
    if not changes:
        return Planned(row.line, label, "unchanged")
    return Planned(row.line, label, "update", label_changes(sheet, changes), write)
