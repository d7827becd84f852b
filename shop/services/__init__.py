"""Writes of the store, one module per concern; re-exported here for callers."""

from shop.services.merchants import (
    merchant_application_approve,
    merchant_application_reject,
    merchant_application_submit,
    merchant_reinstate,
    merchant_revet,
    merchant_suspend,
    merchant_user_link,
)
from shop.services.orders import (
    order_part_code_resend,
    order_part_hand_over,
    order_part_move,
    order_parts_create,
)
from shop.services.payments import payment_event_handle, payment_start

__all__ = ["merchant_application_approve", "merchant_application_reject", "merchant_application_submit",
           "merchant_reinstate", "merchant_revet", "merchant_suspend", "merchant_user_link",
           "order_part_code_resend", "order_part_hand_over", "order_part_move", "order_parts_create",
           "payment_event_handle", "payment_start"]
