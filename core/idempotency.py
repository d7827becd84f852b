"""Idempotent create: insert a row under a client's key (and a unique random code), replay the first result.

A form carries a key made when it was rendered (`idempotency_key`, a card attempt's `attempt_key`, …);
the row it creates holds that key under a unique index. A resend finds the row and gets it back
(`replay` may refuse a resend whose content differs, or a stranger asking for someone else's row).
Two sends at the same moment both miss the look-up; the second insert then waits on the unique
index until the first commits, fails, and gets the first row instead: one row, both callers get it.
A row with a unique random code (a reference, a tracking code) gets a fresh code when the code,
not the key, collided.

    row, created = create_once(Model, key={"idempotency_key": key}, build=lambda: Model(...),
                               replay=check_same_content, code="reference", new_code=new_reference)
    if not created:
        return row           # the first result; nothing more to do
    ...                      # the rest of the first submit: events, audit, side effects on commit

`build` runs inside a savepoint, so whatever it wrote is undone when a concurrent send wins.
Where the look-up and the insert are far apart, a service calls `insert_once` itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

Row = TypeVar("Row", bound=models.Model)
DEFAULT_ATTEMPTS = 8


def fingerprint(**content) -> str:
    """A digest of what a form carried, to tell a resend from other content under the same key."""
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def idempotency_conflict(message: str | None = None) -> ValidationError:
    """The refusal for a key sent again with other content (code "idempotency_conflict")."""
    return ValidationError(
        message
        or _(
            "This form was already sent with different content. Reload the page to start a new transaction."
        ),
        code="idempotency_conflict",
    )


def insert_once(
    row: Row,
    *,
    key: str | Sequence[str] = "idempotency_key",
    code: str | None = None,
    new_code: Callable[[], str] | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
) -> Row | None:
    """Insert `row` in a savepoint. None when it went in, or the row that already holds its `key` (a
    field, or several that are unique together: a concurrent send won). With `code`, each try sets `row.<code> = new_code()` and a collision on
    the code alone is tried again; any other integrity error is raised."""
    if (code is None) != (new_code is None):
        raise TypeError("insert_once needs both code and new_code, or neither")
    manager = type(row)._default_manager
    fields = (key,) if isinstance(key, str) else tuple(key)
    for _attempt in range(attempts if code else 1):
        if code:
            setattr(row, code, new_code())
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            return None
        except IntegrityError:
            winner = manager.filter(**{field: getattr(row, field) for field in fields}).first()
            if winner is not None:
                return winner
            if code is None or not manager.filter(**{code: getattr(row, code)}).exists():
                raise
    raise RuntimeError(f"Could not find a free {code} for {type(row).__name__}.")


class _Lost(Exception):
    def __init__(self, winner, row):
        self.winner, self.row = winner, row


def create_once(
    model: type[Row],
    *,
    key: Mapping[str, Any],
    build: Callable[[], Row],
    replay: Callable[[Row], Row] | None = None,
    code: str | None = None,
    new_code: Callable[[], str] | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    on_lost: Callable[[Row], None] | None = None,
) -> tuple[Row, bool]:
    """The row created under `key` ({field: value, …}) and True; or the first row for that key, through
    `replay`, and False. `build()` checks the input and returns the unsaved row (it may write what the
    row needs: a savepoint undoes it if a concurrent send wins, and then `on_lost(row)` cleans up
    anything outside the database, such as a stored file)."""
    replay = replay or (lambda row: row)
    existing = model._default_manager.filter(**key).first()
    if existing is not None:
        return replay(existing), False
    try:
        with transaction.atomic():
            row = build()
            for field, value in key.items():
                setattr(row, field, value)
            winner = insert_once(row, key=tuple(key), code=code, new_code=new_code, attempts=attempts)
            if winner is not None:
                raise _Lost(winner, row)  # undo what build() wrote
    except _Lost as lost:
        if on_lost is not None:
            on_lost(lost.row)
        return replay(lost.winner), False
    return row, True
