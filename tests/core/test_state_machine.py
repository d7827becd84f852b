"""core/state_machine.py: one table shape, one check, one error (the apps' own tables have their own tests)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from core.state_machine import SAME, StateMachine, Transition, TransitionNotAllowed


class Door(models.TextChoices):
    OPEN = "open", "Open"
    SHUT = "shut", "Shut"
    LOCKED = "locked", "Locked"


MACHINE = StateMachine(
    Door,
    [
        Transition("close", frozenset({Door.OPEN}), Door.SHUT),
        Transition("open", frozenset({Door.SHUT}), Door.OPEN),
        Transition("lock", frozenset({Door.SHUT}), Door.LOCKED, only={"who": frozenset({"warden"})}),
        Transition("knock", frozenset(Door), SAME),
    ],
    refused="Cannot %(action)s a door that is %(status)s.",
    unknown="%(action)s is not something a door does.",
    refused_when={"who": ("Only the warden may make it %(to)s.", "not_yours")},
)


def test_move_sets_the_new_status_and_returns_the_old_one():
    door = SimpleNamespace(status=Door.OPEN)
    assert MACHINE.move(door, "close") == Door.OPEN
    assert door.status == Door.SHUT


def test_an_action_that_keeps_the_status_leaves_the_row_alone():
    door = SimpleNamespace(status=Door.LOCKED)
    assert MACHINE.move(door, "knock") == Door.LOCKED and door.status == Door.LOCKED
    assert MACHINE.target(Door.LOCKED, "knock") == SAME


def test_a_refused_move_is_a_validation_error_naming_the_status_and_leaves_the_row_alone():
    door = SimpleNamespace(status=Door.LOCKED)
    with pytest.raises(TransitionNotAllowed) as refused:
        MACHINE.move(door, "open")
    assert isinstance(refused.value, ValidationError)
    assert refused.value.code == "illegal_transition"
    assert refused.value.messages == ["Cannot open a door that is Locked."]
    assert door.status == Door.LOCKED


def test_an_action_the_table_does_not_know_has_its_own_message():
    with pytest.raises(TransitionNotAllowed) as refused:
        MACHINE.check(Door.OPEN, "fly")
    assert refused.value.messages == ["fly is not something a door does."]


def test_a_move_limited_to_some_callers_is_refused_to_others_with_its_own_code():
    MACHINE.check(Door.SHUT, "lock", who="warden")
    with pytest.raises(TransitionNotAllowed) as refused:
        MACHINE.check(Door.SHUT, "lock", who="guest")
    assert refused.value.code == "not_yours"
    assert refused.value.messages == ["Only the warden may make it Locked."]
    assert not MACHINE.can(Door.SHUT, "lock", who="guest") and MACHINE.can(Door.SHUT, "lock", who="warden")


def test_allowed_actions_follow_table_order_and_context():
    assert MACHINE.allowed_actions(Door.SHUT, who="guest") == ["open", "knock"]
    assert MACHINE.allowed_actions(Door.SHUT, who="warden") == ["open", "lock", "knock"]


def test_pairs_leave_out_actions_that_keep_the_status():
    assert MACHINE.pairs() == {(Door.OPEN, Door.SHUT), (Door.SHUT, Door.OPEN), (Door.SHUT, Door.LOCKED)}


def test_from_moves_makes_the_target_status_the_action():
    machine = StateMachine.from_moves(Door, {Door.OPEN: {Door.SHUT}, Door.SHUT: {Door.OPEN, Door.LOCKED}})
    assert machine.target(Door.SHUT, Door.LOCKED) == Door.LOCKED
    assert set(machine.allowed_actions(Door.SHUT)) == {Door.OPEN, Door.LOCKED}
    with pytest.raises(TransitionNotAllowed):
        machine.check(Door.LOCKED, Door.OPEN)


def test_a_table_with_two_rules_for_one_status_and_action_is_refused():
    with pytest.raises(ValueError, match="two transitions"):
        StateMachine(
            Door,
            [
                Transition("close", frozenset({Door.OPEN}), Door.SHUT),
                Transition("close", frozenset({Door.OPEN}), Door.LOCKED),
            ],
        )


def test_the_default_refusal_is_translated():
    machine = StateMachine.from_moves(Door, {Door.OPEN: {Door.SHUT}})
    with translation.override("zh-hans"), pytest.raises(TransitionNotAllowed) as refused:
        machine.check(Door.SHUT, Door.OPEN)
    with translation.override("zh-hans"):
        assert refused.value.messages == ["当前状态为“Shut”，不能执行此操作。"]
