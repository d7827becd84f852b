"""What the database refuses whatever the code does: the SQLite half (docs/database-invariants.md).

PostgreSQL's triggers come with the apps' migrations. SQLite's are declared by each app as
`SQLITE_TRIGGERS` in `<app>/db_invariants.py` and made by `migrate`: dropped before the migrations
run and created again after them from the current code, because Django alters a SQLite table by
building a new one and dropping the old, which takes the old table's triggers with it.
Every refusal is RAISE(ABORT, …), which Django raises as IntegrityError.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from django.utils.module_loading import module_has_submodule

from core.state_machine import StateMachine

PREFIX = "cz_"  # every trigger made here, so that the set can be dropped and made again whole


@dataclass(frozen=True)
class Trigger:
    name: str
    body: str  # what follows CREATE TRIGGER <name>

    @property
    def sql(self) -> str:
        return f"CREATE TRIGGER {self.name} {self.body}"


def refuse(message: str) -> str:
    """The trigger program that aborts the statement with `message` (no quotes in it)."""
    return f"BEGIN SELECT RAISE(ABORT, '{message}'); END"


def sql_list(values: Iterable[str]) -> str:
    """'a', 'b', … for an IN (…)."""
    return ", ".join(f"'{value}'" for value in values)


def append_only(table: str) -> list[Trigger]:
    """No row of `table` is ever updated or deleted (SQLite has no TRUNCATE: its DELETE is refused)."""
    return [Trigger(f"{PREFIX}{table}_no_{op.lower()}",
                    f"BEFORE {op} ON {table} {refuse(f'{table} rows are append-only: {op} refused')}")
            for op in ("UPDATE", "DELETE")]


def kept(table: str) -> list[Trigger]:
    """Rows of `table` may change (as their own rules allow) but are never deleted."""
    return [Trigger(f"{PREFIX}{table}_kept", f"BEFORE DELETE ON {table} {refuse(f'{table} rows are kept: DELETE refused')}")]


def moves(machine: StateMachine, *, created: Iterable[str], also: Iterable[str] = ()) -> tuple[str, ...]:
    """A state machine's moves as "from>to" (">to" for a status a row is created with)."""
    pairs = {f"{source}>{target}" for source, target in machine.pairs()}
    return tuple(sorted(pairs | {f">{status}" for status in created} | set(also)))


def status_moves(table: str, allowed: Sequence[str], *, column: str = "status") -> list[Trigger]:
    """`column` is created and moves only as `allowed` says (see `moves`)."""
    created = [move[1:] for move in allowed if move.startswith(">")]
    steps = [move for move in allowed if not move.startswith(">")]
    message = f"{table}: {column} move not in its state machine"
    return [
        Trigger(f"{PREFIX}{table}_{column}_created",
                f"BEFORE INSERT ON {table} WHEN NEW.{column} NOT IN ({sql_list(created)}) {refuse(message)}"),
        Trigger(f"{PREFIX}{table}_{column}_moves",
                f"BEFORE UPDATE OF {column} ON {table} WHEN NEW.{column} <> OLD.{column} "
                f"AND OLD.{column} || '>' || NEW.{column} NOT IN ({sql_list(steps)}) {refuse(message)}"),
    ]


def changed(columns: Iterable[str]) -> str:
    """SQL that is true when an UPDATE changes any of `columns`."""
    columns = list(columns)
    return f"({', '.join(f'NEW.{c}' for c in columns)}) IS NOT ({', '.join(f'OLD.{c}' for c in columns)})"


def columns_of(model, *, leaving: Iterable[str] = ()) -> list[str]:
    """The model's column names but those of the fields named in `leaving`."""
    leaving = set(leaving)
    return [field.column for field in model._meta.concrete_fields if field.name not in leaving]


def final_is_kept(table: str, columns: Iterable[str], finals: Iterable[str]) -> list[Trigger]:
    """A row whose status is one of `finals` does not change any more."""
    return [Trigger(f"{PREFIX}{table}_final_is_kept",
                    f"BEFORE UPDATE ON {table} WHEN OLD.status IN ({sql_list(finals)}) AND {changed(columns)} "
                    f"{refuse(f'{table} rows are final: UPDATE refused')}")]


def _sqlite_triggers(app_config) -> list[Trigger]:
    if not module_has_submodule(app_config.module, "db_invariants"):
        return []
    return list(getattr(import_module(f"{app_config.name}.db_invariants"), "SQLITE_TRIGGERS", []))


def append_only_tables() -> frozenset[str]:
    """The tables whose rows are never updated (append_only, as every app declares it): a service that
    would move a reference held by such a row refuses instead of meeting the database's refusal."""
    from django.apps import apps

    suffix = "_no_update"
    return frozenset(trigger.name[len(PREFIX):-len(suffix)] for app_config in apps.get_app_configs()
                     for trigger in _sqlite_triggers(app_config) if trigger.name.endswith(suffix))


def drop_sqlite_triggers(*, using: str, **kwargs) -> None:
    """pre_migrate: SQLite's rebuilt tables must not meet triggers that name them."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
                       [PREFIX.replace("_", "\\_") + "%"])
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def create_sqlite_triggers(*, app_config, using: str, **kwargs) -> None:
    """post_migrate: the app's triggers, as its current code declares them."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for trigger in _sqlite_triggers(app_config):
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")
            cursor.execute(trigger.sql)


SQLITE_TRIGGERS = [*append_only("core_auditevent"), *append_only("core_auditseal")]
