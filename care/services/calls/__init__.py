"""A care call from intake to the resident's rating: take, dispatch (offer, hand on), the responder's
answer and steps at the door, confirmation, cancellation, and the sweep that keeps the clock.

Every move goes through care/workflow.py's table under the call's row lock, with an audit event;
texts leave through the outbox after commit. Each write is idempotent: the intake by its form's key,
the responder's steps by the offer's state (a second tap changes nothing), the timeouts by the clock.

A package because the calls' services are many: intake.py (taking a call, the resident's help button),
dispatch.py (offering a call and the responder's answer and steps), closing.py (confirmation and rating,
the subsidy, cancellation), sweep.py (the clock's sweep, resolving alerts), common.py (what they share).
The pages, the tasks and the tests use them as `calls.<name>`, so the public names are here too.
"""

from care.services.calls.closing import (
    can_confirm,
    care_call_cancel,
    care_call_confirm,
    care_call_rate_by_resident,
    payee_code,
    subsidy_post,
)
from care.services.calls.common import alert_raise
from care.services.calls.dispatch import (
    candidates,
    care_call_arrive,
    care_call_complete,
    care_call_dispatch,
    care_offer_answer,
    care_offer_expire,
    suggestions,
)
from care.services.calls.intake import can_raise, care_call_take, care_help_button_give, care_help_press
from care.services.calls.sweep import call_steps, care_alert_resolve, care_calls_sweep

__all__ = [
    "alert_raise",
    "call_steps",
    "can_confirm",
    "can_raise",
    "candidates",
    "care_alert_resolve",
    "care_call_arrive",
    "care_call_cancel",
    "care_call_complete",
    "care_call_confirm",
    "care_call_dispatch",
    "care_call_rate_by_resident",
    "care_call_take",
    "care_calls_sweep",
    "care_help_button_give",
    "care_help_press",
    "care_offer_answer",
    "care_offer_expire",
    "payee_code",
    "subsidy_post",
    "suggestions",
]
