"""The request workflow's transition table: every (status, action) pair, legal and illegal.

The expected table is written out here by hand, independently of gov_services/requests/workflow.py, and
the whole Status × Action matrix is compared against it.
"""

import itertools

import pytest
from django.core.exceptions import ValidationError

from core.state_machine import TransitionNotAllowed
from gov_services.models import ServiceRequest
from gov_services.requests.workflow import (
    RETURNABLE,
    TRANSITIONS,
    Action,
    allowed_actions,
    transition,
)

S = ServiceRequest.Status
A = Action

# (action, from) → to. "back" means: the status the request was returned from.
EXPECTED = {
    (A.ACCEPT, S.SUBMITTED): S.ACCEPTED,
    (A.RETURN_FOR_SUPPLEMENT, S.SUBMITTED): S.RETURNED,
    (A.RETURN_FOR_SUPPLEMENT, S.ACCEPTED): S.RETURNED,
    (A.RETURN_FOR_SUPPLEMENT, S.UNDER_REVIEW): S.RETURNED,
    (A.RESUBMIT, S.RETURNED): "back",
    (A.REJECT, S.SUBMITTED): S.REJECTED,
    (A.START_REVIEW, S.ACCEPTED): S.UNDER_REVIEW,
    (A.APPROVE, S.UNDER_REVIEW): S.APPROVED,
    (A.REFUSE, S.UNDER_REVIEW): S.REFUSED,
    (A.COMPLETE, S.APPROVED): S.COMPLETED,
    (A.COMPLETE, S.REFUSED): S.COMPLETED,
    (A.RATE, S.COMPLETED): S.RATED,
    (A.CLOSE, S.RATED): S.CLOSED,
    (A.CLOSE, S.COMPLETED): S.CLOSED,
    (A.CLOSE, S.REJECTED): S.CLOSED,
    (A.EXPIRE, S.RETURNED): S.CLOSED,
    **{(A.REROUTE, s): s for s in (S.SUBMITTED, S.ACCEPTED, S.UNDER_REVIEW, S.RETURNED)},
    **{(A.STEP_DONE, s): s for s in (S.ACCEPTED, S.UNDER_REVIEW)},  # an optional step (inspection, notice)
    **{(action, s): s
       for action in (A.CLAIM, A.ASSIGN, A.TRANSFER)
       for s in (S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.UNDER_REVIEW, S.APPROVED, S.REFUSED)},
    **{(A.NOTE, s): s for s in S},
}

# Events that never move the status: the first event, and the supervision sweep's records.
EVENT_ONLY = {A.SUBMIT, A.CARD_YELLOW, A.CARD_RED, A.ESCALATE, A.RERATE, A.RATING_APPEAL, A.RATING_APPEAL_DECIDED,
              A.PUBLIC_REPLY, A.ADD_INFORMATION}
TABLE_ACTIONS = [a for a in A if a not in EVENT_ONLY]
MATRIX = list(itertools.product(TABLE_ACTIONS, S))


def test_the_matrix_covers_every_status_and_every_action():
    assert len(MATRIX) == len(S) * (len(A) - len(EVENT_ONLY)) == 10 * 17
    assert {t.action for t in TRANSITIONS} == set(TABLE_ACTIONS)


@pytest.mark.parametrize("action, status", [pair for pair in MATRIX if pair in EXPECTED])
def test_legal_move_leads_to_the_expected_status(action, status):
    expected = EXPECTED[(action, status)]
    if expected == "back":
        for origin in (S.SUBMITTED, S.ACCEPTED, S.UNDER_REVIEW):
            assert transition(status, action, returned_from=origin) == origin
    else:
        assert transition(status, action) == expected


@pytest.mark.parametrize("action, status", [pair for pair in MATRIX if pair not in EXPECTED])
def test_illegal_move_is_refused_naming_the_status_and_the_action(action, status):
    with pytest.raises(TransitionNotAllowed) as refused:
        transition(status, action, returned_from=S.ACCEPTED)
    message = refused.value.messages[0]
    assert str(status.label) in message and str(action.label) in message
    assert refused.value.code == "illegal_transition"


def test_illegal_transition_is_a_validation_error_so_forms_show_it():
    assert issubclass(TransitionNotAllowed, ValidationError)


def test_transition_accepts_plain_strings():
    assert transition("submitted", "accept") == S.ACCEPTED


def test_submit_is_only_the_first_event_never_a_move():
    with pytest.raises(TransitionNotAllowed):
        transition(S.SUBMITTED, A.SUBMIT)


@pytest.mark.parametrize("origin", [None, S.RETURNED, S.COMPLETED, S.APPROVED])
def test_resubmit_needs_a_status_the_request_can_have_been_returned_from(origin):
    with pytest.raises(ValueError, match="returned from"):
        transition(S.RETURNED, A.RESUBMIT, returned_from=origin)


def test_returnable_statuses_are_exactly_where_return_for_supplement_is_allowed():
    assert {s for (a, s) in EXPECTED if a == A.RETURN_FOR_SUPPLEMENT} == set(RETURNABLE)


@pytest.mark.parametrize("status", list(S))
def test_allowed_actions_lists_the_legal_actions_of_each_status(status):
    assert set(allowed_actions(status)) == {a for (a, s) in EXPECTED if s == status}


def test_closed_request_only_takes_notes():
    assert allowed_actions(S.CLOSED) == [A.NOTE]


def test_unknown_status_or_action_is_a_programming_error():
    with pytest.raises(ValueError):
        transition("lost", A.ACCEPT)
    with pytest.raises(ValueError):
        transition(S.SUBMITTED, "teleport")
