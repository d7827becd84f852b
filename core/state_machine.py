"""State machines as explicit transition tables: one shape, one check, one error (pure: no queries, no I/O).

A machine is a table of transitions, each `(from, action) → to`. The action is a verb of its own
(a request is "accepted", a till transaction "times out") or, where a screen offers the next status
itself (a station, an order part, a report job), the target status: `StateMachine.from_moves` builds
that shape from `{from: {to, …}}`. A transition may apply only to some callers or kinds of row
(`only={"actor": {…}, "method": {…}}`), checked against the keyword arguments of `check`.

The machine neither locks, saves nor audits: a service locks the row (`select_for_update`), asks the
machine (`move(obj, action)` sets the new status and returns the old one), saves, and records its
event, in one transaction. `TransitionNotAllowed` is a `ValidationError`, so forms and views show it
as they show any other refusal; its code is "illegal_transition" unless the machine says otherwise.

Why not django-fsm-2, python-statemachine or viewflow's fsm: each keeps the table in decorators or
classes on the model (with signals around each move), which our rule "no domain logic in signals or
save()" and our pure, printable tables (workflow.py's docstring, the PostgreSQL triggers built from
the same tables) do not want; none is installed, and the whole of what we need is this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# A target for actions that do not move the status (a note, a claim): the row stays where it is.
SAME: Final = "=same"


class TransitionNotAllowed(ValidationError):
    """A move the current status — or who asks, or the kind of row — does not allow."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    # Context the move is limited to: {"actor": {...}, "method": {...}}; every key must be given to `check`.
    only: Mapping[str, frozenset[str]] = field(default_factory=dict)


class StateMachine:
    """One transition table with its check.

    `refused` is the message when the status does not allow the action; it may name
    %(status)s / %(from)s (the current status), %(to)s (the target) and %(action)s.
    `refused_when` gives another message and code when a transition exists but its `only` rule
    for a key fails: {"actor": (message, code)}; a key without one gets `refused`.
    """

    def __init__(
        self,
        statuses: type[models.TextChoices],
        transitions: Iterable[Transition],
        *,
        actions: type[models.TextChoices] | None = None,
        refused=None,
        unknown=None,
        code: str = "illegal_transition",
        refused_when: Mapping[str, tuple[Any, str]] | None = None,
    ):
        self.statuses, self.actions = statuses, actions
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.refused = refused or _("This is not possible while the status is “%(status)s”.")
        self.unknown, self.code, self.refused_when = unknown, code, dict(refused_when or {})
        self._table: dict[tuple[str, str], Transition] = {}
        for rule in self.transitions:
            for source in rule.sources:
                if (source, rule.action) in self._table:
                    raise ValueError(f"two transitions for {rule.action!r} from {source!r}")
                self._table[source, rule.action] = rule

    @classmethod
    def from_moves(
        cls, statuses: type[models.TextChoices], moves: Mapping[str, Iterable[str]], **options
    ) -> StateMachine:
        """A machine whose actions are the target statuses, from {from: {to, …}}."""
        options.setdefault("actions", statuses)
        return cls(
            statuses,
            [Transition(to, frozenset({source}), to) for source, targets in moves.items() for to in targets],
            **options,
        )

    # --- asking the table ---------------------------------------------------------------------------

    def target(self, status: str, action: str, **context: str) -> str:
        """The status after `action` from `status` (SAME for an action that keeps it); raises
        TransitionNotAllowed when the table, or the rule's `only`, does not allow it."""
        rule = self._table.get((status, action))
        if rule is None:
            if self.unknown is not None and not any(t.action == action for t in self.transitions):
                self._refuse(self.unknown, self.code, status, action)
            self._refuse(self.refused, self.code, status, action)
        for key, allowed in rule.only.items():
            if context[key] not in allowed:
                message, code = self.refused_when.get(key, (self.refused, self.code))
                self._refuse(message, code, status, action)
        return rule.target

    def check(self, status: str, action: str, **context: str) -> None:
        self.target(status, action, **context)

    def can(self, status: str, action: str, **context: str) -> bool:
        try:
            self.target(status, action, **context)
        except TransitionNotAllowed:
            return False
        return True

    def allowed_actions(self, status: str, **context: str) -> list[str]:
        """The actions allowed from `status` (for these context values), in table order, once each."""
        allowed: list[str] = []
        for rule in self.transitions:
            if (
                status in rule.sources
                and rule.action not in allowed
                and all(context[key] in values for key, values in rule.only.items())
            ):
                allowed.append(rule.action)
        return allowed

    def pairs(self) -> set[tuple[str, str]]:
        """Every (from, to) the table allows (actions that keep the status left out)."""
        return {
            (source, rule.target)
            for rule in self.transitions
            if rule.target != SAME
            for source in rule.sources
        }

    # --- moving a row ---------------------------------------------------------------------------------

    def move(self, obj, action: str, *, field: str = "status", **context: str) -> str:
        """Set `obj.<field>` to the status after `action` and return the status it had. The caller
        holds the row lock and saves; an action whose target is SAME leaves the field as it is."""
        previous = getattr(obj, field)
        target = self.target(previous, action, **context)
        if target != SAME:
            setattr(obj, field, target)
        return previous

    # --- the refusal ------------------------------------------------------------------------------------

    def _label(self, choices, value: str) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    def _refuse(self, message, code: str, status: str, action: str):
        rules = [t for t in self.transitions if t.action == action]
        to = rules[0].target if rules else action
        action_label = self._label(self.actions, action) if self.actions else str(action)
        to_label = self._label(self.statuses, to) if to != SAME else self._label(self.statuses, status)
        status_label = self._label(self.statuses, status)
        raise TransitionNotAllowed(
            str(message),
            code=code,
            params={"status": status_label, "from": status_label, "to": to_label, "action": action_label},
        )
